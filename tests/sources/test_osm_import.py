"""OSM extracts as they come: every kept class with its links, one-ways, access, ferries,
bridges, military areas, town extents and places; PBF, XML, .bz2, .gz and Overpass JSON."""

import json

import osmium
import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.errors import ImportFormatError
from basewatch.sources.osm import DEFAULT_CLASSES, parse_osm
from basewatch.sources.roads import resolve_classes

N = {1: (9.50, 47.10), 2: (9.51, 47.10), 3: (9.52, 47.10), 4: (9.53, 47.10), 5: (9.54, 47.10),
     6: (9.52, 47.11), 7: (9.50, 47.09), 8: (9.56, 47.09), 9: (9.56, 47.12), 10: (9.50, 47.12),
     20: (9.515, 47.095), 21: (9.535, 47.095), 22: (9.535, 47.105), 23: (9.515, 47.105)}
W = {
    100: ([1, 2], {"highway": "primary", "ref": "28", "name": "Landstrasse"}),
    101: ([2, 3], {"highway": "secondary_link"}),
    102: ([3, 4], {"highway": "tertiary", "oneway": "yes"}),
    103: ([4, 5], {"highway": "motorway"}),  # one-way by default
    104: ([3, 6], {"highway": "primary", "access": "private"}),
    105: ([5, 6], {"highway": "primary", "motor_vehicle": "no", "motorcar": "yes"}),
    106: ([1, 10], {"route": "ferry", "name": "Rhine ferry"}),
    107: ([2, 3], {"highway": "primary", "bridge": "yes", "bridge:name": "Old Rhine Bridge"}),
    108: ([6, 9], {"highway": "footway"}),  # not a road class
    109: ([21, 22], {"highway": "tertiary_link", "oneway": "-1"}),
    # a military area over 3-4 and 21-22: the roads inside it are closed to traffic
    200: ([20, 21, 22, 23, 20], {"landuse": "military"}),
}


def write(path, nodes=N, ways=W, places=()):
    w = osmium.SimpleWriter(str(path))
    for nid, (x, y) in nodes.items():
        tags = {}
        for pid, name, kind, pop in places:
            if pid == nid:
                tags = {"place": kind, "name": name, **({"population": str(pop)} if pop else {})}
        w.add_node(osmium.osm.mutable.Node(id=nid, location=(x, y), tags=tags))
    for wid, (refs, tags) in ways.items():
        w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags))
    w.close()


def roads_of(parsed):
    from basewatch.model.roads import RoadSegment

    return {r.id: r for r in parsed.records if isinstance(r, RoadSegment)}


def test_every_kept_class_and_its_links_are_imported_with_their_tags(tmp_path):
    p = tmp_path / "x.osm.pbf"
    write(p)
    roads = roads_of(parse_osm(p))
    assert set(roads) == {f"osm-way-{i}" for i in (100, 101, 102, 103, 104, 105, 106, 107, 109)}
    assert roads["osm-way-101"].road_class == "secondary_link"
    assert {c for c in DEFAULT_CLASSES if c.endswith("_link")} == {
        "motorway_link", "trunk_link", "primary_link", "secondary_link", "tertiary_link"}
    assert [roads[f"osm-way-{i}"].oneway for i in (100, 102, 103, 109)] == [0, 1, 1, -1]
    assert roads["osm-way-104"].access == "private"
    assert roads["osm-way-105"].access == ""  # motorcar=yes beats motor_vehicle=no
    assert roads["osm-way-106"].is_ferry and roads["osm-way-106"].name == "Rhine ferry"
    assert roads["osm-way-107"].bridge == "Old Rhine Bridge"
    # Roads mostly inside the military area are closed; those outside it are not.
    assert roads["osm-way-102"].access == roads["osm-way-109"].access == "military"
    assert roads["osm-way-100"].access == ""


def test_classes_can_be_widened_by_name(tmp_path):
    assert "residential" in resolve_classes("all") and "tertiary_link" in resolve_classes(None)
    assert resolve_classes("primary,track") == ("primary", "track")


@pytest.mark.parametrize("suffix", [".osm", ".osm.bz2", ".osm.gz", ".osm.pbf"])
def test_compressed_and_xml_extracts_read_the_same(tmp_path, suffix):
    p = tmp_path / f"x{suffix}"
    write(p)
    roads = roads_of(parse_osm(p))
    ref = tmp_path / "ref.osm.pbf"
    write(ref)
    assert {k: v.to_dict()["geometry"] for k, v in roads.items()} == \
        {k: v.to_dict()["geometry"] for k, v in roads_of(parse_osm(ref)).items()}


def test_overpass_json_with_node_lists_and_with_geometries(tmp_path):
    elements = [{"type": "node", "id": i, "lon": x, "lat": y} for i, (x, y) in N.items()]
    elements += [{"type": "way", "id": 100, "nodes": [1, 2], "tags": W[100][1]},
                 {"type": "way", "id": 102, "tags": W[102][1],
                  "geometry": [{"lat": N[3][1], "lon": N[3][0]}, {"lat": N[4][1], "lon": N[4][0]}]},
                 {"type": "way", "id": 110, "nodes": [1, 999, 2, 3], "tags": {"highway": "primary"}}]
    p = tmp_path / "overpass.json"
    p.write_text(json.dumps({"version": 0.6, "osm3s": {"copyright": "ODbL"}, "elements": elements}))
    parsed = parse_osm(p)
    roads = roads_of(parsed)
    assert roads["osm-way-100"].ref == "28" and roads["osm-way-102"].oneway == 1
    assert list(roads["osm-way-110-1"].geometry.coords) == [N[2], N[3]]
    assert "1 way(s) reference 1 node(s) not in the file" in parsed.warnings[0]
    bad = tmp_path / "bad.json"
    bad.write_text('{"osm3s": {}, "elements": [{"type": "node", "id": 1, "lat": 47}]}')
    with pytest.raises(ImportFormatError, match=r"bad.json node 1: needs id, lat and lon"):
        parse_osm(bad)


def test_places_and_admin_extents_of_the_extract(tmp_path):
    p = tmp_path / "x.osm.pbf"
    write(p, places=[(1, "Vaduz", "town", 5229), (5, "Vaduz", "hamlet", None), (9, "Malbun", "village", None)])
    from basewatch.model import Place
    from basewatch.model.roads import Extent

    parsed = parse_osm(p, places=True)
    places = {x.id: x for x in parsed.records if isinstance(x, Place)}
    assert places["vaduz"].population == 5229 and places["vaduz"].kind == "town"
    assert set(places) == {"vaduz", "vaduz-2", "malbun"}  # the smaller namesake gets a suffix
    kinds = {x.kind for x in parsed.records if isinstance(x, Extent)}
    assert kinds == {"military"}
    assert not [x for x in parse_osm(p).records if isinstance(x, Place)]  # only on request


def test_a_failed_import_leaves_no_workspace_behind(tmp_path):
    bad = tmp_path / "broken.osm.bz2"
    bad.write_bytes(b"BZh91AY&SY not really bzip2")
    ws = tmp_path / "new-ws"
    r = CliRunner().invoke(app, ["roads", "import", str(bad), "-w", str(ws)])
    assert r.exit_code == 2 and "broken.osm.bz2: not a readable OSM file" in r.stderr
    assert not ws.exists()
    good = tmp_path / "x.osm.gz"
    write(good)
    r = CliRunner().invoke(app, ["roads", "import", str(good), "-w", str(ws)])
    assert r.exit_code == 0, r.output
    assert "9 roads, 0 places and 1 areas: 10 new" in " ".join(r.stdout.split())


@pytest.mark.parametrize("suffix", [".osm", ".osm.bz2", ".osm.gz"])
def test_xml_declaring_entities_is_refused_before_parsing(tmp_path, suffix):
    import bz2
    import gzip

    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE osm [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
            b'<osm version="0.6"><node id="1" lat="1" lon="1"><tag k="name" v="&b;"/></node></osm>\n')
    data = bz2.compress(bomb) if suffix.endswith("bz2") else gzip.compress(bomb) if suffix.endswith("gz") else bomb
    p = tmp_path / f"bomb{suffix}"
    p.write_bytes(data)
    with pytest.raises(ImportFormatError, match=rf"bomb{suffix}: declares XML entities"):
        parse_osm(p)


def test_overpass_relations_give_the_areas_the_pbf_reader_gives(tmp_path):
    """A boundary of two outer ways and a residential multipolygon with a hole, as Overpass JSON
    (node lists, and member geometries of `out geom`) and as PBF assembled by libosmium."""
    from shapely.geometry import Polygon

    from basewatch.model.roads import Extent

    nodes = {**N, 30: (9.49, 47.08), 31: (9.57, 47.08), 32: (9.57, 47.13), 33: (9.49, 47.13),
             40: (9.505, 47.085), 41: (9.525, 47.085), 42: (9.525, 47.115), 43: (9.505, 47.115),
             44: (9.51, 47.09), 45: (9.52, 47.09), 46: (9.52, 47.11), 47: (9.51, 47.11)}
    ways = {**W, 300: ([30, 31, 32], {}), 301: ([32, 33, 30], {}),
            302: ([40, 41, 42, 43, 40], {}), 303: ([44, 45, 46, 47, 44], {})}
    rels = {400: ([("w", 300, "outer"), ("w", 301, "outer")],
                  {"type": "boundary", "boundary": "administrative", "admin_level": "8", "name": "Vaduz"}),
            401: ([("w", 302, "outer"), ("w", 303, "inner")],
                  {"type": "multipolygon", "landuse": "residential"})}
    pbf = tmp_path / "rel.osm.pbf"
    w = osmium.SimpleWriter(str(pbf))
    for nid, (x, y) in nodes.items():
        w.add_node(osmium.osm.mutable.Node(id=nid, location=(x, y)))
    for wid, (refs, tags) in ways.items():
        w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags))
    for rid, (members, tags) in rels.items():
        w.add_relation(osmium.osm.mutable.Relation(id=rid, members=members, tags=tags))
    w.close()

    def ll(n):
        return {"lat": nodes[n][1], "lon": nodes[n][0]}

    elements = [{"type": "node", "id": i, "lon": x, "lat": y} for i, (x, y) in nodes.items()]
    elements += [{"type": "way", "id": wid, "nodes": refs, "tags": tags} for wid, (refs, tags) in ways.items()]
    elements += [{"type": "relation", "id": 400, "tags": rels[400][1], "members": [
                     {"type": "way", "ref": 300, "role": "outer"}, {"type": "way", "ref": 301, "role": "outer"}]},
                 {"type": "relation", "id": 401, "tags": rels[401][1], "members": [  # out geom
                     {"type": "way", "ref": 302, "role": "outer", "geometry": [ll(n) for n in ways[302][0]]},
                     {"type": "way", "ref": 303, "role": "inner", "geometry": [ll(n) for n in ways[303][0]]}]}]
    js = tmp_path / "rel.json"
    js.write_text(json.dumps({"osm3s": {}, "elements": elements}))

    def extents(path):
        return {x.id: x for x in parse_osm(path).records if isinstance(x, Extent)}

    got, ref = extents(js), extents(pbf)
    assert {"osm-relation-400", "osm-relation-401"} <= set(got)
    for rid in ("osm-relation-400", "osm-relation-401"):
        assert got[rid].kind == ref[rid].kind and got[rid].name == ref[rid].name
        assert got[rid].geometry.symmetric_difference(ref[rid].geometry).area < 1e-12
    assert got["osm-relation-400"].kind == "admin" and got["osm-relation-400"].admin_level == 8
    square = Polygon([nodes[n] for n in (30, 31, 32, 33)])
    assert abs(got["osm-relation-400"].geometry.area - square.area) < 1e-12
    holed = Polygon([nodes[n] for n in (40, 41, 42, 43)], [[nodes[n] for n in (44, 45, 46, 47)]])
    assert got["osm-relation-401"].kind == "built_up"
    assert abs(got["osm-relation-401"].geometry.area - holed.area) < 1e-12
    # An outer way missing from the file (a relation cut by the extract's edge): no area.
    cut = [e for e in elements if not (e["type"] == "way" and e["id"] == 301)]
    js.write_text(json.dumps({"osm3s": {}, "elements": cut}))
    assert "osm-relation-400" not in extents(js)
