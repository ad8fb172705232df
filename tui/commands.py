"""The command palette (ctrl+p): the same actions as the keys, by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: (name, help, action string on the app, key)
ACTIONS = (
    ("Add a signal", "open the add-signal form", "add_signal", "a"),
    ("Retract the selected signal", "withdraw a signal, with a reason", "retract", "x"),
    ("Next step", "replay: one signal forward", "step(1)", "n"),
    ("Previous step", "replay: one signal back", "step(-1)", "p"),
    ("Play / pause the replay", "step through the signals", "play", "space"),
    ("Sensitivity", "break-even P(expansionist), what-if prior", "sensitivity", "s"),
    ("Export to TOML", "write the case or timeline as a timeline file", "export", "e"),
    ("Map unresolved actors", "a stored case's free-text actors to the scenario's roles", "map_actors", "m"),
    ("Save as a case", "store this timeline in the case database", "save_case", "ctrl+s"),
    ("Replay to the selected signal", "replay up to and including it", "go_selected", "g"),
    ("Light / dark theme", "switch between the checked themes (remembered)", "toggle_theme", "ctrl+t"),
    ("Help", "all keys", "help", "?"),
    ("Quit", "leave beliefs", "quit", "q"),
)


class BeliefsCommands(Provider):
    """Every main-screen action."""

    def _run(self, action: str) -> Callable[[], object]:
        return partial(self.app.call_later, self.app.run_action, action)

    async def discover(self) -> Hits:
        for name, help_text, action, key in ACTIONS:
            yield DiscoveryHit(f"{name}  ({key})", self._run(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action, key in ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(f"{name}  ({key})"), self._run(action), help=help_text)
