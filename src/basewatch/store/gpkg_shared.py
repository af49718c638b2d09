"""Shared geometries in the GeoPackage (``store/shared_geometry.py``): the tables, the view
QGIS opens, the writes of new geometries, and the conversion of a workspace written before.

The geometry table is a feature table of its own (R-tree and all); the records' table is an
attributes table; the view ``<layer>_areas`` joins them and is registered in
``gpkg_contents`` and ``gpkg_geometry_columns``, so QGIS and GDAL list it as a layer of
(Multi)Polygons with every record's columns. Triggers in plain SQL (run by every SQLite client)
refuse to change a stored geometry in place: a key always names one content.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from basewatch.store.base import PROVENANCE_COLUMNS, LayerSpec
from basewatch.store.gpkg_binary import (
    _SRS_ID,
    _wkb_offset,
    decode_gpkg_geometry,
    encode_gpkg_geometry,
)
from basewatch.store.shared_geometry import KEY_COLUMN, areas_view, geometries_table, geometry_key

if TYPE_CHECKING:
    from basewatch.store.gpkg import GeoPackageStore

__all__ = ["create_shared_layer", "keys_of", "migrate_layout", "old_layout_layers", "put_geometries"]


def _columns(spec: LayerSpec) -> list[str]:
    return [*spec.columns, *(n for n in PROVENANCE_COLUMNS if n not in spec.columns)]


def _create_geometries(store: GeoPackageStore, spec: LayerSpec) -> None:
    c, g = store._con, geometries_table(spec)
    c.execute(f'CREATE TABLE "{g}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, '
              f'geom {spec.geometry_type}, "key" TEXT NOT NULL UNIQUE)')
    c.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
              " VALUES (?,?,?,?,?)",
              (g, "features", g, (f"Each distinct geometry of {spec.name} once, by content key "
                                  "(SHA-256 of its WKB); never edited in place."), _SRS_ID))
    c.execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
              (g, "geom", spec.geometry_type, _SRS_ID))
    store._create_rtree(g)
    c.execute(f'CREATE TRIGGER "{g}_immutable" BEFORE UPDATE OF geom, "key" ON "{g}" BEGIN '
              f"SELECT RAISE(ABORT, '{g}: a stored geometry is shared by every record with its "
              f"content key and is never changed in place; point the record to another "
              f"geometry (re-import it) instead'); END")


def _create_view(store: GeoPackageStore, spec: LayerSpec) -> None:
    c, t, g, v = store._con, spec.name, geometries_table(spec), areas_view(spec)
    cols = ", ".join(f't."{n}" AS "{n}"' for n in [*_columns(spec), KEY_COLUMN, "record"])
    c.execute(f'CREATE VIEW "{v}" AS SELECT t.fid AS fid, g.geom AS geom, {cols} '
              f'FROM "{t}" AS t LEFT JOIN "{g}" AS g ON g."key" = t."{KEY_COLUMN}"')
    c.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
              " VALUES (?,?,?,?,?)", (v, "features", v, spec.description, _SRS_ID))
    c.execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
              (v, "geom", spec.geometry_type, _SRS_ID))


def create_shared_layer(store: GeoPackageStore, spec: LayerSpec, columns: list[str]) -> None:
    """The geometry table, the records' table (``columns``: its column definitions after
    ``fid``), its indexes, and the view."""
    c, t, g = store._con, spec.name, geometries_table(spec)
    _create_geometries(store, spec)
    c.execute(f'CREATE TABLE "{t}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, '
              f'"{KEY_COLUMN}" TEXT REFERENCES "{g}" ("key"), {", ".join(columns)})')
    _indexes(c, spec)
    c.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
              "VALUES (?,?,?,?)", (t, "attributes", t, spec.description))
    _create_view(store, spec)


def _indexes(c: sqlite3.Connection, spec: LayerSpec) -> None:
    t = spec.name
    c.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS "{t}_key" ON "{t}" '
              f'({", ".join(chr(34) + k + chr(34) for k in spec.key)})')
    for i, idx in enumerate(spec.indexes):
        c.execute(f'CREATE INDEX IF NOT EXISTS "{t}_idx{i}" ON "{t}" ({", ".join(idx)})')
    c.execute(f'CREATE INDEX IF NOT EXISTS "{t}_{KEY_COLUMN}" ON "{t}" ("{KEY_COLUMN}")')


def keys_of(blobs: Sequence[bytes | None]) -> list[str | None]:
    """The content key of each GeoPackage geometry (of the WKB after its header)."""
    return [None if b is None else geometry_key(bytes(b[_wkb_offset(b):])) for b in blobs]


def put_geometries(con: sqlite3.Connection, spec: LayerSpec, blobs: dict[str, bytes]) -> None:
    """Store the geometries (key -> GeoPackage binary) that are not stored yet."""
    g = geometries_table(spec)
    keys = list(blobs)
    have: set[str] = set()
    for i in range(0, len(keys), 900):
        part = keys[i:i + 900]
        have.update(r[0] for r in con.execute(
            f'SELECT "key" FROM "{g}" WHERE "key" IN ({",".join("?" * len(part))})', part))
    con.executemany(f'INSERT INTO "{g}" (geom, "key") VALUES (?, ?)',
                    [(blobs[k], k) for k in keys if k not in have])


def old_layout_layers(con: sqlite3.Connection, specs: Sequence[LayerSpec]) -> list[LayerSpec]:
    """The shared layers this file holds in the layout of before (the geometry in each row)."""
    out = []
    for spec in specs:
        cols = {r[1] for r in con.execute(f'PRAGMA table_info("{spec.name}")')}
        if "geom" in cols and KEY_COLUMN not in cols:
            out.append(spec)
    return out


def migrate_layout(store: GeoPackageStore, spec: LayerSpec) -> int:
    """Convert one layer written before geometries were shared, inside the caller's
    transaction: every row's geometry is stored once per distinct content (re-encoded as this
    basewatch writes it: same coordinates, same WKB as a fresh import would store) and the row
    points to it; the row's own R-tree, triggers and geometry column go. Returns how many
    distinct geometries the rows had."""
    c, t = store._con, spec.name
    r = f"rtree_{t}_geom"
    for suffix in ("insert", "update", "update1", "update2", "update3", "update4", "delete"):
        c.execute(f'DROP TRIGGER IF EXISTS "{r}_{suffix}"')
    c.execute(f'DROP TABLE IF EXISTS "{r}"')
    c.execute("DELETE FROM gpkg_extensions WHERE table_name = ?", (t,))
    c.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = ?", (t,))
    _create_geometries(store, spec)
    c.execute(f'ALTER TABLE "{t}" ADD COLUMN "{KEY_COLUMN}" TEXT REFERENCES '
              f'"{geometries_table(spec)}" ("key")')
    blobs: dict[str, bytes] = {}
    pointers: list[tuple[str | None, int]] = []
    for fid, blob in c.execute(f'SELECT fid, geom FROM "{t}"').fetchall():
        fresh = None if blob is None else encode_gpkg_geometry(decode_gpkg_geometry(blob))
        (key,) = keys_of([fresh])
        if key is not None and fresh is not None:
            blobs.setdefault(key, fresh)
        pointers.append((key, fid))
    put_geometries(c, spec, blobs)
    c.executemany(f'UPDATE "{t}" SET "{KEY_COLUMN}" = ? WHERE fid = ?', pointers)
    c.execute(f'ALTER TABLE "{t}" DROP COLUMN geom')
    _indexes(c, spec)
    c.execute("UPDATE gpkg_contents SET data_type = 'attributes', srs_id = NULL, min_x = NULL, "
              "min_y = NULL, max_x = NULL, max_y = NULL, description = ? WHERE table_name = ?",
              (spec.description, t))
    _create_view(store, spec)
    return len(blobs)
