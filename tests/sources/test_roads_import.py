"""Road importers on real-format files written with the osmium writer."""

import json

import osmium
import pytest

from basewatch.errors import ImportFormatError
from basewatch.sources.importing import import_file
from basewatch.store.roads import ROADS


def write_osm(path, ways, nodes):
    w = osmium.SimpleWriter(str(path))
    for nid, (x, y) in nodes.items():
        w.add_node(osmium.osm.mutable.Node(id=nid, location=(x, y)))
    for wid, (refs, tags) in ways.items():
        w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags))
    w.close()


NODES = {1: (36.70, 35.20), 2: (36.75, 35.13), 3: (36.73, 34.93), 4: (36.71, 34.73), 5: (36.0, 35.0)}
WAYS = {10: ([1, 2, 3], {"highway": "motorway", "ref": "M5", "name": "Hama"}),
        11: ([3, 4], {"highway": "motorway", "ref": "M5"}),
        12: ([4, 5], {"highway": "track"})}  # not a kept class


@pytest.mark.parametrize("suffix", [".osm.pbf", ".osm"])
def test_osm_extracts_import_kept_classes_with_refs(ws, tmp_path, suffix):
    path = tmp_path / f"syria{suffix}"
    write_osm(path, WAYS, NODES)
    r = import_file(ws, "roads", path)
    assert r.result.inserted == 2
    roads = {x.id: x for x in ws.store.select(ROADS)}
    assert roads["osm-way-10"].ref == "M5" and len(roads["osm-way-10"].geometry.coords) == 3
    assert roads["osm-way-10"].provenance.source.publisher == "OpenStreetMap contributors"
    assert import_file(ws, "roads", path).result.changed == 0


def test_a_way_cut_by_the_extract_edge_is_cut_at_the_missing_nodes(ws, tmp_path):
    path = tmp_path / "cut.osm.pbf"
    # Way 13 runs 3 -> 4 -> 98 (missing) -> 5 -> 99 (missing) -> 1: two pieces, 3-4 and 5-1.
    write_osm(path, {**WAYS, 13: ([3, 4, 98, 5, 99, 1], {"highway": "primary"})}, NODES)
    r = import_file(ws, "roads", path)
    assert r.warnings == [("cut.osm.pbf: 1 way(s) reference 2 node(s) not in the file (an extract "
                          "cut by a bounding box?); they were cut at the missing nodes")]
    roads = {x.id: x for x in ws.store.select(ROADS)}
    assert list(roads["osm-way-13-0"].geometry.coords) == [NODES[3], NODES[4]]
    assert "osm-way-13-1" not in roads  # 5 alone: fewer than two nodes
    assert set(roads) == {"osm-way-10", "osm-way-11", "osm-way-13-0"}


def test_truncated_or_foreign_pbf_is_a_clear_error(ws, tmp_path):
    good = tmp_path / "good.osm.pbf"
    write_osm(good, WAYS, NODES)
    bad = tmp_path / "cut.osm.pbf"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(ImportFormatError, match=r"cut.osm.pbf: not a readable OSM file"):
        import_file(ws, "roads", bad)
    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"PK\x03\x04 this is a zip, not a pbf" * 50)
    with pytest.raises(ImportFormatError, match=r"junk.osm.pbf: not a readable OSM file"):
        import_file(ws, "roads", junk)


def test_geojson_line_layer_and_a_way_crossing_a_control_boundary(ws, tmp_path):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "m5", "ref": "M5", "road_class": "motorway", "source": "T"},
         "geometry": {"type": "LineString", "coordinates": [[36.7, 35.2], [36.7, 34.7]]}},
        {"type": "Feature", "properties": {"id": "bad", "source": "T"},
         "geometry": {"type": "Point", "coordinates": [36.7, 35.2]}}]}
    p = tmp_path / "roads.geojson"
    p.write_text(json.dumps(fc))
    with pytest.raises(ImportFormatError, match=r"roads.geojson feature 1 \(bad\): geometry Point; roads are lines"):
        import_file(ws, "roads", p)
    fc["features"].pop()
    p.write_text(json.dumps(fc))
    import_file(ws, "roads", p)
    (r,) = ws.store.select(ROADS)
    from shapely.geometry import box

    from basewatch.analysis.corridors import blocked_edges, build_graph

    rg = build_graph([r])
    assert len(blocked_edges(rg, box(36.0, 34.9, 37.0, 35.0)).hostile) == 1  # crosses it


def test_a_geopackage_line_layer_imports_with_empty_cells_as_missing(ws, tmp_path):
    import geopandas as gpd
    from shapely.geometry import LineString

    df = gpd.GeoDataFrame({"id": ["m5", "m1"], "ref": ["M5", None], "name": [None, "Coastal"],
                           "road_class": ["motorway", "trunk"], "source": ["T", "T"]},
                          geometry=[LineString([(36.7, 35.2), (36.7, 34.7)]),
                                    LineString([(35.9, 35.5), (35.9, 34.9)])], crs="EPSG:4326")
    p = tmp_path / "roads.gpkg"
    df.to_file(p, layer="roads", driver="GPKG")
    import_file(ws, "roads", p)
    roads = {r.id: r for r in ws.store.select(ROADS)}
    assert roads["m5"].ref == "M5" and roads["m5"].name == ""
    assert roads["m1"].ref == "" and roads["m1"].label == "Coastal"  # no ref: named by its name
