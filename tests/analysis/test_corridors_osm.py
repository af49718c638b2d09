"""Corridors on real OSM extracts, checked against an independent shortest path
(tests/osm_reference.py: pyosmium + networkx + pyproj.Geod, no basewatch code)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from basewatch.sources.importing import import_file
from basewatch.store import Workspace
from tests.osm_reference import Reference, boundary, osm_dev, place_nodes

FACTIONS = {"factions": [{"id": "blue", "name": "Blue", "source": "test"},
                         {"id": "red", "name": "Red", "source": "test"}],
            "relations": [{"a": "blue", "b": "red", "kind": "hostile", "source": "test"}]}


def _workspace(tmp: Path, extract: Path, box: tuple[float, float, float, float]) -> Workspace:
    """The extract (with its places) held whole by blue; red far away."""
    ws = Workspace(tmp / "ws", create=True)
    (tmp / "f.json").write_text(json.dumps(FACTIONS))
    x0, y0, x1, y1 = box

    def poly(a: float, b: float, c: float, d: float) -> list[list[list[float]]]:
        return [[[a, b], [c, b], [c, d], [a, d], [a, b]]]

    (tmp / "c.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"faction": "blue", "date": "2024-01-01", "source": "t"},
         "geometry": {"type": "Polygon", "coordinates": poly(x0, y0, x1, y1)}},
        {"type": "Feature", "properties": {"faction": "red", "date": "2024-01-01", "source": "t"},
         "geometry": {"type": "Polygon", "coordinates": poly(x1 + 1, y0, x1 + 2, y1)}}]}))
    import_file(ws, "factions", tmp / "f.json")
    import_file(ws, "roads", extract, places=True)
    import_file(ws, "control", tmp / "c.geojson")
    return ws


@pytest.fixture(scope="module")
def liechtenstein(tmp_path_factory: pytest.TempPathFactory):
    path = osm_dev() / "liechtenstein-2015.osm.pbf"
    ws = _workspace(tmp_path_factory.mktemp("li"), path, (9.3, 46.9, 9.8, 47.4))
    yield ws, path, Reference(path, 32632)
    ws.close()


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory: pytest.TempPathFactory):
    path = osm_dev() / "helsinki-clipped.osm.pbf"
    ws = _workspace(tmp_path_factory.mktemp("hel"), path, (24.5, 59.9, 25.3, 60.4))
    yield ws, path, Reference(path, 32635)
    ws.close()


def _corridor(ws: Workspace, a: str, b: str, **kw):
    import datetime as dt

    from basewatch.queries.corridors import corridor

    return corridor(ws, a, b, dt.date(2024, 2, 1), side="blue", critical=False, **kw)


LI_TOWNS = ["Balzers", "Triesen", "Vaduz", "Schaan", "Eschen", "Ruggell", "Mauren"]


@pytest.mark.parametrize("a,b", list(itertools.combinations(LI_TOWNS, 2))[::3])
def test_route_lengths_agree_with_an_independent_shortest_path(liechtenstein, a, b):
    ws, path, ref = liechtenstein
    towns = place_nodes(path)
    r = _corridor(ws, a, b)
    expected = ref.length_m(towns[a], towns[b])
    assert expected is not None and r["connected"]
    # Road length (the access legs are reported apart) within 1 % of the independent path.
    assert r["length_km"] * 1000 == pytest.approx(expected, rel=0.01, abs=100)


def test_a_bounding_box_cut_extract_routes_like_the_independent_path(helsinki):
    ws, path, ref = helsinki
    towns = place_nodes(path)
    for a, b in [("Kaartinkaupunki", "Siltasaari"), ("Kluuvi", "Hakaniemi"),
                 ("Kaisaniemi", "Kaartinkaupunki")]:
        r = _corridor(ws, a, b)
        expected = ref.length_m(towns[a], towns[b])
        assert r["connected"] == (expected is not None)
        assert r["length_km"] * 1000 == pytest.approx(expected, rel=0.01, abs=100)


def test_capture_by_the_towns_admin_boundary_reroutes_or_cuts_as_the_independent_path(liechtenstein):
    ws, path, ref = liechtenstein
    towns = place_nodes(path)
    for captured, a, b in [("Vaduz", "Balzers", "Ruggell"), ("Schaan", "Vaduz", "Eschen"),
                           ("Triesen", "Balzers", "Vaduz")]:
        r = _corridor(ws, a, b, assume_captured=[captured])
        (cap,) = r["captures"]
        assert cap["extent"] == "administrative boundary (admin_level 8)"
        assert "liechtenstein-2015.osm.pbf" in cap["from"]
        expected = ref.length_m(towns[a], towns[b], avoid=boundary(path, captured, "8"))
        assert r["connected"] == (expected is not None), (captured, a, b)
        if expected is not None:
            assert r["length_km"] * 1000 == pytest.approx(expected, rel=0.01, abs=100)
        else:  # cut: the breaking roads are named, one line per road
            roads = [x["road"] for x in r["breaks"]]
            assert roads and len(roads) == len(set(roads)) and "road" not in roads


def test_a_capture_off_the_route_never_cuts_it(liechtenstein):
    ws, _, _ = liechtenstein
    before = _corridor(ws, "Balzers", "Triesen")
    for far in ("Ruggell", "Mauren", "Schellenberg", "Eschen"):
        after = _corridor(ws, "Balzers", "Triesen", assume_captured=[far])
        assert after["connected"] and after["length_km"] == before["length_km"], far


def test_places_on_the_route_come_in_route_order_with_their_distance(liechtenstein):
    ws, _, _ = liechtenstein
    r = _corridor(ws, "Balzers", "Ruggell")
    along = [p["along_km"] for p in r["places_along"]]
    assert along == sorted(along)
    names = [p["name"] for p in r["places_along"]]
    assert names.index("Balzers") < names.index("Vaduz") < names.index("Schaan") < names.index("Ruggell")
    assert all(p["off_km"] <= 5 for p in r["places_along"])


def test_an_unknown_bridge_is_a_clear_error(liechtenstein):
    from basewatch.errors import ValidationError

    ws, _, _ = liechtenstein
    with pytest.raises(ValidationError, match=r"--assume-cut: no bridge or OSM way 'Golden Gate'"):
        _corridor(ws, "Balzers", "Ruggell", assume_cut=["Golden Gate"])


def _disc(lon: float, lat: float, radius_m: float):
    import numpy as np
    import pyproj
    import shapely

    az = np.linspace(0, 360, 181)[:-1]
    x, y, _ = pyproj.Geod(ellps="WGS84").fwd(np.full(az.size, lon), np.full(az.size, lat), az,
                                             np.full(az.size, radius_m))
    return shapely.Polygon(np.column_stack([x, y]))


@pytest.mark.parametrize("captured,a,b,km", [
    ("Gamprin-Bendern", "Schaan", "Ruggell", 0.5), ("Nendeln", "Schaan", "Mauren", 0.5),
    ("Vaduz", "Triesen", "Schaan", 0.4), ("Eschen", "Schaan", "Ruggell", 1.0)])
def test_a_capture_on_the_route_reroutes_where_a_road_exists(liechtenstein, captured, a, b, km):
    ws, path, ref = liechtenstein
    towns = place_nodes(path)
    before = _corridor(ws, a, b)
    r = _corridor(ws, a, b, assume_captured=[captured], capture_radius_km=km)
    assert r["captures"] == [{"place": captured, "extent": f"disc {km:.1f} km", "from": "--capture-radius"}]
    expected = ref.length_m(towns[a], towns[b], avoid=_disc(*towns[captured], km * 1000))
    assert r["connected"] == (expected is not None)
    if expected is not None:
        assert r["length_km"] * 1000 == pytest.approx(expected, rel=0.01, abs=100)
        assert r["length_km"] >= before["length_km"]


def test_bridges_assumed_cut_by_way_id_reroute_as_the_independent_path(liechtenstein):
    ws, path, ref = liechtenstein
    towns = place_nodes(path)
    a, b = "Balzers", "Ruggell"
    base = ref.length_m(towns[a], towns[b])
    # The bridges whose loss changes the independent route, and a few whose loss does not.
    effect = {w: ref.length_m(towns[a], towns[b], avoid_ways=(w,)) for w in sorted(ref.bridges)}
    on = [w for w, d in effect.items() if d is None or d > base + 1][:5]
    off = [w for w, d in effect.items() if d is not None and abs(d - base) < 1][:3]
    assert on and off
    for way in on + off:
        r = _corridor(ws, a, b, assume_cut=[str(way)])
        assert r["connected"] == (effect[way] is not None), way
        if effect[way] is not None:
            assert r["length_km"] * 1000 == pytest.approx(effect[way], rel=0.01, abs=100), way


def test_overpass_json_of_the_same_ways_gives_the_same_roads(tmp_path):
    """The extract's nodes and highway ways written as Overpass JSON read back as the PBF."""
    import osmium

    from basewatch.model.roads import RoadSegment
    from basewatch.sources.osm import parse_osm

    pbf = osm_dev() / "liechtenstein-2015.osm.pbf"
    elements = []
    for o in osmium.FileProcessor(str(pbf)):
        if isinstance(o, osmium.osm.Node):
            elements.append({"type": "node", "id": o.id, "lat": o.location.lat, "lon": o.location.lon})
        elif isinstance(o, osmium.osm.Way) and "highway" in o.tags:
            elements.append({"type": "way", "id": o.id, "nodes": [n.ref for n in o.nodes],
                             "tags": dict(o.tags)})
    js = tmp_path / "li.json"
    js.write_text(json.dumps({"osm3s": {}, "elements": elements}))

    def roads(p):
        return {r.id: (list(r.geometry.coords), r.road_class, r.oneway, r.access, r.bridge)
                for r in parse_osm(p).records if isinstance(r, RoadSegment)}

    a, b = roads(pbf), roads(js)
    assert a.keys() == b.keys() and len(a) > 300
    import numpy as np

    for k in a:
        assert a[k][1:] == b[k][1:]
        xa, xb = np.array(a[k][0]), np.array(b[k][0])
        assert xa.shape == xb.shape and np.allclose(xa, xb, atol=1e-7), k


@pytest.mark.parametrize("a,b", [("Balzers", "Vaduz"), ("Vaduz", "Balzers"), ("Schaan", "Eschen"),
                                 ("Eschen", "Schaan"), ("Siltasaari", "Kluuvi"), ("Helsinki", "Hakaniemi")])
def test_directed_routes_follow_one_ways_as_the_independent_path(liechtenstein, helsinki, a, b):
    ws, path, ref = helsinki if {a, b} & {"Helsinki", "Siltasaari"} else liechtenstein
    towns = place_nodes(path)
    r = _corridor(ws, a, b, directed=True)
    expected = ref.length_m(towns[a], towns[b], directed=True)
    assert r["connected"] == (expected is not None)
    if expected is not None:
        assert r["length_km"] * 1000 == pytest.approx(expected, rel=0.01, abs=100)
        assert r["length_km"] >= _corridor(ws, a, b)["length_km"]


def test_critical_places_cut_or_detour_as_the_independent_path_says(liechtenstein):
    """Each place's capture (its extent as basewatch finds it) cuts the corridor exactly when
    the independent path finds no way around that ground, and the detour is its length less
    the direct one; asked again, the answer read from the captures cache is the same."""
    import datetime as dt

    import shapely

    from basewatch.queries.corridors import captures, corridor
    from basewatch.store.roads import CAPTURE_CACHE

    ws, path, ref = liechtenstein
    towns = place_nodes(path)
    a, b = "Balzers", "Ruggell"
    r = corridor(ws, a, b, dt.date(2024, 2, 1), side="blue")
    base = ref.length_m(towns[a], towns[b])
    assert base is not None and r["connected"]
    by_name = {p.name: p for p in ws.places()}
    checked = 0
    for c in r["critical_places"]:
        group = [by_name[n] for n in c["places"]]
        area = shapely.union_all([x.area for x in captures(ws, group)])
        if area.intersects(shapely.points([towns[a], towns[b]])).any():
            continue  # an end inside the captured ground: snapped differently by design
        expected = ref.length_m(towns[a], towns[b], avoid=area)
        assert c["cuts"] == (expected is None), c
        if expected is not None and len(group) == 1:
            assert c["detour_km"] == pytest.approx((expected - base) / 1000, abs=0.01 * base / 1000 + 0.1)
        checked += 1
    assert checked >= 5 and any(c["cuts"] for c in r["critical_places"])
    assert (ws.folder / CAPTURE_CACHE).exists()
    again = corridor(ws, a, b, dt.date(2024, 2, 1), side="blue")
    assert again["critical_places"] == r["critical_places"]
    (ws.folder / CAPTURE_CACHE).write_text("{not json")
    assert corridor(ws, a, b, dt.date(2024, 2, 1), side="blue")["critical_places"] == r["critical_places"]
