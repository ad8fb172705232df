"""The help screen: every key, what the panels mean."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

KEYS = (
    ("a", "add a signal (form: kind, Admiralty grade, date, actor, note, source)"),
    ("x", "retract the selected signal (it stays in the log, struck through)"),
    ("↑ ↓", "select a signal in the log"),
    ("enter", "the whole selected signal: fields, grade in words, effect, evidence"),
    ("g", "replay up to the selected signal"),
    ("n  →", "replay: next step"),
    ("p  ←", "replay: previous step"),
    ("space", "replay: play / pause"),
    ("s", "sensitivity: break-even P(expansionist), what-if prior"),
    ("e", "export the case or timeline to a TOML file"),
    ("l", "evidence ledger: what each report contributed to the log-odds, P(exp) without it"),
    ("m", "map a stored case's unresolved actors to the scenario's roles (as aliases)"),
    ("ctrl+s", "save this timeline as a case in the database (reasons included)"),
    ("ctrl+t", "light / dark theme (remembered)"),
    ("1-4  tab", "small terminal: signals, beliefs, trajectory, watch pages"),
    ("ctrl+p", "command palette: every action by name"),
    ("?", "this help"),
    ("q", "quit"),
)

KEYS_MARKUP = "[b]Keys[/]\n" + "\n".join(f"  [b $text-primary]{k:<8}[/] {v}" for k, v in KEYS)

HELP = """\
## What the panels show

- **Signals**: ▸ marks the replay step (rows after it are dimmed: not yet
  seen); ⇄ marks a signal after which the recommendation flipped; ✗ and strike-through
  mark retracted signals, which no longer count.
- **Beliefs**: posterior mean of P(adversary expansionist), ally reliability and
  ally recklessness; the bar is the 90% highest-density interval on [0, 1]; the
  change is from the step before (the last signal's effect).
- **Recommendation**: the four postures (firm/conciliate toward the adversary ×
  support/restrain the ally) with expected utility, P(best) and their risks
  (spiral, exploitation, abandonment, entrapment); ★ marks the recommendation.
  Break-even is the P(expansionist) at which the best firm and best conciliatory
  options tie; EVPI is what perfect information would be worth.
- **What to watch**: the signal kinds whose next report would change the
  decision most (expected value of sample information).
- **Status line**: sampler diagnostics; it turns into a warning when R-hat,
  ESS or divergences say the numbers cannot be trusted.

Press `escape` or `?` to close.
"""


class HelpScreen(ModalScreen[None]):
    """All keys and a glossary."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="help") as box:
            box.border_title = "Help"
            yield Static(KEYS_MARKUP, id="keys")
            yield Markdown(HELP)

    def action_close(self) -> None:
        self.dismiss(None)
