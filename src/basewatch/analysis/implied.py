"""One-sided control: the other side's ground implied by a land outline minus the ground
others hold, so that distances, the front, reach areas and rings work unchanged.

Where only one side's territory is published (occupied areas as one polygon per day), an
analyst imports an outline (a country's land) for the other side. On each snapshot, that
side's ground is the outline minus every area held in the snapshot. A coarse outline and a
finer held coastline disagree by a few hundred metres to a few km along coasts: the strips this
leaves between them are not ground, and would put phantom hostile ground next to coastal sites.
So strips narrower than the outline's ``sliver_km`` are dropped (a morphological opening in an
azimuthal equidistant projection, used as a mask), while every boundary that is kept stays
exactly the held polygon's or the outline's, so the front (the shared boundary) is found as
with two-sided data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.control import faction_geometries
from basewatch.analysis.geodesy import local_aeqd
from basewatch.model import ControlArea, ControlStatus, Outline, Provenance, Source

__all__ = ["implied_areas", "implied_ground"]

_GROW = 0.75
_SEGMENT_DEG = 0.01


def implied_ground(outline: BaseGeometry, held: BaseGeometry | None, sliver_m: float) -> BaseGeometry:
    """``outline`` minus ``held``, without the strips narrower than ``sliver_m``."""
    diff = outline if held is None or held.is_empty else shapely.difference(outline, held)
    diff = _polygonal(diff)
    if diff.is_empty or sliver_m <= 0:
        return diff
    c = shapely.centroid(outline)
    fwd, inv = local_aeqd(round(float(c.x), 6), round(float(c.y), 6))
    # Widths as the polygons are drawn (straight in lon/lat): long edges are cut up first, or a
    # 200 km edge would bow by a kilometre in the projection.
    proj = shapely.transform(shapely.segmentize(diff, _SEGMENT_DEG),
                             lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    # Opening: what survives shrinking by half the width, grown back by 3/4 of the width and
    # used only as a mask, so that the boundaries kept are the original ones. Growing back
    # more than it shrank restores the convex corners of the implied ground (every corner of
    # 84 degrees or more exactly: a corner is where the nearest point of a far site often
    # lies), at the price of a stub of at most 1/4 of the width where a sliver joins it.
    core = shapely.buffer(shapely.buffer(proj, -sliver_m / 2, quad_segs=8),
                          sliver_m * _GROW, quad_segs=8)
    if core.is_empty:
        return MultiPolygon()
    mask = shapely.transform(core, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))
    kept = _polygonal(shapely.intersection(diff, mask))
    parts = [p for p in shapely.get_parts(kept) if _projected_area(p, fwd) >= sliver_m ** 2]
    if not parts:
        return MultiPolygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _projected_area(p: BaseGeometry, fwd: object) -> float:
    xy = shapely.transform(p, lambda a: np.column_stack(fwd.transform(a[:, 0], a[:, 1])))  # type: ignore[attr-defined]
    return float(xy.area)


def _polygonal(g: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(g) if isinstance(p, Polygon) and not p.is_empty]
    if not parts:
        return MultiPolygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def implied_areas(areas: Sequence[ControlArea], outlines: Sequence[Outline],
                  snapshot: dt.date) -> list[ControlArea]:
    """The implied ground, on ``snapshot``, of each outline's faction that holds no area of its
    own in that snapshot (an outline never overrides published control)."""
    geoms = faction_geometries(areas)
    held = shapely.union_all(list(geoms.values())) if geoms else None
    synthetic = [a for a in areas if a.provenance.synthetic]
    out: dict[str, list[tuple[BaseGeometry, Outline]]] = {}
    for o in outlines:
        if o.faction in geoms:
            continue
        g = implied_ground(o.geometry, held, o.sliver_km * 1000)
        if not g.is_empty:
            out.setdefault(o.faction, []).append((g, o))
    result = []
    for faction, items in sorted(out.items()):
        geom = items[0][0] if len(items) == 1 else shapely.union_all([g for g, _ in items])
        names = ", ".join(f"{o.id} ({o.provenance.source.publisher})" for _, o in items)
        gen = synthetic[0].provenance if synthetic else None
        prov = Provenance(
            Source(f"implied: outline {names} minus the ground held on {snapshot}"),
            synthetic=gen is not None, generator=gen.generator if gen else "",
            seed=gen.seed if gen else None,
            notes="derived from an outline and the published control (docs/exposure.md)")
        result.append(ControlArea(faction, snapshot, geom, prov, ControlStatus.IMPLIED))
    return result
