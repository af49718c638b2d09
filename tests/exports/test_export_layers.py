"""Every analysis layer exports: range rings, reach areas, corridors, flight events, alerts,
read back with pyogrio from GeoJSON, KML and GeoPackage, with known answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyogrio
import pyproj
import pytest

from basewatch.exports import collect, export
from basewatch.store import Workspace
from basewatch.store.flights import AIRFIELDS
from tests.faces_workspace import demo_with_alerts

GEOD = pyproj.Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def ws(demo_ws: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    w = Workspace(demo_with_alerts(demo_ws, tmp_path_factory.mktemp("layers")))
    yield w
    w.close()


@pytest.mark.parametrize("fmt", ["geojson", "kml", "gpkg"])
def test_rings_read_back_as_geodesic_circles(ws: Workspace, tmp_path: Path, fmt: str) -> None:
    layer = collect(ws, "rings", dt.date(2024, 12, 4))
    out = tmp_path / f"rings.{fmt}"
    export(layer, fmt, out)
    df = pyogrio.read_dataframe(out)
    assert len(df) == len(layer.rows) > 0
    k = ws.facility("khmeimim")
    rings = [r for r in layer.rows if r.properties["site"] == "khmeimim"]
    assert {r.properties["radius_km"] for r in rings} == {70.0, 90.0}
    for r in rings:  # every vertex at the ring's radius from the site, on the ellipsoid
        x, y = np.asarray(r.geometry.exterior.coords).T
        _, _, d = GEOD.inv(np.full(x.size, k.lon), np.full(y.size, k.lat), x, y)
        assert np.allclose(d, r.properties["radius_km"] * 1000, atol=1.0)
        assert r.properties["synthetic"] is True  # from the synthetic control polygons


def test_reach_and_corridors_follow_the_date(ws: Workspace, tmp_path: Path) -> None:
    assert collect(ws, "reach", dt.date(2024, 12, 2)).rows == []  # no Smerch captured yet
    assert collect(ws, "reach", dt.date(2024, 12, 3)).rows
    open_ = collect(ws, "corridors", dt.date(2024, 12, 4))
    assert [r.properties["kind"] for r in open_.rows if r.properties["to"] == "Damascus"] \
        == ["route", "route"]
    cut = collect(ws, "corridors", dt.date(2024, 12, 8))
    kinds = [r.properties["kind"] for r in cut.rows]
    assert "break" in kinds and "route" not in kinds
    export(cut, "gpkg", tmp_path / "c.gpkg")
    back = pyogrio.read_dataframe(tmp_path / "c.gpkg", layer="corridors")
    assert set(back["kind"]) == set(kinds) and back["synthetic"].all()


def test_flight_events_and_alerts_are_points_where_they_happened(ws: Workspace,
                                                                  tmp_path: Path) -> None:
    ev = collect(ws, "flight_events", dt.date(2024, 12, 4))
    ra = [r for r in ev.rows if r.properties["registration"] == "RA-78847"]
    assert len(ra) == 1 and ra[0].properties["kind"] == "takeoff"
    assert ra[0].properties["destination"] == "Moscow area"
    oslk = next(a for a in ws.store.select(AIRFIELDS) if a.ident == "OSLK")
    assert (ra[0].geometry.x, ra[0].geometry.y) == (oslk.lon, oslk.lat)
    assert all(r.properties["time"].startswith("2024-12-04") for r in ev.rows)
    export(ev, "csv", tmp_path / "ev.csv")
    assert "RA-78847" in (tmp_path / "ev.csv").read_text()
    al = collect(ws, "alerts", dt.date(2024, 12, 8))
    assert sorted(r.properties["site"] for r in al.rows) == ["khmeimim", "tartus"]
    tartus = ws.facility("tartus")
    t = next(r for r in al.rows if r.properties["site"] == "tartus")
    assert (t.geometry.x, t.geometry.y) == (tartus.lon, tartus.lat)
    assert "corridor" in t.properties["message"]
    export(al, "kml", tmp_path / "al.kml")
    assert len(pyogrio.read_dataframe(tmp_path / "al.kml")) == 2
