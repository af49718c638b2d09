"""A positions import loads no pandas: the path goes from Arrow to numpy and back through
the arrays' buffers (``basewatch.analysis.arrow_np``), never through pyarrow's pandas shim
(which ``pa.array``, ``pa.scalar`` and ``Array.to_numpy`` load, ~0.2 s of CPU a command).
Checked in a fresh interpreter on the CLI command."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from basewatch.store import Workspace
from basewatch.store.flights import AIRFIELDS, FLIGHT_EVENTS
from tests.analysis.flight_tracks import FIELD, landing, takeoff
from tests.cli.fresh import run_fresh


def _positions(tmp_path: Path, fmt: str) -> Path:
    t = pa.concat_tables([takeoff(1).table("abc123"), landing(2).table("4b1805")])
    if fmt == "parquet":  # the traffic library's layout: a timestamp column with a zone
        out = tmp_path / "tracks.parquet"
        pq.write_table(pa.table({
            "timestamp": t.column("time"), "icao24": t.column("hex"),
            "latitude": t.column("lat"), "longitude": t.column("lon"),
            "altitude": t.column("alt_ft"), "groundspeed": t.column("gs_kt"),
            "track": t.column("track_deg"), "onground": t.column("on_ground"),
            "callsign": t.column("callsign")}), out)
        return out
    out = tmp_path / "states.csv"  # OpenSky: epoch seconds, metres, m/s
    pcsv.write_csv(pa.table({
        "time": pa.compute.divide(t.column("time").cast(pa.int64()), 1_000_000),
        "icao24": t.column("hex"), "lat": t.column("lat"), "lon": t.column("lon"),
        "velocity": pa.compute.multiply(t.column("gs_kt"), 1852 / 3600),
        "heading": t.column("track_deg"),
        "baroaltitude": pa.compute.multiply(t.column("alt_ft"), 0.3048),
        "onground": t.column("on_ground"), "callsign": t.column("callsign")}), out)
    return out


def _import_fresh(tmp_path: Path, fmt: str, airfields: bool) -> tuple[str, set[str], Path]:
    ws = tmp_path / "ws"
    with Workspace(ws, create=True) as w:
        if airfields:
            w.store.put(AIRFIELDS, [FIELD])
    out, loaded = run_fresh(["-w", str(ws), "import", "flights", str(_positions(tmp_path, fmt))],
                            ("pandas", "pyarrow", "numpy"))
    return out, loaded, ws


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_reading_cleaning_and_storing_positions_load_no_pandas(tmp_path: Path, fmt: str) -> None:
    _, loaded, ws = _import_fresh(tmp_path, fmt, airfields=False)
    assert "pandas" not in loaded
    assert {"pyarrow", "numpy"} <= loaded  # it did import (and read) the file
    assert len(list((ws / "flights").glob("*.parquet"))) == 1


def test_detecting_events_loads_no_pandas(tmp_path: Path) -> None:
    _, loaded, ws = _import_fresh(tmp_path, "parquet", airfields=True)
    with Workspace(ws) as w:
        kinds = sorted(e.kind for e in w.store.select(FLIGHT_EVENTS))
    assert kinds == ["landing", "takeoff"]
    assert "pandas" not in loaded
