"""Country outlines for the report's map, from Natural Earth as the `world-atlas` npm package
ships it (the same file the dashboard uses; built into web/static/vendor by
scripts/build_web.sh). Without the file the report's map simply has no basemap."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

__all__ = ["WORLD_ATLAS", "countries", "decode_topojson"]

WORLD_ATLAS = Path(__file__).resolve().parents[1] / "web" / "static" / "vendor" / "countries-50m.json"


def decode_topojson(doc: dict[str, Any], name: str) -> list[tuple[str, BaseGeometry]]:
    """(name property, polygon) of each geometry of the TopoJSON object ``name``: arcs
    delta-decoded and de-quantized, reversed where the index is negative (``~i``)."""
    tf = doc.get("transform")
    arcs = []
    for arc in doc["arcs"]:
        a = np.asarray(arc, dtype=float)
        if tf:
            a = np.cumsum(a, axis=0) * tf["scale"] + tf["translate"]
        arcs.append(a)

    def ring(indices: list[int]) -> np.ndarray:
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        # consecutive arcs share their joining point: keep it once
        return np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])

    def polygon(rings: list[list[int]]) -> Polygon:
        shell, *holes = (ring(r) for r in rings)
        return Polygon(shell, holes)

    out = []
    for g in doc["objects"][name]["geometries"]:
        label = str((g.get("properties") or {}).get("name", ""))
        if g["type"] == "Polygon":
            out.append((label, polygon(g["arcs"])))
        elif g["type"] == "MultiPolygon":
            out.append((label, MultiPolygon([polygon(p) for p in g["arcs"]])))
    return out


@lru_cache(maxsize=1)
def _world() -> tuple[tuple[str, BaseGeometry], ...]:
    if not WORLD_ATLAS.exists():
        return ()
    return tuple(decode_topojson(json.loads(WORLD_ATLAS.read_text("utf-8")), "countries"))


def countries(bounds: tuple[float, float, float, float]) -> list[tuple[str, BaseGeometry]]:
    """Countries cut to ``bounds`` (lon/lat), empty when the Natural Earth file is absent."""
    frame = box(*bounds)
    out = []
    for label, g in _world():
        if g.intersects(frame):
            cut = shapely.intersection(shapely.make_valid(g), frame)
            polys = [p for p in shapely.get_parts(cut) if isinstance(p, Polygon)]
            if polys:  # a cut along the frame can leave lines and points: drop them
                out.append((label, polys[0] if len(polys) == 1 else MultiPolygon(polys)))
    return out
