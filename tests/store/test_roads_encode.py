"""Roads encode their rows in bulk (``LayerSpec.encode_rows``, store/roads.py): the same
column values and stored JSON as the generic path (each road's ``to_dict`` without its geometry
through the layer's extractors, then the canonical ``dumps``), and the same stored table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

from shapely.geometry import LineString

from basewatch.model import Provenance, Source
from basewatch.model.roads import RoadSegment
from basewatch.store.base import PROVENANCE_COLUMNS, dumps
from basewatch.store.gpkg import GeoPackageStore
from basewatch.store.roads import ROADS

_ODD = ['', 'Rue "du" Lac\\', 'Ünterführung\n\t', '東名高速', '\u2028\x00', 'a\ud800'[0]]
_PROVS = [Provenance(Source("OpenStreetMap contributors", "x.osm.pbf", "https://x.invalid/c")),
          Provenance(Source("b\"ench"), synthetic=True, generator="g", seed=3,
                     source_date=dt.date(2024, 1, 2), notes="ß"),
          Provenance(Source("with extra"), extra={"k": [1, 2.5, None]})]


def _roads() -> list[RoadSegment]:
    out = []
    for i, s in enumerate(_ODD):
        for j, prov in enumerate(_PROVS):
            for oneway in (-1, 0, 1):
                out.append(RoadSegment(f"osm-way-{i}-{j}{oneway}{s}",
                                       LineString([(i, j), (i + 1, j + oneway + 2)]), prov, s,
                                       s[::-1], s + "x", oneway, s, s))
    # not what the fast path expects: a bool oneway, a field that is not text
    out.append(dataclasses.replace(out[0], id="bool-oneway", oneway=True))
    out.append(dataclasses.replace(out[1], id="int-ref", ref=7))  # type: ignore[arg-type]
    return out


def test_bulk_rows_equal_the_generic_encoding() -> None:
    extract = [g for _, g in ROADS.columns.values()] + [
        g for n, (_, g) in PROVENANCE_COLUMNS.items() if n not in ROADS.columns]
    roads = _roads()
    assert ROADS.encode_rows is not None
    got = ROADS.encode_rows(roads)
    assert len(got) == len(roads)
    for (values, text), r in zip(got, roads):
        d = r.to_dict()
        del d["geometry"]
        want = [g(d) for g in extract]
        assert text == dumps(d)
        assert values == want and [type(x) for x in values] == [type(x) for x in want]


def _table(path: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    rows = con.execute("SELECT * FROM roads ORDER BY fid").fetchall()
    con.close()
    return rows


def test_store_holds_the_same_rows_either_way(tmp_path: Path) -> None:
    base = _roads()  # copies under other ids: enough for the batched path (200+ records)
    roads = [dataclasses.replace(r, id=f"{r.id}-{k}") for k in range(5) for r in base]
    assert len(roads) > 200
    generic = dataclasses.replace(ROADS, encode_rows=None)
    results = []
    for name, spec in (("bulk", ROADS), ("generic", generic)):
        store = GeoPackageStore(tmp_path / f"{name}.gpkg", create=True)
        first = store.put(spec, roads)
        again = store.put(spec, roads[:100])  # unchanged rows are recognised
        results.append((first, again))
        store.close()
    assert results[0] == results[1]
    assert results[0][1].unchanged == 100
    assert _table(tmp_path / "bulk.gpkg") == _table(tmp_path / "generic.gpkg")
