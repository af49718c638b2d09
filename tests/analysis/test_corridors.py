import itertools

import networkx as nx
import numpy as np
import pytest
from shapely.geometry import LineString, box

from basewatch.analysis.corridors import (
    blocked_edges,
    build_graph,
    captured_ground,
    connect,
    critical_places,
    snap,
    snap_point,
)
from basewatch.analysis.geodesy import length_km
from basewatch.errors import NotFoundError
from basewatch.model import Place, Provenance, Source
from basewatch.model.roads import RoadSegment

P = Provenance(Source("test"))


def road(rid, *xy, ref=""):
    return RoadSegment(rid, LineString(xy), P, "primary", ref)


def grid(n=4, step=0.1):
    """An n x n grid of roads; every edge its own road, so every vertex is a node."""
    segs = []
    for i, j in itertools.product(range(n), range(n)):
        x, y = 36 + i * step, 35 + j * step
        if i + 1 < n:
            segs.append(road(f"h{i}{j}", (x, y), (x + step, y)))
        if j + 1 < n:
            segs.append(road(f"v{i}{j}", (x, y), (x, y + step)))
    return segs


def test_degree_two_chains_are_contracted_and_lengths_are_geodesic():
    segs = [road("a", (36.0, 35.0), (36.1, 35.0), (36.2, 35.05), (36.3, 35.0)),
            road("b", (36.3, 35.0), (36.3, 35.2)), road("c", (36.3, 35.0), (36.4, 35.0))]
    rg = build_graph(segs)
    assert rg.graph.number_of_nodes() == 4 and rg.graph.number_of_edges() == 3
    lengths = sorted(d["length_m"] for *_, d in rg.graph.edges(keys=True, data=True))
    expected = sorted(length_km(s.geometry) * 1000 for s in segs)
    assert lengths == pytest.approx(expected, rel=1e-12)


def test_connectivity_matches_networkx_on_random_blockings():
    rg = build_graph(grid(5))
    rng = np.random.default_rng(3)
    a = snap(rg, 36.0, 35.0, "a")[0]
    b = snap(rg, 36.4, 35.4, "b")[0]
    sa, sb = snap_point(rg, 36.0, 35.0, "a"), snap_point(rg, 36.4, 35.4, "b")
    outcomes = set()
    for k in range(30):
        cx, cy = rng.uniform(36.0, 36.4), rng.uniform(35.0, 35.4)
        half = 0.5 if k % 3 == 0 else 0.05  # every third a band across the grid
        hostile = box(cx - half, cy - 0.05, cx + half, cy + 0.05)
        blocked = blocked_edges(rg, hostile)
        res = connect(rg, sa, sb, blocked, [])
        # Independent check: networkx on a graph rebuilt without the blocked edges.
        g = nx.Graph()
        g.add_nodes_from(rg.graph.nodes)
        for u, v, k, d in rg.graph.edges(keys=True, data=True):
            if not d["geometry"].intersects(hostile):
                g.add_edge(u, v, w=d["length_m"])
        assert res.connected == nx.has_path(g, a, b)
        outcomes.add(res.connected)
        if res.connected:
            assert res.length_km * 1000 == pytest.approx(nx.shortest_path_length(g, a, b, weight="w"))
    assert outcomes == {True, False}


def test_an_edge_partly_inside_hostile_ground_is_blocked_and_reported():
    segs = [road("west", (36.0, 35.0), (36.5, 35.0), ref="M5"), road("east", (36.5, 35.0), (37.0, 35.0), ref="M5")]
    rg = build_graph(segs)
    a, b = snap_point(rg, 36.0, 35.0, "a"), snap_point(rg, 37.0, 35.0, "b")
    hostile = box(36.8, 34.9, 36.95, 35.1)  # touches only the eastern road
    blocked = blocked_edges(rg, hostile)
    assert len(blocked.hostile) == 1
    res = connect(rg, a, b, blocked, [Place("x", "Eastville", 36.95, 35.0, P)])
    assert not res.connected
    # One line per road, with the length of road blocked (the eastern road, 0.5 degrees).
    (br,) = res.breaks
    assert br["road"] == "M5" and br["near"] == ["Eastville"]
    assert br["km"] == pytest.approx(length_km(segs[1].geometry), abs=0.05)


def test_friendly_mode_blocks_roads_through_third_party_ground():
    segs = [road("inside", (36.0, 35.0), (36.5, 35.0)), road("abroad", (36.5, 35.0), (37.0, 35.0))]
    rg = build_graph(segs)
    friendly = box(35.9, 34.9, 36.6, 35.1)
    assert len(blocked_edges(rg, box(0, 0, 0.1, 0.1), friendly).outside) == 1
    assert blocked_edges(rg, box(0, 0, 0.1, 0.1), None).all == set()


def test_minimum_cut_in_places_matches_networkx_node_cut():
    """A ladder: two parallel roads joined at both ends through junction towns."""
    towns = {"A": (36.0, 35.0), "N": (36.3, 35.1), "S": (36.3, 34.9), "B": (36.6, 35.0), "M": (36.3, 35.0)}
    segs = [road("an", towns["A"], towns["N"]), road("nb", towns["N"], towns["B"]),
            road("as", towns["A"], towns["S"]), road("sb", towns["S"], towns["B"])]
    rg = build_graph(segs)
    places = [Place(k.lower(), k, *xy, P) for k, xy in towns.items() if k in "NSM"]
    a, b = snap_point(rg, *towns["A"], "A"), snap_point(rg, *towns["B"], "B")
    base = blocked_edges(rg, box(0, 0, 0.1, 0.1))
    res = connect(rg, a, b, base, places)
    crit = critical_places(rg, a, b, base, box(0, 0, 0.1, 0.1), res.route, places,
                           lambda p: captured_ground([p], 5_000), max_candidates=10)
    cuts = [set(c["places"]) for c in crit if c["cuts"]]
    # networkx: the minimum node cut between A and B is {N, S}.
    g = nx.Graph([(s.id[0], s.id[1]) for s in segs])
    assert nx.minimum_node_cut(g, "a", "b") == {"n", "s"}
    assert cuts == [{"N", "S"}]


def test_snapping_far_from_any_road_says_how_far():
    rg = build_graph([road("r", (36.0, 35.0), (36.1, 35.0))])
    with pytest.raises(NotFoundError, match=r"Nowhere is not near any road: the nearest road node is 1\d\d\.\d km away"):
        snap(rg, 37.5, 35.0, "Nowhere")


def test_corridor_index_agrees_with_has_path_on_random_days():
    from basewatch.analysis.corridors import CorridorIndex

    rg = build_graph(grid(6))
    a = snap(rg, 36.0, 35.0, "a")[0]
    b = snap(rg, 36.5, 35.5, "b")[0]
    rng = np.random.default_rng(11)
    blocked = {}
    for day in range(30):
        cx, cy = rng.uniform(36.0, 36.5), rng.uniform(35.0, 35.5)
        half = 0.4 if day % 3 == 0 else 0.12  # every third day a band wide enough to cut
        blocked[day] = blocked_edges(rg, box(cx - half, cy - 0.02, cx + half, cy + 0.02)).all
    index = CorridorIndex(rg, blocked)
    answers = set()
    for day, shut in blocked.items():
        g = nx.Graph()
        g.add_nodes_from(rg.graph.nodes)
        both = shut | {(v, u, k) for u, v, k in shut}
        g.add_edges_from((u, v) for u, v, k in rg.edge_keys if (u, v, k) not in both)
        expected = nx.has_path(g, a, b)
        assert index.connected(day, a, b) == expected
        answers.add(expected)
    assert answers == {True, False}
