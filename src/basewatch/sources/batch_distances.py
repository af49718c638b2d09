"""Batch materialization of exposure distances on Dask: many sites x many control snapshots.

The same rows as :func:`basewatch.store.exposure_cache.materialize`, spread over a cluster:
one task per distinct ground lacking rows (sites in chunks), each given the ground's geometry
(WKB) and the sites, returning compact arrays; the driver writes every completed task's rows
in one transaction. A failed task loses nothing of the others (its rows are computed on the
next question or the next run).
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from basewatch.analysis.ground import Ground
from basewatch.batch import BatchOutcome, run_tasks
from basewatch.model import Facility
from basewatch.store import Workspace
from basewatch.store.exposure_cache import (
    GROUND_DISTANCES,
    GroundDistance,
    ground_geometry,
    plan,
    snapshot_grounds,
)

__all__ = ["DistancesBatch", "batch_distances", "ground_task"]

#: Rows per put when writing a batch's results (see ``batch_distances``).
_PUT_ROWS = 250_000

Rows = tuple[str, list[str], np.ndarray]  # ground key, site ids, (n, 6) lon lat d nlon nlat in


def ground_task(key: str, wkb: bytes, ids: list[str], lons: list[float],
                lats: list[float]) -> Rows:
    """The work of one ground (runs on a worker): prepare it once, measure every site."""
    ground = Ground(shapely.from_wkb(wkb))
    lon, lat = np.asarray(lons, float), np.asarray(lats, float)
    d, nlon, nlat, inside = ground.distances(lon, lat)
    return key, ids, np.column_stack([lon, lat, d, nlon, nlat, inside.astype(float)])


@dataclass
class DistancesBatch:
    """A finished batch: outcome per task, rows written, grounds and seconds per phase."""

    outcome: BatchOutcome[Rows]
    grounds: int
    rows: int
    seconds: dict[str, float] = field(default_factory=dict)  # plan, tasks, write

    @property
    def ok(self) -> bool:
        return self.outcome.ok


def batch_distances(ws: Workspace, client: Any, facilities: Sequence[Facility],
                    start: dt.date | None = None, end: dt.date | None = None, *,
                    chunk_sites: int = 5000, retries: int = 1,
                    on_done: Callable[[str, bool, int], None] | None = None) -> DistancesBatch:
    """Materialize the missing distance rows of ``facilities`` over the snapshots dated in
    [start, end] on the cluster."""
    t0 = time.perf_counter()
    _, work = plan(ws.store, facilities, snapshot_grounds(ws.store, start, end).values())
    tasks: list[tuple[str, tuple[Any, ...]]] = []
    for w in work:
        wkb = bytes(shapely.to_wkb(ground_geometry(ws.store, w.day, w.faction)))
        for i in range(0, len(w.sites), chunk_sites):
            part = w.sites[i:i + chunk_sites]
            tasks.append((f"{w.faction} {w.day} {w.key[:8]} {i // chunk_sites}",
                          (w.key, wkb, [f.id for f in part], [f.lon for f in part],
                           [f.lat for f in part])))
    t1 = time.perf_counter()
    outcome = run_tasks(client, ground_task, tasks, retries=retries, on_done=on_done)
    t2 = time.perf_counter()
    n = 0

    def rows() -> Iterator[GroundDistance]:
        nonlocal n
        for key, ids, arr in outcome.results.values():
            n += len(ids)
            for sid, a in zip(ids, arr.tolist(), strict=True):
                yield GroundDistance(sid, key, a[0], a[1], a[2], a[3], a[4], bool(a[5]))

    # Puts of many tasks' rows, made as they are written: a GeoPackage put reads the layer's
    # stored keys once, so a put per task read a table growing to millions of rows hundreds of
    # times (the write took over 20 minutes of a 10,000-site batch); a PostGIS put holds its
    # rows until it writes them, hence a bound on each.
    with ws.store.transaction():  # all or nothing
        it = rows()
        while chunk := list(itertools.islice(it, _PUT_ROWS)):
            ws.store.put(GROUND_DISTANCES, chunk)
    return DistancesBatch(outcome, len(work), n,
                          {"plan": t1 - t0, "tasks": t2 - t1, "write": time.perf_counter() - t2})
