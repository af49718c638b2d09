"""A positions import re-detects only its aircraft and recounts coverage only on its days; the
stored layers then equal a full refresh over every file."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from basewatch.sources.flights_ingest import import_positions, refresh_events
from basewatch.store import Workspace
from tests.sources.flight_layers import stored_layers
from basewatch.store.flights import position_files, read_positions


_layers = stored_layers


def _plain_csv(table: pa.Table, path: Path) -> None:
    ms = pa.array(table.column("time").cast(pa.int64()).to_numpy() // 1000)  # epoch ms
    t = table.select(["hex", "lat", "lon", "alt_ft", "gs_kt", "track_deg", "on_ground",
                      "callsign", "synthetic"]).add_column(0, "time", ms).rename_columns(
        ["time", "hex", "lat", "lon", "alt_ft", "gs_kt", "track", "on_ground", "callsign",
         "synthetic"])
    body = path.with_suffix(".body")
    pacsv.write_csv(t, body, pacsv.WriteOptions(quoting_style="none", include_header=False))
    path.write_text(",".join(t.column_names) + "\n" + body.read_text())


def test_two_imports_equal_a_full_refresh(demo_ws: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(demo_ws, folder)
    with Workspace(folder) as ws:
        every = read_positions(folder)
        for f in position_files(folder):  # start again from no positions at all
            f.unlink()
        refresh_events(ws)
        assert _layers(ws) == ([], [])
        # two files that overlap: the second repeats a slice of the first and adds the rest;
        # the split cuts through aircraft and days
        rng = np.random.default_rng(7)
        order = rng.permutation(every.num_rows)
        cut = every.num_rows // 2
        first = every.take(order[:cut])
        second = every.take(np.concatenate([order[cut - 500:cut], order[cut:]]))
        _plain_csv(first, tmp_path / "a.csv")
        _plain_csv(second, tmp_path / "b.csv")
        import_positions(ws, tmp_path / "a.csv", synthetic=True)
        after_first = _layers(ws)
        import_positions(ws, tmp_path / "b.csv", synthetic=True)
        incremental = _layers(ws)
        refresh_events(ws)  # the full refresh over both files
        full = _layers(ws)
    assert incremental == full
    assert len(full[0]) > 100 and len(full[1]) > 30  # the demo's sorties and covered days
    assert after_first != full  # the second file did change things
    assert any(e["hex"] == "1533ff" and e["kind"] == "takeoff" for e in full[0])


def test_a_runway_change_recomputes_only_near_it_and_equals_a_full_refresh(
        demo_ws: Path, tmp_path: Path) -> None:
    from basewatch.sources import flights_ingest

    folder = tmp_path / "ws"
    shutil.copytree(demo_ws, folder)
    rows = (Path(flights_ingest.__file__).parents[1] / "demo" / "data" / "flights"
            / "runways.csv").read_text().splitlines()
    # 1. a first runway at Vnukovo, far from every demo track: nothing to re-detect
    vnukovo = rows + [",,UUWW,10039,197,CON,1,0,01,55.5800,37.2540,,10,,19,55.6050,37.2620,,190,"]
    (tmp_path / "r1.csv").write_text("\n".join(vnukovo) + "\n")
    # 2. then OSLK's runway moved 400 m west: every demo aircraft flew from it
    moved = [r.replace("35.94762", "35.94322").replace("35.94977", "35.94537") for r in vnukovo]
    (tmp_path / "r2.csv").write_text("\n".join(moved) + "\n")
    detected: list[int] = []
    real = flights_ingest.detect_events

    def counting(table, fields, **kw):  # type: ignore[no-untyped-def]
        detected.append(table.num_rows)
        return real(table, fields, **kw)

    with Workspace(folder) as ws:
        flights_ingest.detect_events = counting
        try:
            flights_ingest.import_airports(ws, tmp_path / "r1.csv")
            assert detected == []  # no aircraft came near Vnukovo
            after_vnukovo = _layers(ws)
            refresh_events(ws)
            assert _layers(ws) == after_vnukovo
            flights_ingest.import_airports(ws, tmp_path / "r2.csv")
        finally:
            flights_ingest.detect_events = real
        incremental = _layers(ws)
        refresh_events(ws)
        full = _layers(ws)
    assert incremental == full
    assert incremental != after_vnukovo  # the move did change events
