"""ADS-B JSON: readsb ``trace_full`` files, aggregators' v2 API answers and readsb/tar1090
``aircraft.json`` snapshots, as position columns; aircraft named in trace headers.

* readsb / tar1090 ``trace_full_<hex>.json`` (gzip or not; also the members of readsb
  ``globe_history`` folders and tars): ``{"icao", "timestamp", "r", "t", "desc", "ownOp",
  "dbFlags", "trace": [[dt_s, lat, lon, alt_ft or "ground", gs_kt, track, flags, vrate,
  {aircraft} or null, ...]]}``; the header's registration, type and operator are kept.
* v2 API (adsb.lol, ADS-B Exchange, airplanes.live): ``{"now": ms, "ac": [...]}``, one
  object, a list of them, or one per line (``flights poll``).
* readsb / tar1090 ``aircraft.json``: ``{"now": s, "aircraft": [...]}`` (same fields).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from basewatch.errors import ImportFormatError
from basewatch.sources._common import max_file_bytes
from basewatch.sources.adsb_columns import MS_THRESHOLD

__all__ = ["TraceAircraft", "json_columns", "parse_json", "parse_json_batches",
           "trace_aircraft"]


def parse_json(data: bytes, where: str) -> Any:
    """One JSON document, or one per line (a list of them); gzip unpacked within the import
    size limit."""
    docs = list(parse_json_batches(data, where, batch=0))
    return docs[0] if len(docs) == 1 and not isinstance(docs[0], _Lines) else (
        [d for chunk in docs for d in chunk])


class _Lines(list):  # type: ignore[type-arg]
    """Documents read one per line (a batch of them)."""


def parse_json_batches(data: bytes, where: str, *, batch: int = 5000) -> Iterator[Any]:
    """As :func:`parse_json`, in batches: a file of one document per line (what ``flights
    poll`` appends) yields lists of at most ``batch`` documents (0: all), so the parsed
    objects of a large file are never all held at once; a single document is yielded whole."""
    if data[:2] == b"\x1f\x8b":
        import gzip  # here: only gzipped JSON loads it

        limit = max_file_bytes()
        try:  # read at most the import limit: a small gzip can expand to gigabytes
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as g:
                data = g.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise ImportFormatError(f"{where}: truncated or damaged gzip ({exc})") from None
        if len(data) > limit:
            raise ImportFormatError(f"{where}: unpacks to over the import limit of "
                                    f"{limit / 1e6:.0f} MB (set BASEWATCH_MAX_IMPORT_MB)")
    text = data.decode("utf-8", "replace")
    del data
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as first:
        err = first
    except RecursionError:
        raise ImportFormatError(f"{where}: JSON nested too deeply") from None
    else:
        yield whole
        return
    if text.lstrip().startswith("{") and "\n{" in text:  # one response per line
        chunk = _Lines()
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                chunk.append(json.loads(line))
            except json.JSONDecodeError as exc:  # named by its line in the file
                # the last line cut short (a poll killed mid-write) does not close its object
                last = not any(x.strip() for x in lines[i + 1:])
                end = (" (the file ends early: truncated?)"
                       if last and not line.rstrip().endswith("}") else "")
                raise ImportFormatError(f"{where} line {i + 1} column {exc.colno}: invalid "
                                        f"JSON: {exc.msg}{end}") from None
            except RecursionError:
                raise ImportFormatError(f"{where}: JSON nested too deeply") from None
            if batch and len(chunk) >= batch:
                yield chunk
                chunk = _Lines()
        yield chunk
        return
    end = " (the file ends early: truncated?)" if err.pos >= len(text.rstrip()) - 1 else ""
    raise ImportFormatError(f"{where} line {err.lineno} column {err.colno}: invalid JSON: "
                            f"{err.msg}{end}")


def _number(x: Any) -> float:
    """A JSON number as float; NaN for anything else (text, null, booleans, overflow)."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        try:
            return float(x)
        except OverflowError:  # an integer of hundreds of digits
            return math.nan
    return math.nan


def _text(x: Any) -> str | None:
    return x if isinstance(x, str) else None


TraceAircraft = dict[str, Any]


def trace_aircraft(obj: Any) -> TraceAircraft | None:
    """Registration, type, description, operator and military flag of a trace header (readsb
    copies them from its aircraft database: ``r``, ``t``, ``desc``, ``ownOp``, ``dbFlags``
    bit 1 = military); None when the header names nothing."""
    if not isinstance(obj, dict) or not isinstance(obj.get("icao"), str):
        return None
    flags = obj.get("dbFlags")
    out = {"hex": obj["icao"].strip().lower(), "registration": _text(obj.get("r")) or "",
           "typecode": _text(obj.get("t")) or "", "description": _text(obj.get("desc")) or "",
           "operator": _text(obj.get("ownOp")) or "",
           "military": isinstance(flags, int) and not isinstance(flags, bool) and bool(flags & 1)}
    named = any(out[k] for k in ("registration", "typecode", "description", "operator"))
    return out if named or out["military"] else None


def _trace(obj: Any, where: str, dropped: dict[str, int]) -> dict[str, Any]:
    if not isinstance(obj, dict) or not isinstance(obj.get("trace"), list) \
            or "timestamp" not in obj:
        raise ImportFormatError(f"{where}: a readsb trace needs 'icao', 'timestamp' and a "
                                "'trace' list")
    t0 = _number(obj["timestamp"])
    if not math.isfinite(t0):
        raise ImportFormatError(f"{where}: timestamp {str(obj['timestamp'])[:40]!r} is not a "
                                "number")
    if t0 > MS_THRESHOLD:
        t0 /= 1000.0
        dropped["milliseconds_converted"] = dropped.get("milliseconds_converted", 0) + 1
    rows = [r for r in obj["trace"] if isinstance(r, list) and len(r) >= 6]
    if len(rows) != len(obj["trace"]):
        dropped["malformed_trace_points"] = (dropped.get("malformed_trace_points", 0)
                                             + len(obj["trace"]) - len(rows))
    n = len(rows)
    num = _number
    return {"t": np.array([t0 + num(r[0]) for r in rows], float),
            "hex": [_text(obj.get("icao")) or ""] * n,
            "lat": [num(r[1]) for r in rows], "lon": [num(r[2]) for r in rows],
            "alt_ft": [num(r[3]) for r in rows], "gs_kt": [num(r[4]) for r in rows],
            "track": [num(r[5]) for r in rows], "on_ground": [r[3] == "ground" for r in rows],
            "callsign": [_text(r[8].get("flight")) if len(r) > 8 and isinstance(r[8], dict)
                         else None for r in rows]}


def _snapshots(obj: Any, where: str, dropped: dict[str, int]) -> dict[str, Any]:
    """v2 API answers (``ac``, ``now`` in ms) or aircraft.json (``aircraft``, ``now`` in s)."""
    responses = obj if isinstance(obj, list) else [obj]
    t: list[float] = []
    cols: dict[str, list[Any]] = {k: [] for k in ("hex", "lat", "lon", "alt", "gs", "track",
                                                  "og", "cs")}
    for r in responses:
        key = "ac" if isinstance(r, dict) and "ac" in r else "aircraft"
        if not isinstance(r, dict) or not isinstance(r.get(key), list) or "now" not in r:
            raise ImportFormatError(f"{where}: a v2 API response needs 'now' and an 'ac' array "
                                    "(readsb aircraft.json: 'now' and 'aircraft')")
        now = _number(r["now"])
        if not math.isfinite(now):
            raise ImportFormatError(f"{where}: 'now' {str(r['now'])[:40]!r} is not a number")
        now = now / 1000.0 if now > MS_THRESHOLD else now  # ms in v2, s in aircraft.json
        for i, a in enumerate(r[key]):
            if not isinstance(a, dict):
                raise ImportFormatError(f"{where}: aircraft {i} of '{key}' is not an object")
            lat, lon = _number(a.get("lat")), _number(a.get("lon"))
            if math.isnan(lat) or math.isnan(lon):
                dropped["no_position"] = dropped.get("no_position", 0) + 1
                continue
            alt = a.get("alt_baro")
            seen = a.get("seen_pos", a.get("seen", 0.0))
            t.append(now - (0.0 if seen is None else _number(seen)))
            cols["hex"].append(_text(a.get("hex")) or "")
            cols["lat"].append(lat)
            cols["lon"].append(lon)
            cols["alt"].append(_number(alt))
            cols["gs"].append(_number(a.get("gs")))
            cols["track"].append(_number(a.get("track")))
            cols["og"].append(True if alt == "ground" else (False if alt is not None else None))
            cols["cs"].append(_text(a.get("flight")))
    return {"t": np.array(t, dtype=float), "hex": cols["hex"], "lat": cols["lat"],
            "lon": cols["lon"], "alt_ft": cols["alt"], "gs_kt": cols["gs"],
            "track": cols["track"], "on_ground": cols["og"], "callsign": cols["cs"]}


def json_columns(obj: Any, fmt: str, where: str, dropped: dict[str, int]) -> dict[str, Any]:
    """Position columns of a parsed JSON document of format ``fmt``."""
    if fmt == "readsb-trace":
        return _trace(obj, where, dropped)
    return _snapshots(obj, where, dropped)
