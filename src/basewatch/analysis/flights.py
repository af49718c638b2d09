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
import pyarrow.compute as pc
from numpy.typing import NDArray

from basewatch.analysis.arrow_np import arrow_of, numpy_of
from basewatch.analysis.flight_approach import not_before_threshold
from basewatch.analysis.flight_arrays import unique_sorted
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
    take_column,
    track_end_landings,
)
from basewatch.analysis.flight_timing import FROZEN_S, run_starts, runway_by_path, time_events
from basewatch.analysis.geodesy import (
    approx_step_m,
    azimuth_deg,
    distance_m,
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

#: The columns every importer produces. NaN / null mean "not reported".
POSITION_SCHEMA = pa.schema([
    ("time", pa.timestamp("us", tz="UTC")),
    ("hex", pa.string()),
    ("lat", pa.float64()),
    ("lon", pa.float64()),
    ("alt_ft", pa.float64()),
    ("gs_kt", pa.float64()),
    ("track_deg", pa.float64()),
    ("on_ground", pa.bool_()),
    ("callsign", pa.string()),
    ("synthetic", pa.bool_()),
])

KNOTS = 1852.0 / 3600.0  # m/s per knot
_CHUNK = 1 << 20  # positions per block in the teleport check


@dataclass(frozen=True)
class CleanReport:
    """What cleaning removed, by fault; ``kept`` rows go on."""

    rows_in: int
    kept: int
    bad_coordinates: int
    duplicates: int
    out_of_order: int  # counted, then fixed by sorting: those rows are kept
    teleports: int

    def to_dict(self) -> dict[str, int]:
        return {"rows_in": self.rows_in, "kept": self.kept, "bad_coordinates": self.bad_coordinates,
                "duplicates": self.duplicates, "out_of_order": self.out_of_order,
                "teleports": self.teleports}


def _np(table: pa.Table, name: str) -> NDArray[Any]:
    col = table.column(name)
    if name == "time":
        return np.asarray(numpy_of(col.cast(pa.int64()))) / 1e6
    if name == "on_ground":  # 1.0 / 0.0 / NaN (unknown)
        return np.asarray(numpy_of(col.cast(pa.float64())), dtype=float)
    if name == "hex":
        return np.asarray(numpy_of(col), dtype=object)
    return np.asarray(numpy_of(col), dtype=float)


def _release() -> None:
    """Give memory Arrow's allocator keeps for reuse back to the system: at 10 M positions
    its idle blocks are hundreds of MB, the margin between fitting in 2 GiB or not."""
    pa.default_memory_pool().release_unused()


def _codes(table: pa.Table) -> NDArray[np.int32]:
    """An integer per aircraft (dictionary codes, int32 as Arrow makes them): cheaper than
    millions of Python strings, and half the memory of int64 at 10 M positions."""
    if table.num_rows == 0:
        return np.zeros(0, np.int32)
    enc = pc.dictionary_encode(table.column("hex")).combine_chunks()
    return np.asarray(numpy_of(enc.indices), dtype=np.int32)


def _aircraft_runs(table: pa.Table) -> NDArray[np.int32]:
    """A number per row that changes exactly where the aircraft differs from the previous
    row's: all :func:`segment_ids` compares. Neighbouring addresses compared as text, ~15x
    cheaper than hashing every address into dictionary codes (which compare alike)."""
    n = table.num_rows
    new = np.zeros(n, bool)
    if n > 1:
        h = table.column("hex").combine_chunks()
        new[1:] = numpy_of(pc.not_equal(h.slice(1), h.slice(0, n - 1)), null=True)
    return np.cumsum(new, dtype=np.int32) if n < 2**31 else np.cumsum(new)


def _by_code_then_time(codes: NDArray[Any], t: NDArray[Any]) -> NDArray[np.intp]:
    """``np.lexsort((t, codes))`` in two stable passes: by time (feeds arrive nearly in time
    order, which the stable sort's runs exploit), then by aircraft code (as 16-bit keys a
    radix sort when there are fewer than 65,536 aircraft). Stable sorts give one order: the
    same permutation as ``lexsort``, about half the time."""
    by_t = np.argsort(t, kind="stable")
    return by_t[_by_code(codes[by_t])]


def _by_code(codes: NDArray[Any]) -> NDArray[np.intp]:
    """``np.argsort(codes, kind="stable")`` by the faster of numpy's two stable sorts for the
    input: its timsort on rows already grouped by aircraft (a file in flight order: ~3 ms per
    million), its radix sort of 16-bit keys on interleaved aircraft (a feed in time order:
    ~10 ms per million where the timsort takes ~55). Stable sorts give one permutation."""
    n = len(codes)
    if n > 1 and np.count_nonzero(codes[1:] != codes[:-1]) * 16 < n:
        return np.argsort(codes, kind="stable")
    if n and int(codes.max()) < 65536 and int(codes.min()) >= 0:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    return np.argsort(codes, kind="stable")


def _speed_kt(lon: NDArray[Any], lat: NDArray[Any], t: NDArray[Any], same: NDArray[Any],
              limit_kt: float) -> NDArray[Any]:
    """Implied speed from each point to the next (NaN across aircraft); length n-1.

    Screened with the fast great-circle distance; pairs that may exceed ``limit_kt`` are
    measured exactly on the ellipsoid, so the comparison with the limit is geodesic.
    """
    v = approx_step_m(lon, lat) if len(lon) > 1 else np.zeros(0)
    inv_dt = np.diff(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_dt[inv_dt <= 0] = np.nan
        np.divide(1.0 / KNOTS, inv_dt, out=inv_dt)  # in place: large arrays, few copies
        v *= inv_dt
        maybe = np.flatnonzero(v > limit_kt * 0.98)  # NaN compares False
        if len(maybe):
            v[maybe] = np.asarray(distance_m(lon[maybe], lat[maybe], lon[maybe + 1],
                                             lat[maybe + 1])) * inv_dt[maybe]
    v[~same] = np.nan
    return v


def clean_positions(table: pa.Table, *, max_speed_kt: float = 1200.0) -> tuple[pa.Table, CleanReport]:
    """Drop impossible coordinates, duplicates and teleports; sort by aircraft and time.

    A teleport is a position whose implied speed from its neighbours exceeds ``max_speed_kt``
    on both sides (or on its only side, when the neighbour itself agrees with the track).
    Out-of-order rows are counted and kept (sorted). Duplicates (same aircraft and time) keep
    the first row.
    """
    n0 = table.num_rows
    lat, lon = _np(table, "lat"), _np(table, "lon")
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    ok &= ~((lat == 0) & (lon == 0))  # (0, 0): a receiver's placeholder, not a position
    bad_coords = int((~ok).sum())
    del lat, lon  # read again in sorted order below: not held through the sort
    if bad_coords:  # filtering copies the table: only when needed
        table = table.filter(arrow_of(ok))
    del ok
    t = _np(table, "time")
    codes = _codes(table)
    by_hex = _by_code(codes)
    c_h = codes[by_hex]
    same_h = c_h[1:] == c_h[:-1]
    del c_h
    out_of_order = int((same_h & (np.diff(t[by_hex]) < 0)).sum())
    del by_hex, same_h
    order = _by_code_then_time(codes, t)
    c_s, t_s = codes[order], t[order]
    dup = np.zeros(len(order), bool)
    dup[1:] = (c_s[1:] == c_s[:-1]) & (t_s[1:] == t_s[:-1])
    order = order[~dup]
    lon_s, lat_s = take_column(table, "lon", order), take_column(table, "lat", order)
    c_s, t_s = codes[order], t[order]
    del codes, t
    keep = np.ones(len(order), bool)
    teleports = 0
    for rnd in range(3):  # a spike removed may reveal another next to it
        idx = np.flatnonzero(keep)
        if len(idx) < 2:
            break
        if rnd == 0:  # nothing removed yet: views, not copies (10 M positions = 80 MB a column)
            x_lon, x_lat, x_t, x_c = lon_s, lat_s, t_s, c_s
        else:
            x_lon, x_lat, x_t, x_c = lon_s[idx], lat_s[idx], t_s[idx], c_s[idx]
        same = x_c[1:] == x_c[:-1]
        v = np.empty(len(same))
        for a in range(0, len(same), _CHUNK):  # chunks bound the temporaries' memory
            b = min(len(same), a + _CHUNK)
            v[a:b] = _speed_kt(x_lon[a:b + 1], x_lat[a:b + 1], x_t[a:b + 1], same[a:b],
                               max_speed_kt)
        del x_lon, x_lat, x_t, x_c, same
        nan_v = np.isnan(v)
        fast = np.nan_to_num(v, nan=-1.0, copy=False) > max_speed_kt
        del v
        prev_fast = np.r_[False, fast]
        next_fast = np.r_[fast, False]
        no_prev, no_next = np.r_[True, nan_v], np.r_[nan_v, True]
        prev_ok_beyond = np.r_[False, False, ~fast[:-1] & ~nan_v[:-1]] if len(fast) > 1 else np.zeros(len(idx), bool)
        next_ok_beyond = np.r_[~fast[1:] & ~nan_v[1:], False, False] if len(fast) > 1 else np.zeros(len(idx), bool)
        spike = (prev_fast & next_fast) | (no_prev & next_fast & next_ok_beyond) \
            | (no_next & prev_fast & prev_ok_beyond)
        if not spike.any():
            break
        teleports += int(spike.sum())
        keep[idx[spike]] = False
    final = order[keep]
    del order, keep, lon_s, lat_s, c_s, t_s
    # already sorted and nothing dropped (files this module wrote): no copy
    same_rows = len(final) == table.num_rows and bool(np.all(final[1:] > final[:-1]))
    _release()  # the sorted columns read above went back to Arrow's pool: return them first
    out = table if same_rows else table.take(arrow_of(final))
    return out, CleanReport(n0, out.num_rows, bad_coords, int(dup.sum()), out_of_order, teleports)


def segment_ids(hexes: NDArray[Any], t: NDArray[Any], *, max_gap_s: float = 900.0) -> NDArray[np.int64]:
    """Segment number of each position (input sorted by aircraft then time): a new segment
    starts at a new aircraft or after a gap longer than ``max_gap_s``."""
    n = len(t)
    start = np.ones(n, bool)
    if n > 1:
        start[1:] = (hexes[1:] != hexes[:-1]) | (np.diff(t) > max_gap_s)
    return np.cumsum(start) - 1


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
    og = _np(table, "on_ground")
    flagged = ~np.isnan(og)
    rs = run_starts(table, seg)  # frozen (forward-filled) positions: see flight_timing
    gs = _np(table, "gs_kt")
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
        if name == "on_ground":
            return np.asarray(numpy_of(table.column(name).take(arrow_of(ix))
                                       .cast(pa.float64())), float)
        return take_column(table, name, ix)

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
    found += go_arounds(raw, seg, t, rs, airfields, _np(table, "alt_ft"), read)
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
