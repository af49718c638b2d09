"""Flights of a workspace: events at watched airfields and sorties per day against baseline."""

from __future__ import annotations

from typing import Any

from basewatch.analysis.flights import HEAVY_TRANSPORT_TYPES, aircraft_category, daily_sorties
from basewatch.errors import NotFoundError
from basewatch.model._util import parse_date
from basewatch.store import Workspace
from basewatch.store.flights import AIRCRAFT, AIRFIELDS, FLIGHT_COVERAGE, FLIGHT_EVENTS

__all__ = ["airfield_for", "daily_rows", "event_rows"]


def airfield_for(ws: Workspace, site: str) -> Any:
    """An airfield by ICAO ident, or by a facility name whose airfield is nearest (Khmeimim)."""
    fields = ws.store.select(AIRFIELDS)
    hit = [a for a in fields if a.ident.lower() == site.lower() or site.lower() in a.name.lower()]
    if hit:
        return hit[0]
    from basewatch.analysis.geodesy import distance_m

    fac = ws.facility(site)  # NotFoundError if no such facility either
    near = sorted(fields, key=lambda a: distance_m(fac.lon, fac.lat, a.lon, a.lat))
    if not near or distance_m(fac.lon, fac.lat, near[0].lon, near[0].lat) > 5000:
        raise NotFoundError(f"no airfield within 5 km of facility {fac.id}")
    return near[0]


def event_rows(ws: Workspace, site: str | None, date: str | None) -> list[dict[str, Any]]:
    ac = {a.hex: a for a in ws.store.select(AIRCRAFT)}
    names = {a.ident: a.name for a in ws.store.select(AIRFIELDS)}
    where = {"airfield": airfield_for(ws, site).ident} if site else None
    rows = []
    day = parse_date(date, field="--date") if date else None
    for e in ws.store.select(FLIGHT_EVENTS, where, order_by=("time",)):
        if day and e.time.date() != day:
            continue
        a = ac.get(e.hex)
        rows.append({"time": e.time.isoformat(),
                     "time_lo": e.time_lo.isoformat() if e.time_lo else None,
                     "time_hi": e.time_hi.isoformat() if e.time_hi else None, "hex": e.hex,
                     "registration": a.registration if a else "", "type": a.typecode if a else "",
                     "description": a.description if a else "", "operator": a.operator if a else "",
                     "military": bool(a and a.military), "kind": e.kind, "airfield": e.airfield,
                     "airfield_name": names.get(e.airfield, ""), "runway": e.runway,
                     "origin": e.origin, "destination": e.destination,
                     "destination_method": e.destination_method, "basis": e.basis,
                     "status": ("probable landing (track ended on final)" if e.probable
                                else e.kind),
                     "course_deg": e.course_deg, "course_error_deg": e.course_error_deg,
                     "destination_candidates": list(e.candidates),
                     "synthetic": e.provenance.synthetic, "source": e.provenance.label})
    return rows


def daily_rows(ws: Workspace, site: str, baseline_days: int = 28) -> tuple[Any, list[dict[str, Any]]]:
    """The airfield and its take-offs per day and category against a Poisson baseline."""
    af = airfield_for(ws, site)
    ac = {a.hex: a for a in ws.store.select(AIRCRAFT)}
    evs = ws.store.select(FLIGHT_EVENTS, {"airfield": af.ident, "kind": "takeoff"})
    takeoffs = []
    for e in evs:
        a = ac.get(e.hex)
        tc, mil = (a.typecode, a.military) if a else ("", False)
        takeoffs.append((e.time, aircraft_category(tc, mil), e.provenance.synthetic))
        if tc.upper() in HEAVY_TRANSPORT_TYPES:
            takeoffs.append((e.time, "heavy transport", e.provenance.synthetic))
    seen = ws.store.select(FLIGHT_COVERAGE, {"airfield": af.ident})
    coverage = {c.day: c.positions for c in seen} if seen else None  # none stored: unknown
    return af, [r.to_dict() for r in daily_sorties(takeoffs, af.ident, baseline_days=baseline_days,
                                                   coverage=coverage)]
