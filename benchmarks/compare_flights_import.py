"""Check that two workspaces hold the same flight import results, row for row.

    python benchmarks/compare_flights_import.py WORKSPACE_A WORKSPACE_B

Used to show that a change to the import path leaves every stored result unchanged: import
the same file with the old and the new code into two fresh workspaces, then compare. The
``flight_events`` and ``flight_coverage`` tables of both GeoPackages are compared row for row
(every column, the stored JSON record and the row id included, in row-id order), and the
positions files (same names) column for column, values and types. Prints one line per
table and exits 1 at the first difference.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def _rows(ws: Path, table: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(f"file:{ws / 'basewatch.gpkg'}?mode=ro", uri=True)
    try:
        return con.execute(f'SELECT * FROM "{table}" ORDER BY fid').fetchall()
    finally:
        con.close()


def compare(a: Path, b: Path) -> list[str]:
    """The differences between two workspaces' flight results (empty: identical)."""
    import pyarrow.parquet as pq

    faults: list[str] = []
    for table in ("flight_events", "flight_coverage"):
        ra, rb = _rows(a, table), _rows(b, table)
        if ra != rb:
            first = next((i for i, (x, y) in enumerate(zip(ra, rb)) if x != y), min(len(ra),
                                                                                      len(rb)))
            faults.append(f"{table}: {len(ra)} vs {len(rb)} rows; first difference at row "
                          f"{first}: {ra[first] if first < len(ra) else None} vs "
                          f"{rb[first] if first < len(rb) else None}")
        else:
            print(f"{table}: {len(ra):,} rows identical")
    fa = sorted(p.name for p in (a / "flights").glob("*.parquet"))
    fb = sorted(p.name for p in (b / "flights").glob("*.parquet"))
    if fa != fb:
        faults.append(f"positions files: {fa} vs {fb}")
        return faults
    for name in fa:
        ta, tb = pq.read_table(a / "flights" / name), pq.read_table(b / "flights" / name)
        if not ta.equals(tb):
            faults.append(f"positions {name}: {ta.num_rows} vs {tb.num_rows} rows, schemas "
                          f"{'equal' if ta.schema.equals(tb.schema) else 'differ'}")
        else:
            print(f"positions {name}: {ta.num_rows:,} rows x {ta.num_columns} columns identical")
    return faults


def main() -> None:
    a, b = (Path(x) for x in sys.argv[1:3])
    faults = compare(a, b)
    for f in faults:
        print("DIFFERENT:", f)
    sys.exit(1 if faults else 0)


if __name__ == "__main__":
    main()
