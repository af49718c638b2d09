"""One reach evaluation for every face: per site, the dates and spans during which each hostile
(system, munition) reaches it, when it stood inside hostile ground, and its state on any day.

Nothing that decides reach changes between two *change dates*: control snapshots, holdings'
``valid_from`` and the day after their ``valid_to``, facilities' validity, the weapons
catalogue's holdings. The exposure is evaluated once on each change date up to the last day
asked for, and every other day takes the state of the change date in force; so a weapon
delivered between two snapshots reaches from its own date, and the CLI, the API, the report,
tripwires, the assessment and the site page give one answer (docs/exposure.md)."""

from __future__ import annotations

import bisect
import datetime as dt
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from basewatch.analysis.exposure import Exposure
from basewatch.errors import NotFoundError
from basewatch.model import Facility
from basewatch.model.provenance import LOCATION_UNCERTAINTY_KM
from basewatch.queries.exposure import Catalog, exposure_series, load_catalog
from basewatch.store import Workspace

__all__ = ["NOT_ACTIVE", "NO_CONTROL", "Dated", "SiteReach", "change_dates", "reach_history", "workspace_span"]

#: The state of a site on a date before the first control snapshot.
NO_CONTROL = "no_control_known"
#: The state of a site on a date outside its own validity (before ``valid_from``, after
#: ``valid_to``): it is not there, so nothing reaches it and no alert fires.
NOT_ACTIVE = "not_active"

_DAY = dt.timedelta(days=1)


class Dated(Protocol):
    """Anything valid from one date to another (a facility, a fast facility row)."""

    @property
    def valid_from(self) -> dt.date | None: ...

    @property
    def valid_to(self) -> dt.date | None: ...


def change_dates(ws: Workspace, facilities: Iterable[Dated], end: dt.date | None = None,
                 cat: Catalog | None = None) -> list[dt.date]:
    """Every date up to ``end`` (no limit with None) on which something that decides reach
    or the map may change: a control snapshot, a holding or one of ``facilities`` starting,
    or the day after one ends (``valid_to`` is its last day). Sorted, without duplicates.
    Before the first snapshot no control is known: nothing there is a change date (one
    state, "no control known", stands for all of that time); with no snapshot at all, the
    holdings' and facilities' dates are all there is. The one home of this rule: the
    dashboard's slider and the site page (queries/dates.py) read it too."""
    cat = cat or load_catalog(ws)
    control = ws.control_dates()
    out = set(control)
    for h in cat.holdings:
        out |= {d for d in (h.valid_from, h.valid_to + _DAY if h.valid_to else None) if d}
    for f in facilities:
        out |= {d for d in (f.valid_from, f.valid_to + _DAY if f.valid_to else None) if d}
    first = min(control, default=None)
    return sorted(d for d in out
                  if (end is None or d <= end) and (first is None or d >= first))


#: Dated evidence that extends the workspace's span: layer name and its date column, and where
#: each layer's spec lives (imported only when the workspace has the layer).
_EVIDENCE = (("imagery_counts", "time"), ("reports", "published"), ("flight_events", "time"))
_EVIDENCE_SPECS = {"imagery_counts": ("basewatch.store.imagery", "IMAGERY_COUNTS"),
                   "reports": ("basewatch.store.reports", "REPORTS"),
                   "flight_events": ("basewatch.store.flights", "FLIGHT_EVENTS")}


def workspace_span(ws: Workspace) -> tuple[dt.date, dt.date]:
    """The workspace's span of dates: its first control snapshot to the last date on which
    anything is known to change (a snapshot, a holding, dated evidence: imagery counts,
    reports, flight events). The default of the faces that walk days (``assess timeline``,
    ``tripwires run``)."""
    dates = ws.control_dates()
    if not dates:
        raise NotFoundError("no control snapshots in the workspace: give --from/--to, or "
                            "import control first")
    cat = load_catalog(ws)
    later = [d for h in cat.holdings for d in (h.valid_from, h.valid_to) if d and d > dates[-1]]
    after = dates[-1].isoformat()
    for layer, col in _EVIDENCE:
        if not getattr(ws.store, "has_layer", lambda _: True)(layer):
            continue  # a workspace without that evidence: its capability is not even loaded
        spec = getattr(importlib.import_module(_EVIDENCE_SPECS[layer][0]), _EVIDENCE_SPECS[layer][1])
        found = ws.store.distinct(spec, col, ranges={col: (after, None)})
        if found:  # ISO text (GeoPackage) or datetimes (PostGIS): the day is the first 10 chars
            later.append(dt.date.fromisoformat(str(found[-1])[:10]))
    return dates[0], max([dates[-1], *later])


@dataclass
class SiteReach:
    """One site's reach history, evaluated on the change dates (ascending)."""

    facility: Facility
    dates: list[dt.date]
    states: dict[dt.date, Exposure]
    #: (system, munition) -> [(first day, last day or None while it still reaches)]
    spans: dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]] = field(default_factory=dict)
    #: [(first day, last day or None, holding faction)] inside hostile ground
    inside: list[tuple[dt.date, dt.date | None, str]] = field(default_factory=list)

    def state_on(self, day: dt.date) -> Exposure | None:
        """The exposure in force on ``day`` (None before the first control snapshot, and on a
        day the site is not active)."""
        if not self.facility.active_on(day):
            return None
        k = bisect.bisect_right(self.dates, day)
        return self.states[self.dates[k - 1]] if k else None

    def states_upto(self, day: dt.date) -> Sequence[Exposure]:
        """The states of the change dates up to ``day``, date-ordered, each read only when
        indexed (a kept history decodes a state when first asked for)."""
        return _Upto(self, bisect.bisect_right(self.dates, day))

    def since(self, key: tuple[str, str], day: dt.date) -> dt.date | None:
        """First day of the uninterrupted span of ``key`` that contains ``day``."""
        for a, b in self.spans.get(key, []):
            if a <= day and (b is None or day <= b):
                return a
        return None

    def inside_since(self, day: dt.date) -> dt.date | None:
        for a, b, _ in self.inside:
            if a <= day and (b is None or day <= b):
                return a
        return None

    def first_in_reach(self) -> dict[tuple[str, str], dt.date]:
        return {k: v[0][0] for k, v in self.spans.items() if v}

    def row(self, day: dt.date) -> dict[str, Any]:
        """The site on ``day`` as every face shows it (JSON-ready): distance, state, inside
        (faction, depth, since), the systems in reach with their true start dates, and the
        location-precision flags."""
        e = self.state_on(day)
        f = self.facility
        if e is None:
            active = f.active_on(day)
            note = (f"no control known on {day} (first snapshot later)" if active else
                    f"not active on {day} (valid {f.valid_from or '...'} to {f.valid_to or '...'})")
            return {"facility": f.id, "name": f.name, "operator": f.operator,
                    "date": day.isoformat(), "state": NO_CONTROL if active else NOT_ACTIVE,
                    "inside": None,
                    "location_uncertainty_km": LOCATION_UNCERTAINTY_KM[
                        f.provenance.location_precision],
                    "distance_within_location_uncertainty": False, "distance_km": None, "nearest_faction": None, "nearest_point": None,
                    "systems_in_reach": [], "distances_km": {}, "synthetic": False,
                    "note": note}
        d = e.to_dict()
        d["date"] = day.isoformat()
        for r in d["systems_in_reach"]:
            since = self.since((r["system"], r["munition"]), day)
            r["since"] = since.isoformat() if since else None
        if d["inside"]:
            since = self.inside_since(day)
            d["inside"]["since"] = since.isoformat() if since else None
        return d


class _Upto(Sequence[Exposure]):
    def __init__(self, h: SiteReach, n: int) -> None:
        self._h, self._n = h, n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._n))]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return self._h.states[self._h.dates[i % self._n]]


def _spans(dates: Sequence[dt.date], on: dict[dt.date, set[Any]]) -> dict[Any, list[Any]]:
    """Uninterrupted spans over the change dates of each key present in ``on[date]``."""
    out: dict[Any, list[list[Any]]] = {}
    open_: dict[Any, list[Any]] = {}
    for i, d in enumerate(dates):
        now = on.get(d, set())
        for k in list(open_):
            if k not in now:
                open_.pop(k)[1] = d - _DAY
        for k in now:
            if k not in open_:
                span = [d, None]
                out.setdefault(k, []).append(span)
                open_[k] = span
    return {k: [tuple(s) for s in v] for k, v in out.items()}


def reach_history(ws: Workspace, facilities: Sequence[Facility], end: dt.date,
                  extra_dates: Iterable[dt.date] = ()) -> dict[str, SiteReach]:
    """Each facility's reach history up to ``end`` (one evaluation per change date, through
    :func:`basewatch.queries.exposure.exposure_series` and its distance seam)."""
    cat = load_catalog(ws)
    first = min(ws.control_dates(), default=None)
    dates = sorted(set(change_dates(ws, facilities, end, cat)) |
                   {d for d in extra_dates if first is not None and first <= d <= end})
    series = exposure_series(ws, facilities, dates) if dates else {}
    out: dict[str, SiteReach] = {}
    for f in facilities:
        # (exposure_series leaves out a site on the dates it is not active: a span of reach
        # or of standing inside hostile ground ends the day its validity does)
        states = {d: e for d in dates for e in series.get(d, []) if e.facility == f.id}
        ds = [d for d in dates if d in states]
        reach = {d: {(r.system, r.munition) for r in states[d].reach} for d in ds}
        inside = {d: {states[d].inside} if states[d].inside else set() for d in ds}
        sr = SiteReach(f, ds, states, _spans(dates, reach))
        sr.inside = [(a, b, k) for k, spans in _spans(dates, inside).items() for a, b in spans]
        sr.inside.sort(key=lambda x: x[0])
        out[f.id] = sr
    return out


def exposure_rows(ws: Workspace, facilities: Sequence[Facility], day: dt.date) -> list[dict[str, Any]]:
    """Every facility's row on ``day`` from its kept history (``queries/reach_kept.py``)."""
    from basewatch.queries.reach_kept import exposure_rows as rows

    return rows(ws, facilities, day)


def state_words(row: dict[str, Any]) -> str:
    """A row's distance and state in words, as the CLI and the report print it."""
    if row["state"] == NO_CONTROL:
        return "no control known"
    if row["state"] == NOT_ACTIVE:
        return "not active"
    unc = f" (within the site's location uncertainty of {row['location_uncertainty_km']:g} km)" \
        if row.get("distance_within_location_uncertainty") else ""
    if row["inside"]:
        x = row["inside"]
        depth = f", {x['depth_km']:.1f} km deep" if x["depth_km"] is not None else ""
        return f"inside ground held by {x['faction']} since {x['since']}{depth}{unc}"
    if row["distance_km"] is None:
        return "no hostile ground"
    return f"{row['distance_km']:.1f} km{unc}"


def reach_words(r: dict[str, Any]) -> str:
    """One system in reach in words: name, munition, margin and since when."""
    flag = " within location uncertainty" if r.get("within_location_uncertainty") else ""
    return f"{r['name']} {r['munition']} (+{r['margin_km']} km{flag}, since {r['since']})"
