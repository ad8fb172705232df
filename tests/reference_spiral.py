"""The spiral-context blur of every report, from the TOML tables alone (independent of ``beliefs``).

Written from the documented definition (issue 25, item 4), not from :mod:`beliefs.evidence.spiral`:

* a *provocation* is a signal that is not retracted, was seen (``observed``
  absent or true), whose kind has ``provocative = true``, and that was done by
  the perspective state or the ally (any signal of an ``about = "ally"`` kind
  is the ally's);
* an *act* is a seen, active report of an adversary kind with
  ``reactivity`` kappa > 0 whose actor is not the perspective state or the ally;
* the act at position i (kind k, rung l_k) weighs every provocation j at a
  position before it and dated D = (date_i - date_j).days in [0, horizon]
  days before it by q_j * d_j(D) * r(l_k - l_j), and its blur is
  ``kappa * max`` of those (0 when there are none);
* the graded rule (the ``[spiral]`` table has ``rule = "decay"`` or, without
  ``rule``, any of its keys): horizon = ``horizon_days`` (365);
  d_j(D) = 1 for D <= W = ``reaction_window_days`` (14), else
  2 ** (-(D - W) / H_j), H_j = ``standing_half_life_days`` (90) when the
  provocation's rung is >= ``standing_rung`` (3) or its kind is in
  ``standing_kinds`` (["arms_buildup"]), else ``declaratory_half_life_days``
  (30); r(g) = ``rung_weights`` (1, 1/2, 0) at g <= 0, g = 1, g >= 2;
* the older rule (no such keys, or ``rule = "window"``): horizon = W,
  d = 1, r(g) = 1 for g <= 0 and 0 above;
* q is the whole Admiralty weight, letter x digit; rungs default to 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: The graded rule's defaults, for the keys the catalog's ``[spiral]`` table leaves out.
DEFAULTS = {"reaction_window_days": 14, "horizon_days": 365, "standing_half_life_days": 90.0,
            "declaratory_half_life_days": 30.0, "standing_rung": 3, "standing_kinds": ["arms_buildup"],
            "rung_weights": [1.0, 0.5, 0.0]}  # fmt: skip


def graded(spiral: Mapping[str, Any]) -> bool:
    """Whether a ``[spiral]`` table asks for the graded rule."""
    if "rule" in spiral:
        return spiral["rule"] == "decay"
    return any(key in spiral for key in DEFAULTS if key != "reaction_window_days")


def reaction_blurs(
    signals: Sequence[Mapping[str, Any]],
    kinds: Mapping[str, Mapping[str, Any]],
    role_of: Callable[[str], str],
    weight_of: Callable[[str], float],
    spiral: Mapping[str, Any] | None = None,
) -> list[float]:
    """beta for every entry of ``signals`` (file order); ``kinds`` maps id -> the catalog's table.

    ``role_of(actor)`` names the role ("adversary", "ally", "perspective", "third_party");
    ``weight_of(grade)`` is the grade's whole weight; ``spiral`` is the catalog's ``[spiral]`` table.
    """
    table = dict(spiral or {})
    cfg = {**DEFAULTS, **table}
    window = int(cfg["reaction_window_days"])
    decay_rule = graded(table)
    horizon = int(cfg["horizon_days"]) if decay_rule else window

    def d(days: int, kind_id: str, rung: int) -> float:
        if days <= window or not decay_rule:
            return 1.0
        standing = rung >= int(cfg["standing_rung"]) or kind_id in cfg["standing_kinds"]
        half_life = float(cfg["standing_half_life_days" if standing else "declaratory_half_life_days"])
        return 2.0 ** (-(days - window) / half_life)

    def r(gap: int) -> float:
        if not decay_rule:
            return 1.0 if gap <= 0 else 0.0
        return float(cfg["rung_weights"][0 if gap <= 0 else 1 if gap == 1 else 2])

    def active_seen(sig: Mapping[str, Any]) -> bool:
        return not sig.get("retracted", False) and sig.get("observed", True)

    def own_side(sig: Mapping[str, Any]) -> bool:
        kind = kinds.get(sig["kind"], {})
        return kind.get("about") == "ally" or role_of(sig.get("actor", "")) in ("ally", "perspective")

    def kind_of(sig: Mapping[str, Any]) -> Mapping[str, Any]:
        return kinds.get(sig["kind"], {})  # an unknown kind is the caller's error to report

    out = []
    for i, act in enumerate(signals):
        kind = kind_of(act)
        kappa = float(kind.get("reactivity", 0.0))
        if kind.get("about") != "adversary" or kappa == 0.0 or not active_seen(act) or own_side(act):
            out.append(0.0)
            continue
        rung = int(kind.get("escalation", 0))
        weights = [0.0]
        for prov in signals[:i]:
            days = (act["date"] - prov["date"]).days
            if not (active_seen(prov) and kind_of(prov).get("provocative", False) and own_side(prov)):
                continue
            if 0 <= days <= horizon:
                prung = int(kind_of(prov).get("escalation", 0))
                weights.append(weight_of(prov["grade"]) * d(days, prov["kind"], prung) * r(rung - prung))
        out.append(kappa * max(weights))
    return out
