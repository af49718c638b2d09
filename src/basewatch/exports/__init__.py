"""Exports: a workspace layer on a date, written as GeoJSON, KML, GeoPackage or CSV.

``layers.collect`` turns the store into flat rows (scalar properties + a shapely geometry);
each writer takes those rows. A capability adds a layer by adding a collector to
``layers.COLLECTORS``; a format by adding a writer to ``WRITERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from basewatch.exports.layers import COLLECTORS, ExportLayer, collect
from basewatch.exports.writers import write_csv, write_geojson, write_gpkg, write_kml

__all__ = ["COLLECTORS", "FORMATS", "WRITERS", "ExportLayer", "collect", "export"]

WRITERS: dict[str, Callable[[ExportLayer, Path], None]] = {
    "geojson": write_geojson,
    "kml": write_kml,
    "gpkg": write_gpkg,
    "csv": write_csv,
}
FORMATS = tuple(WRITERS)


def export(layer: ExportLayer, fmt: str, out: Path) -> None:
    """Write ``layer`` to ``out`` in format ``fmt`` (one of :data:`FORMATS`)."""
    WRITERS[fmt](layer, out)
