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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.geodesy import (
    GEOD,
    along_cross_track_m,
    approx_azimuth_deg,
    approx_distance_m,
    azimuth_deg,
    distance_m,
)

__all__ = ["BASIS_FINAL", "BASIS_RUNWAY", "CourseFit", "EndLanding", "destination_candidates",
           "destination_candidates_many", "end_on_runway_or_final", "fit_course", "fit_courses",
           "off_the_runway"]

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
    time_lo_s: float = float("nan")  # touchdown between these two times
    time_hi_s: float = float("nan")


def _angle_diff(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


_Floats = Sequence[float] | NDArray[Any]


def end_on_runway_or_final(lon: _Floats, lat: _Floats, alt_ft: _Floats, gs_kt: _Floats,
                           t_s: _Floats, airfields: Sequence[Any],
                           *, max_cross_m: float = 600.0, max_final_m: float = 8000.0,
                           max_agl_ft: float = 1500.0, runway_agl_ft: float = 200.0,
                           max_misalign_deg: float = 20.0, touchdown_m: float = 300.0,
                           default_gs_kt: float = 140.0, max_glide_deg: float = 6.0,
                           qnh_ft: float = 300.0, parallel_deg: float = 5.0,
                           min_kt: float = 30.0, course_gap_s: float = 30.0,
                           lateral_m: float = 150.0, established_agl_ft: float = 500.0,
                           max_brake_ms2: float = 4.0, level_agl_ft: float = 50.0,
                           course_deg: float | None = None) -> EndLanding | None:
    """The landing a track ending airborne implies, if any.

    ``lon``..``t_s`` are the last two (or more) positions of the track, oldest first. The
    course is the geodesic azimuth between the last two; where they coincide (a receiver
    repeating a stale position), the reported ``course_deg``, if any. A landing on runway end R (flying
    from R's threshold toward the other end) is found when the last position is within
    ``max_cross_m`` of the centreline, the course is within ``max_misalign_deg`` of the
    runway's, and the altitude is not increasing; then:

    * over the runway (between the threshold and the far end) and under ``runway_agl_ft`` above
      the field (or no altitude), with runway enough left to stop from the last ground speed
      braking at ``max_brake_ms2`` (hard braking on a dry runway is about 3 m/s²):
      ``track ended on runway``; touchdown = last time minus the
      time to fly from ``touchdown_m`` past the threshold to there at the last ground speed;
    * short of the threshold by at most ``max_final_m`` and under ``max_agl_ft`` above the
      field: ``track ended on final (probable landing)``; touchdown = last time plus the time
      to fly to ``touchdown_m`` past the threshold at the last ground speed (``default_gs_kt``
      when none is reported), unless the last position lies above a ``max_glide_deg`` path
      to the touch-down zone by more than ``qnh_ft`` (the altitude's uncertainty for an unknown
      pressure). It is a probable landing: a go-around cannot be excluded.

    Distances to the touch-down zone run from the landing threshold: the runway's end, or
    where the runway says its threshold is displaced (``le_displaced_ft``/``he_displaced_ft``);
    a track ending over the runway short of a displaced threshold is still on final.

    No landing either when the last two positions, up to 30 s apart, are nearer each other
    than ``min_kt`` implies over their interval (the aircraft was taxiing, whatever speed
    the feed reports: traffic's quickstart 4d22d2 taxied at 2-50 kt reporting a stale 99
    kt), nor a probable
    landing when the last position lies nearer the extended centreline of a parallel runway
    (azimuth within ``parallel_deg``) than the one whose final it would be on.
    """
    if len(lon) < 2:
        return None
    lo0, la0, lo1, la1 = float(lon[-2]), float(lat[-2]), float(lon[-1]), float(lat[-1])
    # a bearing across minutes unseen is no course (calfire a61b8e: "north" across a 5.7-min
    # gap, while crossing 16/34 heading 240): the reported track then, if any
    recent = not float(t_s[-1]) - float(t_s[-2]) > course_gap_s
    if (lo0, la0) != (lo1, la1) and recent:
        course = float(azimuth_deg(lo0, la0, lo1, la1))
    elif course_deg is not None and math.isfinite(course_deg):
        course = course_deg
    else:
        return None
    dt_s = float(t_s[-1]) - float(t_s[-2])
    # (over 30 s at most: a longer baseline may span a turn, whose chord is shorter)
    if (lo0, la0) != (lo1, la1) and 0 < dt_s <= 30.0 and \
            float(distance_m(lo0, la0, lo1, la1)) / dt_s < min_kt * _KT:
        return None  # the last positions move at a taxi's pace: not flying (a stuck speed)
    a0, a1 = float(alt_ft[-2]), float(alt_ft[-1])
    if math.isfinite(a0) and math.isfinite(a1) and a1 > a0:
        return None  # climbing: a departure or a go-around, not an arrival
    gs = float(gs_kt[-1])
    max_glide = math.tan(math.radians(max_glide_deg))
    v = (gs if math.isfinite(gs) and gs > 30 else default_gs_kt) * _KT
    # over the runway the last speed is the lowest of a braking roll: the touch-down is timed
    # back at no less than the mean speed from the row before (kiwi at NZCH 20: a surface
    # report at 68 kt 1,533 m down, 946 m in the 18 s before: 102 kt; at 68 kt the
    # touch-down came out 19 s early, while the aircraft was still 572 m short at 550 ft)
    v_roll = max(v, _mean_speed(lo0, la0, lo1, la1, float(t_s[-2]), float(t_s[-1]))
                 if recent else 0.0)
    best: tuple[float, EndLanding, float] | None = None
    # every aligned runway end near whose extended centreline the track ended: a probable
    # landing on one of two parallels is vetoed when the track is nearer another's centreline
    # (traffic's quickstart 3944ee ended on Roissy's 08R axis, |xt| < 5 m, 8.8 km out:
    # beyond 08R's final, it was put on 08L, 400 m off that axis)
    axes: list[tuple[int, float, float, float]] = []  # (airfield, azimuth, |cross|, along)
    far = approx_distance_m(np.full(len(airfields), lo1), np.full(len(airfields), la1),
                            np.array([a.lon for a in airfields], float),
                            np.array([a.lat for a in airfields], float)) > 25000.0
    for j, af in enumerate(airfields):
        # runway ends lie within a few km of the field's point; with 8 km of final, 25 km
        # screens out the rest before any geodesic work (the test below decides)
        if not af.runways or far[j]:
            continue
        for rw in af.runways:
            for name, (tlon, tlat), (olon, olat), disp_ft in (
                    (rw.le_ident, (rw.le_lon, rw.le_lat), (rw.he_lon, rw.he_lat),
                     rw.le_displaced_ft),
                    (rw.he_ident, (rw.he_lon, rw.he_lat), (rw.le_lon, rw.le_lat),
                     rw.he_displaced_ft)):
                run_az = float(azimuth_deg(tlon, tlat, olon, olat))
                if _angle_diff(course, run_az) > max_misalign_deg:
                    continue
                along, cross = along_cross_track_m(lo1, la1, tlon, tlat, run_az)
                along, cross = float(along), float(cross)
                if abs(cross) > max_cross_m:
                    continue
                axes.append((j, run_az, abs(cross), along))
                length = float(distance_m(tlon, tlat, olon, olat))
                agl = a1 - af.elevation_ft if math.isfinite(a1) else float("nan")
                if off_the_runway(along, cross, course - run_az, agl, lateral_m,
                                  established_agl_ft):
                    continue
                t_end = float(t_s[-1])
                # the landing threshold: displaced from the runway's end on some runways
                # (Roissy's 27L by 600 m: quickstart 39856c was timed 11 s early); but a
                # reading at the field's level over the pavement short of it is a touch-down
                # there (tour_de_france 39cd0b at LFJR 26: 0 ft 34 m past the end, 150 m
                # short of the displaced threshold, the field reading ~0 that day)
                thr = min(max(0.0, float(disp_ft or 0.0)) * _FT, length)
                if 0.0 <= along < thr and agl <= level_agl_ft:
                    thr = 0.0
                if thr <= along <= length and not agl > runway_agl_ft:
                    if length - along < v * v / (2.0 * max_brake_ms2):
                        continue  # no runway left to stop on (zero_gravity: 400 m at 132 kt)
                    # touched down between the threshold and here
                    when = t_end - max(0.0, along - thr - touchdown_m) / v_roll
                    hit = EndLanding(j, name, when, BASIS_RUNWAY, t_end - (along - thr) / v_roll,
                                     t_end)
                elif (-max_final_m <= along < thr and not agl > max_agl_ft
                      and not agl - qnh_ft > (thr + touchdown_m - along) / _FT * max_glide):
                    # no approach is flown steeper than ~6 deg (3 deg is the norm): higher
                    # than that over the touch-down zone, even with ``qnh_ft`` of unknown
                    # pressure, the track did not end on a landing (traffic's calfire
                    # a544de: 760 ft up 571 m out, a 23 deg path)
                    # touch-down zone: the threshold to 900 m past it, at 0.8-1.2x the speed
                    hit = EndLanding(j, name, t_end + (thr + touchdown_m - along) / v,
                                     BASIS_FINAL, t_end + (thr - along) / (1.2 * v),
                                     t_end + (thr + 900.0 - along) / (0.8 * v))
                else:
                    continue
                if best is None or abs(cross) < best[0]:
                    best = (abs(cross), hit, run_az)
    if best is None:
        return None
    _, hit, run_az = best
    if hit.basis == BASIS_FINAL and any(
            j == hit.airfield_index and _angle_diff(az, run_az) <= parallel_deg
            and c < best[0] for j, az, c, _ in axes):
        return None  # on a parallel's final, beyond what counts as final for it
    return hit


def _mean_speed(lo0: float, la0: float, lo1: float, la1: float, t0: float, t1: float
                ) -> float:
    """Metres per second from one position to the next (0 when no time passed)."""
    return float(distance_m(lo0, la0, lo1, la1)) / (t1 - t0) if t1 > t0 else 0.0


def off_the_runway(along: float, cross: float, off_course_deg: float, agl_ft: float,
                   lateral_m: float = 150.0, established_agl_ft: float = 500.0,
                   intercept_deg: float = 8.0) -> bool:
    """A track's last position (``along``/``cross`` from a threshold, its course
    ``off_course_deg`` from the runway's) that is no landing on that runway: over the runway
    more than ``lateral_m`` from its centreline (runways are 23-60 m wide: such a track flies
    beside it, to a pad or a parallel taxiway), or on final on a course that, extended, does
    not meet the threshold: under ``established_agl_ft`` above the field (where an arrival is
    established on the centreline: the stabilised approach) more than ``lateral_m`` off it
    (calfire a3c6bd, 345 m off 08 1.8 km out at 340 ft, and a3d599, 63 m off 17 but 17 deg
    across it 838 m out at 190 ft, both heading for the heliport beside the field); higher (or
    no altitude), still joining the final perhaps, more than ``lateral_m`` plus
    ``intercept_deg`` of the distance out (tan 8 deg: 0.14, 1 km at 7 km): the course aims
    more than about that angle off the threshold (calfire a53602 at KREI 08: 282 m off the
    axis 6.9 km out but crossing it at 19 deg, reaching the threshold 2.1 km off; the truth's
    probable landings aim at most 4.3 deg off beyond the 150 m)."""
    if along >= 0.0:
        return abs(cross) > lateral_m
    d = math.radians((off_course_deg + 180.0) % 360.0 - 180.0)
    miss = abs(cross - along * math.tan(d))  # cross-track where the course meets the threshold
    if agl_ft < established_agl_ft:
        return miss > lateral_m
    return miss > lateral_m - along * math.tan(math.radians(intercept_deg))


@dataclass(frozen=True)
class CourseFit:
    """A course fitted to the end of a track: azimuth at the last position and its error."""

    lon: float
    lat: float
    course_deg: float  # geodesic azimuth at the last position, degrees true
    error_deg: float  # one standard error of the course (scatter and turning included)
    n: int  # positions used
    span_s: float  # time they cover


def fit_courses(lon: NDArray[Any], lat: NDArray[Any], t_s: NDArray[Any], valid: NDArray[Any],
                *, window_s: float = 600.0, min_error_deg: float = 1.0
                ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """:func:`fit_course` for many tracks at once: rows of positions (oldest first, the last
    valid column being the track's last position; ``valid`` masks padding). Returns course,
    error (NaN where no fit) and the number of positions used, one per row."""
    lon, lat, t_s = (np.asarray(x, float) for x in (lon, lat, t_s))
    m, k = lon.shape
    last = np.where(valid.any(axis=1), k - 1 - np.argmax(valid[:, ::-1], axis=1), 0)
    rows = np.arange(m)
    lon0, lat0, t0 = lon[rows, last], lat[rows, last], t_s[rows, last]
    use = valid & (t_s >= (t0 - window_s)[:, None])
    # azimuthal equidistant coordinates about the last position: distance and geodesic azimuth
    az, _, dist = GEOD.inv(np.repeat(lon0, k), np.repeat(lat0, k), lon.ravel(), lat.ravel())
    az = np.radians(np.asarray(az).reshape(m, k))
    dist = np.asarray(dist).reshape(m, k)
    x, y = np.where(use, dist * np.sin(az), 0.0), np.where(use, dist * np.cos(az), 0.0)
    n = use.sum(axis=1)
    nn = np.maximum(n, 1)
    xm, ym = x.sum(axis=1) / nn, y.sum(axis=1) / nn
    dx, dy = np.where(use, x - xm[:, None], 0.0), np.where(use, y - ym[:, None], 0.0)
    sxx, syy, sxy = (dx * dx).sum(axis=1), (dy * dy).sum(axis=1), (dx * dy).sum(axis=1)
    # principal axis of the 2x2 scatter matrix, in closed form
    tr, det = sxx + syy, sxx * syy - sxy * sxy
    disc = np.sqrt(np.maximum(tr * tr / 4 - det, 0.0))
    l1, l2 = tr / 2 + disc, np.maximum(tr / 2 - disc, 0.0)
    ux = np.where(np.abs(sxy) > 1e-12, l1 - syy, np.where(sxx >= syy, 1.0, 0.0))
    uy = np.where(np.abs(sxy) > 1e-12, sxy, np.where(sxx >= syy, 0.0, 1.0))
    first = np.argmax(use, axis=1)
    mx, my = -x[rows, first], -y[rows, first]  # motion: from the first used point to the last
    flip = ux * mx + uy * my < 0
    ux, uy = np.where(flip, -ux, ux), np.where(flip, -uy, uy)
    course = np.degrees(np.arctan2(ux, uy)) % 360.0
    sigma = np.sqrt(l2 / np.maximum(n - 2, 1))
    err = np.maximum(min_error_deg, np.degrees(np.arctan2(sigma, np.sqrt(l1))))
    span = dist[rows, first]
    bad = (n < 3) | (span < 1000.0)
    return np.where(bad, np.nan, course), np.where(bad, np.nan, err), n


def fit_course(lon: NDArray[Any], lat: NDArray[Any], t_s: NDArray[Any], *,
               window_s: float = 600.0, min_error_deg: float = 1.0) -> CourseFit | None:
    """Fit the geodesic course of the last ``window_s`` seconds of a track (oldest first).

    Positions are expressed in the azimuthal equidistant plane centred on the last one
    (geodesic distance and azimuth from it, :class:`pyproj.Geod`), where every geodesic through
    the centre is a straight line; the principal axis of the points (total least squares)
    gives the azimuth, oriented by the direction of motion. The standard error is the
    perpendicular scatter over the spread of the points along the axis,
    ``atan(sigma_perp / sqrt(sum(along^2)))``, floored at ``min_error_deg``.
    None when fewer than three positions or under 1 km covered.
    """
    lon, lat, t_s = (np.atleast_1d(np.asarray(x, float)) for x in (lon, lat, t_s))
    course, err, n = fit_courses(lon[None, :], lat[None, :], t_s[None, :],
                                 np.ones((1, len(lon)), bool), window_s=window_s,
                                 min_error_deg=min_error_deg)
    if np.isnan(course[0]):
        return None
    used = t_s >= t_s[-1] - window_s
    return CourseFit(float(lon[-1]), float(lat[-1]), float(course[0]), float(err[0]),
                     int(n[0]), float(t_s[-1] - t_s[used][0]))


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
    return destination_candidates_many(
        np.array([fit.lon]), np.array([fit.lat]), np.array([fit.course_deg]),
        np.array([fit.error_deg]), airfields, [origin], min_km=min_km,
        max_range_km=max_range_km, min_cone_deg=min_cone_deg, sigmas=sigmas)[0]


def destination_candidates_many(lon: NDArray[Any], lat: NDArray[Any], course_deg: NDArray[Any],
                                error_deg: NDArray[Any], airfields: Sequence[Any],
                                origins: Sequence[str], *, min_km: float = 100.0,
                                max_range_km: float = 5000.0, min_cone_deg: float = 10.0,
                                sigmas: float = 2.0) -> list[list[tuple[Any, float, float]]]:
    """:func:`destination_candidates` for many fits at once (one geodesic computation for
    every fit and airfield pair)."""
    m, n = len(lon), len(airfields)
    if m == 0 or n == 0:
        return [[] for _ in range(m)]
    alon = np.array([a.lon for a in airfields])
    alat = np.array([a.lat for a in airfields])
    lon_, lat_ = np.asarray(lon, float)[:, None], np.asarray(lat, float)[:, None]
    course = np.asarray(course_deg, float)[:, None]
    cone = np.maximum(min_cone_deg, sigmas * np.asarray(error_deg, float))[:, None]
    # screen every pair on the sphere with margins (2 degrees, 1 %), then measure the
    # survivors on the ellipsoid: the answer is geodesic, the screening only saves work
    b_lon, b_lat, b_alon, b_alat = np.broadcast_arrays(lon_, lat_, alon[None, :], alat[None, :])
    off0 = np.abs((approx_azimuth_deg(b_lon, b_lat, b_alon, b_alat) - course + 180.0)
                  % 360.0 - 180.0)
    km0 = approx_distance_m(b_lon, b_lat, b_alon, b_alat) / 1e3
    idents = np.array([a.ident for a in airfields])
    maybe = (off0 <= cone + 2.0) & (km0 >= min_km * 0.99) & (km0 <= max_range_km * 1.01) \
        & (idents[None, :] != np.asarray(list(origins), dtype=object)[:, None])
    rr, cc = np.nonzero(maybe)
    off = np.full((m, n), np.inf)
    km = np.full((m, n), np.nan)
    if len(rr):
        brg, _, dist = GEOD.inv(np.asarray(lon, float)[rr], np.asarray(lat, float)[rr],
                                alon[cc], alat[cc])
        off[rr, cc] = np.abs((np.asarray(brg) % 360.0 - course[rr, 0] + 180.0) % 360.0 - 180.0)
        km[rr, cc] = np.asarray(dist) / 1e3
    ok = (off <= cone) & (km >= min_km) & (km <= max_range_km)
    # ranked within each fit by angle off course to 0.1 degree (Python's rounding), then
    # distance, then airfield order: one sort for all fits
    rr, cc = np.nonzero(ok)
    o, d = off[rr, cc].tolist(), km[rr, cc].tolist()
    rounded = np.array([round(x, 1) for x in o], float)
    order = np.lexsort((cc, np.asarray(d, float), rounded, rr)).tolist()
    out: list[list[tuple[Any, float, float]]] = [[] for _ in range(m)]
    rows, cols = rr.tolist(), cc.tolist()
    for j in order:
        out[rows[j]].append((airfields[cols[j]], o[j], d[j]))
    return out
