"""The trajectory of P(expansionist) and ally reliability over the replay steps (plotext).

Line colours are the theme's tokens ($text-error, $text-primary, $text-muted for
the replay's future), resolved to RGB for plotext and redrawn when the theme changes.
"""

from __future__ import annotations

from textual_plotext import PlotextPlot

from tui.theme import rgb


class TrajectoryPlot(PlotextPlot):
    """Both beliefs against the step number, with the current step marked."""

    points: list[tuple[int, float, float]]

    def on_mount(self) -> None:
        self.points = []
        self._last: tuple[int, int] = (0, 0)
        self.show([], 0, 0)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(self.points, *self._last))

    def show(self, points: list[tuple[int, float, float]], step: int, n: int) -> None:
        self.points = list(points)
        self._last = (step, n)
        tokens = self.app.theme_variables
        red, blue, grey = (rgb(tokens, t) for t in ("text-error", "text-primary", "text-muted"))
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.ylim(0.0, 1.0)
        plt.xlim(0, max(n, 1))
        plt.yticks([0.0, 0.5, 1.0])
        ticks = [float(t) for t in range(0, n + 1, max(1, (n + 1) // 8))]
        plt.xticks(ticks, [str(int(t)) for t in ticks])
        seen = [p for p in points if p[0] <= step]
        if len(seen) < len(points):  # the replay's future, in grey
            xs = [p[0] for p in points]
            plt.plot(xs, [p[1] for p in points], marker="braille", color=grey)
            plt.plot(xs, [p[2] for p in points], marker="braille", color=grey)
        if seen:
            xs = [p[0] for p in seen]
            plt.plot(xs, [p[1] for p in seen], marker="braille", color=red)
            plt.plot(xs, [p[2] for p in seen], marker="braille", color=blue)
        plt.vline(step, color=grey)
        plt.xlabel("step")
        self.refresh()
