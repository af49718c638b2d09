"""Exposure distances on Dask: the same rows as the single-process materialization."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.demo.history_gen import generate_history
from basewatch.sources.batch_distances import batch_distances
from basewatch.store import CONTROL, FACILITIES, FACTIONS, RELATIONS, Workspace
from basewatch.store.exposure_cache import GROUND_DISTANCES, materialize


def _workspace(path: Path) -> Workspace:
    h = generate_history(days=12, vertices=400, sites=6, seed=11)
    ws = Workspace(path, create=True)
    with ws.store.transaction():
        ws.store.put(FACTIONS, h.factions)
        ws.store.put(RELATIONS, h.relations)
        ws.store.put(FACILITIES, h.facilities)
        ws.store.put(CONTROL, h.areas)
    return ws


def _rows(ws: Workspace) -> list[Any]:
    return sorted(ws.store.select(GROUND_DISTANCES), key=lambda r: (r.site, r.ground))


def test_batch_equals_single_process(tmp_path: Path, client: Any) -> None:
    one, many = _workspace(tmp_path / "one"), _workspace(tmp_path / "many")
    materialize(one.store, one.facilities())
    seen: list[str] = []
    res = batch_distances(many, client, many.facilities(), chunk_sites=4,
                          on_done=lambda k, ok, n: seen.append(k))
    assert res.ok and res.rows == len(_rows(one)) > 0
    assert len(seen) == len(res.outcome.results) == 2 * res.grounds  # 6 sites, 4 per task
    assert _rows(many) == _rows(one)
    assert materialize(many.store, many.facilities()) == 0  # nothing left
    one.close()
    many.close()


def test_cli_on_an_existing_scheduler(tmp_path: Path, cluster: Any) -> None:
    _workspace(tmp_path / "ws").close()
    res = CliRunner().invoke(app, ["batch", "distances", "-w", str(tmp_path / "ws"),
                                   "--scheduler", cluster.scheduler_address, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["ok"] and out["rows"] > 0 and out["done"] == out["tasks"] == out["grounds"]
