"""Importing a file into a workspace: parse all, validate against the store, write in one go."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from basewatch.errors import ImportFormatError, NotFoundError
from basewatch.model import Faction
from basewatch.model.weapons import WeaponSystem
from basewatch.sources._common import Parsed
from basewatch.sources.control import parse_control
from basewatch.sources.registry import parse_facilities, parse_factions, parse_places
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
from basewatch.store.base import ImportRecord
from basewatch.store.roads import ROADS
from basewatch.store.weapons import HOLDINGS, WEAPON_SYSTEMS

__all__ = ["IMPORT_KINDS", "ImportReport", "faction_resolver", "import_file"]

IMPORT_KINDS = ("facilities", "survey", "control", "places", "factions", "weapons", "roads")


@dataclass
class ImportReport:
    kind: str
    path: str
    sha256: str
    parsed: int
    result: PutResult
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "sha256": self.sha256, "parsed": self.parsed,
                "inserted": self.result.inserted, "updated": self.result.updated,
                "unchanged": self.result.unchanged, "warnings": self.warnings}


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


def parse_for(ws: Workspace, kind: str, path: str | Path) -> Parsed:
    factions = ws.factions()
    if kind == "facilities":
        return parse_facilities(path, faction_resolver(factions, "operator"))
    if kind == "survey":
        return parse_survey(path, faction_resolver(factions, "operator"))
    if kind == "control":
        return parse_control(path, faction_resolver(factions, "faction"))
    if kind == "places":
        return parse_places(path)
    if kind == "factions":
        return parse_factions(path)
    if kind == "roads":
        return parse_roads(path)
    if kind == "weapons":
        known = {s.id: s for s in ws.store.select(WEAPON_SYSTEMS)}
        return parse_weapons(path, faction_resolver(factions, "faction"), known)
    raise ImportFormatError(f"unknown import kind {kind!r} (choose from {', '.join(IMPORT_KINDS)})")


_LAYER_OF: dict[str, LayerSpec] = {"facilities": FACILITIES, "survey": SURVEY, "control": CONTROL,
                                   "places": PLACES, "roads": ROADS}


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
        if result.changed:
            ws.store.put(IMPORTS, [ImportRecord(
                parsed.sha256, parsed.kind, str(parsed.path), dt.datetime.now(dt.UTC),
                result.inserted, result.updated)])
    return result


#: Above this many (site x new ground) pairs an import leaves the distances to
#: ``basewatch batch distances`` (or to the first question, which computes what it needs).
MATERIALIZE_LIMIT = 200_000


def import_file(ws: Workspace, kind: str, path: str | Path, *,
                distances: bool = True) -> ImportReport:
    """Import one file: it lands whole or not at all; re-importing it changes nothing.

    After a control or facilities import that changed records, the exposure distances of new
    snapshots or sites are materialized (store/exposure_cache.py), unless ``distances`` is
    False or the work exceeds :data:`MATERIALIZE_LIMIT` pairs.
    """
    parsed = parse_for(ws, kind, path)
    result = write_parsed(ws, parsed)
    if distances and result.changed and kind in ("control", "facilities"):
        _materialize(ws)
    return ImportReport(kind, str(path), parsed.sha256, len(parsed.records), result, parsed.warnings)


def _materialize(ws: Workspace) -> None:
    from basewatch.store.exposure_cache import materialize, missing_pairs, prune

    facilities = ws.facilities()
    if missing_pairs(ws.store, facilities) <= MATERIALIZE_LIMIT:
        materialize(ws.store, facilities)
    prune(ws.store, facilities)
