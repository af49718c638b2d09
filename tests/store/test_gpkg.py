import datetime as dt
import sqlite3

import pyogrio
import pytest
from shapely.geometry import box

from basewatch.errors import StoreError
from basewatch.model import ControlArea, Facility, FacilityType
from basewatch.store import CONTROL, FACILITIES, GeoPackageStore, Workspace
from basewatch.store.gpkg import decode_gpkg_geometry, encode_gpkg_geometry


def facility(prov, i="khmeimim", **kw):
    return Facility(i, "Khmeimim Air Base", "russia", FacilityType.AIRBASE, 35.949, 35.401, prov,
                    aliases=("Hmeimim", "Humaymim"), **kw)


def test_records_round_trip_losslessly(tmp_path, prov):
    f = facility(prov, footprint=box(35.93, 35.38, 35.96, 35.42),
                 areas={"apron": box(35.94, 35.40, 35.945, 35.405)})
    with Workspace(tmp_path, create=True) as ws:
        ws.store.put(FACILITIES, [f])
    with Workspace(tmp_path) as ws:
        (back,) = ws.facilities()
    assert back == f
    assert back.areas["apron"].equals(f.areas["apron"])


def test_facility_found_by_any_alias(tmp_path, prov):
    with Workspace(tmp_path, create=True) as ws:
        ws.store.put(FACILITIES, [facility(prov)])
        for name in ("Hmeimim", "KHMEIMIM AIR BASE", "humaymim", "khmeimim"):
            assert ws.facility(name).id == "khmeimim"
        with pytest.raises(LookupError, match="did you mean Hmeimim"):
            ws.facility("Hmeimin")


def test_putting_the_same_record_twice_changes_nothing(tmp_path, prov):
    with Workspace(tmp_path, create=True) as ws:
        assert ws.store.put(FACILITIES, [facility(prov)]).inserted == 1
    before = (tmp_path / "basewatch.gpkg").read_bytes()
    with Workspace(tmp_path) as ws:
        r = ws.store.put(FACILITIES, [facility(prov)])
    assert (r.inserted, r.updated, r.unchanged) == (0, 0, 1)
    assert (tmp_path / "basewatch.gpkg").read_bytes() == before


def test_a_failed_transaction_leaves_the_file_byte_for_byte(tmp_path, prov):
    with Workspace(tmp_path, create=True) as ws:
        ws.store.put(FACILITIES, [facility(prov)])
    before = (tmp_path / "basewatch.gpkg").read_bytes()
    with Workspace(tmp_path) as ws:
        with pytest.raises(RuntimeError), ws.store.transaction():
            ws.store.put(FACILITIES, [facility(prov, i="other")])
            ws.store.put(CONTROL, [ControlArea("opposition", dt.date(2024, 12, 1),
                                               box(36, 35, 37, 36), prov)])
            raise RuntimeError("crash halfway")
        assert [f.id for f in ws.facilities()] == ["khmeimim"]
        assert ws.control_dates() == []
    assert (tmp_path / "basewatch.gpkg").read_bytes() == before


def test_control_on_a_date_between_snapshots_is_the_latest_before_it(tmp_path, prov):
    d1, d3 = dt.date(2024, 12, 1), dt.date(2024, 12, 3)
    with Workspace(tmp_path, create=True) as ws:
        ws.store.put(CONTROL, [ControlArea("a", d1, box(0, 0, 1, 1), prov),
                               ControlArea("b", d1, box(1, 0, 2, 1), prov),
                               ControlArea("a", d3, box(0, 0, 1.5, 1), prov)])
        assert ws.control_on(dt.date(2024, 11, 30)) == []
        assert {a.faction for a in ws.control_on(d1)} == {"a", "b"}
        assert {(a.faction, a.date) for a in ws.control_on(dt.date(2024, 12, 2))} == {("a", d1), ("b", d1)}
        assert [(a.faction, a.date) for a in ws.control_on(dt.date(2025, 1, 1))] == [("a", d3)]


def test_qgis_and_gdal_read_the_store_as_a_geopackage(tmp_path, prov):
    with Workspace(tmp_path, create=True) as ws:
        ws.store.put(FACILITIES, [facility(prov)])
        ws.store.put(CONTROL, [ControlArea("a", dt.date(2024, 12, 1), box(36, 35, 37, 36), prov)])
    path = tmp_path / "basewatch.gpkg"
    layers = dict(pyogrio.list_layers(path))
    assert layers["facilities"] == "Point" and layers["control_areas"] == "MultiPolygon"
    # the snapshot rows are attributes; their geometries are stored once apart
    assert layers["control"] is None and layers["control_geometries"] == "MultiPolygon"
    df = pyogrio.read_dataframe(path, layer="facilities")
    assert df.loc[0, "name"] == "Khmeimim Air Base" and df.loc[0, "source"] == "test fixture"
    assert df.geometry[0].x == pytest.approx(35.949)
    assert pyogrio.read_info(path, layer="control_areas")["crs"] == "EPSG:4326"
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    # The R-tree is kept by its triggers.
    assert con.execute("SELECT minx, maxx, miny, maxy FROM rtree_control_geometries_geom").fetchall() == [
        (36.0, 37.0, 35.0, 36.0)]


def test_gpkg_geometry_encoding_round_trips():
    g = box(1, 2, 3, 4)
    blob = encode_gpkg_geometry(g)
    assert blob[:2] == b"GP" and decode_gpkg_geometry(blob).equals(g)


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    bad = tmp_path / "basewatch.gpkg"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a basewatch GeoPackage"):
        GeoPackageStore(bad)


def test_a_missing_workspace_says_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="basewatch demo"):
        Workspace(tmp_path / "nowhere")


def test_a_store_from_a_newer_basewatch_is_refused(tmp_path, prov):
    with Workspace(tmp_path, create=True):
        pass
    con = sqlite3.connect(tmp_path / "basewatch.gpkg")
    con.execute("UPDATE basewatch_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer than this basewatch"):
        Workspace(tmp_path)
