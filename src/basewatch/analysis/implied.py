"""One-sided control: the other side's ground implied by a land outline minus the ground
others hold, so that distances, the front, reach areas and rings work unchanged.

Where only one side's territory is published (occupied areas as one polygon per day), an
analyst imports an outline (a country's land) for the other side. On each snapshot, that
side's ground is the outline minus every area held in the snapshot.

Two things keep the front (the boundary the held and the implied ground share,
analysis/control.py) exactly the held ground's edge that is neither coast nor border:

* The outline is first snapped onto the held ground (the held vertices within
  ``BOUNDARY_TOLERANCE_DEG``, ~1 m, of its boundary inserted into it, its own vertices that
  close to them moved onto them). Held areas and outlines are digitised apart: where the
  held edge meets the coast or border a vertex lies a fraction of a metre off the outline,
  and without the snap the subtraction would end the implied edge at a new node instead of
  the held vertex, so that its last segment (tens of km of a drawn line) would no longer be
  the held segment, and hairline strips would follow the held coast wherever both were drawn
  from the same land.
* A coarse outline and a finer held coastline disagree by up to a few km: the strips this
  leaves between them are not ground, and would put phantom hostile ground next to coastal
  sites. Such a strip is narrow (it vanishes in a morphological opening at the outline's
  ``sliver_km``) AND lies along the held ground (every point of it within ``sliver_km`` of
  held ground). Only what meets both is dropped: a narrow spit or island of the outline
  reaching away from the held ground stays ground, and every boundary kept is exactly the
  held polygon's or the outline's (but for the cut where a dropped strip joined wide ground).
  The price: a corner sharper than 84 degrees where the front meets the coast loses its tip,
  and a strip of real ground narrower than the width between the front and a border cannot
  be told from one between two coastlines (docs/exposure.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.control import BOUNDARY_TOLERANCE_DEG, faction_geometries
from basewatch.analysis.geodesy import local_aeqd
from basewatch.model import ControlArea, ControlStatus, Outline, Provenance, Source

__all__ = ["implied_areas", "implied_ground"]

_GROW = 0.75
_SEGMENT_DEG = 0.01

_Project = Callable[[BaseGeometry], BaseGeometry]


def implied_ground(outline: BaseGeometry, held: BaseGeometry | None, sliver_m: float) -> BaseGeometry:
    """``outline`` minus ``held``, without the strips narrower than ``sliver_m`` that lie
    along ``held`` (module docstring)."""
    if held is None or held.is_empty:
        return _polygonal(outline)
    diff = _polygonal(shapely.difference(_snapped(outline, held), held))
    if diff.is_empty or sliver_m <= 0:
        return diff
    c = shapely.centroid(outline)
    fwd, inv = local_aeqd(round(float(c.x), 6), round(float(c.y), 6))

    def project(g: BaseGeometry) -> BaseGeometry:
        # Widths as the polygons are drawn (straight in lon/lat): long edges are cut up
        # first, or a 200 km edge would bow by a kilometre in the projection.
        return shapely.transform(shapely.segmentize(g, _SEGMENT_DEG),
                                 lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))

    # Opening: what survives shrinking by half the width, grown back by 3/4 of it, is wide
    # ground. Growing back more than it shrank keeps every convex corner of 84 degrees or
    # more inside it (a corner is where the nearest point of a far site often lies), at the
    # price of a stub of at most 1/4 of the width where a strip joins wide ground.
    core = shapely.buffer(shapely.buffer(project(diff), -sliver_m / 2, quad_segs=8),
                          sliver_m * _GROW, quad_segs=8)
    mask = shapely.transform(core, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))
    narrow = [p for p in shapely.get_parts(_polygonal(shapely.difference(diff, mask)))]
    if not narrow:
        return diff
    # (parts of one valid polygonal: their union is a valid MultiPolygon as they are)
    drop = [p for p, near in zip(narrow, _near_held(held, narrow, project, sliver_m),
                                 strict=True) if near]
    if not drop:
        return diff
    kept = list(shapely.get_parts(_polygonal(shapely.difference(diff, MultiPolygon(drop)))))
    # What is left of a dropped strip at a cut (numerical crumbs, or a piece of a strip
    # smaller than the width squared) is no ground either, if it lies along the held ground.
    small = [p for p in kept if project(p).area < sliver_m ** 2]
    gone = {id(p) for p, near in zip(small, _near_held(held, small, project, sliver_m)
                                     if small else [], strict=True) if near}
    parts = [p for p in kept if id(p) not in gone]
    if not parts:
        return MultiPolygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _snapped(outline: BaseGeometry, held: BaseGeometry) -> BaseGeometry:
    """``outline`` with every held vertex that lies within the tolerance of its boundary
    snapped into it: onto the outline vertex it is that close to, or inserted into the
    nearest edge. (``shapely.snap`` does the same, but in time quadratic in the vertices:
    minutes for a country against a daily occupied area.)"""
    tol = BOUNDARY_TOLERANCE_DEG
    polys = [p for p in shapely.get_parts(outline) if isinstance(p, Polygon)]
    rings = [np.asarray(r.coords) for p in polys for r in (p.exterior, *p.interiors)]
    starts = np.concatenate([r[:-1] for r in rings])
    ends = np.concatenate([r[1:] for r in rings])
    ring_of = np.concatenate([np.full(len(r) - 1, i) for i, r in enumerate(rings)])
    seg_of = np.concatenate([np.arange(len(r) - 1) for r in rings])
    tree = shapely.STRtree(shapely.linestrings(np.stack([starts, ends], axis=1)))
    xy = np.unique(shapely.get_coordinates(held), axis=0)
    (pi, si), dist = tree.query_nearest(shapely.points(xy), max_distance=tol,
                                        return_distance=True, all_matches=False)
    moved: dict[int, dict[int, np.ndarray]] = {}  # ring -> vertex -> new place
    added: dict[int, list[tuple[int, float, np.ndarray]]] = {}  # ring -> (segment, t, point)
    for p, sgm, d in zip(pi, si, dist, strict=True):
        q, a, b = xy[p], starts[sgm], ends[sgm]
        r, k = int(ring_of[sgm]), int(seg_of[sgm])
        if np.hypot(*(q - a)) <= tol:
            moved.setdefault(r, {})[k] = q
        elif np.hypot(*(q - b)) <= tol:
            moved.setdefault(r, {})[(k + 1) % (len(rings[r]) - 1)] = q
        elif d > 0:
            ab = b - a
            added.setdefault(r, []).append((k, float(np.dot(q - a, ab) / np.dot(ab, ab)), q))
    if not moved and not added:
        return outline
    new_rings = []
    for r, ring in enumerate(rings):
        coords = ring[:-1].copy()
        for k, q in moved.get(r, {}).items():
            coords[k] = q
        ins = sorted(added.get(r, []), key=lambda x: (x[0], x[1]))
        if ins:
            out, j = [], 0
            for k in range(len(coords)):
                out.append(coords[k])
                while j < len(ins) and ins[j][0] == k:
                    out.append(ins[j][2])
                    j += 1
            coords = np.asarray(out)
        new_rings.append(np.vstack([coords, coords[:1]]))
    it = iter(new_rings)
    rebuilt = [Polygon(next(it), [next(it) for _ in p.interiors]) for p in polys]
    snapped = rebuilt[0] if len(rebuilt) == 1 else MultiPolygon(rebuilt)
    return snapped if snapped.is_valid else shapely.make_valid(snapped)


def _near_held(held: BaseGeometry, pieces: Sequence[BaseGeometry], project: _Project,
               sliver_m: float) -> np.ndarray:
    """Which pieces lie within ``sliver_m`` of ``held``, every point of them? (Checked on their
    boundaries, sampled every tenth of the width: a narrow piece's farthest point from the held
    ground lies on its boundary.)"""
    box = shapely.box(*shapely.total_bounds(np.array(pieces)))
    # Only the held ground within twice the width matters: clip before projecting (degrees of
    # longitude shrink with latitude; 111 km is a degree of latitude).
    lat = max(abs(y) for y in shapely.get_coordinates(box)[:, 1])
    zone = shapely.buffer(box, 2 * sliver_m / (111_000 * max(np.cos(np.radians(lat)), 0.05)))
    ground = project(shapely.intersection(held, zone))
    if ground.is_empty:
        return np.zeros(len(pieces), dtype=bool)
    reach = shapely.buffer(ground, sliver_m, quad_segs=16)
    shapely.prepare(reach)
    edges = shapely.segmentize(shapely.boundary(np.array([project(p) for p in pieces])),
                               sliver_m / 10)
    xy, which = shapely.get_coordinates(edges, return_index=True)
    inside = shapely.contains_xy(reach, xy[:, 0], xy[:, 1])
    out = np.ones(len(pieces), dtype=bool)
    np.logical_and.at(out, which, inside)
    return out


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
