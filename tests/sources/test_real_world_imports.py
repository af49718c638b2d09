"""Files as analysts have them (QGIS, Google Earth, spreadsheets, archives) import as they are."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from pyproj import Geod, Transformer
from shapely.geometry import Point, Polygon, mapping

from basewatch.errors import ImportFormatError
from basewatch.sources.importing import import_file, import_files
from basewatch.sources.mapping import FieldMapping

SQUARE = [(36.2, 35.6), (36.9, 35.6), (36.9, 36.3), (36.2, 36.3), (36.2, 35.6)]
GEOD = Geod(ellps="WGS84")
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True)


def store_bytes(ws) -> bytes:
    return (ws.folder / "basewatch.gpkg").read_bytes()


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return p


def utm_square() -> Polygon:
    return Polygon([TO_UTM.transform(x, y) for x, y in SQUARE])


# --- GIS layers written by pyogrio / fiona in a projected CRS ------------------------------

@pytest.mark.parametrize("driver,name", [("ESRI Shapefile", "c.shp"), ("GPKG", "c.gpkg"),
                                         ("FlatGeobuf", "c.fgb")])
def test_a_utm_layer_written_by_pyogrio_is_reprojected_and_the_summary_says_so(
        ws, tmp_path, driver, name):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"faction": ["opposition"], "date": ["2024-12-01"], "source": ["QGIS"]},
                           geometry=[utm_square()], crs="EPSG:32637")
    gdf.to_file(tmp_path / name, driver=driver, engine="pyogrio")
    report = import_file(ws, "control", tmp_path / name)
    assert report.result.inserted == 1
    assert any("reprojected from EPSG:32637" in n for n in report.notes)
    (area,) = ws.control_on(__import__("datetime").date(2024, 12, 1))
    # Each corner comes back within a metre of where it was drawn (pyproj.Geod, independently).
    poly = area.geometry.geoms[0] if hasattr(area.geometry, "geoms") else area.geometry
    assert len(poly.exterior.coords) == len(SQUARE)
    got = list(poly.exterior.coords)
    for x, y in SQUARE[:4]:  # shapefiles may turn the ring round: match corners by nearest
        assert min(GEOD.inv(x, y, x2, y2)[2] for x2, y2 in got) < 1.0


def test_a_zipped_shapefile_written_by_fiona_imports_as_facilities(ws, tmp_path):
    import fiona

    schema = {"geometry": "Point", "properties": {"NAME": "str", "OPERATOR": "str"}}
    with fiona.open(tmp_path / "sites.shp", "w", driver="ESRI Shapefile", crs="EPSG:32637",
                    schema=schema) as dst:
        for name, lon, lat in (("Khmeimim", 35.949, 35.401), ("Tartus", 35.870, 34.905)):
            dst.write({"geometry": mapping(Point(TO_UTM.transform(lon, lat))),
                       "properties": {"NAME": name, "OPERATOR": "russia"}})
    z = tmp_path / "sites.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in tmp_path.glob("sites.*"):
            if f.suffix != ".zip":
                zf.write(f, f.name)
    report = import_file(ws, "facilities", z, FieldMapping({"type": "base", "source": "QGIS"}))
    assert report.result.inserted == 2
    k = ws.facility("khmeimim")
    assert GEOD.inv(k.lon, k.lat, 35.949, 35.401)[2] < 1.0


def test_a_shapefile_without_prj_in_metres_is_refused_naming_the_feature(ws, tmp_path):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"faction": ["opposition"], "date": ["2024-12-01"], "source": ["Q"]},
                           geometry=[utm_square()], crs="EPSG:32637")
    gdf.to_file(tmp_path / "noprj.shp")
    (tmp_path / "noprj.prj").unlink()
    before = store_bytes(ws)
    with pytest.raises(ImportFormatError, match=r"noprj.shp feature 0: coordinates outside "
                                                r"lon/lat range"):
        import_file(ws, "control", tmp_path / "noprj.shp")
    assert store_bytes(ws) == before


# --- KML / KMZ -------------------------------------------------------------------------------

GOOGLE_EARTH_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
  <name>Russian bases.kml</name>
  <Style id="s_ylw-pushpin"><IconStyle><scale>1.1</scale></IconStyle></Style>
  <Folder>
    <name>Bases</name>
    <Placemark>
      <name>Khmeimim Air Base</name>
      <LookAt><longitude>35.94</longitude><latitude>35.40</latitude><range>5000</range></LookAt>
      <styleUrl>#s_ylw-pushpin</styleUrl>
      <Point><gx:drawOrder>1</gx:drawOrder><coordinates>35.949,35.401,0</coordinates></Point>
    </Placemark>
    <Placemark>
      <name>Tartus naval facility</name>
      <Polygon><tessellate>1</tessellate><outerBoundaryIs><LinearRing><coordinates>
        35.86,34.90,0 35.88,34.90,0 35.88,34.91,0 35.86,34.91,0 35.86,34.90,0
      </coordinates></LinearRing></outerBoundaryIs></Polygon>
    </Placemark>
  </Folder>
</Document>
</kml>
"""


def test_a_kml_saved_by_google_earth_imports_with_fields_set_on_the_command(ws, tmp_path):
    p = write(tmp_path, "Russian bases.kml", GOOGLE_EARTH_KML)
    m = FieldMapping({"operator": "russia", "type": "base", "source": "Google Earth analyst"})
    report = import_file(ws, "facilities", p, m)
    assert report.result.inserted == 2
    assert ws.facility("khmeimim-air-base").lon == pytest.approx(35.949)
    t = ws.facility("tartus-naval-facility")
    assert t.footprint is not None and t.footprint.contains(Point(t.lon, t.lat))


def test_a_kmz_imports_like_its_kml(ws, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", GOOGLE_EARTH_KML)
    (tmp_path / "bases.kmz").write_bytes(buf.getvalue())
    m = FieldMapping({"operator": "russia", "type": "base", "source": "GE"})
    assert import_file(ws, "facilities", tmp_path / "bases.kmz", m).result.inserted == 2


def test_a_truncated_kmz_is_refused_and_nothing_is_stored(ws, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", GOOGLE_EARTH_KML * 20)
    (tmp_path / "cut.kmz").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    before = store_bytes(ws)
    with pytest.raises(ImportFormatError, match=r"^cut.kmz: not a readable KMZ") as e:
        import_file(ws, "facilities", tmp_path / "cut.kmz")
    assert "\n" not in str(e.value)
    assert store_bytes(ws) == before


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&lol3;</name>
<Point><coordinates>36,35</coordinates></Point></Placemark></kml>
"""


def test_a_billion_laughs_kml_is_refused_without_expanding(ws, tmp_path):
    before = store_bytes(ws)
    with pytest.raises(ImportFormatError, match=r"^lol.kml: refused unsafe XML"):
        import_file(ws, "places", write(tmp_path, "lol.kml", BILLION_LAUGHS))
    assert store_bytes(ws) == before


def test_basewatch_own_kml_export_imports_back_as_control(ws, tmp_path):
    import datetime as dt

    from basewatch.exports.layers import collect
    from basewatch.exports.writers import write_kml

    src = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"faction": "opposition", "date": "2024-12-01",
                                           "source": "Example analyst"},
         "geometry": mapping(Polygon(SQUARE))}]}
    import_file(ws, "control", write(tmp_path, "c.geojson", json.dumps(src)))
    write_kml(collect(ws, "control", dt.date(2024, 12, 1)), tmp_path / "control.kml")
    report = import_file(ws, "control", tmp_path / "control.kml")
    # The same area, source and date: nothing changes.
    assert report.parsed == 1 and report.result.changed == 0


# --- spreadsheets and delimited text ----------------------------------------------------------

def test_an_xlsx_written_by_openpyxl_with_lat_lng_headers(ws, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["Name", "lat", "lng", "Operator", "Type", "Source"])
    sh.append(["Khmeimim", 35.401, 35.949, "Russia", "airbase", "Wikipedia"])
    wb.save(tmp_path / "sites.xlsx")
    assert import_file(ws, "facilities", tmp_path / "sites.xlsx").result.inserted == 1
    k = ws.facility("khmeimim")
    assert (k.lon, k.lat) == (35.949, 35.401)


def test_an_empty_sheet_is_a_clear_error(ws, tmp_path):
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    with pytest.raises(ImportFormatError, match=r"^empty.xlsx: no data in any sheet \(found: "
                                                r"'Sheet' \(empty\)\)$"):
        import_file(ws, "facilities", tmp_path / "empty.xlsx")


def test_an_ods_sheet_imports(ws, tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    t = Table(name="places")
    for cells in (["id", "name", "longitude", "latitude", "source"],
                  ["hama", "Hama", 36.7578, 35.1318, "GeoNames"]):
        tr = TableRow()
        for c in cells:
            tc = TableCell(valuetype="float", value=c) if isinstance(c, float) else \
                TableCell(valuetype="string")
            tc.addElement(P(text=str(c)))
            tr.addElement(tc)
        t.addElement(tr)
    doc.spreadsheet.addElement(t)
    doc.save(str(tmp_path / "places.ods"))
    assert import_file(ws, "places", tmp_path / "places.ods").result.inserted == 1
    assert ws.places()[0].lat == pytest.approx(35.1318)


def test_nothing_locatable_lists_what_was_found(ws, tmp_path):
    p = write(tmp_path, "s.csv", "id,name,operator,type,source,Easting,Northing\n"
                                 "k,K,russia,base,W,300000,3900000\n")
    with pytest.raises(ImportFormatError, match=r"s.csv line 1: missing column lon and lat "
                                                r"\(found: id, name, operator, type, source, "
                                                r"Easting, Northing\)"):
        import_file(ws, "facilities", p)
    # ... and --map names them.
    m = FieldMapping(renames={"lon": "Easting", "lat": "Northing"})
    with pytest.raises(ImportFormatError, match=r"s.csv line 2: lon 300000 outside \[-180, 180\]"):
        import_file(ws, "facilities", p, m)


def test_a_wkt_column_gives_control_polygons(ws, tmp_path):
    wkt = Polygon(SQUARE).wkt
    p = write(tmp_path, "areas.csv", f'faction;date;source;WKT\nopposition;2024-12-01;T;"{wkt}"\n')
    assert import_file(ws, "control", p).result.inserted == 1


# --- field mapping, faults all at once, series -----------------------------------------------

def qgis_polygons(n: int) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": i + 1}, "geometry": mapping(Polygon(SQUARE))}
        for i in range(n)]})


def test_a_qgis_polygon_needs_only_command_line_fields(ws, tmp_path):
    p = write(tmp_path, "drawn.geojson", qgis_polygons(1))
    m = FieldMapping({"faction": "opposition", "date": "2024-12-01", "source": "DeepStateMap"})
    assert import_file(ws, "control", p, m).result.inserted == 1


def test_every_fault_of_a_feature_and_the_first_ten_of_a_file_come_together(ws, tmp_path):
    p = write(tmp_path, "drawn.geojson", qgis_polygons(12))
    before = store_bytes(ws)
    with pytest.raises(ImportFormatError) as e:
        import_file(ws, "control", p)
    lines = str(e.value).splitlines()
    assert lines[0].startswith("drawn.geojson feature 0 (1): faction, date, source are empty")
    assert len(lines) == 11 and lines[-1] == "... and 2 more faulty records"
    assert store_bytes(ws) == before


def test_a_folder_of_daily_snapshots_is_one_series_dated_by_file_name(ws, tmp_path):
    folder = tmp_path / "deepstate"
    folder.mkdir()
    for day in ("20241201", "20241202", "20241203"):
        write(folder, f"deepstate_{day}.geojson", qgis_polygons(1))
    from basewatch.cli.imports import expand_paths

    m = FieldMapping({"faction": "opposition", "source": "DeepStateMap"}, date_format="%Y%m%d")
    report = import_files(ws, "control", expand_paths([str(folder)], "control"), m)
    assert report.result.inserted == 3
    assert [str(d) for d in ws.control_dates()] == ["2024-12-01", "2024-12-02", "2024-12-03"]


def test_a_bad_file_in_a_series_stores_nothing(ws, tmp_path):
    a = write(tmp_path, "d_20241201.geojson", qgis_polygons(1))
    b = write(tmp_path, "d_oops.geojson", qgis_polygons(1))
    m = FieldMapping({"faction": "opposition", "source": "D"}, date_format="%Y%m%d")
    before = store_bytes(ws)
    with pytest.raises(ImportFormatError, match=r"d_oops.geojson: no date of the form '%Y%m%d'"):
        import_files(ws, "control", [a, b], m)
    assert store_bytes(ws) == before


def test_unknown_columns_are_named_in_a_warning(ws, tmp_path):
    p = write(tmp_path, "p.csv", "id,name,lon,lat,source,colour\nhama,Hama,36.75,35.13,G,red\n")
    report = import_file(ws, "places", p)
    assert report.warnings == ["p.csv: column colour not used (unknown to this import kind; "
                               "--map FIELD=COLUMN reads one as a field)"]


# --- polygons: swapped lon/lat, wrong region ----------------------------------------------------

def test_a_control_polygon_with_swapped_lon_lat_is_warned_about(ws, tmp_path):
    import_file(ws, "places", write(tmp_path, "p.csv", "id,name,lon,lat,source\n"
                                    "aleppo,Aleppo,37.16,36.20,G\nidlib,Idlib,36.63,35.93,G\n"))
    swapped = [(y, x) for x, y in [(36.2, 35.6), (37.5, 35.6), (37.5, 36.5), (36.2, 36.5),
                                   (36.2, 35.6)]]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"faction": "opposition", "date": "2024-12-01",
                                           "source": "T"}, "geometry": mapping(Polygon(swapped))}]}
    report = import_file(ws, "control", write(tmp_path, "sw.geojson", json.dumps(fc)))
    assert any("sw.geojson feature 0: holds none" in w and "look swapped" in w
               for w in report.warnings)


def test_a_control_polygon_in_the_wrong_region_is_warned_about(ws, tmp_path):
    import_file(ws, "places", write(tmp_path, "p.csv", "id,name,lon,lat,source\n"
                                    "aleppo,Aleppo,37.16,36.20,G\n"))
    far = Polygon([(30.0, 50.0), (30.5, 50.0), (30.5, 50.5), (30.0, 50.5)])  # near Kyiv
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"faction": "opposition", "date": "2024-12-01",
                                           "source": "T"}, "geometry": mapping(far)}]}
    report = import_file(ws, "control", write(tmp_path, "far.geojson", json.dumps(fc)))
    expected_km = GEOD.inv(far.representative_point().x, far.representative_point().y,
                           37.16, 36.20)[2] / 1e3
    (w,) = report.warnings
    assert w.startswith(f"far.geojson feature 0: {expected_km:,.0f} km from the nearest")


def test_a_survey_sheet_with_the_edition_given_on_the_command_line(ws, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Jusoor 2024"
    for r in (["Operator", "Type", "Count", "Source"], ["Iran", "base", 52, "Jusoor"],
              ["Iran", "point", 477, "Jusoor"], [None, None, 801, "Jusoor"]):
        wb.active.append(r)
    wb.save(tmp_path / "jusoor.xlsx")
    m = FieldMapping({"publisher": "Jusoor for Studies", "edition_date": "2024-07-02"})
    assert import_file(ws, "survey", tmp_path / "jusoor.xlsx", m).result.inserted == 3


def test_survey_faults_come_together(ws, tmp_path):
    p = write(tmp_path, "s.csv", "publisher,edition_date,count,source\n"
                                 "J,2024-07-02,,J\nJ,2024-13-02,5,J\nJ,2024-07-02,-1,\n")
    with pytest.raises(ImportFormatError) as e:
        import_file(ws, "survey", p)
    assert str(e.value).splitlines() == [
        "s.csv line 2: count is empty",
        "s.csv line 3: edition_date '2024-13-02' is not an ISO date (YYYY-MM-DD)",
        "s.csv line 4: source is empty"]


QGIS_KML = """<?xml version="1.0" encoding="utf-8" ?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document id="root_doc">
<Schema name="front" id="front"><SimpleField name="faction" type="string"></SimpleField></Schema>
<Folder><name>front</name>
  <Placemark>
    <TimeStamp><when>2024-12-04T00:00:00Z</when></TimeStamp>
    <ExtendedData><SchemaData schemaUrl="#front">
      <SimpleData name="faction">opposition</SimpleData>
    </SchemaData></ExtendedData>
    <MultiGeometry>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>36.2,35.6 36.5,35.6 36.5,35.9 36.2,35.6</coordinates></LinearRing></outerBoundaryIs></Polygon>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>37.0,36.0 37.3,36.0 37.3,36.3 37.0,36.0</coordinates></LinearRing></outerBoundaryIs>
        <innerBoundaryIs><LinearRing><coordinates>37.1,36.05 37.2,36.05 37.2,36.1 37.1,36.05</coordinates></LinearRing></innerBoundaryIs></Polygon>
    </MultiGeometry>
  </Placemark>
</Folder>
</Document></kml>
"""


def test_a_kml_written_by_qgis_gives_schema_data_time_stamp_and_multipolygon(ws, tmp_path):
    import datetime as dt

    from shapely.geometry import Polygon as P

    p = write(tmp_path, "front.kml", QGIS_KML)
    report = import_file(ws, "control", p, FieldMapping({"source": "QGIS export"}))
    assert report.result.inserted == 1
    (area,) = ws.control_on(dt.date(2024, 12, 4))
    expected = P([(36.2, 35.6), (36.5, 35.6), (36.5, 35.9)]).area + \
        P([(37.0, 36.0), (37.3, 36.0), (37.3, 36.3)], [[(37.1, 36.05), (37.2, 36.05),
                                                       (37.2, 36.1)]]).area
    assert area.faction == "opposition" and area.geometry.area == pytest.approx(expected)


@pytest.mark.parametrize("fmt", ["kml", "geojson", "csv", "gpkg"])
def test_an_exported_registry_imports_back_unchanged(ws, tmp_path, fmt):
    from basewatch.exports.layers import collect
    from basewatch.exports.writers import write_csv, write_geojson, write_gpkg, write_kml
    from tests.conftest import doc_examples

    for name, kind, text in doc_examples():
        if name in ("facilities.csv", "places.csv"):
            import_file(ws, kind, write(tmp_path, name, text))
    writer = {"kml": write_kml, "geojson": write_geojson, "csv": write_csv, "gpkg": write_gpkg}[fmt]
    for layer in ("facilities", "places"):
        out = tmp_path / f"{layer}-out.{fmt}"
        writer(collect(ws, layer, None), out)
        report = import_file(ws, layer, out)
        assert report.parsed == 2 and report.result.changed == 0, (layer, report.to_dict())


def test_sheet_faults_name_the_row(ws, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["name", "latitude", "longitude", "source"])
    wb.active.append(["Hama", 95.0, 36.75, "G"])
    wb.save(tmp_path / "p.xlsx")
    with pytest.raises(ImportFormatError, match=r"^p.xlsx row 2: latitude 95 outside \[-90, 90\]$"):
        import_file(ws, "places", tmp_path / "p.xlsx")
