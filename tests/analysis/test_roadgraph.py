"""The routing graph: snapping to the nearest point of a road, one-ways, ferries, closed roads
and bridges assumed cut. Lengths checked with pyproj.Geod."""

import itertools

import pyproj
import pytest
from shapely.geometry import LineString

from basewatch.analysis.corridors import Blocked, blocked_edges, bridge_edges, connect
from basewatch.analysis.roadgraph import EdgeRule, build_graph, shortest_route, snap_point
from basewatch.errors import NotFoundError
from basewatch.model import Provenance, Source
from basewatch.model.roads import RoadSegment

P = Provenance(Source("test"))
GEOD = pyproj.Geod(ellps="WGS84")


def road(rid, *xy, cls="primary", oneway=0, access="", bridge="", name=""):
    return RoadSegment(rid, LineString(xy), P, cls, "", name, oneway, access, bridge)


def geod_m(*xy):
    return sum(GEOD.inv(*a, *b)[2] for a, b in itertools.pairwise(xy))


def test_a_site_snaps_to_the_nearest_point_of_a_road_not_to_a_junction():
    rg = build_graph([road("long", (36.0, 35.0), (36.4, 35.0))])  # two nodes 36 km apart
    s = snap_point(rg, 36.2, 35.01, "site")
    assert s.lon == pytest.approx(36.2, abs=1e-4) and s.lat == pytest.approx(35.0, abs=1e-4)
    assert s.leg_m == pytest.approx(GEOD.inv(36.2, 35.01, 36.2, 35.0)[2], rel=1e-3)
    assert s.along_m == pytest.approx(geod_m((36.0, 35.0), (36.2, 35.0)), rel=1e-3)
    with pytest.raises(NotFoundError, match=r"far is not near any road: the nearest road is 5\d\.\d km away"):
        snap_point(rg, 36.2, 35.5, "far")


def test_a_route_between_two_points_of_one_road_is_the_stretch_between_them():
    rg = build_graph([road("long", (36.0, 35.0), (36.4, 35.0))])
    a, b = snap_point(rg, 36.1, 35.0, "a"), snap_point(rg, 36.3, 35.0, "b")
    r = shortest_route(rg, a, b, EdgeRule())
    assert r is not None and r.length_m == pytest.approx(geod_m((36.1, 35.0), (36.3, 35.0)), rel=1e-3)


ONEWAY = [road("fast", (36.0, 35.0), (36.2, 35.0), oneway=1),  # eastbound only
          road("back1", (36.2, 35.0), (36.1, 35.1)), road("back2", (36.1, 35.1), (36.0, 35.0))]


def test_one_ways_count_only_when_routing_is_directed():
    rg = build_graph(ONEWAY)
    east, west = snap_point(rg, 36.2, 35.0, "e"), snap_point(rg, 36.0, 35.0, "w")
    straight = geod_m((36.0, 35.0), (36.2, 35.0))
    detour = geod_m((36.2, 35.0), (36.1, 35.1), (36.0, 35.0))
    assert shortest_route(rg, east, west, EdgeRule()).length_m == pytest.approx(straight, rel=1e-6)
    assert shortest_route(rg, east, west, EdgeRule(directed=True)).length_m == pytest.approx(detour, rel=1e-6)
    assert shortest_route(rg, west, east, EdgeRule(directed=True)).length_m == pytest.approx(straight, rel=1e-6)
    # A site in the middle of the one-way road may leave it only forward.
    mid = snap_point(rg, 36.1, 35.0, "m")
    r = shortest_route(rg, mid, west, EdgeRule(directed=True))
    assert r.length_m == pytest.approx(geod_m((36.1, 35.0), (36.2, 35.0)) + detour, rel=1e-3)


def test_ferries_are_optional_edges_and_closed_roads_are_avoided():
    segs = [road("main", (14.0, 36.0), (14.2, 36.0)),
            road("ferry", (14.2, 36.0), (14.3, 36.1), cls="ferry", name="Gozo ferry"),
            road("island", (14.3, 36.1), (14.35, 36.1)),
            road("base", (14.0, 36.0), (14.0, 36.1), access="military"),
            road("base2", (14.0, 36.1), (14.05, 36.1))]
    rg = build_graph(segs)
    a, b = snap_point(rg, 14.0, 36.0, "a"), snap_point(rg, 14.35, 36.1, "b")
    assert shortest_route(rg, a, b, EdgeRule()) is None
    res = connect(rg, a, b, Blocked(frozenset()), [], ferries=True)
    assert res.connected and res.ferries == ("Gozo ferry",)
    c = snap_point(rg, 14.05, 36.1, "c")
    assert shortest_route(rg, a, c, EdgeRule()) is None
    assert shortest_route(rg, a, c, EdgeRule(restricted=True)) is not None


def test_a_bridge_assumed_cut_by_name_or_way_id_forces_the_other_crossing():
    segs = [road("w1", (30.0, 50.0), (30.1, 50.0)),
            road("osm-way-42", (30.1, 50.0), (30.12, 50.0), bridge="Paton Bridge"),
            road("e1", (30.12, 50.0), (30.3, 50.0)),
            road("n1", (30.0, 50.0), (30.1, 50.1)),
            road("osm-way-43", (30.1, 50.1), (30.12, 50.1), bridge="North Bridge"),
            road("n2", (30.12, 50.1), (30.3, 50.0))]
    rg = build_graph(segs)
    a, b = snap_point(rg, 30.0, 50.0, "a"), snap_point(rg, 30.3, 50.0, "b")
    for names in (["Paton Bridge"], ["42"], ["osm-way-42"]):
        cut, missing = bridge_edges(rg, names)
        assert len(cut) == 1 and missing == []
        res = connect(rg, a, b, blocked_edges(rg, LineString().buffer(0), cut=cut), [])
        assert res.connected and res.length_km * 1000 == pytest.approx(
            geod_m((30.0, 50.0), (30.1, 50.1), (30.12, 50.1), (30.3, 50.0)), rel=1e-3)
    both, _ = bridge_edges(rg, ["Paton Bridge", "north bridge"])
    res = connect(rg, a, b, blocked_edges(rg, LineString().buffer(0), cut=both), [])
    assert not res.connected
    assert sorted(x["road"] for x in res.breaks if x["bridge_cut"]) == ["Paton Bridge"]
    assert bridge_edges(rg, ["Golden Gate"])[1] == ["Golden Gate"]


def test_two_sites_on_one_road_blocked_between_them_are_cut_each_side_open_on_its_own():
    from shapely.geometry import box

    rg = build_graph([road("long", (36.0, 35.0), (36.4, 35.0))])
    a, b = snap_point(rg, 36.05, 35.0, "a"), snap_point(rg, 36.4, 35.0, "b")
    blocked = blocked_edges(rg, box(36.2, 34.9, 36.3, 35.1))
    assert blocked.halves(rg, a, b) == ((True, False), (False, True))
    assert not connect(rg, a, b, blocked, []).connected
    c = snap_point(rg, 36.35, 35.0, "c")  # east of the block, like b
    assert connect(rg, c, b, blocked, []).length_km == pytest.approx(
        geod_m((36.35, 35.0), (36.4, 35.0)) / 1000, rel=1e-3)
