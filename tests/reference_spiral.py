"""The spiral-context blur of every report, from the TOML tables alone (independent of ``beliefs``).

Written from the documented definition, not from :mod:`beliefs.spiral`:

* a *provocation* is a signal that is not retracted, was seen (``observed``
  absent or true), whose kind has ``provocative = true``, and that was done by
  the perspective state or the ally (any signal of an ``about = "ally"`` kind
  is the ally's);
* an *act* is a seen, active report of an adversary kind with
  ``reactivity`` kappa > 0 whose actor is not the perspective state or the ally;
* the act at position i answers the provocation at position j < i when
  ``0 <= (date_i - date_j).days <= reaction_window_days`` (default 14, from
  the catalog's ``[spiral]`` table) and the provocation's ``escalation`` rung
  is at least the act's (both default 0);
* its blur is ``kappa * max q_j`` over the provocations it answers (q: the
  whole Admiralty weight, letter x digit), 0 when it answers none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: The window when the catalog's ``[spiral]`` table does not set one.
DEFAULT_WINDOW_DAYS = 14


def reaction_blurs(
    signals: Sequence[Mapping[str, Any]],
    kinds: Mapping[str, Mapping[str, Any]],
    role_of: Callable[[str], str],
    weight_of: Callable[[str], float],
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[float]:
    """beta for every entry of ``signals`` (file order); ``kinds`` maps id -> the catalog's table.

    ``role_of(actor)`` names the role ("adversary", "ally", "perspective", "third_party");
    ``weight_of(grade)`` is the grade's whole weight.
    """

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
        weights = [
            weight_of(prov["grade"])
            for prov in signals[:i]
            if active_seen(prov)
            and kind_of(prov).get("provocative", False)
            and own_side(prov)
            and 0 <= (act["date"] - prov["date"]).days <= window_days
            and int(kind_of(prov).get("escalation", 0)) >= rung
        ]
        out.append(kappa * max(weights) if weights else 0.0)
    return out
