"""Prepared ground: one faction's (multi)polygon indexed once, asked for distances many times.

A daily control series repeats itself and an analyst asks the same ground many questions, so
everything that depends only on the geometry is built once per distinct geometry
(a content hash of the stored geometry, see
:mod:`basewatch.store.exposure_cache`) and kept in :class:`Ground`: the boundary segments, their
geodesic lengths, their endpoints in Earth-centred (ECEF) coordinates with a k-d tree, and the
polygon projected for the inside test.

Distance from a site (exact on the WGS84 ellipsoid, to well under a metre):

1. **Inside** is tested in an azimuthal equidistant projection centred on the polygon (so
   polygons across the antimeridian work); a site inside is at 0.
2. **Upper bound** ``U``: the exact geodesic distance to the segment endpoint nearest in ECEF.
3. **Conservative prefilter**, geodesically safe: a straight 3-D chord is never longer than the
   geodesic between its ends, and a geodesic of length ``L`` strays at most ``L²/(8 R)`` (``R``
   the smallest radius of curvature of the ellipsoid, b²/a) from its chord. So the 3-D distance
   from the site to a segment's chord, minus that sagitta, is a lower bound ``LB`` of the
   geodesic distance to the segment; only segments with ``LB <= U`` can hold the nearest point.
   They are found with the k-d tree (an endpoint within ``U + L/2``, by the triangle
   inequality), long segments by brute force.
4. A tighter upper bound per candidate (the geodesic distance to the point of the segment at
   the chord's foot) drops every candidate whose ``LB`` exceeds the best of them.
5. **Refinement** on the ellipsoid with ``pyproj.Geod``: from the foot, Newton steps along the
   geodesic segment (the first variation of distance is the cosine between the segment and the
   direction away from the site), clipped to the segment, the ends included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import GEOD
from basewatch.analysis.ground_cache import GroundCache

__all__ = ["Ground", "GroundCache", "boundary_segments", "simplify_for_display"]

Arrays = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]

_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_R_MIN = _A * (1 - _F) ** 2  # b²/a: smallest radius of curvature (meridian at the equator)
_NEWTON = 6  # steps along the segment; each at least squares the error for short segments
_BRUTE_PAIRS = 200_000  # up to this many (site, vertex) pairs, no k-d tree: all are measured


def boundary_segments(geom: BaseGeometry) -> NDArray[np.float64]:
    """(k, 2, 2) array of the boundary's segments in lon/lat (longitudes unwrapped per ring)."""
    return _rings(geom)[0]


def _rings(geom: BaseGeometry) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """The boundary's segments and, for each, the index of the segment before it on its ring
    (whose end is this one's start)."""
    segs, prev = [], []
    k = 0
    for ring in shapely.get_rings(shapely.get_parts(geom)):
        xy = np.asarray(ring.coords)[:, :2].copy()
        if len(xy) < 2:
            continue
        if np.abs(np.diff(xy[:, 0])).max() > 180:  # crosses the antimeridian: make continuous
            xy[:, 0] = np.degrees(np.unwrap(np.radians(xy[:, 0])))
        m = len(xy) - 1
        segs.append(np.stack([xy[:-1], xy[1:]], axis=1))
        prev.append(k + (np.arange(m) - 1) % m)
        k += m
    if not segs:
        return np.empty((0, 2, 2)), np.empty(0, np.intp)
    return np.concatenate(segs), np.concatenate(prev).astype(np.intp)


def _quantile(x: NDArray[np.float64], q: float) -> float:
    """``np.quantile(x, q)`` (its default, linear method, the same float operations) without
    the import of numpy.ma that the first ``np.quantile`` of a process costs (~10-20 ms, a
    few percent of a command that answers one question)."""
    n = len(x)
    pos = (n - 1) * q
    lo = int(np.floor(pos))
    hi = min(lo + 1, n - 1)
    v = np.partition(x, [lo, hi])
    a, b, t = float(v[lo]), float(v[hi]), pos - lo
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def _ecef(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    lo, la = np.radians(lon), np.radians(lat)
    n = _A / np.sqrt(1 - _E2 * np.sin(la) ** 2)
    return np.column_stack([n * np.cos(la) * np.cos(lo), n * np.cos(la) * np.sin(lo),
                            n * (1 - _E2) * np.sin(la)])


class Ground:
    """One (multi)polygon prepared for repeated distance questions (see the module doc)."""

    def __init__(self, geom: BaseGeometry) -> None:
        self.geom = geom
        self.segs, self.prev = _rings(geom)
        k = len(self.segs)
        self.vertices = k
        self._poly_xy: BaseGeometry | None = None
        if k == 0:
            return
        a = self.segs[:, 0]
        self.ea = _ecef(a[:, 0], a[:, 1])
        self.nxt = np.empty(k, np.intp)
        self.nxt[self.prev] = np.arange(k)
        self.eb = self.ea[self.nxt]  # a segment ends where the next one on its ring starts
        # A curve whose curvature is at most 1/R is at least as straight as a circle of radius
        # R (Schur): a geodesic's length is bounded by its chord, and so is its sagitta (how far
        # it strays from the chord); margins cover rounding.
        chord = np.linalg.norm(self.eb - self.ea, axis=1)
        half = np.arcsin(np.minimum(chord / (2 * _R_MIN), 1.0))
        self.length_bound = 2 * _R_MIN * half * 1.000001 + 1e-3
        self.sag = _R_MIN * (1 - np.cos(half)) * 1.01 + 0.01
        split = max(_quantile(self.length_bound, 0.99), 1000.0)
        self.long = np.flatnonzero(self.length_bound > split)
        short = self.length_bound <= split
        self.half_max = float(self.length_bound[short].max()) / 2 if short.any() else 0.0
        self._starts: Any = None
        c = shapely.centroid(geom)
        self.centre = (float(c.x), float(c.y))
        # Inside is decided on the lon/lat polygon unless a site is within ``inside_tol`` of
        # the boundary, where straight edges in lon/lat and in the projection may disagree
        # (or the ground crosses the antimeridian): then in the projection, built on demand.
        x0, _, x1, _ = geom.bounds
        self.lonlat_ok = -180 <= x0 and x1 <= 180 and x1 - x0 < 180
        lat_max = min(float(np.abs(a[:, 1]).max()), 80.0)
        lmax = float(self.length_bound.max())
        self.inside_tol = 50.0 + lmax ** 2 / (8 * _R_MIN) * (2 + 4 * np.tan(np.radians(lat_max)))

    @property
    def starts(self) -> Any:
        """k-d tree of the segment starts, built the first time many sites are asked."""
        if self._starts is None:
            from scipy.spatial import cKDTree  # here: a second of start-up otherwise

            self._starts = cKDTree(self.ea)
        return self._starts

    @property
    def poly_xy(self) -> BaseGeometry:
        if self._poly_xy is None:
            self._poly_xy = shapely.transform(
                self.geom, lambda xy: np.column_stack(self._aeqd(xy[:, 0], xy[:, 1])))
            shapely.prepare(self._poly_xy)
        return self._poly_xy

    def _aeqd(self, lons: NDArray[np.float64], lats: NDArray[np.float64]) -> tuple[
            NDArray[np.float64], NDArray[np.float64]]:
        """Azimuthal equidistant projection centred on the ground, straight from its definition
        (geodesic distance and azimuth from the centre): no per-ground PROJ transformer."""
        n = lons.size
        az, _, dist = GEOD.inv(np.full(n, self.centre[0]), np.full(n, self.centre[1]),
                               np.asarray(lons, float), np.asarray(lats, float))
        a = np.radians(np.asarray(az))
        d = np.asarray(dist)
        return d * np.sin(a), d * np.cos(a)

    def _inside_projected(self, lons: NDArray[np.float64], lats: NDArray[np.float64],
                          ) -> NDArray[np.bool_]:
        px, py = self._aeqd(lons, lats)
        return np.asarray(shapely.intersects_xy(self.poly_xy, px, py))  # boundary included

    def distances(self, lons: Sequence[float] | NDArray[np.float64],
                  lats: Sequence[float] | NDArray[np.float64]) -> tuple[
            NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        """Geodesic distance (m) from each point to the ground (0 inside), the nearest point
        (lon, lat) and whether the point is inside (tested in an azimuthal equidistant
        projection centred on the ground, as the edges are straight there)."""
        plon = np.asarray(lons, dtype=float).ravel()
        plat = np.asarray(lats, dtype=float).ravel()
        n = plon.size
        out_d = np.full(n, np.inf)
        out_lon, out_lat = plon.copy(), plat.copy()
        inside = np.zeros(n, bool)
        if n == 0 or self.vertices == 0:
            return out_d, out_lon, out_lat, inside
        if not self.lonlat_ok:
            inside = self._inside_projected(plon, plat)
            todo = np.flatnonzero(~inside)
        else:
            todo = np.arange(n)
        for start in range(0, todo.size, 2000):
            idx = todo[start:start + 2000]
            out_d[idx], out_lon[idx], out_lat[idx] = self._outside(plon[idx], plat[idx])
        if self.lonlat_ok:
            if n > 50 and not shapely.is_prepared(self.geom):
                shapely.prepare(self.geom)
            inside = np.asarray(shapely.intersects_xy(self.geom, plon, plat))
            near = np.flatnonzero(out_d <= self.inside_tol)
            if near.size:
                inside[near] = self._inside_projected(plon[near], plat[near])
        out_d[inside] = 0.0
        out_lon[inside], out_lat[inside] = plon[inside], plat[inside]
        return out_d, out_lon, out_lat, inside

    # -- the search for points outside ------------------------------------------------------
    def _candidates(self, p: NDArray[np.float64], u: NDArray[np.float64]) -> tuple[
            NDArray[np.intp], NDArray[np.intp]]:
        """(site, segment) pairs that may come within ``u`` of each site (complete: a point of
        a segment within ``u`` has an end within ``u`` + half the segment, and the chord to
        that end is shorter still; long segments are all taken)."""
        pi_parts: list[NDArray[np.intp]] = []
        si_parts: list[NDArray[np.intp]] = []
        hits = self.starts.query_ball_point(p, u + self.half_max + 1.0, return_sorted=False)
        counts = np.fromiter((len(h) for h in hits), np.intp, len(hits))
        total = int(counts.sum())
        if total:
            flat = np.fromiter((j for h in hits for j in h), np.intp, total)
            pi = np.repeat(np.arange(len(hits)), counts)
            # a vertex starts its segment and ends the one before it
            pi_parts += [pi, pi]
            si_parts += [flat, self.prev[flat]]
        if self.long.size:
            pi_parts.append(np.repeat(np.arange(len(p)), self.long.size))
            si_parts.append(np.tile(self.long, len(p)))
        if not pi_parts:
            return np.empty(0, np.intp), np.empty(0, np.intp)
        pair = np.sort(np.concatenate(pi_parts).astype(np.int64) * self.vertices
                       + np.concatenate(si_parts))
        pair = pair[np.r_[True, pair[1:] != pair[:-1]]]  # unique (sorting beats hashing here)
        return (pair // self.vertices).astype(np.intp), (pair % self.vertices).astype(np.intp)

    def _outside(self, plon: NDArray[np.float64], plat: NDArray[np.float64]) -> Arrays:
        n = plon.size
        p = _ecef(plon, plat)
        # U: exact distance to the segment start nearest in ECEF (every vertex starts a segment).
        few = n * self.vertices <= _BRUTE_PAIRS
        if few:  # a few sites: every vertex, no tree to build
            d2 = ((p[:, None, :] - self.ea[None, :, :]) ** 2).sum(axis=2)
            j = d2.argmin(axis=1)
        else:
            j = np.asarray(self.starts.query(p, k=1)[1])
        u = np.asarray(GEOD.inv(plon, plat, self.segs[j, 0, 0], self.segs[j, 0, 1])[2])
        if few:  # the same test as the k-d tree's: an end within U + half the segment
            da = np.sqrt(d2)
            near = np.minimum(da, da[:, self.nxt]) <= u[:, None] + self.length_bound / 2 + 1.0
            pi, si = np.nonzero(near)
        else:
            pi, si = self._candidates(p, u)
        # Lower bound from the 3-D chord (safe), then keep pairs that may beat U.
        foot_t, chord_d = _chord_foot(p[pi], self.ea[si], self.eb[si])
        lb = chord_d - self.sag[si]
        keep = lb <= u[pi] + 1e-6
        pi, si, foot_t, lb = pi[keep], si[keep], foot_t[keep], lb[keep]
        # A tighter upper bound: the geodesic distance to the segment's point at the chord foot.
        sa, sb = self.segs[si, 0], self.segs[si, 1]
        az, _, length = GEOD.inv(sa[:, 0], sa[:, 1], sb[:, 0], sb[:, 1])
        az, length = np.asarray(az), np.asarray(length)
        g_lon, g_lat, _ = GEOD.fwd(sa[:, 0], sa[:, 1], az, foot_t * length)
        ub = np.asarray(GEOD.inv(plon[pi], plat[pi], np.asarray(g_lon), np.asarray(g_lat))[2])
        best_ub = u.copy()
        np.minimum.at(best_ub, pi, ub)
        keep = lb <= best_ub[pi] + 1e-6
        pi, si, foot_t, az, length = pi[keep], si[keep], foot_t[keep], az[keep], length[keep]
        d, lon, lat = _refine(plon[pi], plat[pi], self.segs[si, 0], self.segs[si, 1],
                              az, length, foot_t * length)
        out_d = np.full(n, np.inf)
        out_lon, out_lat = plon.copy(), plat.copy()
        order = np.lexsort((d, pi))
        first = np.ones(order.size, bool)
        first[1:] = pi[order][1:] != pi[order][:-1]
        best = order[first]
        out_d[pi[best]] = d[best]
        out_lon[pi[best]] = ((lon[best] + 180.0) % 360.0) - 180.0
        out_lat[pi[best]] = lat[best]
        return out_d, out_lon, out_lat


def _chord_foot(p: NDArray[np.float64], a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[
        NDArray[np.float64], NDArray[np.float64]]:
    """Parameter in [0, 1] of the foot of ``p`` on the 3-D chord ``ab`` and the distance to it."""
    v = b - a
    w = p - a
    t = np.clip(np.einsum("ij,ij->i", w, v) / np.maximum(np.einsum("ij,ij->i", v, v), 1e-12), 0, 1)
    d = np.linalg.norm(w - t[:, None] * v, axis=1)
    return t, d


def _refine(plon: NDArray[np.float64], plat: NDArray[np.float64], a: NDArray[np.float64],
            b: NDArray[np.float64], az: NDArray[np.float64], length: NDArray[np.float64],
            s0: NDArray[np.float64]) -> Arrays:
    """Minimum geodesic distance (m) from points to geodesic segments, pairwise, and where.

    Newton steps on the distance along the segment: at a point at arc length ``s`` the rate of
    change of the distance is ``cos`` of the angle between the segment and the direction away
    from the site, and in a plane the foot of the perpendicular lies ``r * cos`` back; the best
    point seen (ends included) is kept, so the answer is never worse than an end.
    """
    best = np.asarray(GEOD.inv(plon, plat, a[:, 0], a[:, 1])[2])
    blon, blat = a[:, 0].copy(), a[:, 1].copy()
    d_b = np.asarray(GEOD.inv(plon, plat, b[:, 0], b[:, 1])[2])
    closer = d_b < best
    best = np.where(closer, d_b, best)
    blon, blat = np.where(closer, b[:, 0], blon), np.where(closer, b[:, 1], blat)
    s = s0.copy()
    for _ in range(_NEWTON):
        glon, glat, back = GEOD.fwd(a[:, 0], a[:, 1], az, s)
        glon, glat, back = np.asarray(glon), np.asarray(glat), np.asarray(back)
        _, az21, r = GEOD.inv(plon, plat, glon, glat)
        r, az21 = np.asarray(r), np.asarray(az21)
        better = r < best
        best = np.where(better, r, best)
        blon, blat = np.where(better, glon, blon), np.where(better, glat, blat)
        rate = np.cos(np.radians(back - az21))
        step = np.clip(s - r * rate, 0.0, length)
        if step.size == 0 or float(np.max(np.abs(step - s))) < 1e-4:
            break  # converged everywhere (0.1 mm along the edges): the best point is kept
        s = step
    return best, blon, blat


#: Metres in a degree of latitude at most (at the poles); a degree of longitude is shorter.
_MAX_M_PER_DEG = 111_700.0


def simplify_for_display(geom: BaseGeometry, tolerance_m: float) -> BaseGeometry:
    """A lighter outline for a map: Douglas-Peucker with topology preserved (no ring crosses
    itself or another), moving no point of the outline more than ``tolerance_m`` metres (the
    tolerance in degrees is ``tolerance_m`` over the most metres a degree can span)."""
    out = shapely.simplify(geom, tolerance_m / _MAX_M_PER_DEG, preserve_topology=True)
    return out if out.is_valid else shapely.make_valid(out)
