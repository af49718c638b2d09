import datetime as dt
import json
from pathlib import Path

import pytest

from basewatch.errors import ImportFormatError
from basewatch.sources.importing import import_file

HEADER = "id,name,operator,type,lon,lat,country,source\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return p


def store_bytes(ws) -> bytes:
    return (ws.folder / "basewatch.gpkg").read_bytes()


def test_facilities_csv_imports_with_operator_resolved_by_alias(ws, tmp_path):
    p = write(tmp_path, "sites.csv", HEADER + "k,Khmeimim,Russia,air base,35.949,35.401,Syria,Wikipedia\n")
    report = import_file(ws, "facilities", p)
    assert report.result.inserted == 1 and report.warnings == []
    f = ws.facility("k")
    assert f.operator == "russia" and f.type.value == "airbase"


def test_reimporting_the_same_file_changes_nothing(ws, tmp_path):
    p = write(tmp_path, "sites.csv", HEADER + "k,Khmeimim,russia,airbase,35.949,35.401,Syria,W\n")
    import_file(ws, "facilities", p)
    before = store_bytes(ws)
    again = import_file(ws, "facilities", p)
    assert again.result.changed == 0 and again.result.unchanged == 1
    assert store_bytes(ws) == before
    assert [i.kind for i in ws.imports()] == ["factions", "facilities"]


BAD_CSV = [
    ("latitude out of range", "k,K,russia,airbase,35.9,95.2,Syria,W\n", r"sites.csv line 3: lat 95.2 outside \[-90, 90\]"),
    ("non-numeric", "k,K,russia,airbase,east,35.4,Syria,W\n", r"sites.csv line 3: lon 'east' is not a number"),
    ("unknown operator", "k,K,narnia,airbase,35.9,35.4,Syria,W\n", r"sites.csv line 3: unknown operator 'narnia' \(known: government"),
    ("unknown type", "k,K,russia,castle,35.9,35.4,Syria,W\n", r"sites.csv line 3: unknown facility type 'castle'"),
    ("duplicate id", "k,K,russia,airbase,35.9,35.4,Syria,W\nk,L,russia,base,35.8,35.3,Syria,W\n",
     r"sites.csv line 4: duplicate id 'k' \(first at sites.csv line 3\)"),
    ("missing source", "k,K,russia,airbase,35.9,35.4,Syria,\n", r"sites.csv line 3: source is empty"),
    ("too many fields", "k,K,russia,airbase,35.9,35.4,Syria,W,extra\n", r"sites.csv line 3: more fields"),
]


@pytest.mark.parametrize("case,rows,message", BAD_CSV, ids=[c[0] for c in BAD_CSV])
def test_bad_csv_rows_are_refused_and_the_store_is_untouched(ws, tmp_path, case, rows, message):
    good = "a,Alpha,russia,base,35.5,35.0,Syria,W\n"
    before = store_bytes(ws)
    with pytest.raises(ImportFormatError, match=message):
        import_file(ws, "facilities", write(tmp_path, "sites.csv", HEADER + good + rows))
    assert store_bytes(ws) == before
    assert ws.facilities() == []


def test_bad_rows_name_their_line_after_good_ones(ws, tmp_path):
    text = HEADER + "a,Alpha,russia,base,35.5,35.0,Syria,W\n" * 1 + "k,K,russia,airbase,35.9,95.2,Syria,W\n"
    with pytest.raises(ImportFormatError, match=r"sites.csv line 3: lat 95.2"):
        import_file(ws, "facilities", write(tmp_path, "sites.csv", text))


def test_missing_column_is_named(ws, tmp_path):
    with pytest.raises(ImportFormatError, match=r"sites.csv line 1: missing column lat \(found: id, name"):
        import_file(ws, "facilities", write(tmp_path, "sites.csv", "id,name,operator,type,lon,source\n"))


def test_missing_file(ws, tmp_path):
    with pytest.raises(ImportFormatError, match=r"nope.csv: no such file"):
        import_file(ws, "facilities", tmp_path / "nope.csv")


@pytest.mark.parametrize("field,value,message", [
    ("valid_from", "2999-01-01", "is in the future"),
    ("valid_from", "1850-01-01", "is before 1900"),
    ("source_date", "yesterday", "is not an ISO date"),
])
def test_bad_dates_are_refused(ws, tmp_path, field, value, message):
    text = f"id,name,operator,type,lon,lat,source,{field}\nk,K,russia,airbase,35.9,35.4,W,{value}\n"
    with pytest.raises(ImportFormatError, match=rf"sites.csv line 2: {field} .*{message}"):
        import_file(ws, "facilities", write(tmp_path, "sites.csv", text))


def test_swapped_lon_lat_is_imported_with_a_warning(ws, tmp_path):
    # Khmeimim and Tartus with lon and lat swapped: outside Syria's box, inside when swapped back.
    text = HEADER + "k,Khmeimim,russia,airbase,35.401,35.949,Syria,W\nt,Tartus,russia,naval_base,34.905,35.870,Syria,W\n"
    report = import_file(ws, "facilities", write(tmp_path, "sites.csv", text))
    assert len(report.warnings) == 2
    assert "sites.csv line 2: (35.401, 35.949) is outside Syria but (35.949, 35.401) is inside" in report.warnings[0]


def test_swapped_point_without_country_is_caught_against_the_other_rows(ws, tmp_path):
    # Sites around Baghdad (no country given); one has lon and lat swapped, which puts it
    # ~1,500 km away in the Black Sea, while its swapped position is next to the others.
    rows = "".join(f"s{i},S{i},iran,base,{44.0 + i / 10},{33.0 + i / 10},,W\n" for i in range(4))
    rows += "z,Z,iran,base,33.3,44.4,,W\n"
    report = import_file(ws, "facilities", write(tmp_path, "sites.csv", HEADER + rows))
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("sites.csv line 6: (33.3, 44.4) is ")
    assert "lon and lat look swapped" in report.warnings[0]
    assert ws.facility("z").lat == 44.4  # imported as given: a warning, not a refusal


def feature_collection(*features, **extra):
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra})


def control_feature(coords, faction="opposition", date="2024-12-01"):
    return {"type": "Feature", "properties": {"faction": faction, "date": date, "source": "T"},
            "geometry": {"type": "Polygon", "coordinates": [coords]}}


SQUARE = [[36, 35], [37, 35], [37, 36], [36, 36], [36, 35]]
BOWTIE = [[36, 35], [37, 36], [37, 35], [36, 36], [36, 35]]


def test_control_geojson_with_many_dates(ws, tmp_path):
    text = feature_collection(control_feature(SQUARE), control_feature(SQUARE, date="2024-12-02"),
                              control_feature(SQUARE, faction="government", date="2024-12-02"))
    report = import_file(ws, "control", write(tmp_path, "c.geojson", text))
    assert report.result.inserted == 3
    assert ws.control_dates() == [dt.date(2024, 12, 1), dt.date(2024, 12, 2)]


def test_self_intersecting_polygon_is_repaired_with_a_warning(ws, tmp_path):
    report = import_file(ws, "control", write(tmp_path, "c.geojson", feature_collection(control_feature(BOWTIE))))
    assert "c.geojson feature 0: invalid polygon (Self-intersection" in report.warnings[0]
    (area,) = ws.control_on(dt.date(2024, 12, 1))
    assert area.geometry.is_valid and area.geometry.area == pytest.approx(0.5)


@pytest.mark.parametrize("text,message", [
    ("{not json", r"c.geojson line 1: not valid JSON"),
    ('{"type": "Polygon", "coordinates": []}', r"c.geojson: GeoJSON type 'Polygon'; expected FeatureCollection"),
    # A named CRS is reprojected (tests/sources/test_real_world_imports.py); an unknown one is refused.
    (feature_collection(control_feature(SQUARE), crs={"type": "name", "properties": {"name": "EPSG:999999"}}),
     r"c.geojson: unknown CRS 'EPSG:999999'"),
    (feature_collection(control_feature([[300000, 3900000], [310000, 3900000], [310000, 3910000], [300000, 3900000]])),
     r"c.geojson feature 0: coordinates outside lon/lat range"),
    (feature_collection(control_feature(SQUARE, faction="martians")), r"c.geojson feature 0: unknown faction 'martians'"),
    (feature_collection(control_feature(SQUARE, date="2024-13-01")), r"c.geojson feature 0: date '2024-13-01' is not an ISO date"),
    (feature_collection(control_feature(SQUARE), control_feature(SQUARE)), r"c.geojson feature 1: a second assessed area for opposition"),
    (feature_collection({"type": "Feature", "properties": {"faction": "opposition", "date": "2024-12-01", "source": "T"},
                         "geometry": {"type": "Point", "coordinates": [36, 35]}}), r"c.geojson feature 0: geometry Point"),
])
def test_bad_control_files_are_refused_whole(ws, tmp_path, text, message):
    import_file(ws, "control", write(tmp_path, "ok.geojson", feature_collection(control_feature(SQUARE, date="2024-11-01"))))
    before = store_bytes(ws)
    with pytest.raises(ImportFormatError, match=message):
        import_file(ws, "control", write(tmp_path, "c.geojson", text))
    assert store_bytes(ws) == before


def test_files_over_the_size_limit_are_refused_before_parsing(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("BASEWATCH_MAX_IMPORT_MB", "0.001")
    p = write(tmp_path, "big.csv", HEADER + "k,K,russia,airbase,35.9,35.4,Syria,W\n" * 100)
    with pytest.raises(ImportFormatError, match=r"big.csv: 0.0 MB is over the import limit"):
        import_file(ws, "facilities", p)


def test_control_from_a_geopackage(ws, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Polygon

    gdf = gpd.GeoDataFrame({"faction": ["opposition"], "date": ["2024-12-01"], "source": ["T"]},
                           geometry=[Polygon(SQUARE)], crs="EPSG:4326")
    path = tmp_path / "c.gpkg"
    gdf.to_file(path, layer="control")
    assert import_file(ws, "control", path).result.inserted == 1
    # A layer in another CRS is reprojected and the summary says so (it used to be refused).
    utm = gdf.to_crs("EPSG:32637").assign(date=["2024-12-02"])
    utm.to_file(tmp_path / "utm.gpkg", layer="control")
    report = import_file(ws, "control", tmp_path / "utm.gpkg")
    assert report.result.inserted == 1
    assert any("utm.gpkg layer control: reprojected from EPSG:32637" in n for n in report.notes)


def test_survey_rows_are_checked(ws, tmp_path):
    text = "publisher,edition_date,operator,type,count,source\nJ,2024-07-02,iran,base,-3,J\n"
    with pytest.raises(ImportFormatError, match=r"s.csv line 2: count -3 outside"):
        import_file(ws, "survey", write(tmp_path, "s.csv", text))
    text = "publisher,edition_date,operator,type,count,source\nJ,2024-07-02,iran,fort,3,J\n"
    with pytest.raises(ImportFormatError, match=r"s.csv line 2: .*type 'fort' must be 'base', 'point'"):
        import_file(ws, "survey", write(tmp_path, "s.csv", text))


def test_places_geojson(ws, tmp_path):
    text = feature_collection({"type": "Feature", "properties": {"id": "homs", "name": "Homs", "aliases": "Hims", "source": "G"},
                               "geometry": {"type": "Point", "coordinates": [36.7137, 34.7324]}})
    import_file(ws, "places", write(tmp_path, "p.geojson", text))
    assert ws.place("Hims").id == "homs"


def test_factions_with_unknown_relation_side(ws, tmp_path):
    text = json.dumps({"factions": [{"id": "a", "name": "A", "source": "S"}],
                       "relations": [{"a": "a", "b": "zz", "kind": "hostile", "source": "S"}]})
    with pytest.raises(ImportFormatError, match=r"f.json relations\[0\]: unknown faction 'zz'"):
        import_file(ws, "factions", write(tmp_path, "f.json", text))


def test_an_import_that_fails_while_writing_leaves_the_store_byte_for_byte(ws, tmp_path, monkeypatch):
    # Factions and relations go to two layers in one transaction; fail on the second.
    from basewatch.store import RELATIONS

    before = store_bytes(ws)
    real_put = type(ws.store).put

    def failing_put(self, spec, records):
        if spec is RELATIONS:
            raise OSError("disk full (simulated)")
        return real_put(self, spec, records)

    monkeypatch.setattr(type(ws.store), "put", failing_put)
    text = json.dumps({"factions": [{"id": "new", "name": "New", "source": "S"},
                                    {"id": "newer", "name": "Newer", "source": "S"}],
                       "relations": [{"a": "new", "b": "newer", "kind": "hostile", "source": "S"}]})
    with pytest.raises(OSError, match="disk full"):
        import_file(ws, "factions", write(tmp_path, "f.json", text))
    monkeypatch.undo()
    assert store_bytes(ws) == before
    assert "new" not in {f.id for f in ws.factions()}
