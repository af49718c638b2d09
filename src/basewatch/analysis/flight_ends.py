"""How tracks end: landings lost on short final, and where a track that went dark was going.

Pure functions used by :func:`basewatch.analysis.flights.detect_events`; all measuring is on
the WGS84 ellipsoid through :mod:`basewatch.analysis.geodesy`.

* :func:`end_on_runway_or_final`: a track whose last position is over a runway (a landing
  whose ground state was never reported) or low, descending and aligned on a runway's
  extended centreline short of its threshold (receiver coverage lost on short final, a
  *probable* landing, with its touchdown time extrapolated).
* :func:`fit_course`: the geodesic course flown over the last minutes of a track, fitted by
  total least squares in an azimuthal equidistant projection centred on the last position
  (where geodesics through the centre are straight lines), with its angular standard error.
* :func:`destination_candidates`: the airfields inside a cone around that course, between a
  minimum distance and the aircraft's range, ranked by how far off the course they lie.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.geodesy import along_cross_track_m, azimuth_deg, distance_m, local_aeqd

__all__ = ["BASIS_FINAL", "BASIS_RUNWAY", "CourseFit", "EndLanding", "destination_candidates",
           "end_on_runway_or_final", "fit_course", "refine_times"]

BASIS_RUNWAY = "track ended on runway"
BASIS_FINAL = "track ended on final (probable landing)"
_KT = 1852.0 / 3600.0  # m/s per knot
_FT = 0.3048  # m per foot


@dataclass(frozen=True)
class EndLanding:
    """A landing inferred from where a track ends."""

    airfield_index: int
    runway: str  # the runway end landed on, e.g. "17"
    time_s: float  # estimated touchdown (s since the epoch)
    basis: str  # BASIS_RUNWAY or BASIS_FINAL


def _angle_diff(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def end_on_runway_or_final(lon: Sequence[float], lat: Sequence[float], alt_ft: Sequence[float],
                           gs_kt: Sequence[float], t_s: Sequence[float], airfields: Sequence[Any],
                           *, max_cross_m: float = 600.0, max_final_m: float = 8000.0,
                           max_agl_ft: float = 1500.0, runway_agl_ft: float = 200.0,
                           max_misalign_deg: float = 20.0, touchdown_m: float = 300.0,
                           default_gs_kt: float = 140.0) -> EndLanding | None:
    """The landing a track ending airborne implies, if any.

    ``lon``..``t_s`` are the last two (or more) positions of the track, oldest first. The
    course is the geodesic azimuth between the last two. A landing on runway end R (flying
    from R's threshold toward the other end) is found when the last position is within
    ``max_cross_m`` of the centreline, the course is within ``max_misalign_deg`` of the
    runway's, and the altitude is not increasing; then:

    * over the runway (between the threshold and the far end) and under ``runway_agl_ft`` above
      the field (or no altitude): ``track ended on runway``; touchdown = last time minus the
      time to fly from ``touchdown_m`` past the threshold to there at the last ground speed;
    * short of the threshold by at most ``max_final_m`` and under ``max_agl_ft`` above the
      field: ``track ended on final (probable landing)``; touchdown = last time plus the time
      to fly to ``touchdown_m`` past the threshold at the last ground speed (``default_gs_kt``
      when none is reported). It is a probable landing: a go-around cannot be excluded.
    """
    if len(lon) < 2:
        return None
    lo0, la0, lo1, la1 = float(lon[-2]), float(lat[-2]), float(lon[-1]), float(lat[-1])
    if (lo0, la0) == (lo1, la1):
        return None
    course = float(azimuth_deg(lo0, la0, lo1, la1))
    a0, a1 = float(alt_ft[-2]), float(alt_ft[-1])
    if math.isfinite(a0) and math.isfinite(a1) and a1 > a0:
        return None  # climbing: a departure or a go-around, not an arrival
    gs = float(gs_kt[-1])
    v = (gs if math.isfinite(gs) and gs > 30 else default_gs_kt) * _KT
    best: tuple[float, EndLanding] | None = None
    for j, af in enumerate(airfields):
        for rw in af.runways:
            for name, (tlon, tlat), (olon, olat) in (
                    (rw.le_ident, (rw.le_lon, rw.le_lat), (rw.he_lon, rw.he_lat)),
                    (rw.he_ident, (rw.he_lon, rw.he_lat), (rw.le_lon, rw.le_lat))):
                run_az = float(azimuth_deg(tlon, tlat, olon, olat))
                if _angle_diff(course, run_az) > max_misalign_deg:
                    continue
                along, cross = along_cross_track_m(lo1, la1, tlon, tlat, run_az)
                along, cross = float(along), float(cross)
                if abs(cross) > max_cross_m:
                    continue
                length = float(distance_m(tlon, tlat, olon, olat))
                agl = a1 - af.elevation_ft if math.isfinite(a1) else float("nan")
                if 0.0 <= along <= length and not agl > runway_agl_ft:
                    when = float(t_s[-1]) - max(0.0, along - touchdown_m) / v
                    hit = EndLanding(j, name, when, BASIS_RUNWAY)
                elif -max_final_m <= along < 0.0 and not agl > max_agl_ft:
                    hit = EndLanding(j, name, float(t_s[-1]) + (touchdown_m - along) / v,
                                     BASIS_FINAL)
                else:
                    continue
                if best is None or abs(cross) < best[0]:
                    best = (abs(cross), hit)
    return best[1] if best else None


def refine_times(t_s: NDArray[Any], seg: NDArray[Any], trans: NDArray[Any],
                 is_takeoff: NDArray[Any], elevation_ft: NDArray[Any],
                 alt_at: Callable[[NDArray[Any]], NDArray[Any]], *, above_ft: float = 50.0,
                 window_s: float = 120.0, max_gap_s: float = 60.0, k: int = 16
                 ) -> NDArray[np.float64]:
    """Lift-off and touch-down times from the barometric altitude, where it is reported.

    A ground state change judged on ground speed alone is early for a take-off (50 kt is
    early in the roll) and late for a landing (the roll-out). For the state change at
    position ``trans[e]``: lift-off is between the last position at or below
    ``above_ft`` over the field and the first one above it (within ``window_s`` after);
    touch-down between the last position above it and the next (within ``window_s`` before).
    Time = midpoint of that pair when they are at most ``max_gap_s`` apart; NaN where no
    such pair exists (no altitude reported; keep the state-change time). ``alt_at(idx)``
    reads altitudes at row indices (so only these windows are read).
    """
    n_ev = len(trans)
    out = np.full(n_ev, np.nan)
    if n_ev == 0:
        return out
    n = len(t_s)
    off = np.arange(k)
    idx = np.where(is_takeoff[:, None], trans[:, None] + off, trans[:, None] - 1 - off)
    idx = np.clip(idx, 0, n - 1)
    flat = idx.ravel()
    alt = np.asarray(alt_at(flat), float).reshape(idx.shape)
    ok = (seg[idx] == seg[trans][:, None]) & (np.abs(t_s[idx] - t_s[trans][:, None]) <= window_s)
    above = ok & (np.nan_to_num(alt, nan=-1e9) > elevation_ft[:, None] + above_ft)
    first = np.where(above.any(axis=1), above.argmax(axis=1), -1)
    for e in np.flatnonzero(first >= 0):
        j = int(idx[e, first[e]])
        a, b = (j - 1, j) if is_takeoff[e] else (j, j + 1)
        if a < 0 or b >= n or seg[a] != seg[b] or t_s[b] - t_s[a] > max_gap_s:
            continue
        out[e] = (t_s[a] + t_s[b]) / 2
    return out


@dataclass(frozen=True)
class CourseFit:
    """A course fitted to the end of a track: azimuth at the last position and its error."""

    lon: float
    lat: float
    course_deg: float  # geodesic azimuth at the last position, degrees true
    error_deg: float  # one standard error of the course (scatter and turning included)
    n: int  # positions used
    span_s: float  # time they cover


def fit_course(lon: NDArray[Any], lat: NDArray[Any], t_s: NDArray[Any], *,
               window_s: float = 600.0, min_error_deg: float = 1.0) -> CourseFit | None:
    """Fit the geodesic course of the last ``window_s`` seconds of a track (oldest first).

    Positions are projected to an azimuthal equidistant plane centred on the last one, where
    every geodesic through the centre is a straight line; the principal axis of the points
    (total least squares) through the centre gives the azimuth, oriented by the direction of
    motion. The standard error is the perpendicular scatter over the spread of the points
    along the axis, ``atan(sigma_perp / sqrt(sum(along^2)))``, floored at ``min_error_deg``.
    None when fewer than three positions or under 1 km covered.
    """
    lon, lat, t_s = (np.asarray(x, float) for x in (lon, lat, t_s))
    keep = t_s >= t_s[-1] - window_s
    lon, lat, t_s = lon[keep], lat[keep], t_s[keep]
    if len(lon) < 3:
        return None
    fwd, _ = local_aeqd(float(lon[-1]), float(lat[-1]))
    x, y = fwd.transform(lon, lat)
    x, y = np.asarray(x), np.asarray(y)
    if math.hypot(x[0], y[0]) < 1000.0:
        return None
    xc, yc = x - x.mean(), y - y.mean()
    _, s, vt = np.linalg.svd(np.column_stack([xc, yc]), full_matrices=False)
    ux, uy = vt[0]
    if ux * (x[-1] - x[0]) + uy * (y[-1] - y[0]) < 0:  # point the axis along the motion
        ux, uy = -ux, -uy
    course = math.degrees(math.atan2(ux, uy)) % 360.0  # azimuth: from north, clockwise
    dof = max(1, len(x) - 2)
    sigma_perp = float(s[1]) / math.sqrt(dof) if len(s) > 1 else 0.0
    err = math.degrees(math.atan2(sigma_perp, float(s[0]))) if s[0] > 0 else 90.0
    return CourseFit(float(lon[-1]), float(lat[-1]), course, max(min_error_deg, err),
                     len(x), float(t_s[-1] - t_s[0]))


def destination_candidates(fit: CourseFit, airfields: Sequence[Any], *, origin: str = "",
                           min_km: float = 100.0, max_range_km: float = 5000.0,
                           min_cone_deg: float = 10.0, sigmas: float = 2.0
                           ) -> list[tuple[Any, float, float]]:
    """Airfields the projected course points at: (airfield, degrees off course, km), best first.

    The cone's half-angle is ``max(min_cone_deg, sigmas * fit.error_deg)``; an airfield is in
    it when the geodesic azimuth from the last position to it differs from the fitted course
    by at most that much. Range: between ``min_km`` (closer fields would have shown an
    approach) and ``max_range_km``, the distance the aircraft could still fly (its endurance:
    the caller passes what fits the type; the default, 5,000 km, is about the range of a
    heavy transport with a part load, e.g. an Il-76MD). Ranked by angle off course, then
    distance.
    """
    cands = [a for a in airfields if a.ident != origin]
    if not cands:
        return []
    alon = np.array([a.lon for a in cands])
    alat = np.array([a.lat for a in cands])
    n = len(cands)
    brg = np.atleast_1d(azimuth_deg(np.full(n, fit.lon), np.full(n, fit.lat), alon, alat))
    dist = np.atleast_1d(distance_m(np.full(n, fit.lon), np.full(n, fit.lat), alon, alat)) / 1e3
    off = np.abs((brg - fit.course_deg + 180.0) % 360.0 - 180.0)
    cone = max(min_cone_deg, sigmas * fit.error_deg)
    ok = (off <= cone) & (dist >= min_km) & (dist <= max_range_km)
    order = sorted(np.flatnonzero(ok), key=lambda k: (round(float(off[k]), 1), float(dist[k])))
    return [(cands[k], float(off[k]), float(dist[k])) for k in order]
