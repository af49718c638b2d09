"""Importing an OSM extract's roads streamed: written in chunks as libosmium parses them, in
one transaction (the import lands whole or not at all), so that memory follows a chunk, not
the country (docs/corridors.md, "Benchmarks")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from basewatch.model import Place
from basewatch.model.roads import RoadSegment
from basewatch.sources.osm import DEFAULT_CLASSES, OsmStream, military_access
from basewatch.store import IMPORTS, PLACES, PutResult, Workspace
from basewatch.store.base import ImportRecord
from basewatch.store.roads import EXTENTS, ROADS

__all__ = ["import_osm_streamed"]


class _Bounds:
    """The ids and bounding boxes of the roads written, kept compactly (numpy, ~40 bytes a
    road): after the file, the roads near its military areas are found among them."""

    def __init__(self) -> None:
        self.ids: list[Any] = []
        self.boxes: list[Any] = []

    def add(self, roads: list[RoadSegment]) -> None:
        import numpy as np
        import shapely

        self.ids.append(np.array([r.id for r in roads], dtype=np.bytes_))
        self.boxes.append(shapely.bounds(np.array([r.geometry for r in roads], dtype=object))
                          .astype(np.float32))

    def near(self, areas: list[Any]) -> list[str]:
        """Ids of the roads whose box meets one of the areas' boxes."""
        import numpy as np
        import shapely

        if not areas or not self.ids:
            return []
        tree = shapely.STRtree(np.array(areas, dtype=object))  # few areas; roads a chunk at a time
        out: list[str] = []
        for ids, b in zip(self.ids, self.boxes, strict=True):
            b = b.astype(np.float64)
            hit = np.unique(tree.query(shapely.box(b[:, 0] - 1e-4, b[:, 1] - 1e-4, b[:, 2] + 1e-4,
                                                   b[:, 3] + 1e-4))[0])  # float32 rounding: pad
            out += [i.decode() for i in ids[hit]]
        return out


def import_osm_streamed(ws: Workspace, path: str | Path, classes: tuple[str, ...] = DEFAULT_CLASSES,
                        *, places: bool = False, chunk: int = 4000,
                        locations: str = "flex_mem") -> tuple[OsmStream, PutResult, int, list[str]]:
    """Import an OSM extract's roads, areas (and with ``places``, places) into ``ws`` in one
    transaction, the roads written a chunk at a time as they are parsed. Returns the stream,
    what the writes did (each record of the file counted once, as inserted, updated or
    unchanged against what was stored before), how many records were read and the warnings.

    Roads lying mostly in one of the file's military areas are closed (``access``
    ``military``), but such areas may come after the roads in the file. Over stored roads the
    file's military areas are read first, in a pass of their own, and every road is written
    once, as it will stay: the store compares it with what it replaces. Into an empty roads
    layer the roads are written in one pass, and those near the file's military areas are put
    again once the file is read (all of them are new: the counts are those of the first write).
    """
    s = OsmStream(path, classes, places=places, chunk=chunk, locations=locations)
    bounds = _Bounds()
    with ws.store.transaction():
        fresh = ws.store.count(ROADS) == 0
        known = [] if fresh else s.military_areas()

        def roads() -> Any:
            for part in s.chunks():
                if fresh:
                    bounds.add(part)
                else:
                    part = military_access(part, known)
                yield from part

        result = ws.store.put(ROADS, roads())
        rest, warnings = s.rest()
        mil = [e.geometry for e in rest if getattr(e, "kind", "") == "military"]
        near = bounds.near(mil) if fresh else []
        if near:
            written = [r for rid in near for r in ws.store.select(ROADS, {"id": rid})]
            final = military_access(written, mil)
            redo = [f for f, w in zip(final, written, strict=True) if f.access != w.access]
            if redo:
                ws.store.put(ROADS, redo)  # rows this import inserted: counted once, as inserted
        extents = [x for x in rest if not isinstance(x, Place)]
        found = [x for x in rest if isinstance(x, Place)]
        if extents:
            result = result + ws.store.put(EXTENTS, extents)
        if found:
            result = result + ws.store.put(PLACES, found)
        if result.changed:
            ws.store.put(IMPORTS, [ImportRecord(
                s.sha256, "roads", str(path), dt.datetime.now(dt.UTC), result.inserted,
                result.updated)])
    return s, result, s.n_roads + len(rest), warnings
