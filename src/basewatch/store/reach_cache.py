"""Reach histories kept in the store: one row per facility, valid for one store stamp.

A facility's reach history (``queries/reach.py: SiteReach``: its state on each change date and
the spans of reach and of standing inside hostile ground) is derived data: the queries compute
it, this layer only keeps the result, as plain JSON text (never pickle: a workspace file may
come from a colleague), so a new process (every CLI ``exposure --date``, the API's first
question) reads it instead of evaluating every change date again.

A row is valid for the stamp it was written under (the store's revision, which every committed
change moves, and on a GeoPackage the control table's change count, which an edit made outside
basewatch moves too: ``exposure_cache._stamp``). The reader checks the stamp, a digest of the
row, the facility's fingerprint and the body itself; anything else is ignored and recomputed. Writes go to a
``derived`` layer, so they do not move the revision.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from basewatch.store.base import LayerSpec, Store, register_layer
from basewatch.store.exposure_cache import _stamp, write_rows

__all__ = ["REACH_HISTORY", "KeptReach", "reach_stamp", "read_kept", "write_kept"]


@dataclass(frozen=True)
class KeptReach:
    """One facility's evaluated history, as stored: ``body`` is JSON text (queries decode it)."""

    facility: str
    stamp: str
    fingerprint: str
    end: str
    body: str
    #: A digest of the other fields: a row whose text was damaged or edited does not match.
    check: str = ""

    def __post_init__(self) -> None:
        if not self.check:
            object.__setattr__(self, "check", self.digest())

    def digest(self) -> str:
        sep = "\x1f"
        text = f"{self.facility}{sep}{self.stamp}{sep}{self.fingerprint}{sep}{self.end}{sep}{self.body}"
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def intact(self) -> bool:
        return self.check == self.digest()

    def to_dict(self) -> dict[str, Any]:
        return {"facility": self.facility, "stamp": self.stamp, "fingerprint": self.fingerprint,
                "end": self.end, "body": self.body, "check": self.check}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> KeptReach:
        return cls(str(d["facility"]), str(d["stamp"]), str(d["fingerprint"]), str(d["end"]),
                   str(d["body"]), str(d["check"]))


REACH_HISTORY = register_layer(LayerSpec(
    name="reach_history",
    geometry_type=None,
    columns={
        "facility": ("TEXT", lambda d: d["facility"]),
        "stamp": ("TEXT", lambda d: d["stamp"]),
        "fingerprint": ("TEXT", lambda d: d["fingerprint"]),
        "end": ("TEXT", lambda d: d["end"]),
        "body": ("TEXT", lambda d: d["body"]),
        "check": ("TEXT", lambda d: d["check"]),
    },
    key=("facility",),
    from_dict=KeptReach.from_dict,
    indexes=(("stamp",),),
    description="Cache: each facility's evaluated reach history, per store stamp (derived).",
    derived=True,
))
_COLS = ("facility", "stamp", "fingerprint", "end", "body", "check")


def reach_stamp(store: Store) -> str | None:
    """The stamp kept histories are valid for; None: nothing kept can be trusted (a read-only
    GeoPackage without the change-count triggers)."""
    return _stamp(store)


def read_kept(store: Store, stamp: str, facilities: Sequence[str]) -> dict[str, KeptReach]:
    """The intact rows of these facilities written under ``stamp`` (stale ones, and rows
    whose digest does not match their text, are left out)."""
    if not getattr(store, "has_layer", lambda s: True)(REACH_HISTORY):
        return {}
    want = set(facilities)
    if len(want) <= 4:
        rows = [r for f in sorted(want)
                for r in store.select_columns(REACH_HISTORY, _COLS, {"facility": f})]
    else:
        rows = store.select_columns(REACH_HISTORY, _COLS, {"stamp": stamp})
    out = {}
    for r in rows:
        k = KeptReach(*(str(x) for x in r))
        if k.facility in want and k.stamp == stamp and k.intact:
            out[k.facility] = k
    return out


def write_kept(store: Store, rows: Sequence[KeptReach]) -> None:
    """Store kept histories (one transaction); a store that refuses writes is left as it was."""
    write_rows(store, rows, REACH_HISTORY)
