"""The stored routing graph: read back equal to a fresh build, rebuilt when the roads change or
the cache is damaged, and never a pickle."""

import json

import numpy as np

from basewatch.analysis.roadgraph import build_graph
from basewatch.sources.importing import import_file
from basewatch.store.roads import GRAPH_CACHE, ROADS, road_graph


def _roads(tmp_path, name, coords, prefix="r"):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": f"{prefix}{i}", "ref": f"M{i}", "oneway": 1 if i == 0 else 0,
                                           "bridge": "Old Bridge" if i == 1 else "", "source": "t"},
         "geometry": {"type": "LineString", "coordinates": c}} for i, c in enumerate(coords)]}
    p = tmp_path / name
    p.write_text(json.dumps(fc))
    return p


def _same(a, b):
    assert a.edge_keys == b.edge_keys and np.allclose(a.node_xy, b.node_xy)
    for k in a.edge_keys:
        da, db = a.edge(k), b.edge(k)
        for f in ("start", "ref", "fwd", "bwd", "ferry", "access", "bridges", "segments"):
            assert da[f] == db[f], f
        assert da["length_m"] == db["length_m"] and da["geometry"].equals(db["geometry"])


def test_the_cache_reads_back_the_graph_and_follows_the_roads(ws, tmp_path):
    import_file(ws, "roads", _roads(tmp_path, "a.geojson", [[[36.0, 35.0], [36.1, 35.0], [36.2, 35.1]],
                                                             [[36.1, 35.0], [36.1, 35.2]]]))
    first = road_graph(ws)
    cache = ws.folder / GRAPH_CACHE
    assert cache.exists()
    with np.load(cache, allow_pickle=False) as z:  # arrays only: loading runs no code
        assert "key" in z.files
    _same(road_graph(ws), build_graph(ws.store.select(ROADS)))
    assert road_graph(ws).n_edges == first.n_edges == 3
    import_file(ws, "roads", _roads(tmp_path, "b.geojson", [[[36.2, 35.1], [36.3, 35.1]]], "s"))
    assert road_graph(ws).n_edges == 4  # new roads: rebuilt
    cache.write_bytes(b"not a cache")
    assert road_graph(ws).n_edges == 4  # damaged: rebuilt
