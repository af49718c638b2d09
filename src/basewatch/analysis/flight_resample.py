"""Positions resampled to a fixed interval per track segment (pure, vectorised).

Each aircraft's track is cut where positions are more than ``max_gap_s`` apart (as
:func:`basewatch.analysis.flights.segment_ids`); inside a segment, positions are placed
every ``step_s`` seconds on the whole-second grid from its first position to its last.
Latitude and longitude are interpolated along the great circle between the two
neighbouring positions (normalised linear interpolation of unit vectors: within metres of
the geodesic over the gaps a segment allows), altitude, ground speed linearly, the track
angle by its shorter way round, the on-ground flag and callsign from the earlier neighbour.
One ``np.interp``-style pass serves all segments: segment ``k``'s times are offset by
``k * 1e10`` s so that the whole table is one increasing axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.flights import POSITION_SCHEMA, segment_ids

__all__ = ["resample"]

_OFFSET = 1e10  # seconds between segments on the joint axis (beyond any epoch time)


def _col(table: pa.Table, name: str) -> NDArray[Any]:
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=float)


def resample(table: pa.Table, step_s: float = 1.0, *, max_gap_s: float = 900.0) -> pa.Table:
    """``table`` (cleaned: sorted by aircraft and time) resampled every ``step_s`` seconds."""
    n = table.num_rows
    if n == 0:
        return POSITION_SCHEMA.empty_table()
    t = np.asarray(table.column("time").cast(pa.int64()).to_numpy(zero_copy_only=False)) / 1e6
    codes = np.asarray(table.column("hex").dictionary_encode().combine_chunks().indices
                       .to_numpy(zero_copy_only=False)) if n else np.zeros(0, int)
    seg = segment_ids(codes, t, max_gap_s=max_gap_s)
    starts = np.r_[0, np.flatnonzero(np.diff(seg)) + 1]
    ends = np.r_[starts[1:] - 1, n - 1]
    first = np.ceil(t[starts] / step_s) * step_s
    count = np.maximum(np.floor((t[ends] - first) / step_s).astype(np.int64) + 1, 0)
    total = int(count.sum())
    owner = np.repeat(np.arange(len(starts)), count)
    k = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    tq = first[owner] + k * step_s
    axis = t + seg * _OFFSET
    q = tq + owner * _OFFSET
    j = np.clip(np.searchsorted(axis, q, side="right") - 1, 0, n - 1)  # earlier neighbour
    j1 = np.minimum(j + 1, n - 1)
    same = seg[j1] == seg[j]
    dt = np.where(same, t[j1] - t[j], 1.0)
    w = np.where(same & (dt > 0), (tq - t[j]) / np.where(dt > 0, dt, 1.0), 0.0)

    def lerp(v: NDArray[Any]) -> NDArray[Any]:
        return np.asarray(v[j] + w * (v[j1] - v[j]))

    lat, lon = np.radians(_col(table, "lat")), np.radians(_col(table, "lon"))
    xyz = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    p = xyz[:, j] + w * (xyz[:, j1] - xyz[:, j])
    p /= np.linalg.norm(p, axis=0)
    track = _col(table, "track_deg")
    d_tr = (track[j1] - track[j] + 180.0) % 360.0 - 180.0
    out = pa.table({
        "time": pa.array(np.round(tq * 1e6).astype(np.int64)).cast(POSITION_SCHEMA.field("time").type),
        "hex": table.column("hex").take(pa.array(j)),
        "lat": np.degrees(np.arcsin(np.clip(p[2], -1, 1))),
        "lon": np.degrees(np.arctan2(p[1], p[0])),
        "alt_ft": lerp(_col(table, "alt_ft")), "gs_kt": lerp(_col(table, "gs_kt")),
        "track_deg": (track[j] + w * d_tr) % 360.0,
        "on_ground": table.column("on_ground").take(pa.array(j)),
        "callsign": table.column("callsign").take(pa.array(j)),
        "synthetic": table.column("synthetic").take(pa.array(j)),
    }, schema=POSITION_SCHEMA)
    return out
