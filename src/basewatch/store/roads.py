"""Store layers of the road network and of the areas read with it (town extents)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basewatch.model.roads import Extent, RoadSegment
from basewatch.store.base import LayerSpec, _multi, register_layer

if TYPE_CHECKING:
    from basewatch.analysis.captures import Capture
    from basewatch.analysis.roadgraph import RoadGraph
    from basewatch.model import Place

__all__ = ["CAPTURE_CACHE", "EXTENTS", "GRAPH_CACHE", "ROADS", "CaptureCache", "road_graph"]

ROADS = register_layer(LayerSpec(
    name="roads",
    geometry_type="LINESTRING",
    columns={"id": ("TEXT", lambda d: d["id"]), "road_class": ("TEXT", lambda d: d["road_class"]),
             "ref": ("TEXT", lambda d: d["ref"]), "name": ("TEXT", lambda d: d["name"])},
    key=("id",),
    from_dict=RoadSegment.from_dict,
    geometry=lambda r: r.geometry,
    geometry_field="geometry",
    description="Road network (OSM ways or road lines).",
    encode_rows=lambda roads: _road_rows(roads),
))

def _road_rows(roads: Any) -> list[tuple[list[Any], str]]:
    """Column values and stored JSON of many roads: the same as each road's ``to_dict``
    without its geometry through the extractors and :func:`~basewatch.store.base.dumps`
    (sorted keys, no spaces, UTF-8 kept), written from its strings with the provenance
    encoded once, at a fraction of the cost (tests/store/test_roads_encode.py)."""
    from json.encoder import encode_basestring as q  # the encoder dumps uses without ensure_ascii

    from basewatch.store.base import PROVENANCE_COLUMNS, dumps
    from basewatch.store.encoding import ProvenanceCells

    prov_cells = ProvenanceCells(ROADS.columns)
    getters = [g for _, g in ROADS.columns.values()] + [
        g for n, (_, g) in PROVENANCE_COLUMNS.items() if n not in ROADS.columns]
    out: list[tuple[list[Any], str]] = []
    for r in roads:
        text = None
        if type(r) is RoadSegment and type(r.oneway) is int:  # not True, numpy ints
            ptext, pvalues = prov_cells(r.provenance)
            try:  # text fields are str (the C encoder refuses anything else: then the slow way)
                text = (f'{{"access":{q(r.access)},"bridge":{q(r.bridge)},"id":{q(r.id)},'
                        f'"name":{q(r.name)},"oneway":{r.oneway},"provenance":{ptext},'
                        f'"ref":{q(r.ref)},"road_class":{q(r.road_class)}}}')
            except TypeError:
                pass
            else:
                out.append(([r.id, r.road_class, r.ref, r.name, *pvalues], text))
                continue
        d = r.properties() if type(r) is RoadSegment else r.to_dict()
        d.pop("geometry", None)
        out.append(([g(d) for g in getters], dumps(d)))
    return out


EXTENTS = register_layer(LayerSpec(
    name="extents",
    geometry_type="MULTIPOLYGON",
    columns={"id": ("TEXT", lambda d: d["id"]), "kind": ("TEXT", lambda d: d["kind"]),
             "name": ("TEXT", lambda d: d["name"])},
    key=("id",),
    from_dict=Extent.from_dict,
    geometry=lambda r: _multi(r.geometry),
    geometry_field="geometry",
    indexes=(("kind",),),
    description="Areas of a road extract: administrative boundaries, built-up land, military areas.",
))


#: The routing graph, materialized next to the store: rebuilt when the roads change.
GRAPH_CACHE = "cache/roadgraph.npz"
_GRAPH_VERSION = 2


def _graph_key(ws: Any, layer: LayerSpec = ROADS, version: int = _GRAPH_VERSION) -> str:
    """What the graph (or the captures) depends on: the road imports (file digests, times)
    and the count of roads (or extents)."""
    from basewatch.store.base import IMPORTS

    imports = sorted(f"{r.sha256}@{r.at.isoformat()}" for r in ws.store.select(IMPORTS)
                     if r.kind == "roads")
    n = ws.store.count(layer)
    return hashlib.sha256(json.dumps([version, n, imports]).encode()).hexdigest()


def road_graph(ws: Any) -> RoadGraph:
    """The workspace's routing graph: read from its cache when the roads have not changed since
    it was built, else built from the roads (analysis/roadgraph.py) and cached. The cache holds
    arrays and JSON only (numpy ``allow_pickle=False``): a workspace from elsewhere cannot run
    code through it."""
    from basewatch.analysis.roadgraph import build_graph

    key = _graph_key(ws)
    path = Path(ws.folder) / GRAPH_CACHE
    try:
        if path.exists():
            rg = _read(path, key)
            if rg is not None:
                return rg
    except (OSError, ValueError, KeyError):
        pass  # a stale or damaged cache is rebuilt
    rg = build_graph(ws.store.select(ROADS))
    try:
        _write(path, key, rg)
    except OSError:
        pass  # a read-only workspace answers without the cache
    return rg


def _write(path: Path, key: str, rg: RoadGraph) -> None:
    import numpy as np
    import shapely

    from basewatch.analysis.roadgraph_build import ROAD_FIELDS

    g = rg.graph
    coords, which = shapely.get_coordinates(g.geoms, return_index=True)
    offsets = np.searchsorted(which, np.arange(len(g.geoms) + 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, key=np.frombuffer(key.encode(), dtype=np.uint8), nodes=g.node_xy.reshape(-1, 2),
             uvk=g.uvk.reshape(-1, 3), road=g.road, length=g.length_m,
             flags=np.stack([g.fwd, g.bwd], axis=1).reshape(-1, 2), coords=coords.reshape(-1, 2),
             offsets=offsets,
             text=np.frombuffer(json.dumps([g.roads[f] for f in ROAD_FIELDS]).encode(), dtype=np.uint8))
    os.replace(tmp, path)


def _read(path: Path, key: str) -> RoadGraph | None:
    import numpy as np
    import shapely

    from basewatch.analysis.roadgraph import graph_of
    from basewatch.analysis.roadgraph_build import ROAD_FIELDS, EdgeTable

    with np.load(path, allow_pickle=False) as z:
        if bytes(z["key"]).decode() != key:
            return None
        nodes, uvk, road, length = z["nodes"], z["uvk"], z["road"], z["length"]
        flags, coords, offsets = z["flags"], z["coords"], z["offsets"]
        text = json.loads(bytes(z["text"]).decode())
    counts = np.diff(offsets)
    geoms = shapely.linestrings(coords, indices=np.repeat(np.arange(len(counts)), counts)) \
        if len(counts) else np.empty(0, dtype=object)
    return graph_of(EdgeTable(nodes, uvk, road, flags[:, 0].copy(), flags[:, 1].copy(), length,
                              np.asarray(geoms, dtype=object), dict(zip(ROAD_FIELDS, text, strict=True))))


#: What places' captures take when taken by their extents (analysis/captures.py), kept between
#: commands: finding a town's built-up area reads and merges the land around it, which a
#: question about a corridor needs for each of its candidate critical places.
CAPTURE_CACHE = "cache/captures.json"
_CAPTURE_VERSION = 1


class CaptureCache:
    """The captures of places by their extents (no ``--capture-radius``, no ``extent_km``),
    computed once per place and kept next to the store; rebuilt when the extents change
    (a road import) or the place does (its position, names, kind, population). Holds JSON and
    WKB only."""

    def __init__(self, ws: Any) -> None:
        self.path = Path(ws.folder) / CAPTURE_CACHE
        self.key = _graph_key(ws, EXTENTS, _CAPTURE_VERSION)
        self._entries: dict[str, list[str]] = {}
        self._dirty = False
        try:
            doc = json.loads(self.path.read_text("utf-8"))
            if isinstance(doc, dict) and doc.get("key") == self.key:
                self._entries = dict(doc.get("places") or {})
        except (OSError, ValueError):
            pass  # none yet, or damaged: rebuilt

    @staticmethod
    def _id(place: Place) -> str:
        return json.dumps([place.id, place.lon, place.lat, list(place.names), place.kind,
                           place.population])

    def get(self, place: Place) -> Capture | None:
        import shapely

        from basewatch.analysis.captures import Capture

        hit = self._entries.get(self._id(place))
        if hit is None:
            return None
        wkb, extent, source = hit
        return Capture(place, shapely.from_wkb(bytes.fromhex(wkb)), extent, source)

    def put(self, c: Capture) -> None:
        import shapely

        self._entries[self._id(c.place)] = [shapely.to_wkb(c.area, hex=True), c.extent, c.source]
        self._dirty = True

    def save(self) -> None:
        """Write the entries added (a read-only workspace answers without the cache)."""
        if not self._dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"key": self.key, "places": self._entries}), "utf-8")
            os.replace(tmp, self.path)
            self._dirty = False
        except OSError:
            pass
