"""Shared geometries in PostGIS (``store/shared_geometry.py``): the tables, the view, the
writes of new geometries, and the schema migration that converts a database written before.

The same layout as the GeoPackage's: ``<layer>_geometries (key, geom)`` with a GiST index,
``<layer>`` with ``geom_key`` referencing it (a foreign key: a geometry another transaction
is dropping as orphaned cannot be pointed to), and the view ``<layer>_areas`` that QGIS opens.
The content key is computed the same way in both back ends (SHA-256 of the little-endian ISO
WKB), here by the database in the migration: ``encode(sha256(ST_AsBinary(geom, 'NDR')), 'hex')``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from basewatch.store.base import PROVENANCE_COLUMNS, LayerSpec
from basewatch.store.shared_geometry import KEY_COLUMN, areas_view, geometries_table

__all__ = ["create_ddl", "geometry_rows_sql", "migration_sql"]

_SRID = 4326
#: No '%' in any statement here: the driver would take it for a parameter.
_IMMUTABLE_FN = (
    "CREATE OR REPLACE FUNCTION basewatch_immutable_geometry() RETURNS trigger "
    "LANGUAGE plpgsql AS $fn$ BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || "
    "': a stored geometry is shared by every record with its content key and is never "
    "changed in place; point the record to another geometry (re-import it) instead'; "
    "END $fn$")


def _geometries_ddl(spec: LayerSpec) -> list[str]:
    g = geometries_table(spec)
    return [
        (f'CREATE TABLE IF NOT EXISTS "{g}" (fid bigserial PRIMARY KEY, "key" text NOT NULL '
         f'UNIQUE, geom geometry({spec.geometry_type}, {_SRID}))'),
        f'CREATE INDEX IF NOT EXISTS "{g}_geom" ON "{g}" USING gist (geom)',
        _IMMUTABLE_FN,
        (f'CREATE OR REPLACE TRIGGER "{g}_immutable" BEFORE UPDATE OF geom, "key" ON "{g}" '
         "FOR EACH ROW EXECUTE FUNCTION basewatch_immutable_geometry()"),
    ]


def _view_ddl(spec: LayerSpec) -> str:
    t, g, v = spec.name, geometries_table(spec), areas_view(spec)
    names = [*spec.columns, *(n for n in PROVENANCE_COLUMNS if n not in spec.columns),
             KEY_COLUMN, "record"]
    cols = ", ".join(f't."{n}"' for n in names)
    return (f'CREATE OR REPLACE VIEW "{v}" AS SELECT t.fid, g.geom, {cols} FROM "{t}" AS t '
            f'LEFT JOIN "{g}" AS g ON g."key" = t."{KEY_COLUMN}"')


def create_ddl(spec: LayerSpec, columns: list[str], indexes: Callable[[str], list[str]]) -> list[str]:
    """Statements creating a shared layer: ``columns`` are the records' column definitions
    after ``fid``; ``indexes(table)`` the layer's usual key and column indexes."""
    t = spec.name
    return [
        *_geometries_ddl(spec),
        (f'CREATE TABLE IF NOT EXISTS "{t}" (fid bigserial PRIMARY KEY, "{KEY_COLUMN}" text '
         f'REFERENCES "{geometries_table(spec)}" ("key"), {", ".join(columns)})'),
        *indexes(t),
        f'CREATE INDEX IF NOT EXISTS "{t}_{KEY_COLUMN}" ON "{t}" ("{KEY_COLUMN}")',
        _view_ddl(spec),
    ]


def geometry_rows_sql(spec: LayerSpec, wkbs: dict[str, bytes]) -> tuple[str, dict[str, Any]]:
    """One statement storing the geometries (key -> WKB) not stored yet."""
    params: dict[str, Any] = {}
    values = []
    for i, (k, wkb) in enumerate(wkbs.items()):
        params[f"k{i}"], params[f"g{i}"] = k, wkb
        values.append(f"(CAST(:k{i} AS text), ST_GeomFromWKB(:g{i}, {_SRID}))")
    return (f'INSERT INTO "{geometries_table(spec)}" ("key", geom) VALUES {", ".join(values)} '
            'ON CONFLICT ("key") DO NOTHING'), params


def migration_sql(spec: LayerSpec) -> str:
    """Convert the layer if the database holds it in the layout of before (the geometry in
    each row): one DO block, inside the upgrade's transaction."""
    t, g = spec.name, geometries_table(spec)
    key = "encode(sha256(ST_AsBinary(geom, 'NDR')), 'hex')"
    body = [
        *_geometries_ddl(spec),
        (f'INSERT INTO "{g}" ("key", geom) SELECT DISTINCT ON (k) k, geom FROM '
         f'(SELECT {key} AS k, geom FROM "{t}" WHERE geom IS NOT NULL) s ORDER BY k'),
        f'ALTER TABLE "{t}" ADD COLUMN "{KEY_COLUMN}" text REFERENCES "{g}" ("key")',
        f'UPDATE "{t}" SET "{KEY_COLUMN}" = {key} WHERE geom IS NOT NULL',
        f'DROP INDEX IF EXISTS "{t}_geom"',
        f'ALTER TABLE "{t}" DROP COLUMN geom',
        f'CREATE INDEX IF NOT EXISTS "{t}_{KEY_COLUMN}" ON "{t}" ("{KEY_COLUMN}")',
        _view_ddl(spec),
        ("INSERT INTO basewatch_meta (key, value) VALUES ('revision', '1') ON CONFLICT (key) "
         "DO UPDATE SET value = (basewatch_meta.value::bigint + 1)::text"),
    ]
    stmts = "\n".join(f"    EXECUTE {_quote(s)};" for s in body)
    return (f"DO $mig$ BEGIN\n  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE "
            f"table_schema = current_schema() AND table_name = '{t}' AND column_name = 'geom') "
            f"THEN\n{stmts}\n  END IF;\nEND $mig$")


def _quote(sql: str) -> str:
    return "'" + sql.replace("'", "''") + "'"
