"""`basewatch batch flights` gives the same events as the single process, and survives a worker
killed mid-batch (re-run) or reports exactly the partition it could not do."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.sources.batch_jobs import batch_flights, hex_bucket, partition_positions
from basewatch.sources.flights_ingest import refresh_events
from basewatch.store import Workspace
from basewatch.store.flights import FLIGHT_EVENTS, position_files, read_positions
from tests.batch import helpers


def _events(ws: Workspace) -> list[dict[str, Any]]:
    return [e.to_dict() for e in ws.store.select(FLIGHT_EVENTS, order_by=("hex", "time", "kind"))]


def test_partitions_keep_each_aircraft_whole(ws_copy: Path, tmp_path: Path) -> None:
    files = position_files(ws_copy)
    parts = partition_positions(files, tmp_path / "parts", 5)
    whole = read_positions(ws_copy)
    seen: dict[str, str] = {}
    rows = 0
    for p in parts:
        t = pq.read_table(p)
        rows += t.num_rows
        for h in set(t.column("hex").to_pylist()):
            assert h not in seen, f"{h} in {seen.get(h)} and {p.name}"
            seen[h] = p.name
            assert p.name == f"part-{int(hex_bucket([h], 5)[0]):04d}.parquet"
    assert rows == whole.num_rows
    assert set(seen) == set(whole.column("hex").to_pylist())


def test_batch_equals_single_process(ws_copy: Path, client: Any) -> None:
    with Workspace(ws_copy) as ws:
        refresh_events(ws)
        single = _events(ws)
        ws.store.delete(FLIGHT_EVENTS, {})
        res = batch_flights(ws, client, partitions=3, retries=0)
        assert res.ok and res.partitions == 3
        assert _events(ws) == single
    assert len(single) > 100  # the demo's sorties: a real comparison


def test_worker_killed_once_the_batch_finishes(ws_copy: Path, client: Any, tmp_path: Path) -> None:
    marker = tmp_path / "kill-a-worker"
    marker.touch()
    with Workspace(ws_copy) as ws:
        single = _events(ws)  # the demo stored them through the single-process importer
        ws.store.delete(FLIGHT_EVENTS, {})
        res = batch_flights(ws, client, partitions=4, retries=0,
                            task=functools.partial(helpers.die_once, str(marker)))
        assert not marker.exists()  # a worker did die
        assert res.ok, res.outcome.failures
        assert _events(ws) == single


def test_worker_killed_every_time_is_reported_and_the_rest_stored(ws_copy: Path) -> None:
    import dask

    from basewatch.batch import cluster_client

    with Workspace(ws_copy) as ws:
        before = _events(ws)
        # at most one re-run of a task whose worker died (default 3: slower to give up)
        with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
                cluster_client(workers=2) as client:
            res = batch_flights(ws, client, partitions=4, retries=0,
                                task=functools.partial(helpers.die_always_on, "part-0002"))
        assert [f.key for f in res.outcome.failures] == ["part-0002"], res.outcome.failures
        assert "worker process died" in res.outcome.failures[0].error
        assert sorted(res.outcome.results) == ["part-0000", "part-0001", "part-0003"]
        after = _events(ws)
    # every event is still there: part 2's aircraft kept their earlier events, the rest redone
    assert after == before
    lost = [e for e in before if hex_bucket([e["hex"]], 4)[0] == 2]
    assert res.kept_from_before == len(lost) > 0


def test_cli_on_an_existing_scheduler(ws_copy: Path, cluster: Any) -> None:
    with Workspace(ws_copy) as ws:
        single = _events(ws)
        ws.store.delete(FLIGHT_EVENTS, {})
    res = CliRunner().invoke(app, ["batch", "flights", "-w", str(ws_copy), "--partitions", "2",
                                   "--scheduler", cluster.scheduler_address, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["ok"] and out["partitions"] == 2 and out["failed"] == []
    assert out["events"] == len(single)
    with Workspace(ws_copy) as ws:
        assert _events(ws) == single


def test_cli_unreachable_scheduler_is_one_clear_line(ws_copy: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = CliRunner().invoke(app, ["batch", "flights", "-w", str(ws_copy),
                                   "--scheduler", f"tcp://127.0.0.1:{port}",
                                   "--connect-timeout", "1"])
    assert res.exit_code == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in res.output
    assert "Traceback" not in res.output
