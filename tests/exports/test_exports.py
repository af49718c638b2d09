"""Exports read back with pyogrio (GPKG, KML), csv and json; synthetic marks in every format."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyogrio
import pytest
from defusedxml import ElementTree as DET
from shapely import wkt
from shapely.geometry import shape

from basewatch.exports import collect, export
from basewatch.exports.writers import KML_NS, kml_colour
from basewatch.store import Workspace

DAY = "2024-12-05"


@pytest.fixture(scope="module")
def ws(demo_ws: Path) -> Workspace:
    w = Workspace(demo_ws)
    yield w
    w.close()


def _day():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date.fromisoformat(DAY)


def test_kml_colour_is_aabbggrr() -> None:
    assert kml_colour("#c0392b") == "ff2b39c0"
    assert kml_colour("#112233", 0x66) == "66332211"


def test_gpkg_layers_read_back(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "x.gpkg"
    fac = collect(ws, "facilities", _day())
    ctl = collect(ws, "control", _day())
    export(fac, "gpkg", out)
    export(ctl, "gpkg", out)
    names = {row[0] for row in pyogrio.list_layers(out)}
    assert {"facilities", "control"} <= names
    df = pyogrio.read_dataframe(out, layer="facilities")
    assert sorted(df["id"]) == sorted(f.id for f in ws.facilities(on=_day()))
    k = df[df["id"] == "khmeimim"].iloc[0]
    assert k.geometry.x == pytest.approx(35.949, abs=0.01) and k["operator"] == "russia"
    c = pyogrio.read_dataframe(out, layer="control")
    assert c["synthetic"].all()  # the demo's control polygons come from a seeded generator
    assert set(c["generator"].dropna()) and c["seed"].notna().all()
    areas = {a.faction: a.geometry for a in ws.control_on(_day())}
    for _, row in c.iterrows():
        assert row.geometry.symmetric_difference(areas[row["faction"]]).area < 1e-9


def test_kml_is_kml22_with_styles_timespan_and_marks(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "control.kml"
    export(collect(ws, "control", _day()), "kml", out)
    root = DET.parse(out).getroot()
    assert root.tag == f"{{{KML_NS}}}kml"
    ns = {"k": KML_NS}
    colours = {f.id: f.color for f in ws.factions()}
    styles = {s.get("id"): s.find("k:PolyStyle/k:color", ns).text
              for s in root.iterfind(".//k:Style", ns)}
    pms = root.findall(".//k:Placemark", ns)
    assert len(pms) == len(ws.control_on(_day()))
    for pm in pms:
        faction = pm.find("k:ExtendedData/k:Data[@name='faction']/k:value", ns).text
        assert pm.find("k:styleUrl", ns).text == f"#s-{faction}"
        assert styles[f"s-{faction}"] == kml_colour(colours[faction], 0x66)
        assert pm.find("k:TimeSpan/k:begin", ns).text == DAY
        assert pm.find("k:TimeSpan/k:end", ns).text == "2024-12-06"
        assert "SYNTHETIC" in pm.find("k:description", ns).text
        assert pm.find("k:name", ns).text.startswith("[SYNTHETIC]")
    # GDAL's KML driver reads it back with the same number of features.
    df = pyogrio.read_dataframe(out)
    assert len(df) == len(pms)


def test_kml_escapes_text(ws: Workspace, tmp_path: Path) -> None:
    from shapely.geometry import Point

    from basewatch.exports.layers import ExportLayer, ExportRow

    layer = ExportLayer("facilities", None, [ExportRow(
        {"name": "A & B <\"x\">", "operator": "o&o", "synthetic": False}, Point(1, 2))],
        "operator", {"o&o": "#010203"})
    out = tmp_path / "e.kml"
    export(layer, "kml", out)
    root = DET.parse(out).getroot()
    assert root.find(f".//{{{KML_NS}}}Placemark/{{{KML_NS}}}name").text == "A & B <\"x\">"


def test_csv_has_wkt_lonlat_and_synthetic_column(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    export(collect(ws, "facilities", _day()), "csv", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    facs = {f.id: f for f in ws.facilities(on=_day())}
    assert {r["id"] for r in rows} == set(facs)
    for r in rows:
        f = facs[r["id"]]
        assert float(r["lon"]) == f.lon and float(r["lat"]) == f.lat
        assert wkt.loads(r["wkt"]).equals(shape({"type": "Point", "coordinates": [f.lon, f.lat]}))
        assert r["synthetic"] == ("true" if f.provenance.synthetic else "false")
    out2 = tmp_path / "c.csv"
    export(collect(ws, "control", _day()), "csv", out2)
    assert all(r["synthetic"] == "true" for r in csv.DictReader(out2.open(encoding="utf-8")))


def test_geojson_front_marked(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "front.geojson"
    export(collect(ws, "front", _day()), "geojson", out)
    fc = json.loads(out.read_text("utf-8"))
    assert fc["synthetic"] is True and fc["features"]
    assert all(f["properties"]["synthetic"] is True for f in fc["features"])


def test_bad_layer_and_date(ws: Workspace) -> None:
    from basewatch.errors import NotFoundError, ValidationError

    with pytest.raises(ValidationError, match="unknown layer"):
        collect(ws, "roads", _day())
    import datetime as dt

    with pytest.raises(NotFoundError, match="no control snapshot"):
        collect(ws, "control", dt.date(2000, 1, 1))


def test_cli_export(demo_ws: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from basewatch.cli.main import app

    out = tmp_path / "c.kml"
    r = CliRunner().invoke(app, ["export", "kml", "--layer", "control", "--date", DAY,
                                 "--out", str(out), "-w", str(demo_ws)])
    assert r.exit_code == 0, r.output
    assert "SYNTHETIC" in r.output and out.exists()
    r = CliRunner().invoke(app, ["export", "shp", "--layer", "control", "--date", DAY,
                                 "--out", str(out), "-w", str(demo_ws)])
    assert r.exit_code == 2
