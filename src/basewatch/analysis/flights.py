"""Flights from positions: cleaning, segmentation, take-offs and landings, sorties vs baseline.

Pure and vectorised: a :class:`pyarrow.Table` of positions (see :data:`POSITION_SCHEMA`) in,
records out. Units are in the names: ``alt_ft`` (barometric, feet), ``gs_kt`` (ground speed,
knots), ``track_deg`` (degrees true); times are UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.arrow_np import arrow_of, numpy_of, take_column
from basewatch.analysis.flight_approach import not_before_threshold
from basewatch.analysis.flight_arrays import unique_sorted
from basewatch.analysis.flight_clean import (  # re-exported: one import for flight users
    POSITION_SCHEMA,
    CleanReport,
    _aircraft_runs,
    _np,
    _release,
    clean_positions,
    segment_ids,
)
from basewatch.analysis.flight_destinations import infer_destinations, replaced
from basewatch.analysis.flight_ends import BASIS_FINAL
from basewatch.analysis.flight_ground import (
    SLOW_KT,
    debounce,
    drop_aloft,
    ground_state,
    high_above_field,
    implied_speed_kt,
    unseen_changes,
)
from basewatch.analysis.flight_passes import go_arounds, touch_and_goes
from basewatch.analysis.flight_rolls import rolling_starts
from basewatch.analysis.flight_runways import (
    Sparse,
    airborne_starts,
    match_runways,
    track_end_landings,
)
from basewatch.analysis.flight_timing import FROZEN_S, run_starts, runway_by_path, time_events
from basewatch.analysis.geodesy import (
    azimuth_deg,
)
from basewatch.analysis.sorties import (  # re-exported: one import for flight users
    HEAVY_TRANSPORT_TYPES,
    DailySorties,
    aircraft_category,
    daily_sorties,
    poisson_tail,
)

__all__ = [
    "HEAVY_TRANSPORT_TYPES",
    "POSITION_SCHEMA",
    "CleanReport",
    "DailySorties",
    "Detected",
    "aircraft_category",
    "clean_positions",
    "daily_sorties",
    "detect_events",
    "poisson_tail",
    "segment_ids",
]

@dataclass(frozen=True)
class Detected:
    """A take-off or landing found in positions (before enrichment with the aircraft db)."""

    time: dt.datetime
    hex: str
    kind: str
    airfield: str
    runway: str
    flight_id: str
    synthetic: bool
    origin: str = ""
    destination: str = ""
    destination_method: str = "unknown"
    # "ground state change", "first seen airborne" (time is then an upper bound), "track ended
    # on runway", "track ended on final (probable landing)" (time extrapolated)
    basis: str = "ground state change"
    course_deg: float | None = None  # fitted last course, when the destination is inferred
    course_error_deg: float | None = None  # its standard error
    candidates: tuple[str, ...] = ()  # airfields in the cone, best first
    time_lo: dt.datetime | None = None  # the event happened between time_lo and time_hi
    time_hi: dt.datetime | None = None

    @property
    def probable(self) -> bool:
        """True for a landing inferred from a track that ended on final (not observed)."""
        return self.basis == BASIS_FINAL

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time.isoformat(), "hex": self.hex, "kind": self.kind,
                "airfield": self.airfield, "runway": self.runway, "flight_id": self.flight_id,
                "synthetic": self.synthetic, "origin": self.origin,
                "destination": self.destination, "destination_method": self.destination_method,
                "basis": self.basis, "probable": self.probable, "course_deg": self.course_deg,
                "course_error_deg": self.course_error_deg, "candidates": list(self.candidates),
                "time_lo": self.time_lo.isoformat() if self.time_lo else None,
                "time_hi": self.time_hi.isoformat() if self.time_hi else None}


def _angle_diff(a: Any, b: Any) -> Any:
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


def _round_ms(x: NDArray[Any]) -> list[float]:
    """``round(t, 3)`` of each time, the same floats: ``rint(t * 1000) / 1000`` is the float
    nearest the decimal rounding, as ``round``'s, wherever ``t * 1000`` (within 2**-11 of its
    exact value below 2**43) is clearly away from a half; elsewhere ``round`` itself."""
    p = np.asarray(x, float) * 1000.0
    with np.errstate(invalid="ignore"):
        sure = (np.abs(p) < 2.0 ** 43) & (np.abs(p - np.floor(p) - 0.5) > 0.01)
    out: list[float] = (np.rint(p) / 1000.0).tolist()
    for k in np.flatnonzero(~sure).tolist():
        out[k] = round(float(x[k]), 3)
    return out


def _stamp(when: dt.datetime) -> str:
    """``when`` as ``%Y%m%dT%H%M%S`` (what ``strftime`` gives, 3x faster: one per event)."""
    if when.year < 1000:  # strftime's %Y is not zero-padded on every platform
        return when.strftime("%Y%m%dT%H%M%S")
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031 (printf: 2x an f-string's speed)
        when.year, when.month, when.day, when.hour, when.minute, when.second)


def detect_events(table: pa.Table, airfields: Sequence[Any], *, max_gap_s: float = 900.0,
                  max_cross_m: float = 250.0, margin_m: float = 3000.0,
                  infer_max_angle_deg: float = 10.0, infer_min_km: float = 100.0,
                  max_range_km: float = 5000.0, course_window_s: float = 600.0,
                  min_state_s: float = 30.0,
                  recording_end_s: float | None = None) -> list[Detected]:
    """Take-offs and landings at ``airfields`` (objects with ident, lat, lon, runways, area).

    ``table`` must be cleaned (sorted by aircraft and time). The ground state is the reported
    flag or a ground speed under 50 kt (reported, or with no flag, implied by the positions:
    :mod:`basewatch.analysis.flight_ground`); a state lasting under ``min_state_s`` between two
    runs of the other is flag noise and ignored. A take-off is a ground-to-air
    transition whose last ground or first airborne position lies within ``max_cross_m`` of a
    runway centreline (geodesic cross-track) and along it (``margin_m`` beyond the ends for
    sparse sampling); its time is the midpoint of the two positions. The runway end comes from
    the direction of motion along the runway. A track ending airborne over a runway, or low and
    aligned on short final, is a landing too (:mod:`basewatch.analysis.flight_ends`). Each
    take-off starts a flight; its destination is the next landing ("landing observed", or
    "probable landing (track ended on final)"), else, if the track goes dark airborne, the
    airfields inside a cone around the course fitted over its last ``course_window_s``
    seconds (half-angle ``infer_max_angle_deg`` or twice the course's standard error), at
    ``infer_min_km`` to ``max_range_km``: "inferred from bearing", with the course, its error
    and the candidates. ``recording_end_s``: when the recording ends (default: the table's
    last time; a caller detecting one part of an import passes the whole import's): a track
    cut by it is no probable landing (:func:`track_end_landings`).
    """
    if table.num_rows < 2 or not airfields:
        return []
    _release()
    runs, t = _aircraft_runs(table), _np(table, "time")
    hex_col = table.column("hex")
    seg = segment_ids(runs, t, max_gap_s=max_gap_s)
    del runs
    # the columns the rules read at windows of rows, as whole float arrays read once (the
    # flag 1/0/NaN): indexing them is ~4x cheaper than an Arrow take per window
    whole: dict[str, NDArray[Any]] = {}

    def column(name: str) -> NDArray[Any]:
        if name not in whole:
            whole[name] = _np(table, name)
        return whole[name]

    og = column("on_ground")
    flagged = ~np.isnan(og)
    rs = run_starts(table, seg)  # frozen (forward-filled) positions: see flight_timing
    gs = column("gs_kt")
    # no flag and a reported speed that says "flying": ask the positions (stale speeds)
    ask = np.flatnonzero(~flagged & (gs >= SLOW_KT))
    implied = np.full(len(t), np.nan)
    implied[ask] = implied_speed_kt(table, seg, t, rs, ask)
    raw = drop_aloft(ground_state(og, gs, implied), flagged, table, seg, t)  # slow, yet aloft
    del og, gs, implied, ask
    ground = debounce(raw, seg, t, min_state_s)
    ground = rolling_starts(ground, seg, t, rs, table, airfields)  # first rows on the roll
    same = seg[1:] == seg[:-1]
    trans = np.flatnonzero(same & (ground[1:] != ground[:-1])) + 1  # i: state differs from i-1
    trans = trans[~unseen_changes(trans, ground, flagged, seg, t)]  # slow rows minutes apart
    seg_end = np.r_[np.flatnonzero(~same), len(t) - 1]  # last index of each segment
    del same
    seg_start = np.r_[0, seg_end[:-1] + 1]
    # segments first seen airborne (receiver coverage often starts after lift-off)
    starts = seg_start[~ground[seg_start] & (seg_end > seg_start)]
    if len(trans) == 0 and len(starts) == 0:
        return []
    # tracks ending airborne; a frozen tail ends where the position froze
    ends = seg_end[~ground[seg_end] & (seg_end > seg_start)]
    ends = np.where(t[ends] - t[rs[ends]] > FROZEN_S, rs[ends], ends)
    ends = ends[~ground[ends]]  # frozen while on the ground: the flag's later flip is no news
    # state changes inside a frozen run are not evidence: a take-off needs a new position
    # after it, and a track frozen since before its last state change ended with that change
    starts_of_runs = np.flatnonzero(rs == np.arange(len(rs)))
    if len(trans):
        nxt = np.searchsorted(starts_of_runs, rs[trans - 1], side="right")
        moved = (nxt < len(starts_of_runs)) & (
            starts_of_runs[np.minimum(nxt, len(starts_of_runs) - 1)] <= seg_end[seg[trans]])
        trans = trans[moved | ~ground[trans - 1]]
        last_change = np.full(len(seg_start), -1)
        last_change[seg[trans]] = trans  # trans is sorted: the last one of a segment wins
        ends = ends[ends > last_change[seg[ends]]]
    del starts_of_runs
    ends = ends[ends > seg_start[seg[ends]]]
    # only the positions around transitions and at segment ends are read in full
    need = unique_sorted(np.r_[trans - 1, trans, seg_end, np.maximum(seg_end - 5, 0), starts,
                           starts + 1, ends, ends - 1])
    lon, lat, track = (Sparse(need, take_column(table, c, need))
                       for c in ("lon", "lat", "track_deg"))
    synth = Sparse(need, numpy_of(table.column("synthetic").take(arrow_of(need)), null=False))
    # course at i: reported track, else the bearing from i-1 to i (only to screen runways:
    # the runway end used is read from the positions, runway_by_path)
    course = np.where(np.isnan(track[trans]), azimuth_deg(lon[trans - 1], lat[trans - 1],
                                                          lon[trans], lat[trans]), track[trans])
    is_takeoff = ground[trans - 1]
    ref = np.where(is_takeoff, trans - 1, trans)  # the position on the runway
    af_idx, rw_name = match_runways(lon[ref], lat[ref], course, airfields, max_cross_m, margin_m)
    # a take-off judged on ground speed alone: the last "slow" position may be at the holding
    # point; the first fast one is then on the runway, between its ends (docs/flights.md)
    retry = np.flatnonzero((af_idx < 0) & is_takeoff)
    if len(retry):
        af2, rw2 = match_runways(lon[trans[retry]], lat[trans[retry]], course[retry],
                                  airfields, max_cross_m, 0.0)
        af_idx[retry] = af2
        for kk, name in zip(retry.tolist(), rw2):
            rw_name[kk] = name
    hit = np.flatnonzero(af_idx >= 0)

    def read(name: str, ix: NDArray[Any]) -> NDArray[Any]:
        return column(name)[ix]

    elev = np.array([airfields[af_idx[k]].elevation_ft for k in hit], float)
    # judged on the ground by speed alone, yet higher than the field reads at any QNH
    keep = ~high_above_field(t, seg, trans[hit], is_takeoff[hit], elev, flagged, read)
    hit, elev = hit[keep], elev[keep]
    th = trans[hit]
    est, t_lo, t_hi = time_events(t, seg, rs, th, is_takeoff[hit], elev,
                                  flagged[th] | flagged[th - 1], read)
    by_path = runway_by_path(af_idx[hit], th, est, t, seg, rs, airfields, read)
    # no touch-down before the last real position on final could reach the threshold
    est, t_lo, t_hi = not_before_threshold(
        th, is_takeoff[hit], est, t_lo, t_hi, af_idx[hit],
        [by_path[m] or rw_name[k] for m, k in enumerate(hit)], t, seg, rs, airfields, read)
    found: list[tuple[int, int, str, str, str, float, float, float]] = [
        (int(trans[k]), 0 if is_takeoff[k] else 1, airfields[af_idx[k]].ident,
         by_path[m] or rw_name[k], "ground state change", float(est[m]), float(t_lo[m]),
         float(t_hi[m])) for m, k in enumerate(hit)]
    seg_of_end = {int(e): int(seg_start[seg[e]]) for e in ends}
    found += airborne_starts(starts, dict(zip(seg_start.tolist(), seg_end.tolist())), t,
                              table, lon, lat, airfields, rs=rs)
    found += track_end_landings(ends, seg_of_end, t, table, lon, lat, airfields,
                                recording_end_s=float(t.max()) if recording_end_s is None
                                else recording_end_s, last_times=t[seg_end])
    found += touch_and_goes(raw, flagged, seg, t, rs, airfields, read)
    # no ground contact at all, not even a blip the debounce removed
    found += go_arounds(raw, seg, t, rs, airfields, column("alt_ft"), read)
    del raw
    found.sort(key=lambda f: f[0])
    events: list[Detected] = []
    open_takeoff: dict[int, tuple[int, int]] = {}  # segment -> (event index, position index)
    # the aircraft, segment and synthetic mark of every event row, read at once
    at_rows = np.array([f[0] for f in found], np.int64)
    hexes = [str(x) for x in hex_col.take(arrow_of(at_rows)).to_pylist()] if found else []
    segs = seg[at_rows].tolist()
    syn_pass = (numpy_of(table.column("synthetic").take(arrow_of(at_rows)), null=False)
                .tolist() if found else [])
    # (take-offs and landings are at rows read sparsely; segment ends are among them, so
    # the clip only keeps a pass's unused lookup in range)
    syn_sparse = synth.values[np.minimum(np.searchsorted(synth.idx, at_rows),
                                         len(synth.idx) - 1)].tolist() if found else []
    # the times of every event and interval end rounded to the millisecond at once
    at_s = np.array([f[5] for f in found], float)
    r_at = _round_ms(at_s)
    r_lo = _round_ms(np.minimum(np.array([f[6] for f in found], float), at_s))
    r_hi = _round_ms(np.maximum(np.array([f[7] for f in found], float), at_s))
    utc, from_ts = dt.UTC, dt.datetime.fromtimestamp
    for n_ev, (i, kind_n, ident, rw, basis, at, lo_s, hi_s) in enumerate(found):
        s = segs[n_ev]
        when = from_ts(r_at[n_ev], utc)  # the time to the millisecond
        h = hexes[n_ev]
        stamp = f"{h}-{_stamp(when)}"
        lo_at, hi_at = min(lo_s, at), max(hi_s, at)
        span = (when if lo_at == at else from_ts(r_lo[n_ev], utc),
                when if hi_at == at else from_ts(r_hi[n_ev], utc))
        if kind_n >= 2:  # a runway pass: the flight goes on
            kind = "touch_and_go" if kind_n == 2 else "go_around"
            events.append(Detected(when, h, kind, ident, rw, f"{stamp}-{kind}",
                                   bool(syn_pass[n_ev]), basis=basis,
                                   time_lo=span[0], time_hi=span[1]))
            continue
        if kind_n == 0:
            ev = Detected(when, h, "takeoff", ident, rw, stamp,
                          bool(syn_sparse[n_ev]), origin=ident, basis=basis, time_lo=span[0],
                          time_hi=span[1])
            open_takeoff[s] = (len(events), i)
            events.append(ev)
        else:
            pending = open_takeoff.pop(s, None)
            origin, fid = "", f"{stamp}-arr"
            how = basis if basis == BASIS_FINAL else "landing observed"
            if pending is not None:
                k = pending[0]
                to = events[k]
                events[k] = replaced(to, destination=ident, destination_method=how)
                origin, fid = to.airfield, to.flight_id
            events.append(Detected(when, h, "landing", ident, rw, fid, bool(syn_sparse[n_ev]),
                                   origin=origin, destination=ident,
                                   destination_method=how, basis=basis, time_lo=span[0],
                                   time_hi=span[1]))
    infer_destinations(events, open_takeoff, table, t, ground, seg_start, seg_end, airfields,
                        window_s=course_window_s, min_cone_deg=infer_max_angle_deg,
                        min_km=infer_min_km, max_range_km=max_range_km)
    events.sort(key=lambda e: (e.time, e.hex, e.kind))  # independent of input row order
    return events
