"""Reach histories evaluated once and kept: in this process and in the store.

A face that asks one date (``exposure --date D``, the API's ``/exposure?date=D``) needs the
history up to D for "since when". Each facility's history is evaluated once up to the
workspace's last change date and kept per store stamp (any committed change moves it):

* in this process (``_KEPT``): the API's next dates are read from memory;
* in the store (``store/reach_cache.py``, JSON text): a new process (each CLI command, a
  restarted server) reads it instead of evaluating every change date again.

A row does not depend on what comes after its day (a span's start, hence "since", is where it
began), nor on the other facilities asked with it, so it is the row :func:`reach_history` up
to that day gives. A kept history holds the states of the facility's own change dates only
(control snapshots, holdings, its own validity), so what is kept does not depend on which
other facilities were evaluated with it. A stored entry is checked (stamp, facility
fingerprint, format, dates) and anything wrong is ignored and recomputed, never trusted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from basewatch.analysis.exposure import Exposure, NearestGround, Reach
from basewatch.model import Facility
from basewatch.queries.exposure import load_catalog
from basewatch.queries.reach import SiteReach, change_dates, reach_history, workspace_span
from basewatch.store import Workspace
from basewatch.store.reach_cache import KeptReach, reach_stamp, read_kept, write_kept

__all__ = ["decode_history", "encode_history", "exposure_rows", "fingerprint", "kept_histories"]

_FORMAT = 2
_DAY = dt.timedelta(days=1)

#: Reach histories kept in this process, per (store, stamp): facility -> (the facility as
#: evaluated, its history, the last day evaluated).
_KEPT: OrderedDict[tuple[str, str], dict[str, tuple[Facility, SiteReach, dt.date]]] = OrderedDict()
_KEPT_LOCK = threading.Lock()


def fingerprint(f: Facility) -> str:
    """What a facility's evaluation depends on, hashed: a kept history of another facility
    (or of this one before an edit) does not match."""
    p = f.provenance.location_precision
    text = "|".join((f.id, f.name, f.operator, repr(float(f.lon)), repr(float(f.lat)),
                     str(f.valid_from), str(f.valid_to), str(getattr(p, "value", p))))
    return hashlib.sha1(text.encode()).hexdigest()


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _day(x: Any) -> dt.date:
    if not isinstance(x, str):
        raise TypeError(f"not a date: {x!r}")
    return dt.date.fromisoformat(x)


def _opt_day(x: Any) -> dt.date | None:
    return None if x is None else _day(x)


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)


def encode_history(h: SiteReach, end: dt.date) -> str:
    """A history as plain JSON (floats written exactly: ``repr`` round-trips; dates of the
    states as day ordinals)."""
    states = []
    for d in h.dates:
        e = h.states[d]
        n = e.nearest
        states.append([
            e.nearest_faction, [n.distance_km, n.lon, n.lat] if n else None,
            [[r.system, r.system_name, r.munition, r.faction, r.max_range_km, r.margin_km,
              _iso(r.since), r.captured, r.source, r.within_uncertainty] for r in e.reach],
            e.synthetic, e.distances_km, e.inside, e.depth_km, e.location_uncertainty_km])
    body = {"format": _FORMAT, "facility": h.facility.id, "end": end.isoformat(),
            "dates": [d.toordinal() for d in h.dates], "states": states,
            "spans": [[k[0], k[1], [[a.isoformat(), _iso(b)] for a, b in v]]
                      for k, v in sorted(h.spans.items())],
            "inside": [[a.isoformat(), _iso(b), k] for a, b, k in h.inside]}
    return json.dumps(body, separators=(",", ":"))


def _state(f: Facility, day: dt.date, raw: list[Any]) -> Exposure:
    nf, n, reach, syn, dist, inside, depth, unc = raw
    rs = tuple(Reach(str(a), str(b), str(c), str(fa), float(mx), float(mg), _opt_day(s),
                     bool(cap), str(src), bool(wu))
               for a, b, c, fa, mx, mg, s, cap, src, wu in reach)
    if not isinstance(dist, dict):
        raise TypeError("distances are not a mapping")
    near = NearestGround(float(n[0]), float(n[1]), float(n[2])) if n is not None else None
    return Exposure(f.id, f.name, f.operator, day, None if nf is None else str(nf), near, rs,
                    bool(syn), {str(k): float(v) for k, v in dist.items()},
                    None if inside is None else str(inside), _opt_float(depth), float(unc))


class _States(dict[dt.date, Exposure]):
    """A kept history's states, each decoded when first asked for: a face that asks one date
    (``exposure --date``) decodes a few of a facility's hundreds of states."""

    def __init__(self, f: Facility, raw: dict[dt.date, list[Any]]) -> None:
        super().__init__()
        self._f = f
        self._raw = raw

    def __missing__(self, day: dt.date) -> Exposure:
        e = _state(self._f, day, self._raw[day])
        self[day] = e
        return e

    # the rest of the dict's reading interface sees every state, decoded or not
    def __contains__(self, day: object) -> bool:
        return day in self._raw

    def __len__(self) -> int:
        return len(self._raw)

    def __iter__(self) -> Iterator[dt.date]:
        return iter(self._raw)

    def get(self, day: dt.date, default: Any = None) -> Any:  # type: ignore[override]
        return self[day] if day in self._raw else default

    def keys(self) -> Any:
        return self._raw.keys()

    def values(self) -> Any:
        return [self[d] for d in self._raw]

    def items(self) -> Any:
        return [(d, self[d]) for d in self._raw]


def decode_history(text: str, f: Facility, end: dt.date) -> SiteReach:
    """A history from :func:`encode_history`'s JSON, checked: raises ValueError (or a
    KeyError/TypeError from a malformed body) on anything that is not one of ours for ``f``.
    The shape of every state is checked here; its values when it is first read (the row's
    digest, checked by the store, already excludes a damaged text)."""
    body = json.loads(text)
    if not isinstance(body, dict) or body.get("format") != _FORMAT:
        raise ValueError("unknown format")
    if body.get("facility") != f.id or _day(body.get("end")) != end:
        raise ValueError("another facility's history")
    ords, raw_states = body["dates"], body["states"]
    if not (isinstance(ords, list) and isinstance(raw_states, list)
            and len(ords) == len(raw_states)
            and all(type(o) is int for o in ords) and ords == sorted(set(ords))
            and all(isinstance(r, list) and len(r) == 8 for r in raw_states)):
        raise ValueError("malformed states")
    if ords and ords[-1] > end.toordinal():
        raise ValueError("a state after the last day evaluated")
    dates = [dt.date.fromordinal(o) for o in ords]
    states = _States(f, dict(zip(dates, raw_states, strict=True)))
    spans = {(str(s), str(m)): [(_day(a), _opt_day(b)) for a, b in v]
             for s, m, v in body["spans"]}
    inside_spans = [(_day(a), _opt_day(b), str(k)) for a, b, k in body["inside"]]
    return SiteReach(f, dates, states, spans, inside_spans)


def _own_dates(base: set[dt.date], first: dt.date | None, f: Facility, end: dt.date,
               ) -> set[dt.date]:
    """The change dates of one facility: the workspace's (``base``) and its own validity."""
    own = {d for d in (f.valid_from, f.valid_to + _DAY if f.valid_to else None) if d}
    return base | {d for d in own if d <= end and (first is None or d >= first)}


def _trim(ws: Workspace, fresh: dict[str, SiteReach], facilities: Sequence[Facility],
          end: dt.date) -> None:
    """Keep each history's states on its facility's own change dates only (its rows are the
    same: nothing of the facility changes on another facility's date)."""
    base = set(change_dates(ws, [], end, load_catalog(ws)))
    first = min(ws.control_dates(), default=None)
    for f in facilities:
        h = fresh[f.id]
        own = _own_dates(base, first, f, end)
        h.dates = [d for d in h.dates if d in own]
        h.states = {d: h.states[d] for d in h.dates}


def kept_histories(ws: Workspace, facilities: Sequence[Facility], day: dt.date,
                   ) -> dict[str, SiteReach]:
    """Each facility's history, evaluated at least up to ``day``: from this process, else
    from the store, else evaluated (up to the workspace's last change date) and kept in both."""
    store = ws.store
    stamp = reach_stamp(store)
    store_id = str(getattr(store, "path", None) or getattr(store, "name", id(store)))
    key = (store_id, stamp or f"revision {store.revision()}")
    with _KEPT_LOCK:
        kept = _KEPT.setdefault(key, {})
        _KEPT.move_to_end(key)
        while len(_KEPT) > 4:
            _KEPT.popitem(last=False)
        hit = {f.id: kept[f.id][1] for f in facilities
               if f.id in kept and kept[f.id][0] == f and kept[f.id][2] >= day}
    todo = [f for f in facilities if f.id not in hit]
    if todo and stamp:
        stored = read_kept(store, stamp, [f.id for f in todo])
        found: dict[str, tuple[Facility, SiteReach, dt.date]] = {}
        for f in todo:
            row = stored.get(f.id)
            if row is None or row.fingerprint != fingerprint(f):
                continue
            try:
                end = dt.date.fromisoformat(row.end)
                if end < day:
                    continue
                found[f.id] = (f, decode_history(row.body, f, end), end)
            except (ValueError, KeyError, TypeError, IndexError, AttributeError):
                continue  # corrupt or foreign: evaluated again below, and replaced
        with _KEPT_LOCK:
            kept.update(found)
        hit.update({k: v[1] for k, v in found.items()})
        todo = [f for f in todo if f.id not in hit]
    if todo:
        end = day
        if ws.control_dates():
            end = max(day, workspace_span(ws)[1])
        fresh = reach_history(ws, todo, end)
        _trim(ws, fresh, todo, end)
        with _KEPT_LOCK:
            for f in todo:
                kept[f.id] = (f, fresh[f.id], end)
        if stamp:
            write_kept(store, [KeptReach(f.id, stamp, fingerprint(f), end.isoformat(),
                                         encode_history(fresh[f.id], end)) for f in todo])
        hit.update(fresh)
    return hit


def exposure_rows(ws: Workspace, facilities: Sequence[Facility], day: dt.date) -> list[dict[str, Any]]:
    """Every facility's row on ``day`` (see :meth:`SiteReach.row`), from its kept history."""
    hist = kept_histories(ws, facilities, day)
    return [hist[f.id].row(day) for f in facilities]


#: Above this many (facility x change date) evaluations an import leaves the histories to the
#: first question (which evaluates the facilities it is asked about).
KEEP_LIMIT = 200_000


def keep_all(ws: Workspace, limit: int = KEEP_LIMIT) -> int:
    """Evaluate and keep every facility's history (after an import, once the distances are
    materialized), unless it exceeds ``limit`` evaluations; returns how many were kept."""
    if not ws.control_dates():
        return 0
    facilities = ws.facilities()
    end = workspace_span(ws)[1]
    if not facilities or len(facilities) * len(change_dates(ws, facilities, end)) > limit:
        return 0
    kept_histories(ws, facilities, end)
    return len(facilities)
