"""The GeoPackage store's batched put (thousands of records per call, as a road import writes)
against the same records written one call per record (the row-by-row path with the R-tree
triggers): same counts, same rows, same R-tree; a failure half-way changes nothing."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import LineString

from basewatch.model import Provenance, Source
from basewatch.model.roads import RoadSegment
from basewatch.store.gpkg import GeoPackageStore
from basewatch.store.roads import ROADS

PROV = Provenance(Source("test"))


def _roads(n: int, seed: int = 0) -> list[RoadSegment]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        x, y = rng.uniform(20, 30), rng.uniform(40, 50)
        pts = [(x + k * rng.uniform(0.001, 0.01), y + rng.uniform(-0.01, 0.01)) for k in range(3)]
        out.append(RoadSegment(f"w{i}", LineString(pts), PROV, "primary", name=f"road {i}"))
    return out


def _table(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    con = sqlite3.connect(path)
    rows = con.execute("SELECT fid, id, geom, record FROM roads ORDER BY fid").fetchall()
    tree = con.execute("SELECT id, minx, maxx, miny, maxy FROM rtree_roads_geom ORDER BY id").fetchall()
    con.close()
    return rows, tree


def test_batched_put_writes_what_row_by_row_writes(tmp_path: Path) -> None:
    roads = _roads(5000)
    # A key twice in one call (changed the second time), and the same record twice.
    batch = [*roads[:3000], dataclasses.replace(roads[10], name="renamed"), roads[20], *roads[3000:]]
    bulk, single = GeoPackageStore(tmp_path / "bulk.gpkg"), GeoPackageStore(tmp_path / "one.gpkg")
    r = bulk.put(ROADS, batch)
    counts = [single.put(ROADS, [x]) for x in batch]
    assert (r.inserted, r.updated, r.unchanged) == (5000, 1, 1)
    assert (sum(c.inserted for c in counts), sum(c.updated for c in counts),
            sum(c.unchanged for c in counts)) == (5000, 1, 1)
    bulk.close()
    single.close()
    rows, tree = _table(tmp_path / "bulk.gpkg")
    assert (rows, tree) == _table(tmp_path / "one.gpkg")
    assert len(tree) == 5000
    # Each index row is the bounding box of its road.
    by_fid = {fid: ident for fid, ident, *_ in rows}
    want = {x.id: x.geometry.bounds for x in batch}
    for fid, x0, x1, y0, y1 in tree:
        b = want[by_fid[fid]]
        assert (x0, y0, x1, y1) == pytest.approx(b, abs=1e-5)  # R-tree stores float32 boxes


def test_batched_put_again_and_changed(tmp_path: Path) -> None:
    roads = _roads(3000)
    with GeoPackageStore(tmp_path / "s.gpkg") as s:
        s.put(ROADS, roads)
        assert s.put(ROADS, roads).unchanged == 3000
        moved = [dataclasses.replace(x, geometry=LineString([(0, 0), (1, 1)])) if i % 3 == 0 else x
                 for i, x in enumerate(roads)]
        r = s.put(ROADS, [*moved, RoadSegment(
            "new", LineString([(5, 5), (6, 6)]), PROV)])
        assert (r.inserted, r.updated, r.unchanged) == (1, 1000, 2000)
        # The update trigger moved the boxes of the changed roads.
        n = s.execute("SELECT count(*) FROM rtree_roads_geom WHERE maxx <= 1.0001")[0][0]
        assert n == 1000


def test_failure_half_way_changes_nothing(tmp_path: Path) -> None:
    def records() -> Iterator[RoadSegment]:
        yield from _roads(9000)
        raise RuntimeError("parser failed")

    with GeoPackageStore(tmp_path / "s.gpkg") as s:
        s.put(ROADS, _roads(2, seed=5))
        before = _table(tmp_path / "s.gpkg")
        with pytest.raises(RuntimeError):
            s.put(ROADS, records())
        assert _table(tmp_path / "s.gpkg") == before
        # The insert trigger is back: a later row-by-row insert is indexed.
        s.put(ROADS, [RoadSegment("later", LineString([(7, 7), (8, 8)]), PROV)])
        assert s.execute("SELECT count(*) FROM rtree_roads_geom")[0][0] == 3
        assert s.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                         "AND name = 'rtree_roads_geom_insert'")[0][0] == 1


def test_roads_read_back_as_written(tmp_path: Path) -> None:
    """The road layer stores ``properties()`` beside the geometry: reading gives the records
    back whole, every field (the ones a to_dict carries) included."""
    full = RoadSegment("x1", LineString([(1, 2), (3, 4.5)]), PROV, "motorway_link", ref="A 13",
                       name="Rheintal", oneway=-1, access="private", bridge="Rheinbrücke")
    assert full.properties() == {k: v for k, v in full.to_dict().items() if k != "geometry"}
    roads = [full, *_roads(1200)]
    with GeoPackageStore(tmp_path / "s.gpkg") as s:
        s.put(ROADS, roads)
        back = {r.id: r for r in s.select(ROADS)}
    assert [back[r.id].to_dict() for r in roads] == [r.to_dict() for r in roads]


def test_small_last_batch_sees_the_large_one(tmp_path: Path) -> None:
    """4,000 records then a short batch (looked up row by row) that repeats one of them."""
    roads = _roads(4100)
    batch = [*roads, dataclasses.replace(roads[5], name="again")]
    with GeoPackageStore(tmp_path / "s.gpkg") as s:
        r = s.put(ROADS, batch)
        assert (r.inserted, r.updated, r.unchanged) == (4100, 1, 0)
        assert s.execute("SELECT name FROM roads WHERE id = 'w5'") == [("again",)]
        assert s.execute("SELECT count(*) FROM rtree_roads_geom")[0][0] == 4100


def test_batched_put_of_date_keyed_records_writes_what_row_by_row_writes(tmp_path: Path) -> None:
    """Layers keyed by a date (flight coverage) or a time (flight events) go through the
    batched path too: same counts and rows as one call per record."""
    import datetime as dt

    from basewatch.model.flights import AirfieldCoverage
    from basewatch.store.flights import FLIGHT_COVERAGE
    from basewatch.store.gpkg_put import _number_text

    day0 = dt.date(2024, 10, 1)
    recs = [AirfieldCoverage(f"F{i % 7}", day0 + dt.timedelta(days=i // 7), i, PROV)
            for i in range(700)]  # 7 fields x 100 days
    again = [dataclasses.replace(c, positions=c.positions + 1) if i % 4 == 0 else c
             for i, c in enumerate(recs)] + [AirfieldCoverage("NEW", day0, 1, PROV)]
    bulk, single = GeoPackageStore(tmp_path / "bulk.gpkg"), GeoPackageStore(tmp_path / "one.gpkg")
    first = bulk.put(FLIGHT_COVERAGE, recs)
    second = bulk.put(FLIGHT_COVERAGE, again)
    for x in recs:
        single.put(FLIGHT_COVERAGE, [x])
    one = [single.put(FLIGHT_COVERAGE, [x]) for x in again]
    assert (first.inserted, first.updated, first.unchanged) == (700, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (1, 175, 525)
    assert (sum(c.inserted for c in one), sum(c.updated for c in one),
            sum(c.unchanged for c in one)) == (1, 175, 525)
    q = 'SELECT airfield, day, positions, record FROM flight_coverage ORDER BY airfield, day'
    assert bulk.execute(q) == single.execute(q)
    bulk.close()
    single.close()
    # ISO text never reads as a number in SQLite's NUMERIC affinity; plain numbers do
    assert not _number_text("2024-10-01") and not _number_text("2024-10-01T00:00:00+00:00")
    assert _number_text("2024") and _number_text(" 1.5e3 ")


def test_a_put_into_a_stored_layer_looks_its_keys_up(tmp_path: Path) -> None:
    """A put looks its own keys up through the key index (never every stored key): stored,
    changed, unchanged and new records, and a key twice in one call, are counted and written
    right."""
    roads = _roads(3000)
    with GeoPackageStore(tmp_path / "s.gpkg") as s:
        s.put(ROADS, roads[:2000])
        moved = [dataclasses.replace(x, name="renamed") if i % 4 == 0 else x
                 for i, x in enumerate(roads)]
        r = s.put(ROADS, [*moved[1000:], dataclasses.replace(roads[2500], name="twice")])
        # w2000-w2999 new, w1000-w1999 stored (a quarter renamed); w2500 again: updated
        assert (r.inserted, r.updated, r.unchanged) == (1000, 251, 750)
        names = dict(s.execute("SELECT id, json_extract(record, '$.name') FROM roads"))
    assert len(names) == 3000
    assert names["w4"] == "road 4" and names["w1000"] == "renamed" and names["w2500"] == "twice"


def test_a_put_with_a_composite_key_searches_the_key_index(tmp_path: Path) -> None:
    """A layer keyed by two columns (flight coverage: airfield and day) looks a put's keys up
    by searching its unique index once per key, never by scanning it (a scan per chunk made
    a series of puts into a growing layer quadratic: 10,000 facilities' distances). Checked
    on SQLite's own query plan of the statements the put runs, and on the counts."""
    import datetime as dt

    from basewatch.model.flights import AirfieldCoverage
    from basewatch.store.flights import FLIGHT_COVERAGE

    day0 = dt.date(2024, 10, 1)
    recs = [AirfieldCoverage(f"F{i % 9}", day0 + dt.timedelta(days=i // 9), i, PROV)
            for i in range(1800)]
    with GeoPackageStore(tmp_path / "s.gpkg") as s:
        s.put(FLIGHT_COVERAGE, recs[:900])
        seen: list[str] = []
        s._con.set_trace_callback(seen.append)
        r = s.put(FLIGHT_COVERAGE, recs[450:])
        s._con.set_trace_callback(None)
        assert (r.inserted, r.updated, r.unchanged) == (900, 0, 450)
        lookups = [q for q in seen if q.startswith("WITH _keys")]
        assert lookups
        plan = s._con.execute("EXPLAIN QUERY PLAN " + lookups[0]).fetchall()
    steps = [row[-1] for row in plan]
    assert any(x.startswith("SEARCH flight_coverage USING") for x in steps), steps
    assert not any(x.startswith("SCAN flight_coverage") for x in steps), steps
