"""The team store: the same layers in a PostgreSQL/PostGIS database, for several analysts at once.

Each layer is one table with the same columns as in the embedded GeoPackage: the queryable
columns, the provenance columns, the canonical JSON ``record`` and a PostGIS
``geometry(<type>, 4326)`` column with a GiST index. ``put`` is one ``INSERT ... ON CONFLICT DO
UPDATE ... WHERE record IS DISTINCT FROM excluded.record`` per chunk: the database itself decides
insert, update or no-op, so two analysts importing at once lose nothing (the row lock of the
conflicting key serialises them) and identical records are never rewritten.

Schema versions are a small ordered list of migrations recorded in ``basewatch_meta``
(``basewatch db init|upgrade``). Alembic's static revision scripts fit badly here: the layer
tables are created on demand from :class:`LayerSpec`s that capabilities register at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import shapely
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from basewatch.errors import StoreError
from basewatch.store.base import (
    CONTROL,
    PROVENANCE_COLUMNS,
    LayerSpec,
    PutResult,
    decode_records,
    dumps,
    moves_revision,
)
from basewatch.store.postgis_copy import put_copied
from basewatch.store.postgis_shared import create_ddl, geometry_rows_sql, migration_sql
from basewatch.store.shared_geometry import KEY_COLUMN, areas_view, geometry_key, orphans_sql

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "PostGISStore", "is_postgres_url", "redact"]

_SRID = 4326
_CHUNK = 500
_COPY_ROWS = 2_000  # from this many rows, a put without geometry goes through COPY
_DDL_LOCK = 0x62776174  # advisory lock id ("bwat"): one process creates tables at a time
_TYPES = {"TEXT": "text", "DATE": "date", "INTEGER": "bigint", "DATETIME": "text", "REAL": "double precision"}

#: Ordered schema migrations; entry i brings a database from version i to i + 1.
MIGRATIONS: list[list[str]] = [
    [
        "CREATE TABLE IF NOT EXISTS basewatch_meta (key text PRIMARY KEY, value text NOT NULL)",
        ("CREATE TABLE IF NOT EXISTS basewatch_layers (name text PRIMARY KEY, "
         "geometry_type text, description text NOT NULL DEFAULT '')"),
    ],
    # 2: each distinct control geometry stored once (store/postgis_shared.py)
    [migration_sql(CONTROL)],
]
SCHEMA_VERSION = len(MIGRATIONS)


def is_postgres_url(text_: str | None) -> bool:
    return bool(text_) and str(text_).split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<unparseable URL>"


def _engine(url: str) -> Engine:
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        raise StoreError(f"not a database URL: {redact(url)!s}; expected "
                         "postgresql://user:password@host:port/database") from None
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if not u.drivername.startswith("postgresql"):
        raise StoreError(f"{redact(url)}: only postgresql:// URLs are supported")
    try:
        return create_engine(u, pool_pre_ping=False, connect_args={"connect_timeout": 10})
    except (NoSuchModuleError, ArgumentError) as exc:
        raise StoreError(f"{redact(url)}: {exc}") from None

#: Run just before a commit that changed records: readers key their caches on it.
_BUMP_REVISION = ("INSERT INTO basewatch_meta (key, value) VALUES ('revision', '1') "
                  "ON CONFLICT (key) DO UPDATE SET value = (basewatch_meta.value::bigint + 1)::text")


class PostGISStore:
    """A :class:`~basewatch.store.base.Store` in a PostgreSQL database with PostGIS."""

    #: Distances to control ground can be computed in the database (store/postgis_spatial.py).
    spatial_sql = True

    def __init__(self, url: str, *, create: bool = False, upgrading: bool = False) -> None:
        self.url = url
        self.name = redact(url)
        self._engine = _engine(url)
        try:
            self._con: Connection = self._engine.connect()
        except DBAPIError as exc:
            self._engine.dispose()
            msg = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(f"cannot connect to {self.name}: {msg} (is the server running, "
                             "are host, port, user and database right?)") from None
        self._depth = 0
        self._wrote = False  # did the open transaction change a record? (bumps the revision)
        try:
            self._check(create, upgrading)
        except BaseException:
            self.close()
            raise
        self._ready = self._layers_present()

    # schema ---------------------------------------------------------------------------------
    def revision(self) -> int:
        """How many committed transactions have changed records: a cache key for readers."""
        v = self._scalar("SELECT value FROM basewatch_meta WHERE key = 'revision'")
        return int(v) if v is not None else 0

    def schema_version(self) -> int | None:
        """The database's schema version, or None if basewatch never initialised it."""
        if self._scalar("SELECT to_regclass('basewatch_meta')") is None:
            return None
        v = self._scalar("SELECT value FROM basewatch_meta WHERE key = 'schema_version'")
        return int(v) if v is not None else 0

    def _check(self, create: bool, upgrading: bool = False) -> None:
        if self._scalar("SELECT extversion FROM pg_extension WHERE extname = 'postgis'") is None:
            if not create:
                raise StoreError(f"{self.name}: PostGIS is not enabled in this database; run "
                                 "CREATE EXTENSION postgis; as its owner or a superuser "
                                 "(or basewatch db init)")
            self.init()
            return
        version = self.schema_version()
        if version is None:
            if not create:
                raise StoreError(f"{self.name}: not a basewatch database yet; run basewatch db init")
            self.init()
        elif version < SCHEMA_VERSION and not upgrading:
            raise StoreError(f"{self.name}: store schema {version} is older than this basewatch "
                             f"({SCHEMA_VERSION}); run basewatch db upgrade")
        elif version > SCHEMA_VERSION:
            raise StoreError(f"{self.name}: store schema {version} is newer than this basewatch "
                             f"({SCHEMA_VERSION}); upgrade basewatch")

    def init(self) -> int:
        """Enable PostGIS if needed and bring the schema to the current version."""
        with self.transaction():
            if self._scalar("SELECT extversion FROM pg_extension WHERE extname = 'postgis'") is None:
                try:
                    with self._con.begin_nested():
                        self._con.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
                except DBAPIError as exc:
                    raise StoreError(
                        f"{self.name}: cannot enable PostGIS ({_first_line(exc)}); ask the "
                        "database owner to run CREATE EXTENSION postgis;") from None
        return self.upgrade()

    def upgrade(self) -> int:
        """Run the migrations the database lacks; returns the new version."""
        with self.transaction():
            self._con.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _DDL_LOCK})
            version = self.schema_version() or 0
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.name}: store schema {version} is newer than this "
                                 f"basewatch ({SCHEMA_VERSION}); upgrade basewatch")
            for step in MIGRATIONS[version:]:
                for stmt in step:
                    self._con.exec_driver_sql(stmt)
            self._con.execute(text(
                "INSERT INTO basewatch_meta VALUES ('schema_version', :v) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"), {"v": str(SCHEMA_VERSION)})
        self._ready = self._layers_present()
        return SCHEMA_VERSION

    def _layers_present(self) -> set[str]:
        if self._scalar("SELECT to_regclass('basewatch_layers')") is None:
            return set()
        return {r[0] for r in self._rows("SELECT name FROM basewatch_layers", {})}

    def layer_names(self) -> list[str]:
        """Every layer table in the database (including ones this basewatch does not know)."""
        return sorted(self._layers_present())

    def _ensure_layer(self, spec: LayerSpec) -> None:
        if spec.name in self._ready:
            return
        with self.transaction():
            # Two importers may create the same layer at once: the lock makes the second wait
            # until the first commits, and IF NOT EXISTS then makes it a no-op.
            self._con.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _DDL_LOCK})
            self._create_layer(spec)
        self._ready.add(spec.name)

    def _create_layer(self, spec: LayerSpec) -> None:
        t = spec.name
        cols = ["fid bigserial PRIMARY KEY"]
        if spec.geometry_type and not spec.shared_geometry:
            cols.append(f"geom geometry({spec.geometry_type}, {_SRID})")
        cols += [f'"{n}" {_TYPES[ty]}' for n, (ty, _) in _all_columns(spec).items()]
        cols.append("record text NOT NULL")

        def indexes(t: str) -> list[str]:
            key = ", ".join(f'"{k}"' for k in spec.key)
            out = [f'CREATE UNIQUE INDEX IF NOT EXISTS "{t}_key" ON "{t}" ({key}) NULLS NOT DISTINCT']
            for i, idx in enumerate(spec.indexes):
                out.append(f'CREATE INDEX IF NOT EXISTS "{t}_idx{i}" ON "{t}" '
                           f'({", ".join(chr(34) + c + chr(34) for c in idx)})')
            return out

        if spec.shared_geometry:  # each distinct geometry once, and the view QGIS opens
            ddl = create_ddl(spec, cols[1:], indexes)
        else:
            ddl = [f'CREATE TABLE IF NOT EXISTS "{t}" ({", ".join(cols)})', *indexes(t)]
        if spec.geometry_type and not spec.shared_geometry:
            ddl.append(f'CREATE INDEX IF NOT EXISTS "{t}_geom" ON "{t}" USING gist (geom)')
        for stmt in ddl:
            self._con.exec_driver_sql(stmt)
        self._con.execute(text(
            "INSERT INTO basewatch_layers VALUES (:n, :g, :d) ON CONFLICT (name) DO NOTHING"),
            {"n": t, "g": spec.geometry_type, "d": spec.description})

    # transactions ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Nested calls join the outer transaction; the outermost commits or rolls back."""
        if self._depth == 0 and self._con.in_transaction():
            self._con.rollback()  # a read left an implicit transaction open
        if self._depth == 0:
            self._wrote = False
        self._depth += 1
        try:
            yield
        except BaseException as exc:
            self._depth -= 1
            if self._depth == 0:
                try:
                    self._con.rollback()
                    self._ready = self._layers_present()
                    self._con.rollback()
                except (SQLAlchemyError, StoreError):
                    # The connection is gone (server restarted, backend terminated): the
                    # server has aborted the transaction itself; nothing was written. Later
                    # calls on this store fail with StoreError; reopen it to go on.
                    pass
                if isinstance(exc, DBAPIError):
                    raise StoreError(f"{self.name}: write failed, nothing was changed "
                                     f"({_first_line(exc)})") from None
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                try:
                    if self._wrote:
                        self._con.execute(text(_BUMP_REVISION))
                    self._con.commit()
                except SQLAlchemyError as exc:
                    self._con.rollback()
                    raise StoreError(f"{self.name}: commit failed ({_first_line(exc)})") from None

    # generic operations ----------------------------------------------------------------------
    def put(self, spec: LayerSpec, records: Iterable[Any]) -> PutResult:
        self._ensure_layer(spec)
        extract = _all_columns(spec)
        names = list(extract)
        dates = {n for n, (ty, _) in extract.items() if ty == "DATE"}
        geo = bool(spec.geometry and spec.geometry_type)
        shared = geo and spec.shared_geometry
        gcol = KEY_COLUMN if shared else "geom"
        # Later records with the same key win, as with one put after another.
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        wkbs: dict[str, bytes] = {}  # a shared layer's geometries, by content key
        if spec.encode_rows is not None and not geo:
            # the layer encodes its records in bulk: the same values and text as the generic
            # path below (tested for the embedded store, which uses it as well)
            records = list(records)
            for values, record in spec.encode_rows(records):
                row = dict(zip(names, values))
                for n in dates:
                    row[n] = _date_param(row[n])
                row["record"] = record
                rows[tuple(row[k] for k in spec.key)] = row
            records = ()
        for rec in records:
            full = rec.to_dict()
            row = {n: _date_param(extract[n][1](full)) if n in dates else extract[n][1](full)
                   for n in names}
            if spec.geometry_field:
                full.pop(spec.geometry_field, None)
            row["record"] = dumps(full)
            if geo:
                assert spec.geometry is not None
                g = spec.geometry(rec)
                wkb = None if g is None else shapely.to_wkb(g, byte_order=1)
                if shared:
                    row[gcol] = None if wkb is None else geometry_key(wkb)
                    if wkb is not None:
                        wkbs[row[gcol]] = wkb
                else:
                    row["geom"] = wkb
            rows[tuple(row[k] for k in spec.key)] = row
        cols = ([gcol] if geo else []) + names + ["record"]
        quoted = ", ".join(f'"{c}"' for c in cols)
        key = ", ".join(f'"{k}"' for k in spec.key)
        sets = ", ".join(f'"{c}" = excluded."{c}"' for c in cols)
        total = len(rows)
        inserted = updated = 0
        items = list(rows.values())
        with self.transaction():
            if not geo and len(items) >= _COPY_ROWS:
                inserted, updated = put_copied(self._con, spec, cols, items,
                                               lambda c: _cast(extract, c))
                self._wrote = self._wrote or (bool(inserted or updated) and moves_revision(spec))
                return PutResult(inserted, updated, total - inserted - updated)
            for start in range(0, len(items), _CHUNK):
                chunk = items[start:start + _CHUNK]
                if shared:  # the chunk's geometries first: its rows point to them
                    mine = {r[gcol]: wkbs[r[gcol]] for r in chunk if r[gcol] is not None}
                    if mine:
                        gsql, gparams = geometry_rows_sql(spec, mine)
                        self._con.execute(text(gsql), gparams)
                params: dict[str, Any] = {}
                values = []
                for i, row in enumerate(chunk):
                    ph = []
                    for j, c in enumerate(cols):
                        params[f"p{i}_{j}"] = row[c]
                        ph.append(f"ST_GeomFromWKB(:p{i}_{j}, {_SRID})" if c == "geom"
                                  else f"CAST(:p{i}_{j} AS {_cast(extract, c)})")
                    values.append(f"({', '.join(ph)})")
                sql = (f'INSERT INTO "{spec.name}" AS t ({quoted}) VALUES {", ".join(values)} '
                       f"ON CONFLICT ({key}) DO UPDATE SET {sets} "
                       "WHERE t.record IS DISTINCT FROM excluded.record"
                       + (f' OR t."{gcol}" IS DISTINCT FROM excluded."{gcol}"' if shared else
                          " OR ST_AsBinary(t.geom) IS DISTINCT FROM ST_AsBinary(excluded.geom)"
                          if geo else "") + " RETURNING (xmax = 0)")
                for (was_insert,) in self._con.execute(text(sql), params):
                    if was_insert:
                        inserted += 1
                    else:
                        updated += 1
            if shared and updated:
                self._con.execute(text(orphans_sql(spec, skip_locked=True)))
            self._wrote = self._wrote or (bool(inserted or updated) and moves_revision(spec))
        return PutResult(inserted, updated, total - inserted - updated)

    def select(self, spec: LayerSpec, where: dict[str, Any] | None = None, *,
               ranges: dict[str, tuple[Any, Any]] | None = None,
               order_by: Sequence[str] = ()) -> list[Any]:
        if spec.name not in self._ready:
            return []
        sql, params = self._where(spec, where, ranges)
        cols = "record" + (", ST_AsBinary(geom)" if spec.geometry_field else "")
        order = f" ORDER BY {', '.join(_col(spec, c) for c in order_by)}" if order_by else ""
        table = areas_view(spec) if spec.shared_geometry else spec.name
        rows = self._rows(f'SELECT {cols} FROM "{table}"{sql}{order}', params)
        geoms = shapely.from_wkb([bytes(r[1]) for r in rows]) if spec.geometry_field and rows else []
        return decode_records(spec, [r[0] for r in rows], list(geoms) if spec.geometry_field else None)

    def select_columns(self, spec: LayerSpec, columns: Sequence[str],
                       where: dict[str, Any] | None = None, *,
                       ranges: dict[str, tuple[Any, Any]] | None = None) -> list[tuple[Any, ...]]:
        if spec.name not in self._ready:
            return []
        sql, params = self._where(spec, where, ranges)
        cols = ", ".join(_out(spec, c) for c in columns)
        return [tuple(r) for r in self._rows(f'SELECT {cols} FROM "{spec.name}"{sql}', params)]

    def delete(self, spec: LayerSpec, where: dict[str, Any]) -> int:
        if spec.name not in self._ready:
            return 0
        sql, params = self._where(spec, where, None)
        with self.transaction():
            cur = self._con.execute(text(f'DELETE FROM "{spec.name}"{sql}'), params)
            self._wrote = self._wrote or (cur.rowcount > 0 and moves_revision(spec))
            if cur.rowcount > 0 and spec.shared_geometry:
                self._con.execute(text(orphans_sql(spec, skip_locked=True)))
        return int(cur.rowcount)

    def distinct(self, spec: LayerSpec, column: str, *,
                 ranges: dict[str, tuple[Any, Any]] | None = None) -> list[Any]:
        if spec.name not in self._ready:
            return []
        sql, params = self._where(spec, None, ranges)
        c = _col(spec, column)
        out = "CAST(v AS text)" if _all_columns(spec).get(column, ("",))[0] == "DATE" else "v"
        rows = self._rows(f'SELECT {out} FROM (SELECT DISTINCT {c} AS v FROM "{spec.name}"{sql}) s '
                          "ORDER BY v", params)
        return [r[0] for r in rows]

    def count(self, spec: LayerSpec) -> int:
        if spec.name not in self._ready:
            return 0
        return int(self._scalar(f'SELECT count(*) FROM "{spec.name}"') or 0)

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a read-only SQL query with :name parameters (for spatial work in the database)."""
        return [tuple(r) for r in self._rows(sql, params or {})]

    def has_layer(self, spec: LayerSpec | str) -> bool:
        """Whether the layer (a spec or its name) exists in this store."""
        return (spec if isinstance(spec, str) else spec.name) in self._ready

    def close(self) -> None:
        try:
            self._con.close()
        except (AttributeError, SQLAlchemyError):
            pass
        self._engine.dispose()

    def __enter__(self) -> PostGISStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # helpers --------------------------------------------------------------------------------
    def _rows(self, sql: str, params: dict[str, Any]) -> list[Any]:
        try:
            rows = list(self._con.execute(text(sql), params).fetchall())
        except DBAPIError as exc:
            if self._depth == 0:
                self._con.rollback()
            raise StoreError(f"{self.name}: {_first_line(exc)}") from None
        if self._depth == 0:
            # Reads outside a transaction must not leave one open: it would hold locks.
            self._con.rollback()
        return rows

    def _scalar(self, sql: str) -> Any:
        rows = self._rows(sql, {})
        return rows[0][0] if rows else None

    @staticmethod
    def _where(spec: LayerSpec, where: dict[str, Any] | None,
               ranges: dict[str, tuple[Any, Any]] | None) -> tuple[str, dict[str, Any]]:
        clauses: list[str] = []
        params: dict[str, Any] = {}
        extract = _all_columns(spec)
        for i, (k, v) in enumerate((where or {}).items()):
            clauses.append(f"{_col(spec, k)} IS NOT DISTINCT FROM CAST(:w{i} AS {_cast(extract, k)})")
            params[f"w{i}"] = _date_param(v) if extract.get(k, ("",))[0] == "DATE" else v
        for i, (k, (lo, hi)) in enumerate((ranges or {}).items()):
            cast = _cast(extract, k)
            if lo is not None:
                clauses.append(f"{_col(spec, k)} >= CAST(:lo{i} AS {cast})")
                params[f"lo{i}"] = lo
            if hi is not None:
                clauses.append(f"{_col(spec, k)} <= CAST(:hi{i} AS {cast})")
                params[f"hi{i}"] = hi
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _all_columns(spec: LayerSpec) -> dict[str, tuple[str, Any]]:
    return {**spec.columns, **{n: c for n, c in PROVENANCE_COLUMNS.items() if n not in spec.columns}}


def _cast(extract: dict[str, tuple[str, Any]], name: str) -> str:
    if name == "fid":
        return "bigint"
    return _TYPES[extract[name][0]] if name in extract else "text"


def _date_param(v: Any) -> Any:
    # The embedded store keeps "" for an open start; a date column holds NULL instead.
    return None if v == "" else str(v) if v is not None else None


def _col(spec: LayerSpec, name: str) -> str:
    if name not in spec.columns and name not in PROVENANCE_COLUMNS and name != "fid":
        raise ValueError(f"layer {spec.name} has no column {name!r}")
    return f'"{name}"'


def _out(spec: LayerSpec, name: str) -> str:
    """A column as the embedded store returns it: dates as ISO text."""
    c = _col(spec, name)
    if _all_columns(spec).get(name, ("",))[0] == "DATE":
        return f"CAST({c} AS text)"
    return c


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return (str(orig or exc).strip().splitlines() or [""])[0]

