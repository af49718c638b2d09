"""SBS-1 / BaseStation lines (what dump1090 and readsb serve on port 30003) as positions.

``MSG,type,session,aircraft,hex,flight,date_gen,time_gen,date_log,time_log,callsign,altitude,
groundspeed,track,lat,lon,vertical_rate,squawk,alert,emergency,spi,is_on_ground``. Positions
come in types 2 (surface) and 3 (airborne); speed and track in type 4, the callsign in type 1:
they are carried forward per aircraft onto the positions that follow (in file order, which is
time order in a receiver's log). ``is_on_ground`` is -1 (or 1) for on the ground. Lines of other
kinds (``STA``, ``AIR``, ``ID``, ``SEL``, ``CLK``) and lines with the wrong number of fields
are counted and skipped.

The format's times carry no zone: they are read as UTC (a receiver on a UTC host; the
report says so) unless the caller passes the feed's UTC offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import ImportFormatError

__all__ = ["SBS_FIELDS", "SbsCarry", "is_sbs", "sbs_batches", "sbs_columns"]

SBS_FIELDS = ("kind", "type", "session", "aircraft", "hex", "flight", "date_gen", "time_gen",
              "date_log", "time_log", "callsign", "altitude", "groundspeed", "track", "lat",
              "lon", "vertical_rate", "squawk", "alert", "emergency", "spi", "is_on_ground")
_BLOCK = 16 << 20


def is_sbs(first_line: str) -> bool:
    parts = first_line.strip().split(",")
    return len(parts) >= 10 and parts[0] in ("MSG", "STA", "AIR", "ID", "SEL", "CLK")


def sbs_batches(source: Path | pa.NativeFile | Any, where: str,
                dropped: dict[str, int]) -> Iterator[pa.RecordBatch]:
    """Record batches of the 22 SBS fields as text; rows with another field count skipped."""
    def bad_row(row: Any) -> str:
        dropped["sbs_lines_skipped"] = dropped.get("sbs_lines_skipped", 0) + 1
        return "skip"

    import pyarrow.csv as pcsv  # here: only SBS and CSV imports load Arrow's CSV reader

    try:
        reader = pcsv.open_csv(
            source, read_options=pcsv.ReadOptions(column_names=list(SBS_FIELDS),
                                                  block_size=_BLOCK),
            parse_options=pcsv.ParseOptions(invalid_row_handler=bad_row),
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.string() for c in SBS_FIELDS}, strings_can_be_null=False))
        yield from reader
    except (pa.ArrowException, OSError) as exc:
        raise ImportFormatError(f"{where}: {exc}") from None


class SbsCarry:
    """Speed, track and callsign last seen per aircraft, carried across batches (and across
    reads of a live stream)."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[float, float, str | None]] = {}


def _num(col: pa.Array) -> np.ndarray:
    col = pc.if_else(pc.equal(pc.utf8_trim_whitespace(col), ""), None, col)
    return np.asarray(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False), float)


def _ffill(values: np.ndarray, valid: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Index of the last valid row at or before each row of the same aircraft (-1: none);
    rows are in file order, codes identify aircraft."""
    n = len(values)
    order = np.lexsort((np.arange(n), codes))  # by aircraft, file order within
    v = valid[order]
    idx = np.where(v, np.arange(n), -1)
    idx = np.maximum.accumulate(idx) if n else idx
    c = codes[order]
    ok = idx >= 0
    ok[ok] = c[idx[ok]] == c[ok]
    out = np.full(n, -1)
    out[order] = np.where(ok, order[np.maximum(idx, 0)], -1)
    return out


def sbs_columns(batch: pa.RecordBatch, carry: SbsCarry, dropped: dict[str, int],
                utc_offset_s: float = 0.0) -> dict[str, Any] | None:
    """Position columns of one batch of SBS lines (None when it holds no position)."""
    kind = pc.utf8_trim_whitespace(batch.column("kind"))
    msg = pc.equal(kind, "MSG")
    other = len(kind) - int(pc.sum(pc.cast(msg, pa.int64())).as_py() or 0)
    if other:
        dropped["sbs_lines_skipped"] = dropped.get("sbs_lines_skipped", 0) + other
    b = batch.filter(msg)
    if b.num_rows == 0:
        return None
    hexes = pc.utf8_lower(pc.utf8_trim_whitespace(b.column("hex")))
    codes = np.asarray(pc.dictionary_encode(hexes).indices.to_numpy(zero_copy_only=False))
    mtype = _num(b.column("type"))
    gs, track = _num(b.column("groundspeed")), _num(b.column("track"))
    cs = pc.utf8_trim_whitespace(b.column("callsign"))
    cs_ok = np.asarray(pc.not_equal(cs, "").to_numpy(zero_copy_only=False), bool)
    vel_ok = np.isfinite(gs) & np.isfinite(track)
    j_vel = _ffill(gs, vel_ok, codes)
    j_cs = _ffill(gs, cs_ok, codes)
    lat, lon = _num(b.column("lat")), _num(b.column("lon"))
    pos = np.flatnonzero(np.isin(mtype, (2, 3)) & np.isfinite(lat) & np.isfinite(lon))
    hex_list = hexes.to_pylist()
    cs_list = cs.to_pylist()
    # the last speed/track/callsign of each aircraft in this batch, for the next ones
    new_last = {h: carry.last.get(h, (np.nan, np.nan, None)) for h in set(hex_list)}
    for ok_mask, slot in ((vel_ok, 0), (cs_ok, 2)):
        iv = np.flatnonzero(ok_mask)[::-1]
        _, first = np.unique(codes[iv], return_index=True)
        for j in np.asarray(iv[first]).tolist():  # one per aircraft
            g0, t0, c0 = new_last[hex_list[j]]
            new_last[hex_list[j]] = ((gs[j], track[j], c0) if slot == 0
                                     else (g0, t0, cs_list[j]))
    out_gs = np.where(j_vel[pos] >= 0, gs[np.maximum(j_vel[pos], 0)], np.nan)
    out_tr = np.where(j_vel[pos] >= 0, track[np.maximum(j_vel[pos], 0)], np.nan)
    out_cs = [cs_list[j] if j >= 0 else None for j in j_cs[pos]]
    for m, k in enumerate(pos):  # rows before this batch's first speed: the carried one
        if j_vel[k] < 0 or j_cs[k] < 0:
            g0, t0, c0 = carry.last.get(hex_list[k], (np.nan, np.nan, None))
            if j_vel[k] < 0:
                out_gs[m], out_tr[m] = g0, t0
            if j_cs[k] < 0:
                out_cs[m] = c0
    carry.last.update(new_last)
    sel = pa.array(pos)
    date = pc.replace_substring(pc.utf8_trim_whitespace(b.column("date_gen").take(sel)), "/", "-")
    tod = pc.utf8_trim_whitespace(b.column("time_gen").take(sel))
    iso = pc.binary_join_element_wise(date, tod, "T")
    try:
        ts = pc.cast(pc.binary_join_element_wise(iso, pa.scalar("+00:00"), ""),
                     pa.timestamp("us", tz="UTC"))
    except pa.ArrowInvalid as exc:
        raise ImportFormatError(f"SBS date/time: {exc} (expected 2024/12/04,10:02:00.000)"
                                ) from None
    t = np.asarray(pc.cast(ts, pa.int64()).to_numpy(zero_copy_only=False), float) / 1e6
    og = np.asarray(_num(b.column("is_on_ground").take(sel)))
    return {"t": t - utc_offset_s, "hex": hexes.take(sel), "lat": lat[pos], "lon": lon[pos],
            "alt_ft": _num(b.column("altitude").take(sel)), "gs_kt": out_gs, "track": out_tr,
            "on_ground": pa.array(og != 0, pa.bool_(), mask=np.isnan(og)),
            "callsign": pa.array(out_cs, pa.string())}
