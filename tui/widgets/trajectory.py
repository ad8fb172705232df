"""The trajectory of P(expansionist) and ally reliability over the replay steps (plotext)."""

from __future__ import annotations

from textual_plotext import PlotextPlot


class TrajectoryPlot(PlotextPlot):
    """Both beliefs against the step number, with the current step marked."""

    points: list[tuple[int, float, float]]

    def on_mount(self) -> None:
        self.points = []
        self.show([], 0, 0)

    def show(self, points: list[tuple[int, float, float]], step: int, n: int) -> None:
        self.points = list(points)
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
            plt.plot(xs, [p[1] for p in points], marker="braille", color="gray")
            plt.plot(xs, [p[2] for p in points], marker="braille", color="gray")
        if seen:
            xs = [p[0] for p in seen]
            plt.plot(xs, [p[1] for p in seen], marker="braille", color="red")
            plt.plot(xs, [p[2] for p in seen], marker="braille", color="cyan")
        plt.vline(step, color="gray")
        plt.xlabel("step")
        self.refresh()
