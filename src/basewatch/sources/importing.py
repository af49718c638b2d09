"""Importing a file into a workspace: parse all, validate against the store, write in one go."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from basewatch.errors import ImportFormatError, NotFoundError
from basewatch.model import Faction, Place
from basewatch.model.roads import Extent
from basewatch.model.weapons import WeaponSystem
from basewatch.sources._common import Parsed
from basewatch.sources.control import parse_control, parse_outlines, refresh_implied
from basewatch.sources.mapping import FieldMapping
from basewatch.sources.registry import parse_facilities, parse_factions, parse_places
from basewatch.sources.osm import DEFAULT_CLASSES
from basewatch.sources.roads import parse_roads
from basewatch.sources.survey import parse_survey
from basewatch.sources.weapons import parse_weapons
from basewatch.store import (
    CONTROL,
    FACILITIES,
    FACTIONS,
    IMPORTS,
    PLACES,
    RELATIONS,
    SURVEY,
    LayerSpec,
    PutResult,
    Workspace,
)
from basewatch.store.base import OUTLINES, ImportRecord
from basewatch.store.roads import EXTENTS, ROADS
from basewatch.store.weapons import HOLDINGS, WEAPON_SYSTEMS

__all__ = ["IMPORT_KINDS", "ImportReport", "faction_resolver", "import_file", "import_files"]

IMPORT_KINDS = ("facilities", "survey", "control", "places", "factions", "weapons", "roads",
                "outlines")


@dataclass
class ImportReport:
    kind: str
    path: str
    sha256: str
    parsed: int
    result: PutResult
    warnings: list[str] = field(default_factory=list)
    #: What was done to the input that the user should know (CRS reprojected, sheet read...).
    notes: list[str] = field(default_factory=list)
    #: For a series: the files, each with its own count of records.
    files: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "sha256": self.sha256, "parsed": self.parsed,
                "inserted": self.result.inserted, "updated": self.result.updated,
                "unchanged": self.result.unchanged, "warnings": self.warnings,
                "notes": self.notes, "files": self.files}


def faction_resolver(factions: list[Faction], what: str = "operator") -> Callable[[str], str]:
    """A function from a faction id, name or alias to its id; unknown names raise NotFoundError."""

    def resolve(name: str) -> str:
        if not name:
            raise NotFoundError(f"{what} is empty")
        hits = [f for f in factions if f.matches(name)]
        if len(hits) == 1:
            return hits[0].id
        known = ", ".join(f.id for f in factions) or "none: import factions first"
        raise NotFoundError(f"unknown {what} {name!r} (known: {known})")

    return resolve


def parse_for(ws: Workspace, kind: str, path: str | Path,
              mapping: FieldMapping | None = None, classes: tuple[str, ...] | None = None,
              places: bool = False) -> Parsed:
    """Parse one file of ``kind``; ``mapping`` fills or renames fields (tables and features)."""
    factions = ws.factions()
    if kind == "facilities":
        parsed = parse_facilities(path, faction_resolver(factions, "operator"), mapping)
    elif kind == "survey":
        parsed = parse_survey(path, faction_resolver(factions, "operator"), mapping)
    elif kind == "control":
        parsed = parse_control(path, faction_resolver(factions, "faction"), mapping,
                               reference_points(ws))
    elif kind == "places":
        parsed = parse_places(path, mapping)
    else:
        if mapping is not None and not mapping.empty:
            raise ImportFormatError(f"field mapping (--set, --map, --date-from-name) is not "
                                    f"available for {kind}")
        if kind == "factions":
            return parse_factions(path)
        if kind == "outlines":
            return parse_outlines(path, faction_resolver(factions, "faction"))
        if kind == "roads":
            return (parse_roads(path, classes, places=places) if classes
                    else parse_roads(path, places=places))
        if kind == "weapons":
            known = {s.id: s for s in ws.store.select(WEAPON_SYSTEMS)}
            return parse_weapons(path, faction_resolver(factions, "faction"), known)
        raise ImportFormatError(f"unknown import kind {kind!r} (choose from "
                                f"{', '.join(IMPORT_KINDS)})")
    return parsed


def reference_points(ws: Workspace) -> list[tuple[float, float]]:
    """Where the workspace's data is: its facilities and places (lon, lat)."""
    return [(f.lon, f.lat) for f in ws.facilities()] + [(p.lon, p.lat) for p in ws.places()]


_LAYER_OF: dict[str, LayerSpec] = {"facilities": FACILITIES, "survey": SURVEY, "control": CONTROL,
                                   "places": PLACES, "roads": ROADS, "outlines": OUTLINES}


def write_parsed(ws: Workspace, parsed: Parsed,
                 layer_of: Callable[[Any], LayerSpec] | None = None) -> PutResult:
    """Write parsed records and the import log in one transaction.

    ``layer_of`` picks each record's layer; by default it follows ``parsed.kind``. Other
    capabilities pass their own to reuse the same all-or-nothing write and import log.
    """
    if layer_of is None:
        if parsed.kind == "weapons":
            def layer_of(r: Any) -> LayerSpec:
                return WEAPON_SYSTEMS if isinstance(r, WeaponSystem) else HOLDINGS
        elif parsed.kind == "roads":
            def layer_of(r: Any) -> LayerSpec:
                return EXTENTS if isinstance(r, Extent) else PLACES if isinstance(r, Place) else ROADS
        elif parsed.kind == "factions":
            def layer_of(r: Any) -> LayerSpec:
                return FACTIONS if isinstance(r, Faction) else RELATIONS
        else:
            spec = _LAYER_OF[parsed.kind]

            def layer_of(r: Any) -> LayerSpec:
                return spec
    groups: dict[str, tuple[LayerSpec, list[Any]]] = {}
    for r in parsed.records:
        s = layer_of(r)
        groups.setdefault(s.name, (s, []))[1].append(r)
    with ws.store.transaction():
        result = PutResult()
        for spec_, items in groups.values():
            result = result + ws.store.put(spec_, items)
        # One-sided control: the implied ground of the snapshots this import touched (all of
        # them for new outlines), derived and stored in the same transaction.
        if parsed.kind == "control" and result.changed:
            refresh_implied(ws.store, {r.date for r in parsed.records})
        elif parsed.kind == "outlines" and result.changed:
            refresh_implied(ws.store)
        if result.changed:
            ws.store.put(IMPORTS, [ImportRecord(
                parsed.sha256, parsed.kind, str(parsed.path), dt.datetime.now(dt.UTC),
                result.inserted, result.updated)])
    return result


#: Above this many (site x new ground) pairs an import leaves the distances to
#: ``basewatch batch distances`` (or to the first question, which computes what it needs).
MATERIALIZE_LIMIT = 200_000


def import_file(ws: Workspace, kind: str, path: str | Path,
                mapping: FieldMapping | None = None, *,
                classes: tuple[str, ...] | None = None, places: bool = False,
                distances: bool = True) -> ImportReport:
    """Import one file: it lands whole or not at all; re-importing it changes nothing.
    Roads only: ``classes`` to keep (default: sources.osm.DEFAULT_CLASSES); ``places`` also
    imports an OSM extract's towns and villages.

    After a control, outlines or facilities import that changed records, the exposure
    distances of new snapshots or sites are materialized (store/exposure_cache.py), unless
    ``distances`` is False or the work exceeds :data:`MATERIALIZE_LIMIT` pairs.
    """
    if kind == "roads" and (mapping is None or mapping.empty) and _is_osm(Path(path)):
        from basewatch.sources.roads_import import import_osm_streamed

        s, res, n, warnings = import_osm_streamed(ws, path, classes or DEFAULT_CLASSES,
                                                  places=places)
        return ImportReport(kind, str(path), s.sha256, n, res, warnings)
    parsed = parse_for(ws, kind, path, mapping, classes, places)
    result = write_parsed(ws, parsed)
    if distances and result.changed and kind in _DISTANCE_KINDS:
        _materialize(ws)
    return ImportReport(kind, str(path), parsed.sha256, len(parsed.records), result,
                        parsed.warnings, parsed.notes)


def _is_osm(p: Path) -> bool:
    from basewatch.sources.osm import is_osm_file

    try:
        with p.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False  # the parser gives the error with the file's name
    return is_osm_file(p, head)


def import_files(ws: Workspace, kind: str, paths: list[Path],
                 mapping: FieldMapping | None = None, *, distances: bool = True) -> ImportReport:
    """Import several files as one series in one transaction: all of them or none.

    Every file is parsed first; a record key (id, or faction+date+status) given by two files
    is refused naming both.
    """
    if len(paths) == 1:
        return import_file(ws, kind, paths[0], mapping, distances=distances)
    if not paths:
        raise ImportFormatError("no files to import")
    parsed_all = [parse_for(ws, kind, p, mapping) for p in paths]
    first: dict[Any, str] = {}
    for parsed in parsed_all:
        for r in parsed.records:
            key = getattr(r, "key", None) or getattr(r, "id", None)
            if key is None:
                continue
            if key in first and first[key] != parsed.path.name:
                raise ImportFormatError(f"{parsed.path.name}: record {key!r} is also in "
                                        f"{first[key]}; a series gives each record once")
            first.setdefault(key, parsed.path.name)
    with ws.store.transaction():
        result = PutResult()
        files = []
        for parsed in parsed_all:
            r = write_parsed(ws, parsed)
            result = result + r
            files.append({"path": str(parsed.path), "sha256": parsed.sha256,
                          "parsed": len(parsed.records), "inserted": r.inserted,
                          "updated": r.updated, "unchanged": r.unchanged})
    if distances and result.changed and kind in _DISTANCE_KINDS:
        _materialize(ws)
    import hashlib

    digest = hashlib.sha256("".join(p.sha256 for p in parsed_all).encode()).hexdigest()
    return ImportReport(kind, f"{len(paths)} files", digest,
                        sum(len(p.records) for p in parsed_all), result,
                        [w for p in parsed_all for w in p.warnings],
                        [n for p in parsed_all for n in p.notes], files)


#: Imports after which exposure distances may be missing (new sites, new or changed grounds).
_DISTANCE_KINDS = ("control", "outlines", "facilities")


def _materialize(ws: Workspace) -> None:
    from basewatch.store.exposure_cache import materialize, missing_pairs, prune

    facilities = ws.facilities()
    if missing_pairs(ws.store, facilities) <= MATERIALIZE_LIMIT:
        materialize(ws.store, facilities)
    prune(ws.store, facilities)
