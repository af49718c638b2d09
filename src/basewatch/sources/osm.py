"""OpenStreetMap extracts as they come: PBF, XML (plain, .bz2, .gz) and Overpass JSON.

What is kept (docs/corridors.md):

- ways tagged ``highway`` with one of ``classes`` (by default every class of
  :data:`ROAD_CLASSES` and all of their ``*_link``\\ s), with ``ref``, ``name``, ``oneway``
  (``junction=roundabout`` and motorways are one-way unless tagged otherwise), access
  restrictions (``access``, ``vehicle`` or ``motor_vehicle`` = no/private; roads mostly
  inside a ``landuse=military`` area are marked ``military``) and bridges (named by
  ``bridge:name``, else the road's name);
- ways tagged ``route=ferry`` as ferry lines (optional edges of the routing graph);
- with ``places``, the named ``place=*`` nodes of the kinds of :data:`PLACE_KINDS` as places
  (id from the name, ``population`` kept), so that captures and "places on the route" work
  on an extract alone;
- areas the captures use: administrative boundaries (named, ``admin_level`` 4 and finer),
  ``place=*`` areas, built-up land (``landuse`` residential, commercial, retail, industrial)
  and military areas.

Extracts cut by a bounding box reference nodes that are not in the file: such ways are cut at
the missing nodes (the pieces with two nodes or more are kept) and the import warns with the
counts. The file is streamed (libosmium, node locations in a sparse index), never read whole.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from basewatch.errors import ImportFormatError
from basewatch.model import Place, Provenance, Source
from basewatch.model.facility import normalize_name
from basewatch.model.roads import FERRY_CLASS, Extent, RoadSegment
from basewatch.sources._common import Parsed, max_file_bytes

__all__ = ["DEFAULT_CLASSES", "LINK_CLASSES", "MINOR_CLASSES", "OSM_SUFFIXES", "PLACE_KINDS", "ROAD_CLASSES",
           "is_osm_file", "parse_osm"]

#: The road classes kept by default: the network between towns that convoys use.
ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary")
#: Their links (slip roads, interchanges): without them a route must leave the network.
LINK_CLASSES = tuple(f"{c}_link" for c in ROAD_CLASSES)
DEFAULT_CLASSES = ROAD_CLASSES + LINK_CLASSES
#: The rest of the drivable network, kept on request (``--classes all``).
MINOR_CLASSES = ("unclassified", "residential", "living_street", "service", "road", "track")

OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.xml", ".osm.bz2", ".osm.gz", ".osm.xml.bz2",
                ".osm.xml.gz", ".osm.json", ".overpass.json")

#: The kinds of ``place=*`` node imported as places (with ``places``).
PLACE_KINDS = ("city", "town", "village", "suburb", "hamlet")

#: The tags of a way that its road record uses (the rest never leave libosmium).
_WAY_KEYS = ("highway", "route", "ref", "name", "oneway", "junction", "motorcar", "motor_vehicle",
             "vehicle", "access", "bridge", "bridge:name")
_BUILT_UP = {"residential", "commercial", "retail", "industrial"}
_CLOSED = {"no", "private"}
_ONEWAY_YES = {"yes", "true", "1"}
_ONEWAY_NO = {"no", "false", "0", "reversible", "alternating"}


def is_osm_file(path: Path, head: bytes = b"") -> bool:
    """True for the OSM file names above, and for JSON that looks like Overpass output."""
    name = path.name.lower()
    if name.endswith(OSM_SUFFIXES):
        return True
    return name.endswith(".json") and b'"elements"' in head and b'"osm3s"' in head


def _sha256(p: Path) -> str:
    h = hashlib.sha256()
    with p.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _oneway(tags: Mapping[str, str]) -> int:
    v = tags.get("oneway", "").lower()
    if v in _ONEWAY_YES:
        return 1
    if v in ("-1", "reverse"):
        return -1
    if v in _ONEWAY_NO:
        return 0
    hw = tags.get("highway", "")
    implied = hw in ("motorway", "motorway_link") or tags.get("junction") in ("roundabout", "circular")
    return 1 if implied else 0


def _access(tags: Mapping[str, str]) -> str:
    for k in ("motorcar", "motor_vehicle", "vehicle", "access"):  # the most specific tag wins
        v = tags.get(k, "").lower()
        if v:
            return v if v in _CLOSED or v == "military" else ""
    return ""


class _Collector:
    """Turns ways (tags and node locations, None where a node is missing) into records."""

    def __init__(self, p: Path, classes: tuple[str, ...], places: bool = False) -> None:
        self.p = p
        self.want_places = places
        self.places: list[Place] = []
        self.keep = set(classes)
        self.prov = Provenance(Source("OpenStreetMap contributors", p.name,
                                      "https://www.openstreetmap.org/copyright"))
        self.roads: list[RoadSegment] = []
        self.extents: list[Extent] = []
        self.ways_cut = 0
        self.nodes_missing = 0

    def way(self, wid: int, tags: Mapping[str, str], coords: list[tuple[float, float] | None],
            line: BaseGeometry | None = None) -> None:
        """A way, from its node locations (None where a node is missing) or, when all are
        present, from its ``line`` already built."""
        hw = tags.get("highway", "")
        ferry = tags.get("route") == "ferry"
        if hw not in self.keep and not ferry:
            return
        if line is not None:
            self.roads.append(self._road(f"osm-way-{wid}", line, tags, hw, ferry))
            return
        runs: list[list[tuple[float, float]]] = [[]]
        for c in coords:
            if c is None:
                if runs[-1]:
                    runs.append([])
                continue
            runs[-1].append(c)
        missing = sum(c is None for c in coords)
        if missing:
            self.ways_cut += 1
            self.nodes_missing += missing
        elif len(coords) < 2:
            raise ImportFormatError(f"{self.p.name} way {wid}: fewer than two nodes")
        for k, run in enumerate(runs):  # pieces numbered by their place along the way
            if len(run) < 2:
                continue
            rid = f"osm-way-{wid}" if not missing else f"osm-way-{wid}-{k}"
            self.roads.append(self._road(rid, LineString(run), tags, hw, ferry))

    def _road(self, rid: str, line: BaseGeometry, tags: Mapping[str, str], hw: str,
              ferry: bool) -> RoadSegment:
        bridge = ""
        if tags.get("bridge", "no") not in ("no", ""):
            bridge = tags.get("bridge:name") or tags.get("name") or tags.get("ref") or "bridge"
        return RoadSegment(rid, line, self.prov, FERRY_CLASS if ferry and hw not in self.keep else hw,
                           tags.get("ref", ""), tags.get("name", ""), _oneway(tags), _access(tags),
                           bridge)

    def node(self, nid: int, tags: Mapping[str, str], lon: float, lat: float) -> None:
        kind, name = tags.get("place", ""), tags.get("name", "")
        if not self.want_places or kind not in PLACE_KINDS or not name:
            return
        pop = tags.get("population", "").replace(",", "").replace(" ", "")
        base = re.sub(r"[^a-z0-9]+", "-", normalize_name(name)).strip("-") or f"osm-node-{nid}"
        self.places.append(Place(
            base, name, lon, lat, self.prov, kind=kind,
            aliases=tuple(sorted({v for k, v in tags.items() if k.startswith("name:") and v != name})),
            population=int(pop) if pop.isdigit() else None))

    def area(self, oid: str, tags: Mapping[str, str], geom: BaseGeometry) -> None:
        kind = ""
        level: int | None = None
        if tags.get("boundary") == "administrative" and tags.get("name"):
            try:
                level = int(tags.get("admin_level", ""))
            except ValueError:
                level = None
            kind = "admin" if level is not None and level >= 4 else ""
        elif tags.get("place") and tags.get("name"):
            kind = "place"
        elif tags.get("landuse") == "military" or tags.get("military"):
            kind = "military"
        elif tags.get("landuse") in _BUILT_UP:
            kind = "built_up"
        if kind and not geom.is_empty:
            self.extents.append(Extent(f"osm-{oid}", kind, tags.get("name", ""), geom, self.prov, level))

    def finish(self) -> tuple[list[Any], list[str]]:
        self._mark_military()
        warnings = []
        # Two places of one name: the bigger (population, then kind) keeps the plain id.
        ranked = sorted(self.places, key=lambda p: (-(p.population or 0), PLACE_KINDS.index(p.kind)))
        count: dict[str, int] = {}
        unique = []
        for p in ranked:
            count[p.id] = count.get(p.id, 0) + 1
            pid = p.id if count[p.id] == 1 else f"{p.id}-{count[p.id]}"
            unique.append(dataclasses.replace(p, id=pid))
        self.places = unique
        if self.ways_cut:
            warnings.append(f"{self.p.name}: {self.ways_cut} way(s) reference {self.nodes_missing} "
                            "node(s) not in the file (an extract cut by a bounding box?); "
                            "they were cut at the missing nodes")
        return [*self.roads, *self.extents, *self.places], warnings

    def _mark_military(self) -> None:
        self.roads = military_access(self.roads, [e.geometry for e in self.extents
                                                  if e.kind == "military"])


def parse_osm(path: str | Path, classes: tuple[str, ...] = DEFAULT_CLASSES, *,
              places: bool = False) -> Parsed:
    """Roads and areas (and with ``places``, places) of an OSM extract (any of
    :data:`OSM_SUFFIXES`, or Overpass JSON), all in memory (a country's roads are best
    imported with :class:`OsmStream`, which hands them over in chunks)."""
    s = OsmStream(path, classes, places=places)
    roads = [r for chunk in s.chunks() for r in chunk]
    s.col.roads = roads  # finish() marks those in military areas
    records, warnings = s.col.finish()
    return Parsed(s.p, "roads", s.sha256, records, warnings)


class OsmStream:
    """An OSM extract read once, its roads handed over in chunks of about ``chunk`` as they are
    parsed (:meth:`chunks`), so that a country is never held whole: libosmium keeps the node
    locations (``locations``: its index type, ``flex_mem`` by default; ``sparse_file_array,PATH``
    keeps them in a file). The areas and places, a small part of an extract, are collected on the
    way and read when the chunks are done (:attr:`extents`, :attr:`places`, :attr:`warnings`).
    Roads are *not* marked as lying in military areas here: those areas may come after the roads
    in the file (:func:`military_access` marks them afterwards). A bad file raises
    :class:`ImportFormatError` (possibly after some chunks)."""

    def __init__(self, path: str | Path, classes: tuple[str, ...] = DEFAULT_CLASSES, *,
                 places: bool = False, chunk: int = 4000, locations: str = "flex_mem") -> None:
        p = Path(path)
        try:
            self.size = p.stat().st_size
        except OSError as exc:
            raise ImportFormatError(f"{p}: cannot read ({exc.strerror or exc})") from None
        if p.is_dir():
            raise ImportFormatError(f"{p}: is a folder, not a file")
        with p.open("rb") as f:
            self.head = f.read(4096)
        self.p, self.classes, self.chunk, self.locations = p, classes, chunk, locations
        self.col = _Collector(p, classes, places)
        self.n_roads = 0
        if not p.name.lower().endswith(".json"):
            if self.head.lstrip()[:1] in (b"{", b"["):
                raise ImportFormatError(f"{p.name}: JSON, not an OSM extract; for Overpass output "
                                        "use a .json name")
            _refuse_xml_entities(p)
        elif self.size > max_file_bytes():
            raise ImportFormatError(f"{p}: {self.size / 1e6:.1f} MB is over the import limit of "
                                    f"{max_file_bytes() / 1e6:.0f} MB for Overpass JSON "
                                    "(set BASEWATCH_MAX_IMPORT_MB to raise it)")

    @functools.cached_property
    def sha256(self) -> str:
        return _sha256(self.p)

    def chunks(self) -> Iterator[list[RoadSegment]]:
        """The roads, a chunk at a time; raises when the file has none."""
        col = self.col
        if self.p.name.lower().endswith(".json"):
            _read_overpass(self.p, col)  # bounded by the import limit: read whole
            parts: Iterator[None] = iter([None])
        else:
            parts = _read_osmium(self.p, col, self.chunk, self.locations)
        for _ in parts:
            out, col.roads = col.roads, []
            self.n_roads += len(out)
            if out:
                yield out
        if not self.n_roads:
            raise ImportFormatError(f"{self.p.name}: no roads found (classes kept: "
                                    f"{', '.join(self.classes)})")

    def rest(self) -> tuple[list[Any], list[str]]:
        """The extents and places, and the warnings (after :meth:`chunks`)."""
        records, warnings = self.col.finish()
        return records, warnings

    def military_areas(self) -> list[BaseGeometry]:
        """The file's military areas, read in a pass of their own that builds no road (the
        same areas :meth:`rest` gives), so that roads can be written as they will stay."""
        col = _Collector(self.p, ())
        if self.p.name.lower().endswith(".json"):
            _read_overpass(self.p, col)
        else:
            for _ in _read_osmium(self.p, col, 1 << 62, self.locations):
                col.roads = []
        return [e.geometry for e in col.extents if e.kind == "military"]


def military_access(roads: list[RoadSegment], military: list[BaseGeometry]) -> list[RoadSegment]:
    """``roads`` with those lying mostly (over half their length) inside a military area, and
    open by their tags, closed as ``military``; the others as they were."""
    import shapely

    from basewatch.analysis.geodesy import length_km

    if not military or not roads:
        return list(roads)
    tree = shapely.STRtree(military)
    out = []
    for r in roads:
        hits = tree.query(r.geometry, predicate="intersects")
        if len(hits) and not r.access:
            inside = shapely.intersection(r.geometry, shapely.union_all([military[i] for i in hits]))
            if length_km(inside) > 0.5 * length_km(r.geometry):  # mostly inside: a base road
                r = RoadSegment(r.id, r.geometry, r.provenance, r.road_class, r.ref, r.name,
                                r.oneway, "military", r.bridge)
        out.append(r)
    return out


def _refuse_xml_entities(p: Path) -> None:
    """OSM XML never needs a DTD: refuse one that declares entities (entity expansion bombs)
    before libosmium's XML parser sees the file. The DTD comes before the first element, so
    the file's first 64 KB (decompressed) tell."""
    import bz2
    import gzip

    name = p.name.lower()
    opener = bz2.open if name.endswith(".bz2") else gzip.open if name.endswith(".gz") else None
    if opener is None and not name.endswith((".osm", ".xml")):
        return  # PBF: no XML
    try:
        if opener is not None:
            with opener(p, "rb") as f:
                head = f.read(65536)
        else:
            with p.open("rb") as f:
                head = f.read(65536)
    except (OSError, EOFError, ValueError) as exc:
        raise ImportFormatError(f"{p.name}: not a readable OSM file ({exc})") from None
    if b"<!ENTITY" in head.upper():
        raise ImportFormatError(f"{p.name}: declares XML entities (a DTD); OSM XML has none, "
                                "and entity expansion is refused")


def _read_osmium(p: Path, col: _Collector, chunk: int = 4000,
                 locations: str = "flex_mem") -> Iterator[None]:
    """Reads the file into ``col``, yielding each time about ``chunk`` roads are in
    ``col.roads`` (the caller takes them)."""
    import osmium
    import shapely
    import shapely.wkb

    wkb = osmium.geom.WKBFactory()
    area_filter = osmium.filter.KeyFilter("boundary", "place", "landuse", "military")
    # Only the tags wanted reach Python (libosmium filters the rest: most of a country's
    # nodes and ways never become Python objects).
    wanted = osmium.filter.TagFilter(
        *[("highway", c) for c in sorted(col.keep)], ("route", "ferry"),
        *[("place", k) for k in ("city", "town", "village", "suburb", "hamlet", "neighbourhood",
                                 "quarter", "locality", "isolated_dwelling")],
        ("boundary", "administrative"),
        *[("landuse", v) for v in (*sorted(_BUILT_UP), "military")])
    whole: list[tuple[int, dict[str, str], str]] = []  # complete ways: hex WKB, made in C++
    keep = col.keep
    Way, Area, Node = osmium.osm.Way, osmium.osm.Area, osmium.osm.Node

    def flush() -> None:
        lines = shapely.from_wkb([w for *_, w in whole])
        for (wid, tags_, _), line in zip(whole, lines, strict=True):
            col.way(wid, tags_, [], line)
        whole.clear()

    try:
        fp = (osmium.FileProcessor(str(p)).with_locations(locations).with_areas(area_filter)
              .with_filter(wanted))
        for o in fp:
            if type(o) is Way:  # most objects: the tags a road needs, read one by one
                get = o.tags.get
                if get("highway") not in keep and get("route") != "ferry":
                    continue
                tags = {k: v for k in _WAY_KEYS if (v := get(k)) is not None}
                try:
                    whole.append((o.id, tags, wkb.create_linestring(o)))  # hex: shapely reads it
                except (osmium.InvalidLocationError, RuntimeError):  # missing nodes, or one point
                    coords: list[tuple[float, float] | None] = [
                        (n.lon, n.lat) if n.location.valid() else None for n in o.nodes]
                    col.way(o.id, tags, coords)
                if len(whole) + len(col.roads) >= chunk:
                    flush()
                    yield
            elif isinstance(o, Area):
                try:
                    geom = shapely.wkb.loads(wkb.create_multipolygon(o), hex=True)
                except RuntimeError:  # a broken multipolygon (common at an extract's edge)
                    continue
                oid = f"{'way' if o.from_way() else 'relation'}-{o.orig_id()}"
                col.area(oid, dict(o.tags), geom)
            elif isinstance(o, Node):
                if "place" in o.tags and o.location.valid():
                    col.node(o.id, dict(o.tags), o.location.lon, o.location.lat)
        flush()
        yield
    except ImportFormatError:
        raise
    except Exception as exc:  # noqa: BLE001  # libosmium reports broken files with RuntimeError & co
        raise ImportFormatError(f"{p.name}: not a readable OSM file ({exc})") from None


def _read_overpass(p: Path, col: _Collector) -> None:
    """Overpass API JSON (``[out:json]``): nodes with lat/lon, ways with node lists (or with
    ``out geom``, their own geometry), and multipolygon and boundary relations (administrative
    boundaries, town and land-use areas) from their member ways, as the PBF reader makes them."""
    from shapely.geometry import Polygon

    try:
        doc = json.loads(p.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFormatError(f"{p.name}: not valid Overpass JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("elements"), list):
        raise ImportFormatError(f"{p.name}: Overpass JSON must be an object with an 'elements' list")
    nodes: dict[int, tuple[float, float]] = {}
    lines: dict[int, list[tuple[float, float] | None]] = {}  # every way, for the relations
    for i, e in enumerate(_elements(p, doc["elements"], "node")):
        try:
            nodes[int(e["id"])] = (float(e["lon"]), float(e["lat"]))
        except (KeyError, TypeError, ValueError):
            raise ImportFormatError(f"{p.name} node {e.get('id', f'#{i}')}: needs id, lat and lon") from None
        if isinstance(e.get("tags"), dict) and "place" in e["tags"]:
            col.node(int(e["id"]), {str(k): str(v) for k, v in e["tags"].items()}, *nodes[int(e["id"])])
    for e in _elements(p, doc["elements"], "way"):
        wid = e.get("id")
        tags = e.get("tags") or {}
        if not isinstance(tags, dict) or not isinstance(wid, int):
            raise ImportFormatError(f"{p.name} way {wid}: needs an integer id and a tags object")
        coords: list[tuple[float, float] | None]
        if isinstance(e.get("geometry"), list):
            coords = [(float(g["lon"]), float(g["lat"])) if isinstance(g, dict) else None
                      for g in e["geometry"]]
        else:
            coords = [nodes.get(int(n)) for n in e.get("nodes") or []]
        tags = {str(k): str(v) for k, v in tags.items()}
        col.way(wid, tags, coords)
        lines[wid] = coords
        if len(coords) >= 4 and coords[0] == coords[-1] and None not in coords:
            poly = Polygon([c for c in coords if c is not None])
            if poly.is_valid:
                col.area(f"way-{wid}", tags, poly)
    for e in _elements(p, doc["elements"], "relation"):
        tags = e.get("tags") or {}
        if not isinstance(tags, dict) or tags.get("type") not in ("multipolygon", "boundary"):
            continue
        members = e.get("members")
        if not isinstance(e.get("id"), int) or not isinstance(members, list):
            raise ImportFormatError(f"{p.name} relation {e.get('id')}: needs an integer id and "
                                    "a members list")
        geom = _relation_area(members, lines)
        if geom is not None:
            col.area(f"relation-{e['id']}", {str(k): str(v) for k, v in tags.items()}, geom)


def _elements(p: Path, elements: list[Any], kind: str) -> Iterator[dict[str, Any]]:
    for e in elements:
        if isinstance(e, dict) and e.get("type") == kind:
            yield e


def _relation_area(members: list[Any], lines: Mapping[int, list[tuple[float, float] | None]]) -> BaseGeometry | None:
    """The area of a multipolygon or boundary relation: the rings its ``outer`` member ways
    close, less those of its ``inner`` ones. A member's geometry is its own (``out geom``) or
    its way's; None when the outer ways close no ring (a relation cut by the extract's edge,
    which the PBF reader skips too)."""
    import shapely
    from shapely.ops import polygonize

    rings: dict[str, list[LineString]] = {"outer": [], "inner": []}
    for m in members:
        if not isinstance(m, dict) or m.get("type") != "way":
            continue
        role = "inner" if m.get("role") == "inner" else "outer"
        if isinstance(m.get("geometry"), list):
            coords = [(float(g["lon"]), float(g["lat"])) if isinstance(g, dict) and "lon" in g else None
                      for g in m["geometry"]]
        else:
            coords = lines.get(m.get("ref"), [])  # type: ignore[arg-type]
        if len(coords) < 2 or None in coords:
            if role == "outer":
                return None  # an outer ring left open: no area rather than a wrong one
            continue
        rings[role].append(LineString(coords))
    outer = list(polygonize(rings["outer"]))
    if not outer:
        return None
    area = shapely.union_all(outer)
    inner = list(polygonize(rings["inner"]))
    if inner:
        area = shapely.difference(area, shapely.union_all(inner))
    return None if area.is_empty or not area.is_valid else area
