r"""Negative evidence: which statements about a kind of act count.

A signal with ``observed = false`` says "watched for this kind of act, and not
seen by this date". It enters the likelihood with :math:`1 - x` in place of
:math:`x` (:mod:`models.likelihood`): the probability that a report of the
kind would *not* be there, under each type. That probability is about the
whole watch up to the signal's date, so two statements about one kind on one
channel are not independent reports, they are the same question asked twice:

* **A sighting supersedes every absence of its kind on its channel.** Once the
  act has been seen, "not seen by D" is answered for every D: an earlier
  absence was only the watch so far, and an absence entered after the
  sighting contradicts it (the analyst may mean "not repeated", a statement the
  model has no term for). Sightings themselves all count, as before: each is
  a report (the channel rule of :mod:`beliefs.channels` already ties the
  reports of one channel together).
* **Repeated absences count once: the latest.** "Not seen by the 10th" and
  "not seen by the 20th" are one statement, the second superseding the first;
  counting both would square a likelihood that was only observed once.

This is Heuer's (1999, ch. 6 and 8) reading of absent evidence: the absence of
an expected act is diagnostic (the dog that did not bark), but only as one
item of evidence, weighed once, and only as long as the act stays unseen.

Which statements are "of one kind on one channel"
-------------------------------------------------
The group of a signal is (kind, subject, channel):

* **channel**: the channel's identity (:func:`beliefs.channels.channel_key`);
  a signal without a channel belongs to the kind's *unnamed* channel, so
  channel-less absences of one kind supersede one another, and a channel-less
  sighting supersedes them. A named channel's statements are its own: a
  channel reports (or fails to report) as a whole, which is how the channel
  model reads it.
* **subject**: whose act it is. An adversary kind's act by a third party
  (``[scenario.actors]``) is that party's, not the adversary's, so "Bulgaria
  not seen mobilising" is not superseded by the adversary's mobilisation;
  every other evidence (the adversary, no actor, an unresolved one) is the
  adversary's. Ally kinds are the ally's whoever acted. The own side's acts
  (context, :mod:`beliefs.evidence.attribution`) are no statements about the
  adversary and take no part.

"Latest" means latest by date, entry order breaking ties. Retracted signals
take no part. Superseded signals stay in the log and the ledger, marked with
the signal that superseded them; they are left out of the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from beliefs.catalog import AdversaryKind, Catalog
from beliefs.channels import channel_key

# beliefs.timeline is not imported: a Signal is whatever has these fields.
Signal = Any
Attribution = Any


@dataclass(frozen=True)
class Supersession:
    """Why one signal no longer counts."""

    index: int  # the superseded signal (position in the log)
    by: int  # the signal that supersedes it
    by_date: dt.date
    by_observed: bool  # True: superseded by a sighting; False: by a later absence

    def describe(self) -> str:
        """One line for the log and the ledger."""
        what = "the sighting" if self.by_observed else "the later absence"
        return f"superseded by {what} of {self.by_date.isoformat()}"

    def short(self) -> str:
        """A table cell: "by sighting of <date>" or "by absence of <date>"."""
        return f"by {'sighting' if self.by_observed else 'absence'} of {self.by_date.isoformat()}"

    def to_json(self) -> dict[str, Any]:
        return {"index": self.by, "date": self.by_date.isoformat(), "observed": self.by_observed,
                "reading": self.describe()}  # fmt: skip


def _subject(sig: Signal, att: Attribution, adversary_kind: bool) -> str | None:
    """Whose act ``sig`` states (None: context, not a statement)."""
    if not adversary_kind:
        return "ally"
    if not att.evidence:
        return None
    if att.role == "third_party":
        return "third party " + " ".join(str(att.name).split()).casefold()
    return "adversary"


def supersessions(signals: Sequence[Signal], catalog: Catalog, atts: Sequence[Attribution]) -> dict[int, Supersession]:
    """The superseded signals of ``signals``, by position (see the module docstring); ``atts``: every signal's
    attribution (:func:`beliefs.evidence.attribution.attribute`)."""
    groups: dict[tuple[str, str, str | None], list[int]] = {}
    for i, (sig, att) in enumerate(zip(signals, atts, strict=True)):
        if sig.retracted or sig.kind not in catalog.by_id:
            continue
        subject = _subject(sig, att, isinstance(catalog.by_id[sig.kind], AdversaryKind))
        if subject is not None:
            groups.setdefault((sig.kind, subject, channel_key(sig.channel)), []).append(i)
    out: dict[int, Supersession] = {}
    for members in groups.values():
        order = sorted(members, key=lambda i: (signals[i].date, i))
        absences = [i for i in order if not signals[i].observed]
        if not absences:
            continue
        sightings = [i for i in order if signals[i].observed]
        rank = {i: r for r, i in enumerate(order)}
        for i in absences:
            if sightings:
                later = [j for j in sightings if rank[j] > rank[i]]
                by = later[0] if later else sightings[-1]
            elif i != absences[-1]:
                by = absences[-1]
            else:
                continue
            out[i] = Supersession(i, by, signals[by].date, bool(signals[by].observed))
    return out


def counted(signals: Sequence[Signal], catalog: Catalog, atts: Sequence[Attribution]) -> list[bool]:
    """Per signal: whether it is not superseded (retracted ones count as ``True`` here)."""
    gone = supersessions(signals, catalog, atts)
    return [i not in gone for i in range(len(signals))]


def summary(signals: Sequence[Signal], atts: Sequence[Attribution], gone: Mapping[int, Supersession]) -> dict[str, int]:
    """How many absences count and how many are superseded (``gone``: :func:`supersessions`; retracted ones left out)."""
    absent = [i for i, (s, a) in enumerate(zip(signals, atts, strict=True)) if not s.retracted and not s.observed
              and a.evidence]  # fmt: skip (an own-side act not seen is context, like one seen)
    return {"counted": sum(i not in gone for i in absent), "superseded": len(gone)}


def statement(sig: Signal, label: str | None = None) -> str:
    """How the log names a signal's act: the kind, or "not seen: <kind> by <date>"."""
    what = label or sig.kind
    return what if sig.observed else f"not seen: {what} by {sig.date.isoformat()}"


__all__ = ["Supersession", "counted", "statement", "summary", "supersessions"]
