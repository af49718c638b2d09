"""Beast binary (dump1090 / readsb port 30005, e.g. recorded with ``nc HOST 30005 > f.beast``).

Frames: ``0x1a``, a type byte (``'1'`` Mode A/C, ``'2'`` Mode S short, ``'3'`` Mode S long,
``'4'`` status), a 6-byte big-endian 12 MHz counter, a signal byte, then 2, 7 or 14 message
bytes; a ``0x1a`` inside a frame is doubled. Mode S messages are decoded with pyModeS (the
field's decoder): airborne positions from even/odd CPR pairs (its batch decoder pairs them
per aircraft), barometric altitude, speed and track (carried forward per aircraft, as for SBS),
callsign. Surface positions need a reference point and are counted and dropped; so are
frames with a bad CRC.

The counter is not a clock: times are anchored so that the first frame falls at a start the
user gives (``flights import --start``), else so that the last frame falls at ``end_time``
(the file's modification time: a recording's end), and the import says which.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from basewatch.errors import ImportFormatError

__all__ = ["beast_columns", "beast_frames", "is_beast"]

_LEN = {0x31: 2, 0x32: 7, 0x33: 14, 0x34: 14}
_ESC = 0x1A


def is_beast(head: bytes) -> bool:
    return len(head) >= 2 and head[0] == _ESC and head[1] in _LEN


def beast_frames(data: bytes, dropped: dict[str, int]) -> Iterator[tuple[int, bytes]]:
    """(12 MHz counter, message bytes) of each Mode S frame; malformed ones counted."""
    i, n = 0, len(data)
    while i < n:
        if data[i] != _ESC:
            j = data.find(bytes([_ESC]), i)
            dropped["beast_bytes_skipped"] = dropped.get("beast_bytes_skipped", 0) + (
                (n if j < 0 else j) - i)
            if j < 0:
                return
            i = j
            continue
        if i + 1 >= n or data[i + 1] not in _LEN:
            i += 1
            continue
        kind = data[i + 1]
        need = 7 + _LEN[kind]
        out = bytearray()
        k = i + 2
        while len(out) < need and k < n:
            b = data[k]
            if b == _ESC:
                if k + 1 < n and data[k + 1] == _ESC:
                    k += 1
                else:
                    break  # a new frame starts: this one is cut
            out.append(b)
            k += 1
        i = k
        if len(out) < need:
            dropped["beast_frames_cut"] = dropped.get("beast_frames_cut", 0) + 1
            continue
        if kind in (0x32, 0x33):
            yield int.from_bytes(out[:6], "big"), bytes(out[7:])


def _num(x: Any) -> float:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else math.nan


def beast_columns(data: bytes, where: str, dropped: dict[str, int],
                  end_time: float, *, start_time: float | None = None) -> dict[str, Any]:
    """Position columns of a Beast recording (see the module): the last frame at ``end_time``
    (epoch s), or the first at ``start_time`` when given."""
    try:
        import pyModeS
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportFormatError(f"{where}: reading Beast needs pyModeS") from None
    frames = list(beast_frames(data, dropped))
    if not frames:
        raise ImportFormatError(f"{where}: no Mode S frame in this Beast data")
    counters = np.array([c for c, _ in frames], float)
    t = (start_time + (counters - counters[0]) / 12e6 if start_time is not None
         else end_time - (counters[-1] - counters) / 12e6)
    results = pyModeS.decode([m.hex().upper() for _, m in frames], timestamps=t.tolist())
    cols: dict[str, list[Any]] = {k: [] for k in ("t", "hex", "lat", "lon", "alt_ft", "gs_kt",
                                                  "track", "on_ground", "callsign")}
    last: dict[str, tuple[float, float, str | None]] = {}
    for k, r in enumerate(results):
        if not isinstance(r, dict) or not r.get("crc_valid", False):
            dropped["beast_bad_crc"] = dropped.get("beast_bad_crc", 0) + 1
            continue
        icao = str(r.get("icao") or "").lower()
        g, tr, cs = last.get(icao, (math.nan, math.nan, None))
        if r.get("groundspeed") is not None:
            g, tr = _num(r.get("groundspeed")), _num(r.get("track"))
        if r.get("callsign"):
            cs = str(r["callsign"]).strip()
        last[icao] = (g, tr, cs)
        tc = r.get("typecode")
        if isinstance(tc, int) and 5 <= tc <= 8 and r.get("latitude") is None:
            dropped["beast_surface_without_reference"] = dropped.get(
                "beast_surface_without_reference", 0) + 1
            continue
        if r.get("latitude") is None or r.get("longitude") is None:
            continue
        surface = isinstance(tc, int) and 5 <= tc <= 8
        cols["t"].append(float(t[k]))
        cols["hex"].append(icao)
        cols["lat"].append(_num(r["latitude"]))
        cols["lon"].append(_num(r["longitude"]))
        cols["alt_ft"].append(math.nan if surface else _num(r.get("altitude")))
        cols["gs_kt"].append(g)
        cols["track"].append(tr)
        cols["on_ground"].append(bool(surface))
        cols["callsign"].append(cs)
    return {"t": np.array(cols["t"], float), "hex": cols["hex"], "lat": cols["lat"],
            "lon": cols["lon"], "alt_ft": cols["alt_ft"], "gs_kt": cols["gs_kt"],
            "track": cols["track"], "on_ground": cols["on_ground"], "callsign": cols["callsign"]}
