"""Geometries stored once per distinct content, for layers whose records repeat them.

A daily control series repeats the same ground for days or weeks. A layer whose spec sets
``shared_geometry`` is stored in three parts, the same on both back ends:

* ``<layer>``: one row per record (the key, queryable and provenance columns, the JSON
  ``record``) and ``geom_key``, the key of its geometry;
* ``<layer>_geometries``: one row per distinct geometry, ``key`` and ``geom``;
* ``<layer>_areas``: a view of every record with its geometry joined (what QGIS opens as the
  layer, and what the store itself reads).

The key is the SHA-256 of the geometry's WKB exactly as it is stored (ISO WKB, little-endian,
as :func:`shapely.to_wkb` writes it and PostGIS' ``ST_AsBinary(geom, 'NDR')`` gives it back):
no normalisation and no rounding, so two records share a row only if their geometries are the
same bytes, and reading a record gives back exactly the geometry written. Geometry rows are
never updated in place (a trigger refuses it on both back ends): a record whose geometry
changes points to another row, so a key always names one content, which the exposure cache
relies on (``store/exposure_cache.py``). Rows no record points to are dropped in the same
transaction as the write that orphaned them.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from basewatch.store.base import LayerSpec

__all__ = ["KEY_COLUMN", "areas_view", "companions", "geometries_table", "geometry_key",
           "orphans_sql"]

#: The column of a shared layer's table that names its record's geometry.
KEY_COLUMN = "geom_key"


def geometry_key(wkb: bytes) -> str:
    """The content key of a geometry: SHA-256 (hex) of its little-endian ISO WKB."""
    return hashlib.sha256(wkb).hexdigest()


def geometries_table(spec: LayerSpec | str) -> str:
    return f"{spec if isinstance(spec, str) else spec.name}_geometries"


def areas_view(spec: LayerSpec | str) -> str:
    return f"{spec if isinstance(spec, str) else spec.name}_areas"


def companions(spec: LayerSpec | str) -> tuple[str, str]:
    """The table and the view that come with a shared layer (not layers of their own)."""
    return geometries_table(spec), areas_view(spec)


def orphans_sql(spec: LayerSpec, *, skip_locked: bool = False) -> str:
    """Delete the geometries no record points to. ``skip_locked`` (PostgreSQL): leave a
    geometry that another open transaction has just pointed a record to (its foreign key
    check holds a lock on the row) instead of waiting for it and failing; a later write drops
    it if it is still orphaned then."""
    t, g = spec.name, geometries_table(spec)
    orphaned = f'NOT EXISTS (SELECT 1 FROM "{t}" WHERE "{t}"."{KEY_COLUMN}" = "{g}"."key")'
    if not skip_locked:
        return f'DELETE FROM "{g}" WHERE {orphaned}'
    return (f'DELETE FROM "{g}" WHERE fid IN (SELECT fid FROM "{g}" WHERE {orphaned} '
            "FOR UPDATE SKIP LOCKED)")
