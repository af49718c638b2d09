"""Read models of the faces' site views: range rings and reach areas, corridor routes as
GeoJSON, claims with their sources' grades, image chips and a site's summary over time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from basewatch.analysis.control import faction_geometries
from basewatch.analysis.geodesy import geodesic_circle
from basewatch.analysis.hostility import Hostility
from basewatch.analysis.reach import reach_area, split_antimeridian
from basewatch.analysis.verdicts import site_verdicts
from basewatch.errors import NotFoundError
from basewatch.model import Facility
from basewatch.model._util import geom_to_json
from basewatch.model.provenance import LOCATION_UNCERTAINTY_KM
from basewatch.queries.assessment import gather_indicators, load_table, table_warning
from basewatch.queries.claims import claim_rows  # re-exported: faces import it from here
from basewatch.queries.corridors import corridor, rear_or_none, site_corridors
from basewatch.queries.exposure import exposure_series, load_catalog
from basewatch.queries.reach import NO_CONTROL, NOT_ACTIVE, reach_history
from basewatch.store import Workspace
from basewatch.store.assessment import ALERTS, TRIPWIRES
from basewatch.store.imagery import site_counts

__all__ = ["CHIPS_DIR", "chip_path", "claim_rows", "corridor_features", "default_against",
           "default_sites", "list_chips", "range_rings", "reach_areas", "site_summary",
           "watched_sites"]

#: Folder of a workspace where `basewatch imagery chips --out` is pointed to publish chips.
CHIPS_DIR = "chips"
_CHIP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
_CORRIDOR_TRIPWIRE = re.compile(r"corridor\(\s*([\w-]+)\s*\)")


def watched_sites(ws: Workspace) -> list[Facility]:
    """Facilities someone set a tripwire on (the sites the analyst watches), in id order."""
    ids = sorted({t.site for t in ws.store.select(TRIPWIRES)})
    out = []
    for i in ids:
        try:
            out.append(ws.facility(i))
        except NotFoundError:  # a tripwire on a place, not a facility
            continue
    return out


def default_sites(ws: Workspace, day: dt.date, limit: int = 20) -> list[Facility]:
    """The sites the faces show by default: the watched ones (with tripwires); in a workspace
    where nobody set one yet, the facilities some hostile weapon reaches on ``day``, most
    exposed first, then those inside hostile ground (at most ``limit``)."""
    sites = watched_sites(ws)
    if sites:
        return sites
    facs = ws.facilities(on=day)
    on = exposure_series(ws, facs, [day])[day]
    by_id = {f.id: f for f in facs}
    hit = sorted((e for e in on if e.reach), key=lambda e: -e.reach[0].margin_km)
    hit += [e for e in on if e.inside]
    return [by_id[e.facility] for e in hit][:limit]


def default_against(ws: Workspace, day: dt.date) -> list[str]:
    """The operators whose hostile factions reach areas are drawn for by default: those of the
    watched sites, else of every facility on ``day`` (never nothing while facilities exist)."""
    ops = {f.operator for f in watched_sites(ws)} or {f.operator for f in ws.facilities(on=day)}
    return sorted(ops)


def _snapshot(ws: Workspace, day: dt.date) -> tuple[dt.date, list[Any]]:
    snap = ws.control_snapshot_date(day)
    if snap is None:
        raise NotFoundError(f"date: no control snapshot on or before {day}")
    return snap, ws.control_on(snap)


def range_rings(ws: Workspace, sites: Sequence[Facility], day: dt.date,
                system: str | None = None) -> dict[str, Any]:
    """Geodesic range rings around each site, one per munition of each system held on ``day``
    by a faction hostile to the site's operator: the ground a launcher must stand on to hit the
    site. ``in_reach`` says whether that faction's ground is inside the ring on that day."""
    snap, areas = _snapshot(ws, day)
    cat = load_catalog(ws)
    hostility = Hostility(ws.relations())
    geoms = faction_geometries(areas)
    synthetic = any(a.provenance.synthetic for a in areas)
    expo = {e.facility: e for e in exposure_series(ws, sites, [day])[day]}
    features = []
    for f in sites:
        hostile = hostility.hostile_to(f.operator, geoms, day)
        dist = expo[f.id].distances_km if f.id in expo else {}
        inside = expo[f.id].inside if f.id in expo else None
        for h in sorted(cat.holdings, key=lambda h: (h.system, h.faction)):
            s = cat.systems[h.system]
            if h.faction not in hostile or not h.active_on(day) or (system and not s.matches(system)):
                continue
            for m in s.munitions:
                ring = split_antimeridian(geodesic_circle(f.lon, f.lat, m.max_range_km * 1000, 128))
                d = dist.get(h.faction)
                features.append({"type": "Feature", "geometry": geom_to_json(ring), "properties": {
                    "kind": "range_ring", "site": f.id, "site_name": f.name, "system": s.id,
                    "system_name": s.name, "munition": m.name, "radius_km": m.max_range_km,
                    "faction": h.faction, "captured": h.captured,
                    "distance_km": round(d, 2) if d is not None else None,
                    # A site inside hostile ground is overrun, not "in reach" (its own state).
                    "in_reach": d is not None and d <= m.max_range_km and inside is None,
                    "site_state": expo[f.id].state if f.id in expo else None,
                    # In or out of the ring is not decided by the data (docs/exposure.md).
                    "within_location_uncertainty": d is not None and abs(m.max_range_km - d)
                    < LOCATION_UNCERTAINTY_KM[f.provenance.location_precision],
                    "source": m.source.publisher,
                    "holding_source": h.provenance.label, "date": day.isoformat(),
                    "snapshot": snap.isoformat(), "synthetic": synthetic}})
    return {"type": "FeatureCollection", "date": day.isoformat(), "snapshot": snap.isoformat(),
            "synthetic": synthetic, "features": features}


def reach_areas(ws: Workspace, day: dt.date, against: Sequence[str],
                system: str | None = None) -> dict[str, Any]:
    """Hostile-held ground buffered geodesically by each munition's range: where a weapon held
    on ``day`` by a faction hostile to any of the operators ``against`` can land."""
    snap, areas = _snapshot(ws, day)
    cat = load_catalog(ws)
    hostility = Hostility(ws.relations())
    geoms = faction_geometries(areas)
    synthetic = any(a.provenance.synthetic for a in areas)
    hostile: set[str] = set()
    for op in against:
        hostile |= hostility.hostile_to(op, geoms, day)
    features = []
    for h in sorted(cat.holdings, key=lambda h: (h.faction, h.system)):
        s = cat.systems[h.system]
        if h.faction not in hostile or not h.active_on(day) or (system and not s.matches(system)):
            continue
        for m in sorted(s.munitions, key=lambda m: -m.max_range_km):
            features.append({"type": "Feature",
                             "geometry": geom_to_json(reach_area(geoms[h.faction],
                                                                 m.max_range_km * 1000)),
                             "properties": {"kind": "reach_area", "faction": h.faction,
                                            "system": s.id, "system_name": s.name,
                                            "munition": m.name, "range_km": m.max_range_km,
                                            "captured": h.captured,
                                            "holding_source": h.provenance.label,
                                            "date": day.isoformat(), "snapshot": snap.isoformat(),
                                            "synthetic": synthetic}})
    out = {"type": "FeatureCollection", "date": day.isoformat(), "snapshot": snap.isoformat(),
           "against": sorted(against), "hostile": sorted(hostile), "synthetic": synthetic,
           "features": features}
    if not features:  # never silently empty: say why
        held = sorted({h.faction for h in cat.holdings if h.active_on(day)})
        out["note"] = (f"no faction hostile to {', '.join(sorted(against)) or 'anyone'} holds ground"
                       if not hostile else
                       f"none of the factions hostile to {', '.join(sorted(against))} "
                       f"({', '.join(sorted(hostile))}) holds a weapon on {day}"
                       + (f" (holders: {', '.join(held)})" if held else ""))
    return out


def watched_corridors(ws: Workspace) -> list[tuple[str, str]]:
    """(site, place) pairs of the corridor tripwires, e.g. ``corridor(rear) == cut`` (the
    site's rear) or ``corridor(homs) == cut``."""
    pairs = set()
    for t in ws.store.select(TRIPWIRES):
        for m in _CORRIDOR_TRIPWIRE.finditer(t.condition):
            target = m.group(1)
            if target.lower() == "rear":
                try:
                    rear = rear_or_none(ws, ws.facility(t.site))
                except NotFoundError:
                    continue
                if rear is None:
                    continue
                target = rear.id
            pairs.add((t.site, target))
    return sorted(pairs)


def corridor_features(ws: Workspace, pairs: Sequence[tuple[str, str]], day: dt.date) -> dict[str, Any]:
    """Each corridor on ``day`` as GeoJSON: the open route, or the usual route and where it
    breaks (a point per place near each broken stretch)."""
    features: list[dict[str, Any]] = []
    synthetic = False
    for a, b in pairs:
        c = corridor(ws, a, b, day, critical=False)
        synthetic |= c["synthetic"]
        common = {"from": c["from"], "to": c["to"], "date": c["date"], "side": c["side"],
                  "connected": c["connected"], "length_km": c["length_km"],
                  "synthetic": c["synthetic"]}
        if c.get("route"):
            features.append({"type": "Feature", "geometry": c["route"], "properties": {
                **common, "kind": "route" if c["connected"] else "usual_route",
                "places_on_route": c["places_on_route"]}})
        seen: set[str] = set()
        for br in c["breaks"]:
            for name in br.get("near", []):
                if name in seen:  # one point per place, however many stretches break near it
                    continue
                seen.add(name)
                p = ws.place(name)
                features.append({"type": "Feature", "properties": {
                    **common, "kind": "break", "road": br.get("road", ""), "near": name},
                    "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]}})
    return {"type": "FeatureCollection", "date": day.isoformat(), "synthetic": synthetic,
            "features": features}


def default_corridors(ws: Workspace) -> list[tuple[str, str]]:
    """The corridors the faces show: the watched ones (tripwires), else each watched site's to
    its rear, else every site's that has a rear."""
    pairs = watched_corridors(ws)
    if pairs:
        return pairs
    watched = watched_sites(ws)
    return site_corridors(ws, watched) or ([] if watched else site_corridors(ws, ws.facilities()))


def list_chips(folder: Path, site: str | None = None) -> list[dict[str, Any]]:
    """Chips published in the workspace's ``chips/`` folder (``[SYNTHETIC_]<site>_<area>_<scene>.png``
    as `basewatch imagery chips` names them), optionally of one site."""
    d = Path(folder) / CHIPS_DIR
    if not d.is_dir():
        return []
    out = []
    for p in sorted(d.glob("*.png")):
        if not _CHIP_ID.match(p.stem) or not p.is_file() or p.is_symlink():
            continue
        synthetic = p.stem.startswith("SYNTHETIC_")
        rest = p.stem.removeprefix("SYNTHETIC_")
        sid = rest.split("_", 1)[0]
        if site and sid != site:
            continue
        date = re.search(r"(\d{8})", rest)
        out.append({"id": p.stem, "site": sid, "synthetic": synthetic,
                    "date": f"{date[1][:4]}-{date[1][4:6]}-{date[1][6:]}" if date else None,
                    "bytes": p.stat().st_size})
    return out


def chip_path(folder: Path, chip_id: str) -> Path:
    """The file of a chip by id: looked up among the listed chips, never joined from input."""
    for c in list_chips(folder):
        if c["id"] == chip_id:
            return Path(folder) / CHIPS_DIR / f"{c['id']}.png"
    raise NotFoundError(f"chip: no chip {chip_id!r} in the workspace")


def site_summary(ws: Workspace, f: Facility, days: Sequence[dt.date]) -> dict[str, Any]:
    """What the site page shows: exposure per day, imagery verdicts, sorties, probability per
    day with the evidence of the last day, alerts and chips. Each row keeps its synthetic mark."""
    from basewatch.analysis.assessment import assess
    from basewatch.queries.flights import daily_rows

    hist = reach_history(ws, [f], max(days))[f.id] if days else None
    exposure = [row for row in (hist.row(d) for d in days)
                if row["state"] not in (NO_CONTROL, NOT_ACTIVE)] \
        if hist else []
    try:
        af, sorties = daily_rows(ws, f.id)  # NaN rates (no baseline yet) become null in JSON
        airfield: dict[str, Any] | None = {"ident": af.ident, "name": af.name}
    except NotFoundError:
        airfield, sorties = None, []
    table = load_table(ws)
    items = gather_indicators(ws, f)
    probs = [assess(table, items, "withdrawal", site=f.id, date=d) for d in days]
    last = days[-1].isoformat() if days else ""
    # Nothing dated after the last day: the page shows what was known then.
    sorties = [r for r in sorties if r["day"] <= last]
    alerts = [a.to_dict() for a in ws.store.select(ALERTS, {"site": f.id}, order_by=("date",))
              if a.date.isoformat() <= last]
    return {"site": {"id": f.id, "name": f.name, "operator": f.operator, "type": getattr(f.type, "value", f.type),
                     "lon": f.lon, "lat": f.lat, "synthetic": f.provenance.synthetic,
                     "source": f.provenance.label},
            "dates": [d.isoformat() for d in days],
            "exposure": exposure,
            "imagery": [r for r in (v.to_dict() for v in site_verdicts(site_counts(ws.store, f.id)))
                        if r["date"] <= last],
            "airfield": airfield, "sorties": sorties,
            "probability": [{"date": a.date.isoformat(), "probability": round(a.probability, 4),
                             "words": a.to_dict().get("words"), "synthetic": a.synthetic}
                            for a in probs],
            "assessment": probs[-1].to_dict() if probs else None,
            "alerts": alerts, "chips": list_chips(Path(ws.folder), f.id),
            "warnings": [w for w in (table_warning(ws),) if w],
            "synthetic": any(e["synthetic"] for e in exposure) or f.provenance.synthetic}

