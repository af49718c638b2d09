"""Control geometries stored once per distinct content, on both back ends: what is stored,
what is read back (the same bytes), the view QGIS opens, and the conversion of a workspace
written in the layout of before (one geometry per row)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pyogrio
import pytest
import shapely
from shapely.geometry import MultiPolygon, box

from basewatch.errors import StoreError
from basewatch.model import ControlArea, Faction
from basewatch.store import CONTROL, FACTIONS, Workspace
from basewatch.store.base import PROVENANCE_COLUMNS, dumps
from basewatch.store.gpkg_binary import encode_gpkg_geometry

D0 = dt.date(2024, 1, 1)
GROUNDS = [box(36, 35, 37, 36), box(36, 35, 37.2, 36.1), box(35.5, 34.9, 37.2, 36.1)]


def _series(prov, days: int = 12) -> list[ControlArea]:
    """A daily series holding one of three grounds for runs of days (and another faction's
    fixed ground), the way a daily archive repeats itself."""
    out = []
    for i in range(days):
        day = D0 + dt.timedelta(days=i)
        out.append(ControlArea("a", day, MultiPolygon([GROUNDS[min(i // 4, 2)]]), prov))
        out.append(ControlArea("b", day, MultiPolygon([box(38, 35, 39, 36)]), prov))
    return out


def _wkb(g) -> bytes:
    return bytes(shapely.to_wkb(g, byte_order=1))


def _stored_geometries(ws: Workspace) -> int:
    return ws.store.execute("SELECT count(*) FROM control_geometries")[0][0]  # type: ignore[attr-defined]


def _assert_reads(ws: Workspace, series: list[ControlArea]) -> None:
    want = {(a.faction, a.date): _wkb(a.geometry) for a in series}
    got = {(a.faction, a.date): _wkb(a.geometry) for a in ws.control_between(D0, D0 + dt.timedelta(days=99))}
    assert got == want  # the same bytes, so the same coordinates, rings and order
    for day in {a.date for a in series}:
        assert {a.faction: _wkb(a.geometry) for a in ws.control_on(day)} == \
            {a.faction: _wkb(a.geometry) for a in series if a.date == day}


def test_each_distinct_geometry_is_stored_once_and_read_back_exactly(backend, prov):
    series = _series(prov)
    with backend(create=True) as ws:
        r = ws.store.put(CONTROL, series)
        assert r.inserted == len(series) == 24
        assert _stored_geometries(ws) == 4  # 3 grounds of a, 1 of b
        _assert_reads(ws, series)
        # again: nothing changes
        assert ws.store.put(CONTROL, series).unchanged == 24
        # one day's ground replaced by another already stored, one by a new ground
        moved = [ControlArea("a", D0, MultiPolygon([GROUNDS[2]]), prov),
                 ControlArea("a", D0 + dt.timedelta(days=1), MultiPolygon([box(30, 30, 31, 31)]), prov)]
        assert ws.store.put(CONTROL, moved).updated == 2
        series = [m for m in series if (m.faction, m.date) not in {(x.faction, x.date) for x in moved}]
        series += moved
        assert _stored_geometries(ws) == 5
        _assert_reads(ws, series)
        # deleting every row of a ground drops the ground; the others stay
        ws.store.delete(CONTROL, {"date": (D0 + dt.timedelta(days=1)).isoformat(), "faction": "a"})
        series = [a for a in series if (a.faction, a.date) != ("a", D0 + dt.timedelta(days=1))]
        assert _stored_geometries(ws) == 4
        _assert_reads(ws, series)


def test_a_reimport_of_a_series_with_repeated_days_stores_each_ground_once(tmp_path, prov):
    from basewatch.sources.importing import import_file

    def write(name: str, series: list[ControlArea]) -> Path:
        feats = [{"type": "Feature", "geometry": shapely.geometry.mapping(a.geometry),
                  "properties": {"faction": a.faction, "date": a.date.isoformat(),
                                 "source": "test fixture"}}
                 for a in series]
        path = tmp_path / name
        path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
        return path

    series = _series(prov, 20)
    with Workspace(tmp_path / "ws", create=True) as ws:
        ws.store.put(FACTIONS, [Faction("a", "A", prov), Faction("b", "B", prov)])
        import_file(ws, "control", write("a.geojson", series), distances=False)
        assert ws.store.count(CONTROL) == 40 and _stored_geometries(ws) == 4
        # the series again, b's ground now moved on the last 5 days
        later = [ControlArea("b", a.date, MultiPolygon([box(38, 35, 39.5, 36)]), prov)
                 if a.faction == "b" and a.date >= D0 + dt.timedelta(days=15) else a for a in series]
        import_file(ws, "control", write("b.geojson", later), distances=False)
        assert ws.store.count(CONTROL) == 40 and _stored_geometries(ws) == 5
        stored = ws.control_between(D0, D0 + dt.timedelta(days=99))
        assert {(x.faction, x.date): _wkb(x.geometry) for x in stored} == \
            {(x.faction, x.date): _wkb(_multi(x.geometry)) for x in later}


def _multi(g):
    return g if isinstance(g, MultiPolygon) else MultiPolygon([g])


def test_qgis_opens_the_view_of_every_snapshot_with_its_geometry(tmp_path, prov):
    series = _series(prov)
    with Workspace(tmp_path, create=True) as ws:
        ws.store.put(CONTROL, series)
    path = tmp_path / "basewatch.gpkg"
    layers = dict(pyogrio.list_layers(path))
    assert layers["control_areas"] == "MultiPolygon"
    assert pyogrio.read_info(path, layer="control_areas")["crs"] == "EPSG:4326"
    df = pyogrio.read_dataframe(path, layer="control_areas")
    assert len(df) == len(series)
    got = {(f, str(d)[:10]): _wkb(g) for f, d, g in zip(df["faction"], df["date"], df.geometry)}
    assert got == {(a.faction, a.date.isoformat()): _wkb(a.geometry) for a in series}
    assert set(df["source"]) == {"test fixture"}


def test_the_postgis_view_shows_every_snapshot_with_its_geometry(pg_url, tmp_path, prov):
    series = _series(prov)
    with Workspace(tmp_path, create=True, store_url=pg_url) as ws:
        ws.store.put(CONTROL, series)
        rows = ws.store.execute(  # type: ignore[attr-defined]
            "SELECT faction, CAST(date AS text), ST_AsBinary(geom, 'NDR'), ST_SRID(geom) "
            "FROM control_areas")
    assert {(f, d): bytes(g) for f, d, g, _ in rows} == \
        {(a.faction, a.date.isoformat()): _wkb(a.geometry) for a in series}
    assert {s for *_, s in rows} == {4326}


# the layout of before ------------------------------------------------------------------------

def _old_values(area: ControlArea) -> tuple[list, str]:
    full = area.to_dict()
    full.pop("geometry")
    cols = {**CONTROL.columns, **{n: c for n, c in PROVENANCE_COLUMNS.items() if n not in CONTROL.columns}}
    return [get(full) for _, get in cols.values()], dumps(full)


def _write_old_gpkg(folder: Path, series: list[ControlArea]) -> Path:
    """A workspace as basewatch wrote it before: schema 1, the control table with a geometry
    column, its R-tree and triggers, one geometry per row."""
    Workspace(folder, create=True).close()  # the GeoPackage core tables
    path = folder / "basewatch.gpkg"
    con = sqlite3.connect(path)
    with con:
        cols = {**CONTROL.columns, **{n: c for n, c in PROVENANCE_COLUMNS.items() if n not in CONTROL.columns}}
        defs = ", ".join(f'"{n}" {t}' for n, (t, _) in cols.items())
        con.execute(f"CREATE TABLE control (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON, "
                    f"{defs}, record TEXT NOT NULL)")
        con.execute('CREATE UNIQUE INDEX control_key ON control ("faction", "date", "status")')
        con.execute('CREATE INDEX control_idx0 ON control (date)')
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                    "VALUES ('control', 'features', 'control', 'control', 4326)")
        con.execute("INSERT INTO gpkg_geometry_columns VALUES ('control', 'geom', 'MULTIPOLYGON', 4326, 0, 0)")
        con.execute("INSERT INTO gpkg_extensions VALUES ('control', 'geom', 'gpkg_rtree_index', "
                    "'http://www.geopackage.org/spec/#extension_rtree', 'write-only')")
        con.execute("CREATE VIRTUAL TABLE rtree_control_geom USING rtree(id, minx, maxx, miny, maxy)")
        con.execute('CREATE TRIGGER "rtree_control_geom_delete" AFTER DELETE ON "control" WHEN '
                    'OLD.geom NOT NULL BEGIN DELETE FROM "rtree_control_geom" WHERE id = OLD.fid; END')
        names = ", ".join(f'"{n}"' for n in cols)
        for i, a in enumerate(series, start=1):
            values, record = _old_values(a)
            con.execute(f"INSERT INTO control (fid, geom, {names}, record) VALUES "
                        f"(?, ?, {', '.join('?' * len(values))}, ?)",
                        [i, encode_gpkg_geometry(a.geometry), *values, record])
            x0, y0, x1, y1 = a.geometry.bounds
            con.execute("INSERT INTO rtree_control_geom VALUES (?,?,?,?,?)", (i, x0, x1, y0, y1))
        con.execute("UPDATE basewatch_meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    return path


def test_opening_a_workspace_of_the_old_layout_converts_it(tmp_path, prov):
    series = _series(prov)
    path = _write_old_gpkg(tmp_path, series)
    with Workspace(tmp_path) as ws:
        _assert_reads(ws, series)
        assert _stored_geometries(ws) == 4
        assert ws.store.execute("SELECT value FROM basewatch_meta WHERE key = 'schema_version'") == [("2",)]  # type: ignore[attr-defined]
        cols = {r[1] for r in ws.store.execute("PRAGMA table_info(control)")}  # type: ignore[attr-defined]
        assert "geom" not in cols and "geom_key" in cols
        assert ws.store.put(CONTROL, series).unchanged == len(series)  # same keys as a new write
        assert ws.store.layer_names() == ["control"]  # type: ignore[attr-defined]
    con = sqlite3.connect(path)
    left = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE name LIKE 'rtree_control_%'")]
    assert left and all(n.startswith("rtree_control_geometries_geom") for n in left)
    assert con.execute("SELECT count(*) FROM gpkg_geometry_columns WHERE table_name = 'control'").fetchone()[0] == 0
    con.close()
    df = pyogrio.read_dataframe(path, layer="control_areas")
    assert len(df) == len(series)


def test_a_conversion_that_fails_changes_nothing(tmp_path, prov, monkeypatch):
    series = _series(prov)
    path = _write_old_gpkg(tmp_path, series)
    before = path.read_bytes()
    import basewatch.store.gpkg_shared as shared

    def fail(con, spec, blobs):
        con.execute("INSERT INTO control_geometries (geom, key) VALUES (NULL, NULL)")  # NOT NULL

    monkeypatch.setattr(shared, "put_geometries", fail)
    with pytest.raises(StoreError, match="could not be converted.*nothing was changed"):
        Workspace(tmp_path)
    assert path.read_bytes() == before
    monkeypatch.undo()
    with Workspace(tmp_path) as ws:
        _assert_reads(ws, series)


def test_db_upgrade_converts_a_postgis_database_of_the_old_layout(pg_url, tmp_path, prov):
    from basewatch.store.postgis import PostGISStore

    series = _series(prov)
    Workspace(tmp_path, create=True, store_url=pg_url).close()
    s = PostGISStore(pg_url)
    with s.transaction():
        con = s._con
        con.exec_driver_sql(
            "CREATE TABLE control (fid bigserial PRIMARY KEY, geom geometry(MULTIPOLYGON, 4326), "
            "faction text, date date, status text, source text, source_date date, synthetic bigint, "
            "generator text, record text NOT NULL)")
        con.exec_driver_sql('CREATE UNIQUE INDEX control_key ON control (faction, date, status) NULLS NOT DISTINCT')
        con.exec_driver_sql("CREATE INDEX control_geom ON control USING gist (geom)")
        con.exec_driver_sql("INSERT INTO basewatch_layers VALUES ('control', 'MULTIPOLYGON', '')")
        from sqlalchemy import text

        for a in series:
            values, record = _old_values(a)
            con.execute(text("INSERT INTO control (geom, faction, date, status, source, source_date, "
                             "synthetic, generator, record) VALUES (ST_GeomFromWKB(:g, 4326), :f, "
                             "CAST(:d AS date), :s, :src, CAST(:sd AS date), :syn, :gen, :r)"),
                         {"g": _wkb(a.geometry), "f": values[0], "d": values[1], "s": values[2],
                          "src": values[3], "sd": values[4], "syn": values[5], "gen": values[6],
                          "r": record})
        con.exec_driver_sql("UPDATE basewatch_meta SET value = '1' WHERE key = 'schema_version'")
    s.close()
    with pytest.raises(StoreError, match="db upgrade"):
        Workspace(tmp_path, store_url=pg_url)
    s = PostGISStore(pg_url, upgrading=True)
    assert s.upgrade() == 2
    s.close()
    with Workspace(tmp_path, store_url=pg_url) as ws:
        _assert_reads(ws, series)
        assert _stored_geometries(ws) == 4
        # the database's key of each stored geometry is the one basewatch computes
        assert ws.store.put(CONTROL, series).unchanged == len(series)
        rows = ws.store.execute("SELECT count(*) FROM control_areas")  # type: ignore[attr-defined]
        assert rows == [(len(series),)]


def test_postgis_a_geometry_another_writer_just_pointed_to_is_not_dropped(pg_url, tmp_path, prov):
    """Writer A points a new snapshot to a stored geometry and has not committed yet; writer B
    deletes the only committed snapshot of that geometry. B must neither wait for A nor drop
    the geometry under A (A's row would then point to nothing)."""
    from basewatch.store.postgis import PostGISStore

    g = MultiPolygon([GROUNDS[0]])
    with Workspace(tmp_path, create=True, store_url=pg_url) as ws:
        ws.store.put(CONTROL, [ControlArea("a", D0, g, prov)])
    a, b = PostGISStore(pg_url), PostGISStore(pg_url)
    b._con.exec_driver_sql("SET lock_timeout = '5s'")  # a wait would fail, not hang
    b._con.commit()
    try:
        with a.transaction():
            a.put(CONTROL, [ControlArea("a", D0 + dt.timedelta(days=1), g, prov)])
            assert b.delete(CONTROL, {"date": D0.isoformat()}) == 1
        with Workspace(tmp_path, store_url=pg_url) as ws:
            (got,) = ws.control_on(D0 + dt.timedelta(days=1))
            assert _wkb(got.geometry) == _wkb(g)
            assert ws.control_on(D0) == []
            assert _stored_geometries(ws) == 1
            # once nobody points to it, the next write that orphans geometries drops it
            ws.store.delete(CONTROL, {"date": (D0 + dt.timedelta(days=1)).isoformat()})
            assert _stored_geometries(ws) == 0
    finally:
        a.close()
        b.close()
