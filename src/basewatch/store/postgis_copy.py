"""PostGIS: many rows of a layer without geometry in one COPY stream (flight events, say).

COPY sends the rows as text into a temporary table, then one ``INSERT ... SELECT ... ON
CONFLICT`` applies them as the chunked path of ``PostGISStore.put`` does: the same casts, the
same rule for updates (only a changed record counts), rows in the records' order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text

from basewatch.store.base import LayerSpec


def put_copied(con: Connection, spec: LayerSpec, cols: list[str], items: list[dict[str, Any]],
               cast: Callable[[str], str]) -> tuple[int, int]:
    """Put ``items`` (rows of ``cols`` as the chunked path binds them; ``cast`` gives each
    column's SQL type) in one stream instead of thousands of bound parameters;
    (inserted, updated)."""
    tmp = f"_bw_put_{spec.name}"
    typed = ", ".join(f'"{c}" text' for c in cols)
    con.execute(text(f'CREATE TEMP TABLE IF NOT EXISTS "{tmp}" (_n bigint, {typed}) '
                     "ON COMMIT DELETE ROWS"))
    con.execute(text(f'TRUNCATE "{tmp}"'))
    quoted = ", ".join(f'"{c}"' for c in cols)
    cur = con.connection.driver_connection.cursor()
    with cur.copy(f'COPY "{tmp}" (_n, {quoted}) FROM STDIN') as copy:
        for n, row in enumerate(items):
            copy.write_row([n, *(copy_text(row[c]) for c in cols)])
    key = ", ".join(f'"{k}"' for k in spec.key)
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in cols)
    casts = ", ".join(f'CAST("{c}" AS {cast(c) if c != "record" else "text"})' for c in cols)
    sql = (f'INSERT INTO "{spec.name}" AS t ({quoted}) SELECT {casts} FROM "{tmp}" '
           f"ORDER BY _n ON CONFLICT ({key}) DO UPDATE SET {sets} "
           "WHERE t.record IS DISTINCT FROM excluded.record RETURNING (xmax = 0)")
    inserted = updated = 0
    for (was_insert,) in con.execute(text(sql)):
        if was_insert:
            inserted += 1
        else:
            updated += 1
    return inserted, updated


def copy_text(v: Any) -> Any:
    """A parameter as COPY text, as the chunked path binds it before its CAST: None stays
    NULL, booleans as integers would bind (none of the layers' columns holds one)."""
    if v is None or isinstance(v, str):
        return v
    return str(int(v)) if isinstance(v, bool) else str(v)
