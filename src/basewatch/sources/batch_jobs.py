"""Batch jobs on Dask: imagery over sites x dates, flights over partitions of positions.

Each task does what the single-process path does for its unit and returns records; the driver
writes all of them through the store in one transaction, so a batch is as atomic as an import
and gives the same records as running the single-process commands one unit at a time:

* imagery: one task per (site, date) = ``basewatch imagery process --site S --date D``
  (STAC search over the site's named areas, windowed COG reads, detection, counts);
* flights: positions are split into Parquet partitions **by aircraft** (a stable hash of the
  ICAO address), so every aircraft's track is whole in one partition and a flight never
  crosses a partition boundary; each task cleans its partition and detects take-offs and
  landings exactly as :func:`basewatch.sources.flights_ingest.refresh_events` does over all
  positions (cleaning and detection only ever compare positions of the same aircraft).
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.flights import POSITION_SCHEMA, Detected, clean_positions, detect_events
from basewatch.batch import BatchOutcome, run_tasks
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model.flights import Airfield, FlightEvent
from basewatch.model.imagery import ImageryCount, Scene, SiteArea
from basewatch.store import PutResult, Workspace
from basewatch.store.flights import AIRFIELDS, FLIGHT_EVENTS, position_files

__all__ = ["FlightsBatch", "ImageryBatch", "SiteDateResult", "batch_flights", "batch_imagery",
           "flights_partition", "hex_bucket", "imagery_site_date", "partition_positions"]

PARTITIONS_DIR = "flights-partitions"


# --- imagery: sites x dates ------------------------------------------------------------------

@dataclass
class SiteDateResult:
    """What one site-date gave: the scenes (with cloud and bytes), counts, per-scene errors."""

    site: str
    day: dt.date
    scenes: list[Scene] = field(default_factory=list)
    counts: list[ImageryCount] = field(default_factory=list)
    scene_errors: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[Scene, list[Any]]] = field(default_factory=list)  # history pixels

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site, "date": self.day.isoformat(), "scenes": len(self.scenes),
                "counts": len(self.counts),
                "scene_errors": [{"scene": s, "error": e} for s, e in self.scene_errors]}


def imagery_site_date(site: str, day: dt.date, areas: list[SiteArea], footprint: BaseGeometry,
                      stac_url: str, reader: str = "python",
                      history_folder: Path | None = None) -> SiteDateResult:
    """The work of one site-date (runs on a worker): search, read, detect, count. With
    ``history_folder`` (the workspace's folder, readable by the worker), the site's per-pixel
    history stored before the batch is used, as by `imagery process`."""
    import httpx

    from basewatch.sources.imagery_process import (
        history_pixels,
        process_scenes,
        scene_with_results,
    )
    from basewatch.sources.stac import search_scenes

    scenes = search_scenes(stac_url, site, footprint, day, day)
    out = SiteDateResult(site, day)
    if not scenes:
        return out
    with httpx.Client(timeout=30.0) as client:
        results = process_scenes(scenes, areas, client, reader=reader,
                                 workspace_folder=history_folder)
    out.scenes = [scene_with_results(r) for r in results]
    out.kept = history_pixels(results)
    out.counts = [c for r in results for c in r.counts]
    out.scene_errors = [(r.scene.id, r.error) for r in results if r.error]
    return out


@dataclass
class ImageryBatch:
    """A finished imagery batch: per site-date results, failed tasks, what the store got."""

    outcome: BatchOutcome[SiteDateResult]
    scenes: PutResult
    counts: PutResult
    seconds: dict[str, float] = field(default_factory=dict)  # tasks, write

    @property
    def ok(self) -> bool:
        """No task failed and no scene failed to read."""
        return self.outcome.ok and not any(r.scene_errors for r in self.outcome.results.values())


def site_date_key(site: str, day: dt.date) -> str:
    return f"{site} {day.isoformat()}"


def batch_imagery(ws: Workspace, client: Any, sites: Sequence[str], days: Sequence[dt.date],
                  stac_url: str, *, reader: str = "python", retries: int = 1,
                  on_done: Callable[[str, bool, int], None] | None = None,
                  task: Callable[..., SiteDateResult] = imagery_site_date) -> ImageryBatch:
    """Process every site x date on the cluster; store the scenes and counts of the tasks that
    completed in one transaction (a failed task loses nothing of the others)."""
    from basewatch.store.imagery import IMAGERY_COUNTS, IMAGERY_SCENES, site_areas

    tasks = []
    for query in sites:
        fac = ws.facility(query)
        areas = site_areas(ws.store, fac.id)
        if not areas:
            raise NotFoundError(f"site {fac.id} has no named areas (apron, harbour basin): "
                                "import some with `basewatch imagery import-areas`")
        foot = areas[0].geometry
        for a in areas[1:]:
            foot = foot.union(a.geometry)
        tasks += [(site_date_key(fac.id, d), (fac.id, d, areas, foot, stac_url, reader,
                                              ws.folder))
                  for d in days]
    t0 = time.perf_counter()
    outcome = run_tasks(client, task, tasks, retries=retries, on_done=on_done)
    t1 = time.perf_counter()
    with ws.store.transaction():  # all or nothing, as an import
        scenes = ws.store.put(IMAGERY_SCENES, [s for r in outcome.results.values() for s in r.scenes])
        counts = ws.store.put(IMAGERY_COUNTS, [c for r in outcome.results.values() for c in r.counts])
    from basewatch.sources.imagery_process import keep_history

    keep_history(ws.folder, [k for r in outcome.results.values() for k in r.kept])
    return ImageryBatch(outcome, scenes, counts,
                        {"tasks": t1 - t0, "write": time.perf_counter() - t1})


# --- flights: partitions by aircraft ---------------------------------------------------------

def hex_bucket(hexes: Sequence[str], n: int) -> np.ndarray:
    """Partition of each ICAO address: CRC-32 of its text modulo ``n`` (stable across runs and
    machines, unlike Python's ``hash``)."""
    return np.array([zlib.crc32(h.encode()) % n for h in hexes], dtype=np.int64)


def partition_positions(files: Sequence[Path], out_dir: Path, n: int, *,
                        batch_rows: int = 1 << 20) -> list[Path]:
    """Split position files into ``out_dir/part-KKKK.parquet`` by aircraft (``hex_bucket``),
    reading ``batch_rows`` rows at a time (memory stays bounded whatever the data size).
    Returns the partitions that got positions. Old ``part-*.parquet`` files are removed."""
    if n < 1:
        raise ValidationError("--partitions must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("part-*.parquet"):
        old.unlink()
    writers: dict[int, pq.ParquetWriter] = {}
    try:
        for f in files:
            for batch in pq.ParquetFile(f).iter_batches(batch_size=batch_rows):
                table = pa.Table.from_batches([batch]).cast(POSITION_SCHEMA)
                enc = pc.dictionary_encode(table.column("hex")).combine_chunks()
                codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
                bucket = hex_bucket(enc.dictionary.to_pylist(), n)[codes]
                for b in np.unique(bucket):
                    part = table.filter(pa.array(bucket == b))
                    w = writers.get(int(b))
                    if w is None:
                        w = writers[int(b)] = pq.ParquetWriter(
                            out_dir / f"part-{int(b):04d}.parquet", POSITION_SCHEMA,
                            compression="zstd")
                    w.write_table(part)
    finally:
        for w in writers.values():
            w.close()
    return [out_dir / f"part-{b:04d}.parquet" for b in sorted(writers)]


def flights_partition(path: str, airfields: list[Airfield]) -> list[Detected]:
    """The work of one partition (runs on a worker): clean, segment, detect."""
    table, _ = clean_positions(pq.read_table(path, schema=POSITION_SCHEMA))
    return detect_events(table, airfields)


@dataclass
class FlightsBatch:
    """A finished flights batch: events per partition, failures, the events layer written."""

    outcome: BatchOutcome[list[Detected]]
    partitions: int
    events: int
    kept_from_before: int
    seconds: dict[str, float] = field(default_factory=dict)  # partition, tasks, write

    @property
    def ok(self) -> bool:
        return self.outcome.ok


def batch_flights(ws: Workspace, client: Any, *, partitions: int = 8,
                  partitions_dir: Path | None = None, retries: int = 1,
                  on_done: Callable[[str, bool, int], None] | None = None,
                  task: Callable[..., list[Detected]] = flights_partition) -> FlightsBatch:
    """Detect take-offs and landings in all the workspace's positions on the cluster and
    replace the events layer, as ``refresh_events`` does in one process.

    ``partitions_dir`` (default ``<workspace>/flights-partitions``) must be readable by every
    worker: on a multi-machine cluster, a shared filesystem. If a partition fails, the events
    previously stored for its aircraft are kept (not deleted) and the failure is reported.
    """
    from basewatch.sources.flights_ingest import _event  # the provenance the importer gives

    files = position_files(ws.folder)
    if not files:
        raise NotFoundError(f"no positions in {ws.folder}: import some with "
                            "`basewatch flights import`")
    # the airfields and their order exactly as refresh_events uses them
    airfields = [a for a in ws.store.select(AIRFIELDS) if a.runways or a.area]
    airfields = [a for a in airfields if a.runways] + [a for a in airfields if not a.runways]
    out_dir = Path(partitions_dir) if partitions_dir else Path(ws.folder) / PARTITIONS_DIR
    t0 = time.perf_counter()
    parts = partition_positions(files, out_dir, partitions)
    tasks = [(p.stem, (str(p.resolve()), airfields)) for p in parts]
    t1 = time.perf_counter()
    outcome = run_tasks(client, task, tasks, retries=retries, on_done=on_done)
    t2 = time.perf_counter()
    detected = [d for evs in outcome.results.values() for d in evs]
    detected.sort(key=lambda e: (e.time, e.hex, e.kind))  # as detect_events orders them
    failed_parts = {int(f.key.split("-")[1]) for f in outcome.failures}
    with ws.store.transaction():
        kept = [e for e in ws.store.select(FLIGHT_EVENTS)
                if failed_parts and int(hex_bucket([e.hex], partitions)[0]) in failed_parts]
        ws.store.delete(FLIGHT_EVENTS, {})
        new: list[FlightEvent] = [_event(d) for d in detected]
        ws.store.put(FLIGHT_EVENTS, kept + new)
    return FlightsBatch(outcome, len(parts), len(new), len(kept),
                        {"partition": t1 - t0, "tasks": t2 - t1, "write": time.perf_counter() - t2})
