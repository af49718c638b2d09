"""Writing records into a GeoPackage layer in batches (the embedded store's ``put``).

Stored rows are looked up by key in chunks through the key's unique index, inserts and updates go through ``executemany``, and a
bulk insert writes its R-tree rows from the envelopes in hand; small puts look rows up one by one.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from basewatch.errors import StoreError
from basewatch.store.base import PROVENANCE_COLUMNS, LayerSpec, dumps
from basewatch.store.gpkg_binary import _encode_many, _envelope
from basewatch.store.gpkg_shared import keys_of, put_geometries
from basewatch.store.shared_geometry import KEY_COLUMN

#: Records per batch of a put: large enough that a statement's overhead vanishes, small enough
#: that a batch's rows and encoded geometries stay a few MB.
BATCH = 4000
#: Batches of fewer records are looked up row by row.
_FEW = 200
#: From this many new rows of a spatial layer on, the R-tree is written after the rows.
_BULK_RTREE = 500
_PY_TYPES = {"TEXT": (str,), "INTEGER": (int,), "REAL": (float, int), "DATE": (str,),
             "DATETIME": (str,)}
#: Declared types with SQLite's NUMERIC affinity: text that reads as a number is stored as one.
_NUMERIC_AFFINITY = {"DATE", "DATETIME"}


_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _number_text(v: str) -> bool:
    """Whether SQLite would store this text as a number in a NUMERIC-affinity column (a
    decimal literal; ISO dates fail at their first hyphen)."""
    return _NUMBER.fullmatch(v) is not None


def _hashable(key: tuple[Any, ...]) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


class Put:
    """One ``put`` call on one layer: the SQL, the stored keys, the counts so far."""

    def __init__(self, con: sqlite3.Connection, spec: LayerSpec) -> None:
        self.con, self.spec, t = con, spec, spec.name
        self.names = list(spec.columns) + [n for n in PROVENANCE_COLUMNS if n not in spec.columns]
        self.extract = {**PROVENANCE_COLUMNS, **spec.columns}
        self.has_geom = bool(spec.geometry and spec.geometry_type)
        # a shared layer's row holds its geometry's content key; the geometry is stored apart,
        # once (store/gpkg_shared.py); comparing keys compares the geometries' bytes
        gcol = KEY_COLUMN if spec.shared_geometry else "geom"
        cols = ([gcol] if spec.geometry_type else []) + self.names + ["record"]
        quoted = ", ".join(f'"{n}"' for n in cols)
        self.ins = f'INSERT INTO "{t}" ({quoted}) VALUES ({", ".join("?" for _ in cols)})'
        self.upd = f'UPDATE "{t}" SET {", ".join(f"{chr(34)}{n}{chr(34)} = ?" for n in cols)} WHERE fid = ?'
        # The geometry is stored apart from the JSON copy: a record is unchanged only if both are.
        self.got = f'fid, record{", " + chr(34) + gcol + chr(34) if self.has_geom else ""}'
        self.sel = (f'SELECT {self.got} FROM "{t}" WHERE '
                    + " AND ".join(f'"{k}" IS ?' for k in spec.key))
        self.key_types = [_PY_TYPES.get(self.extract[k][0], ()) for k in spec.key]
        # ISO dates and times (DATE, DATETIME keys: flight events, coverage) read back as the
        # same text unless they look like numbers, which ISO text never does
        self.numeric_keys = [self.extract[k][0] in _NUMERIC_AFFINITY for k in spec.key]
        self.seen: set[tuple[Any, ...]] = set()  # keys written by this call
        # a layer empty when the call began holds only keys of this call, which ``seen``
        # sends row by row: batches need no lookup (a fresh import's events, coverage)
        self.was_empty = con.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0] == 1
        self.inserted = self.updated = self.unchanged = 0

    def _stored_rows(self, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
        """The stored rows (fid, record[, geom]) of these keys, looked up through the layer's
        unique key index in chunks: the cost follows the records put, not the rows stored, so
        a long series of puts into a growing layer stays linear."""
        k, t = self.spec.key, self.spec.name
        cols = ", ".join(f'"{c}"' for c in k)
        step = max(1, 900 // len(k))  # well under SQLite's limit of bound parameters
        out: dict[tuple[Any, ...], Any] = {}
        for i in range(0, len(keys), step):
            part = keys[i:i + step]
            if len(k) == 1:
                where = f'"{k[0]}" IN ({",".join("?" * len(part))})'
                params = [x[0] for x in part]
                sql = f'SELECT {cols}, {self.got} FROM "{t}" WHERE {where}'
            else:
                # the keys as a table driving the join: SQLite then searches the unique index
                # once per key; ``(a, b) IN (VALUES ...)`` scans the whole index instead (every
                # chunk, so a growing layer's puts turned quadratic: `batch distances`)
                one = "(" + ",".join("?" * len(k)) + ")"
                names = ", ".join(f"_k{j}" for j in range(len(k)))
                on = " AND ".join(f'"{t}"."{c}" IS _keys._k{j}' for j, c in enumerate(k))
                picked = ", ".join(f'"{t}"."{c}"' for c in k)
                sql = (f"WITH _keys({names}) AS (VALUES {','.join([one] * len(part))}) "
                       f'SELECT {picked}, {self.got} FROM _keys CROSS JOIN "{t}" ON {on}')
                params = [v for x in part for v in x]
            for r in self.con.execute(sql, params):
                out[tuple(r[:len(k)])] = r[len(k):]
        return out

    def _mappable(self, key: tuple[Any, ...]) -> bool:
        """Whether the key reads back from SQLite as the same Python values (a str in a TEXT
        column...), so that the stored-key map can answer for it."""
        for v, ts, num in zip(key, self.key_types, self.numeric_keys):
            if type(v) not in ts or (num and ":" not in v and _number_text(v)):
                return False
        return True

    def write(self, records: list[Any]) -> None:
        spec, extract = self.spec, self.extract
        # the layer's own columns, then the provenance ones (self.names is in that order)
        own_getters = [extract[n][1] for n in self.names if n in spec.columns]
        prov_getters = [extract[n][1] for n in self.names if n not in spec.columns]
        last: Any = None
        prov_values: list[Any] = []
        # key columns are among the values (spec columns or provenance ones): read them there
        key_at = [self.names.index(k) if k in self.names else -1 for k in spec.key]
        key_get = [extract[k][1] for k in spec.key]
        if spec.encode_rows is not None and -1 not in key_at:
            # the layer encodes its records in bulk (same values and text, tested)
            rows = [(tuple([values[i] for i in key_at]), values, text)
                    for values, text in spec.encode_rows(records)]
        else:
            rows = []
            for rec in records:
                full = rec.to_dict()
                if spec.geometry_field:
                    full.pop(spec.geometry_field, None)
                text = dumps(full)
                prov = full.get("provenance")
                if prov is not last or last is None:  # an import's records share one provenance:
                    last, prov_values = prov, [g(full) for g in prov_getters]  # its columns once
                values = [g(full) for g in own_getters] + prov_values
                key = tuple(values[i] if i >= 0 else g(full) for i, g in zip(key_at, key_get))
                rows.append((key, values, text))
        geoms = _encode_many([spec.geometry(r) if spec.geometry else None for r in records]) \
            if self.has_geom else [None] * len(records)
        if self.has_geom and spec.shared_geometry:
            keys = keys_of(geoms)
            put_geometries(self.con, spec, {k: b for k, b in zip(keys, geoms) if k and b})
            geoms = keys  # type: ignore[assignment]
        if len(records) < _FEW:  # a few records: looked up one by one, as always
            for (key, values, text), geom in zip(rows, geoms):
                self._one(key, values, text, geom)
                if _hashable(key):
                    self.seen.add(key)
            return
        pending: list[tuple[tuple[Any, ...], list[Any], str, bytes | None]] = []
        for (key, values, text), geom in zip(rows, geoms):
            try:
                again = key in self.seen
            except TypeError:  # an unhashable key value: row by row
                self._flush(pending)
                pending = []
                self._one(key, values, text, geom)
                continue
            if again or not self._mappable(key):
                self._flush(pending)  # a key seen twice: the earlier write must land first
                pending = []
                self._one(key, values, text, geom)
            else:
                pending.append((key, values, text, geom))
            self.seen.add(key)
        self._flush(pending)

    def _one(self, key: tuple[Any, ...], values: list[Any], text: str, geom: bytes | None) -> None:
        self.was_empty = False  # its key may equal a later one only in SQLite's eyes
        row = self.con.execute(self.sel, list(key)).fetchone()
        self._apply(row, values, text, geom, inserts=None, updates=None)

    def _apply(self, row: Any, values: list[Any], text: str, geom: bytes | None,
               inserts: list[list[Any]] | None, updates: list[list[Any]] | None) -> None:
        g = [geom] if self.has_geom else []
        if row is not None and row[1] == text and (not self.has_geom or row[2] == geom):
            self.unchanged += 1
        elif row is None:
            self.inserted += 1
            if inserts is None:
                self.con.execute(self.ins, [*g, *values, text])
            else:
                inserts.append([*g, *values, text])
        else:
            self.updated += 1
            if updates is None:
                self.con.execute(self.upd, [*g, *values, text, row[0]])
            else:
                updates.append([*g, *values, text, row[0]])

    def _flush(self, pending: list[tuple[tuple[Any, ...], list[Any], str, bytes | None]]) -> None:
        if not pending:
            return
        inserts: list[list[Any]] = []
        updates: list[list[Any]] = []
        if self.was_empty:  # nothing stored to compare with: all new
            inserts = [[geom, *values, text] if self.has_geom else [*values, text]
                       for _, values, text, geom in pending]
            self.inserted += len(inserts)
        else:
            old = self._stored_rows([k for k, *_ in pending])
            for key, values, text, geom in pending:
                self._apply(old.get(key), values, text, geom, inserts, updates)
        if updates:
            self.con.executemany(self.upd, updates)
        if self.has_geom and len(inserts) >= _BULK_RTREE:
            self._insert_indexing_after(inserts)
        elif inserts:
            self.con.executemany(self.ins, inserts)

    def _insert_indexing_after(self, inserts: list[list[Any]]) -> None:
        """Insert many rows with the R-tree insert trigger set aside and the index rows written
        from the envelopes at hand: the trigger's per-row callbacks cost more than the insert.
        Inside the put's transaction, so a failure rolls the trigger, rows and index back
        together; the trigger's own SQL is put back as it was."""
        t, r = self.spec.name, f"rtree_{self.spec.name}_geom"
        trig = self.con.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                (f"{r}_insert",)).fetchone()
        if trig is None:  # not a layer of ours (no trigger to set aside): the plain way
            self.con.executemany(self.ins, inserts)
            return
        last = self.con.execute(f'SELECT max(fid) FROM "{t}"').fetchone()[0] or 0
        self.con.execute(f'DROP TRIGGER "{r}_insert"')
        self.con.executemany(self.ins, inserts)
        # AUTOINCREMENT fids grow in insertion order: the new rows' fids, sorted, pair with them.
        fids = [x[0] for x in self.con.execute(f'SELECT fid FROM "{t}" WHERE fid > ? ORDER BY fid',
                                                (last,))]
        if len(fids) != len(inserts):
            raise StoreError(f"layer {t}: {len(fids)} rows after inserting {len(inserts)}")
        env = [(fid, *e) for fid, row in zip(fids, inserts)
               if row[0] is not None and not row[0][3] & 0x10 and (e := _envelope(row[0])) is not None]
        self.con.executemany(f'INSERT OR REPLACE INTO "{r}" VALUES (?,?,?,?,?)', env)
        self.con.execute(trig[0])

