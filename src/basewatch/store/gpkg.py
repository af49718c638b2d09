"""The embedded default store: one GeoPackage file that QGIS opens as it is.

Geometries are GeoPackage binary (header + WKB, EPSG:4326) with an R-tree per spatial layer kept
by the standard triggers; every record's full ``to_dict`` is kept as canonical JSON in a
``record`` column, so reading back loses nothing. The journal is SQLite's rollback journal, so
the workspace stays one file and a failed transaction leaves it byte-for-byte as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from basewatch.errors import StoreError
from basewatch.store.base import (
    LAYERS,
    PROVENANCE_COLUMNS,
    LayerSpec,
    PutResult,
    decode_records,
    moves_revision,
)
from basewatch.store.gpkg_binary import (
    _SRS_ID,
    _envelope,
    _wkb_offset,
    decode_gpkg_geometry,
    encode_gpkg_geometry,
)
from basewatch.store.gpkg_binary import (
    from_wkb as _from_wkb,
)
from basewatch.store.gpkg_put import BATCH, Put
from basewatch.store.shared_geometry import areas_view, companions, orphans_sql

__all__ = ["GeoPackageStore", "decode_gpkg_geometry", "encode_gpkg_geometry"]

_APPLICATION_ID = 0x47504B47  # "GPKG"
_USER_VERSION = 10400  # GeoPackage 1.4
_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
#: 2: layers with ``shared_geometry`` (control) keep each distinct geometry once
#: (``store/gpkg_shared.py``); a file of version 1 is converted when opened.
SCHEMA_VERSION = 2
#: SQLite page cache of a connection, KiB.
_CACHE_KIB = 64 * 1024

_CORE_DDL = """
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
  m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE basewatch_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


#: Run just before a commit that changed records (same statement on PostgreSQL, see postgis.py).
_BUMP_REVISION = ("INSERT INTO basewatch_meta (key, value) VALUES ('revision', '1') "
                  "ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(basewatch_meta.value AS "
                  "INTEGER) + 1 AS TEXT)")


def _st(i: int) -> Any:
    def f(blob: bytes | None) -> float | None:
        env = _envelope(blob)
        return None if env is None else env[i]

    return f


def _is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    return 1 if blob[3] & 0x10 else 0


class GeoPackageStore:
    """A :class:`~basewatch.store.base.Store` in one GeoPackage file."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise StoreError(f"{self.path}: no workspace store here (run an import or "
                             "`basewatch demo` first)")
        try:
            self._con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from None
        self._con.execute("PRAGMA foreign_keys=ON")
        for i, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
            self._con.create_function(name, 1, _st(i), deterministic=True)
        self._con.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
        self._depth = 0
        self._wrote = False  # did the open transaction change a record? (bumps the revision)
        self._ready: set[str] = set()
        try:
            self._init_schema()
            # A large import writes hundreds of MB in one transaction: with SQLite's default 2 MB
            # page cache the index pages are evicted, written and read back again and again
            # (measured on a 300,000-post import: 306,000 page writes and 192,000 page reads;
            # with 64 MB, about one write per page and no reads). Memory is taken only as used.
            self._con.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
        except sqlite3.DatabaseError as exc:
            self._con.close()
            raise StoreError(f"{self.path}: not a basewatch GeoPackage ({exc})") from None

    # schema -------------------------------------------------------------------------------
    def _init_schema(self) -> None:
        app_id = self._con.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self._con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id not in (0, _APPLICATION_ID):
            raise StoreError(f"{self.path}: not a GeoPackage (application_id {app_id:#x})")
        if "gpkg_contents" not in tables:
            with self.transaction():
                self._create_core()
        self._ready = {r[0] for r in self._con.execute("SELECT table_name FROM gpkg_contents")}
        version = self._con.execute("SELECT value FROM basewatch_meta WHERE key='schema_version'")
        row = version.fetchone()
        if row is None or int(row[0]) > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema {row[0] if row else '?'} is newer than "
                             f"this basewatch ({SCHEMA_VERSION}); upgrade basewatch")
        if int(row[0]) < SCHEMA_VERSION:
            self._upgrade()

    def _upgrade(self) -> None:
        """Bring a file written by an earlier basewatch to this layout, in one transaction:
        it lands whole or the file stays as it was (and the error says so)."""
        from basewatch.store.gpkg_shared import migrate_layout, old_layout_layers

        try:
            with self.transaction():
                shared = [s for s in LAYERS.values() if s.shared_geometry and s.name in self._ready]
                for spec in old_layout_layers(self._con, shared):
                    migrate_layout(self, spec)
                    self._wrote = True  # the stored bytes changed: caches keyed on it go
                self._con.execute("UPDATE basewatch_meta SET value = ? WHERE key = "
                                  "'schema_version'", (str(SCHEMA_VERSION),))
        except StoreError as exc:
            raise StoreError(f"{self.path}: this store was written by an earlier basewatch and "
                             f"could not be converted to this one's layout ({exc}); nothing "
                             "was changed") from None
        self._ready = {r[0] for r in self._con.execute("SELECT table_name FROM gpkg_contents")}

    def _create_core(self) -> None:
        c = self._con
        c.execute(f"PRAGMA application_id={_APPLICATION_ID}")
        c.execute(f"PRAGMA user_version={_USER_VERSION}")
        # executescript() would COMMIT the open transaction: run statements one by one.
        for stmt in _CORE_DDL.split(";\n"):
            if stmt.strip():
                c.execute(stmt)
        c.executemany(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)",
            [("Undefined cartesian SRS", -1, "NONE", -1, "undefined", ""),
             ("Undefined geographic SRS", 0, "NONE", 0, "undefined", ""),
             ("WGS 84 geodetic", 4326, "EPSG", 4326, _WGS84_WKT, "longitude/latitude on WGS 84")])
        c.execute("INSERT INTO basewatch_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        c.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
                  "VALUES ('basewatch_meta', 'attributes', 'basewatch_meta', 'basewatch schema')")

    def _ensure_layer(self, spec: LayerSpec) -> None:
        if spec.name in self._ready:
            return
        with self.transaction():
            self._create_layer(spec)
        self._ready.add(spec.name)

    def _create_layer(self, spec: LayerSpec) -> None:
        c, t = self._con, spec.name
        cols = ["fid INTEGER PRIMARY KEY AUTOINCREMENT"]
        if spec.geometry_type and not spec.shared_geometry:
            cols.append(f"geom {spec.geometry_type}")
        cols += [f'"{name}" {sqltype}' for name, (sqltype, _) in spec.columns.items()]
        cols += [f'"{name}" {sqltype}' for name, (sqltype, _) in PROVENANCE_COLUMNS.items()
                 if name not in spec.columns]
        cols.append("record TEXT NOT NULL")
        if spec.shared_geometry:
            from basewatch.store.gpkg_shared import create_shared_layer

            create_shared_layer(self, spec, cols[1:])
            return
        c.execute(f'CREATE TABLE "{t}" ({", ".join(cols)})')
        key = ", ".join(f'"{k}"' for k in spec.key)
        c.execute(f'CREATE UNIQUE INDEX "{t}_key" ON "{t}" ({key})')
        for i, idx in enumerate(spec.indexes):
            c.execute(f'CREATE INDEX "{t}_idx{i}" ON "{t}" ({", ".join(idx)})')
        data_type = "features" if spec.geometry_type else "attributes"
        c.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
                  " VALUES (?,?,?,?,?)",
                  (t, data_type, t, spec.description, _SRS_ID if spec.geometry_type else None))
        if spec.geometry_type:
            c.execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
                      (t, "geom", spec.geometry_type, _SRS_ID))
            self._create_rtree(t)

    def _create_rtree(self, t: str) -> None:
        c, r = self._con, f"rtree_{t}_geom"
        c.execute("INSERT INTO gpkg_extensions VALUES (?,?,?,?,?)",
                  (t, "geom", "gpkg_rtree_index", "http://www.geopackage.org/spec/#extension_rtree",
                   "write-only"))
        c.execute(f'CREATE VIRTUAL TABLE "{r}" USING rtree(id, minx, maxx, miny, maxy)')
        bbox = "ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)"
        triggers = f"""
        CREATE TRIGGER "{r}_insert" AFTER INSERT ON "{t}"
          WHEN (NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
          BEGIN INSERT OR REPLACE INTO "{r}" VALUES (NEW.fid, {bbox}); END;
        CREATE TRIGGER "{r}_update" AFTER UPDATE OF geom ON "{t}"
          BEGIN DELETE FROM "{r}" WHERE id = OLD.fid;
          INSERT INTO "{r}" SELECT NEW.fid, {bbox} WHERE NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom);
          END;
        CREATE TRIGGER "{r}_delete" AFTER DELETE ON "{t}" WHEN OLD.geom NOT NULL
          BEGIN DELETE FROM "{r}" WHERE id = OLD.fid; END;
        """
        for stmt in triggers.split("END;"):
            if stmt.strip():
                c.execute(stmt + "END;")

    # transactions ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Nested calls join the outer transaction; the outermost commits or rolls back."""
        if self._depth == 0:
            try:
                self._con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{self.path}: cannot start a write ({exc})") from None
            self._wrote = False
        self._depth += 1
        try:
            yield
        except BaseException as exc:
            self._depth -= 1
            if self._depth == 0:
                if self._con.in_transaction:  # SQLite may have rolled back already (SQLITE_FULL)
                    self._con.execute("ROLLBACK")
                self._ready = {r[0] for r in self._con.execute("SELECT table_name FROM gpkg_contents")}
            if isinstance(exc, sqlite3.Error):
                # e.g. "database or disk is full": our error, after the rollback.
                raise StoreError(f"{self.path}: write failed, nothing was changed ({exc})") from None
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                try:
                    if self._wrote:
                        self._con.execute(_BUMP_REVISION)
                    self._con.execute("COMMIT")
                except sqlite3.Error as exc:
                    self._con.execute("ROLLBACK")
                    raise StoreError(f"{self.path}: commit failed ({exc})") from None

    # generic operations ----------------------------------------------------------------------
    def put(self, spec: LayerSpec, records: Iterable[Any]) -> PutResult:
        """Insert new records, update changed ones, count identical ones, in batches: the keys
        already stored are read in one query, geometries are encoded per batch and the new rows
        go in with ``executemany`` (the R-tree triggers still fire per row, so the index stays
        consistent). A key that is seen twice in one call, or whose value is not of its
        column's type, goes through the row-by-row path, so the counts are those of writing
        the records one after another."""
        self._ensure_layer(spec)
        w = Put(self._con, spec)
        with self.transaction():
            batch: list[Any] = []
            for rec in records:
                batch.append(rec)
                if len(batch) >= BATCH:
                    w.write(batch)
                    batch = []
            if batch:
                w.write(batch)
            if w.updated and spec.shared_geometry:
                self._con.execute(orphans_sql(spec))
            if w.inserted or w.updated:
                self._wrote = self._wrote or moves_revision(spec)
                self._con.execute(
                    "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                    "WHERE table_name = ?", (spec.name,))
        return PutResult(w.inserted, w.updated, w.unchanged)

    def select(self, spec: LayerSpec, where: dict[str, Any] | None = None, *,
               ranges: dict[str, tuple[Any, Any]] | None = None,
               order_by: Sequence[str] = ()) -> list[Any]:
        if spec.name not in self._ready:
            return []
        sql, params = self._where(spec, where, ranges)
        cols = "record" + (", geom" if spec.geometry_field else "")
        order = f" ORDER BY {', '.join(_col(spec, c) for c in order_by)}" if order_by else ""
        table = areas_view(spec) if spec.shared_geometry else spec.name
        rows = self._con.execute(f'SELECT {cols} FROM "{table}"{sql}{order}', params).fetchall()
        geoms = _from_wkb([r[1][_wkb_offset(r[1]):] for r in rows]) if spec.geometry_field and rows else []
        return decode_records(spec, [r[0] for r in rows], list(geoms) if spec.geometry_field else None)

    def select_columns(self, spec: LayerSpec, columns: Sequence[str],
                       where: dict[str, Any] | None = None, *,
                       ranges: dict[str, tuple[Any, Any]] | None = None) -> list[tuple[Any, ...]]:
        if spec.name not in self._ready:
            return []
        sql, params = self._where(spec, where, ranges)
        cols = ", ".join(_col(spec, c) for c in columns)
        return list(self._con.execute(f'SELECT {cols} FROM "{spec.name}"{sql}', params).fetchall())

    def delete(self, spec: LayerSpec, where: dict[str, Any]) -> int:
        if spec.name not in self._ready:
            return 0
        sql, params = self._where(spec, where, None)
        with self.transaction():
            cur = self._con.execute(f'DELETE FROM "{spec.name}"{sql}', params)
            self._wrote = self._wrote or (cur.rowcount > 0 and moves_revision(spec))
            if cur.rowcount > 0 and spec.shared_geometry:
                self._con.execute(orphans_sql(spec))
        return int(cur.rowcount)

    def distinct(self, spec: LayerSpec, column: str, *,
                 ranges: dict[str, tuple[Any, Any]] | None = None) -> list[Any]:
        if spec.name not in self._ready:
            return []
        sql, params = self._where(spec, None, ranges)
        c = _col(spec, column)
        rows = self._con.execute(f'SELECT DISTINCT {c} FROM "{spec.name}"{sql} ORDER BY {c}', params)
        return [r[0] for r in rows]

    def revision(self) -> int:
        """How many committed transactions have changed records: a cache key for readers."""
        row = self._con.execute("SELECT value FROM basewatch_meta WHERE key = 'revision'").fetchone()
        return int(row[0]) if row else 0

    def change_count(self, spec: LayerSpec) -> int | None:
        """How many rows of the layer any writer (basewatch, QGIS, plain SQL) has inserted,
        updated or deleted since its counting triggers were made (here, on first call; plain
        SQL, so every SQLite client runs them). A cache key that, unlike :meth:`revision`, also
        sees edits made outside basewatch. None if the layer is absent or the triggers cannot
        be made (a read-only file)."""
        if spec.name not in self._ready:
            return None
        t, key = spec.name, f"changes:{spec.name}"
        bump = (f"INSERT INTO basewatch_meta (key, value) VALUES ('{key}', '1') ON CONFLICT "
                "(key) DO UPDATE SET value = CAST(CAST(basewatch_meta.value AS INTEGER) + 1 AS "
                "TEXT);")
        have = {r[0] for r in self._con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", [t])}
        want = {f"basewatch_{t}_count_{op.lower()}": op for op in ("INSERT", "UPDATE", "DELETE")}
        if not set(want) <= have:
            try:
                with self.transaction():
                    for name, op in want.items():
                        self._con.execute(f'CREATE TRIGGER IF NOT EXISTS "{name}" AFTER {op} '
                                          f'ON "{t}" BEGIN {bump} END')
            except StoreError:
                return None
        row = self._con.execute("SELECT value FROM basewatch_meta WHERE key = ?", [key]).fetchone()
        return int(row[0]) if row else 0

    def count(self, spec: LayerSpec) -> int:
        if spec.name not in self._ready:
            return 0
        return int(self._con.execute(f'SELECT count(*) FROM "{spec.name}"').fetchone()[0])

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only SQL query (for aggregates that would be wasteful in Python)."""
        return list(self._con.execute(sql, params).fetchall())

    def layer_names(self) -> list[str]:
        """Every layer table in the file (including ones this basewatch does not know), without
        the geometry tables and views that come with a shared layer."""
        names = self._ready - {"basewatch_meta"}
        parts = {c for n in names if (s := LAYERS.get(n)) and s.shared_geometry
                 for c in companions(s)}
        return sorted(names - parts)

    def has_layer(self, spec: LayerSpec | str) -> bool:
        """Whether the layer (a spec or its name) exists in this store."""
        return (spec if isinstance(spec, str) else spec.name) in self._ready

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> GeoPackageStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _where(spec: LayerSpec, where: dict[str, Any] | None,
               ranges: dict[str, tuple[Any, Any]] | None) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for k, v in (where or {}).items():
            clauses.append(f"{_col(spec, k)} IS ?")
            params.append(v)
        for k, (lo, hi) in (ranges or {}).items():
            if lo is not None:
                clauses.append(f"{_col(spec, k)} >= ?")
                params.append(lo)
            if hi is not None:
                clauses.append(f"{_col(spec, k)} <= ?")
                params.append(hi)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _col(spec: LayerSpec, name: str) -> str:
    if name not in spec.columns and name not in PROVENANCE_COLUMNS and name != "fid":
        raise ValueError(f"layer {spec.name} has no column {name!r}")
    return f'"{name}"'
