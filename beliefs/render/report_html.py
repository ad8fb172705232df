"""The briefing as one self-contained HTML page (Jinja2, autoescaped).

Everything a reader needs is inline: the stylesheet, the figures as SVG. The
page loads nothing from anywhere (no script, no font, no image URL), so it
opens offline and prints as it shows (A4 or Letter: the page box takes the
printer's paper). Every string from a timeline, a case or the command line is
escaped by Jinja2's autoescape and stripped of control and invisible (bidi, zero-width) characters by the
environment's ``finalize``; only the SVG that :mod:`beliefs.render.report_figures`
draws (fixed words and numbers) is marked safe.
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

from beliefs.catalog import CREDIBILITY_MEANING, RELIABILITY_MEANING
from beliefs.render import report_figures as figs
from beliefs.text import HIDDEN_IN_PROSE


def _clean(value: Any) -> Any:
    """Drop control and invisible characters (tab and newline stay) from every printed string (beliefs.text)."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return HIDDEN_IN_PROSE.sub("", value)
    return "" if value is None else value


def grade_words(grade: str) -> str:
    if len(grade) != 2:
        return ""
    return f"({RELIABILITY_MEANING.get(grade[0], '?')}; {CREDIBILITY_MEANING.get(grade[1], '?')})"


WORDS = {
    "firm": "stand firm toward the adversary",
    "conciliate": "conciliate the adversary",
    "support": "support the ally",
    "restrain": "restrain the ally",
}


def recommendation_sentence(rec: dict[str, Any]) -> str:
    """The recommendation in one sentence, a tie said as a tie (the same verdict the CLI prints)."""
    if rec.get("determinate", True):
        adv, ally = rec["best"].split("+")
        sentence = f"{WORDS[adv]}; {WORDS[ally]}."
    else:
        sentence = str(rec.get("verdict", "")).rstrip(".") + "."
    return sentence[0].upper() + sentence[1:]


def recommendation_detail(rec: dict[str, Any]) -> str:
    best = next(o for o in rec["options"] if o["option"] == rec["best"])
    lo, hi = best["expected_utility"]["hdi_90"]
    return (
        f"Highest expected utility: {rec['best']} ({best['expected_utility']['mean']:+.2f} EU, 90% interval "
        f"[{lo:+.2f}, {hi:+.2f}]), best in {100 * rec['p_best']:.0f}% of posterior draws, "
        f"{rec['margin']:+.2f} EU ahead of the runner-up."
    )


def diagnostics_text(diag: dict[str, Any]) -> str:
    method = diag.get("method", "nuts")
    if method == "importance":
        parts = [
            "importance sampling"
            + (" (adapted proposal)" if diag.get("proposal") == "adapted" else "")
            + f", Pareto k̂ {diag.get('pareto_k', float('nan')):.2f}",
            f"ESS {diag.get('ess', 0):.0f}",
        ]
    else:
        parts = [
            f"NUTS ({diag.get('sampler', '?')}, {diag.get('chains', '?')} chains × {diag.get('draws', '?')} draws)",
            f"R-hat max {diag.get('r_hat_max', float('nan')):.3f}",
            f"bulk ESS min {diag.get('ess_bulk_min', 0):.0f}",
            f"{diag.get('divergences', 0)} divergences",
        ]
    problems = diag.get("problems") or []
    if problems:
        parts.append("problems: " + "; ".join(str(x) for x in problems))
    return ", ".join(parts) + "."


def watch_reading(w: dict[str, Any]) -> str:
    from beliefs.decision.evsi import WatchItem

    return WatchItem.from_dict(w).reading()


def watch_text(rec: dict[str, Any]) -> str:
    if not rec.get("watch") or rec.get("watch_could_change") is False:
        return "No single report could change the recommendation."
    return (
        "The kinds of report whose observation would be worth most to the decision (expected value of sample "
        "information), with the best option if the kind is seen and if it is watched for and not seen by then: "
        "an absence that would change the recommendation is worth entering as 'not seen' when it does not come."
    )


def _evidence(final: dict[str, Any], signals: list[dict[str, Any]]) -> dict[str, Any] | None:
    ev = final.get("evidence")
    if not ev:
        return None
    rows = []
    for r in sorted(ev.get("reports", []), key=lambda r: -abs(r["contribution_logodds"])):
        sig = signals[r["index"]] if 0 <= r["index"] < len(signals) else {}
        rows.append({"actor": sig.get("actor", ""), **r})
    for r in ev.get("superseded_reports", []):  # absences a later statement supersedes: said in the signal list
        if 0 <= r["index"] < len(signals) and r.get("superseded_by"):
            signals[r["index"]]["superseded"] = r["superseded_by"]["reading"]
    return {**ev, "reports": rows}


def _side(side: dict[str, Any], salt: str) -> dict[str, Any]:
    rec = side["final"]["recommendation"]
    for s in side["signals"]:
        s["grade_words"] = grade_words(s["grade"])
        s.setdefault("superseded", None)
    for w in rec.get("watch", []):
        w.setdefault("reading", watch_reading(w) if "if_seen" in w else "")
    diag = side["final"]["diagnostics"]
    return {
        **side,
        "sentence": recommendation_sentence(rec),
        "detail": recommendation_detail(rec),
        "diagnostics_text": diagnostics_text(diag),
        "engine_text": diagnostics_text(diag),
        "watch_text": watch_text(rec),
        "evidence": _evidence(side["final"], side["signals"]),
        "figures": {
            "belief": figs.belief_trajectory(side["replay"], salt=f"{salt}p"),
            "ally": figs.ally_trajectory(side["replay"], salt=f"{salt}a"),
            "options": figs.option_intervals(rec, salt=f"{salt}o"),
        },
    }


def _environment() -> Any:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("beliefs", "render/templates"),
        autoescape=True,
        finalize=_clean,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.filters["exp"] = lambda x: math.exp(x)
    env.globals["Markup"] = Markup
    return env


def render_report(context: dict[str, Any]) -> str:
    """The HTML page of :func:`beliefs.runs.briefing.report_context`'s data."""
    from markupsafe import Markup

    primary = _side(context["primary"], "a")
    for key, svg in primary["figures"].items():
        primary["figures"][key] = Markup(svg)
    other = None if context["other"] is None else _side(context["other"], "b")
    sens = context.get("sensitivity")
    sens_svg = Markup(figs.tornado(sens["tornado"], salt="t")) if sens else ""
    css = resources.files("beliefs").joinpath("render/templates/report.css").read_text(encoding="utf-8")
    template = _environment().get_template("report.html.j2")
    return template.render(
        primary=primary,
        other=other,
        difference=context["difference"],
        sensitivity=sens,
        figures_sensitivity=sens_svg,
        provenance=context["provenance"],
        css=Markup(css),
    )
