"""The store interface: layers of records, written in transactions, read by filters.

A back end (the embedded GeoPackage, later PostGIS) implements the few generic operations of
:class:`Store`; the typed helpers of :class:`StoreOps` are written once on top of them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:  # shapely is imported where a geometry is made (a reader of stored numbers
    # never loads it)
    from shapely.geometry.base import BaseGeometry

from basewatch.errors import AmbiguousNameError, NotFoundError
from basewatch.model import (
    ControlArea,
    Facility,
    FacilityRow,
    Faction,
    Outline,
    Place,
    Relation,
    SurveyCount,
    normalize_name,
)

__all__ = [
    "CONTROL",
    "FACILITIES",
    "FACTIONS",
    "IMPORTS",
    "LAYERS",
    "OUTLINES",
    "PLACES",
    "RELATIONS",
    "SURVEY",
    "ImportRecord",
    "LayerSpec",
    "PutResult",
    "Store",
    "StoreOps",
    "register_layer",
]

R = TypeVar("R")


@dataclass(frozen=True)
class LayerSpec:
    """How one kind of record is stored: its table, queryable columns, key and geometry.

    ``columns`` maps a column name to (SQL type, extractor from the record's ``to_dict``).
    ``geometry`` extracts the stored geometry from a record; ``geometry_field`` names the
    ``to_dict`` key that carries it, so the JSON copy leaves it out and reading puts it back.
    A ``derived`` layer is a cache computed from other layers (recomputed when missing): its
    writes change no answer, so they do not move the store's revision.
    """

    name: str
    geometry_type: str | None  # POINT, MULTIPOLYGON, LINESTRING, GEOMETRY... or None
    columns: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]]
    key: tuple[str, ...]
    from_dict: Callable[[dict[str, Any]], Any]
    geometry: Callable[[Any], BaseGeometry | None] | None = None
    geometry_field: str | None = None
    indexes: tuple[tuple[str, ...], ...] = ()
    description: str = ""
    derived: bool = False
    #: A log of what was done (the API's audit trail): its records are read back as such and
    #: are no input of any answer, so, like a derived layer's, its writes do not move the
    #: store's revision (an audited API import keeps the reach histories kept right after it).
    log: bool = False
    #: For layers of many records (roads, flight events): each record's column values
    #: (``columns``, then the provenance columns not among them, in that order) and its stored
    #: JSON (:func:`dumps` of ``to_dict`` without ``geometry_field``), for a batch at once. Must
    #: equal the extractors and :func:`dumps` applied to ``to_dict`` (tested), only cheaper; the
    #: geometry is still made by ``geometry``.
    encode_rows: Callable[[Sequence[Any]], list[tuple[list[Any], str]]] | None = None
    #: Each distinct geometry is stored once, keyed by its content, and records point to it
    #: (a daily control series repeats its ground): ``store/shared_geometry.py``.
    shared_geometry: bool = False


def moves_revision(spec: LayerSpec) -> bool:
    """Whether a change of this layer's records moves the store's revision."""
    return not (spec.derived or spec.log)


@dataclass(frozen=True)
class PutResult:
    """What a write did: rows inserted, rows updated, rows already identical."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: PutResult) -> PutResult:
        return PutResult(self.inserted + other.inserted, self.updated + other.updated,
                         self.unchanged + other.unchanged)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated


@dataclass(frozen=True)
class ImportRecord:
    """One import that changed the store: which file, what kind, when, how many rows."""

    sha256: str
    kind: str
    path: str
    at: dt.datetime
    inserted: int
    updated: int

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "kind": self.kind, "path": self.path,
                "at": self.at.isoformat(), "inserted": self.inserted, "updated": self.updated}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ImportRecord:
        return cls(sha256=d["sha256"], kind=d["kind"], path=d["path"],
                   at=dt.datetime.fromisoformat(d["at"]), inserted=int(d["inserted"]),
                   updated=int(d["updated"]))


def _prov(col: str) -> Callable[[dict[str, Any]], Any]:
    def get(d: dict[str, Any]) -> Any:
        p = d.get("provenance") or {}
        if col == "source":
            return (p.get("source") or {}).get("publisher", "")
        if col == "synthetic":
            return 1 if p.get("synthetic") else 0
        return p.get(col)

    return get


#: Provenance columns on every layer, so that QGIS and SQL users see source and synthetic mark.
PROVENANCE_COLUMNS: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "source": ("TEXT", _prov("source")),
    "source_date": ("DATE", _prov("source_date")),
    "synthetic": ("INTEGER", _prov("synthetic")),
    "generator": ("TEXT", _prov("generator")),
}


def _names(d: dict[str, Any]) -> str:
    return "|" + "|".join(normalize_name(n) for n in [d["id"], d["name"], *d.get("aliases", [])]) + "|"


def _point(lon: float, lat: float) -> BaseGeometry:
    from shapely.geometry import Point

    return Point(lon, lat)


def _multi(geom: BaseGeometry) -> BaseGeometry:
    from shapely.geometry import MultiPolygon, Polygon

    return MultiPolygon([geom]) if isinstance(geom, Polygon) else geom


FACILITIES = LayerSpec(
    name="facilities",
    geometry_type="POINT",
    columns={
        "id": ("TEXT", lambda d: d["id"]),
        "name": ("TEXT", lambda d: d["name"]),
        "names_norm": ("TEXT", _names),
        "operator": ("TEXT", lambda d: d["operator"]),
        "type": ("TEXT", lambda d: d["type"]),
        "region": ("TEXT", lambda d: d["region"]),
        "valid_from": ("DATE", lambda d: d["valid_from"]),
        "valid_to": ("DATE", lambda d: d["valid_to"]),
    },
    key=("id",),
    from_dict=Facility.from_dict,
    geometry=lambda f: _point(f.lon, f.lat),
    indexes=(("operator",), ("valid_from", "valid_to")),
    description="Military facilities (bases, airbases, naval bases, checkpoints).",
)

PLACES = LayerSpec(
    name="places",
    geometry_type="POINT",
    columns={
        "id": ("TEXT", lambda d: d["id"]),
        "name": ("TEXT", lambda d: d["name"]),
        "names_norm": ("TEXT", _names),
        "kind": ("TEXT", lambda d: d["kind"]),
        "region": ("TEXT", lambda d: d["region"]),
    },
    key=("id",),
    from_dict=Place.from_dict,
    geometry=lambda p: _point(p.lon, p.lat),
    description="Named places: cities, towns, crossings.",
)

FACTIONS = LayerSpec(
    name="factions",
    geometry_type=None,
    columns={"id": ("TEXT", lambda d: d["id"]), "name": ("TEXT", lambda d: d["name"]),
             "kind": ("TEXT", lambda d: d["kind"])},
    key=("id",),
    from_dict=Faction.from_dict,
    description="States, armed groups and coalitions.",
)

RELATIONS = LayerSpec(
    name="faction_relations",
    geometry_type=None,
    columns={
        "a": ("TEXT", lambda d: min(d["a"], d["b"])),
        "b": ("TEXT", lambda d: max(d["a"], d["b"])),
        "kind": ("TEXT", lambda d: d["kind"]),
        "valid_from": ("DATE", lambda d: d["valid_from"] or ""),
        "valid_to": ("DATE", lambda d: d["valid_to"]),
    },
    key=("a", "b", "kind", "valid_from"),
    from_dict=Relation.from_dict,
    description="Alliances and hostilities between factions over time.",
)

CONTROL = LayerSpec(
    name="control",
    geometry_type="MULTIPOLYGON",
    columns={
        "faction": ("TEXT", lambda d: d["faction"]),
        "date": ("DATE", lambda d: d["date"]),
        "status": ("TEXT", lambda d: d["status"]),
    },
    key=("faction", "date", "status"),
    from_dict=ControlArea.from_dict,
    geometry=lambda c: _multi(c.geometry),
    geometry_field="geometry",
    indexes=(("date",),),
    description="Ground held by each faction on each date (control snapshots; each distinct "
                "geometry stored once in control_geometries, joined in the view control_areas).",
    shared_geometry=True,
)

OUTLINES = LayerSpec(
    name="outlines",
    geometry_type="MULTIPOLYGON",
    columns={"id": ("TEXT", lambda d: d["id"]), "faction": ("TEXT", lambda d: d["faction"])},
    key=("id",),
    from_dict=Outline.from_dict,
    geometry=lambda o: _multi(o.geometry),
    geometry_field="geometry",
    description="Land outlines whose ground is a faction's wherever nobody else holds it.",
)

SURVEY = LayerSpec(
    name="survey_counts",
    geometry_type=None,
    columns={
        "publisher": ("TEXT", lambda d: d["publisher"]),
        "edition_date": ("DATE", lambda d: d["edition_date"]),
        "operator": ("TEXT", lambda d: d["operator"]),
        "type": ("TEXT", lambda d: d["type"]),
        "region": ("TEXT", lambda d: d["region"]),
        "count": ("INTEGER", lambda d: d["count"]),
    },
    key=("publisher", "edition_date", "operator", "type", "region"),
    from_dict=SurveyCount.from_dict,
    description="Facility counts published by survey editions.",
)

IMPORTS = LayerSpec(
    name="imports",
    geometry_type=None,
    columns={"sha256": ("TEXT", lambda d: d["sha256"]), "kind": ("TEXT", lambda d: d["kind"]),
             "at": ("DATETIME", lambda d: d["at"])},
    key=("sha256", "kind"),
    from_dict=ImportRecord.from_dict,
    description="Log of imports that changed the workspace.",
)

#: Every layer a store knows, by name. Capabilities add theirs with :func:`register_layer`.
LAYERS: dict[str, LayerSpec] = {
    s.name: s for s in (FACILITIES, PLACES, FACTIONS, RELATIONS, CONTROL, OUTLINES, SURVEY,
                        IMPORTS)
}


def register_layer(spec: LayerSpec) -> LayerSpec:
    """Make a layer known to every store (idempotent for the same spec)."""
    existing = LAYERS.get(spec.name)
    if existing is not None and existing is not spec:
        raise ValueError(f"layer {spec.name!r} is already registered")
    LAYERS[spec.name] = spec
    return spec


@runtime_checkable
class Store(Protocol):
    """What every back end implements. Writes happen inside :meth:`transaction`."""

    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside land together or not at all."""
        ...

    def put(self, spec: LayerSpec, records: Iterable[Any]) -> PutResult:
        """Insert or replace records by key; identical records are left untouched."""
        ...

    def select(
        self,
        spec: LayerSpec,
        where: dict[str, Any] | None = None,
        *,
        ranges: dict[str, tuple[Any, Any]] | None = None,
        order_by: Sequence[str] = (),
    ) -> list[Any]:
        """Records whose columns equal ``where`` and fall in ``ranges`` (inclusive, None open)."""
        ...

    def select_columns(
        self, spec: LayerSpec, columns: Sequence[str], where: dict[str, Any] | None = None, *,
        ranges: dict[str, tuple[Any, Any]] | None = None,
    ) -> list[tuple[Any, ...]]:
        """Only some queryable columns, as tuples: for aggregates over many records."""
        ...

    def count(self, spec: LayerSpec) -> int:
        """How many records the layer holds (0 for a layer never written)."""
        ...

    def delete(self, spec: LayerSpec, where: dict[str, Any]) -> int:
        """Delete the records whose columns equal ``where``; returns how many."""
        ...

    def distinct(self, spec: LayerSpec, column: str, *,
                 ranges: dict[str, tuple[Any, Any]] | None = None) -> list[Any]:
        """Sorted distinct values of a column."""
        ...

    def revision(self) -> int:
        """A number that grows with every committed transaction that changed records (of
        layers that are neither ``derived`` nor a ``log``)."""
        ...

    def close(self) -> None: ...


class StoreOps:
    """Typed helpers on top of a :class:`Store`'s generic operations."""

    store: Store

    def __init__(self, store: Store) -> None:
        self.store = store

    # facilities -------------------------------------------------------------------------
    def facilities(self, *, operator: str | None = None, on: dt.date | None = None) -> list[Facility]:
        where = {"operator": operator} if operator else None
        items: list[Facility] = self.store.select(FACILITIES, where, order_by=("id",))
        return [f for f in items if on is None or f.active_on(on)]

    def facility_rows(self) -> list[FacilityRow]:
        """Operator, type, region, validity and synthetic mark of every facility (fast)."""
        cols = ("operator", "type", "region", "valid_from", "valid_to", "synthetic")
        return [FacilityRow(o, t, r or "", _d(a), _d(b), bool(s))
                for o, t, r, a, b, s in self.store.select_columns(FACILITIES, cols)]

    def facility(self, query: str) -> Facility:
        """The facility whose id, name or alias is ``query``; errors name near matches."""
        found: Facility = _resolve(self.store, FACILITIES, query, "facility")
        return found

    def places(self) -> list[Place]:
        result: list[Place] = self.store.select(PLACES, order_by=("id",))
        return result

    def place(self, query: str) -> Place:
        found: Place = _resolve(self.store, PLACES, query, "place")
        return found

    def factions(self) -> list[Faction]:
        result: list[Faction] = self.store.select(FACTIONS, order_by=("id",))
        return result

    def relations(self) -> list[Relation]:
        result: list[Relation] = self.store.select(RELATIONS, order_by=("a", "b"))
        return result

    # control ----------------------------------------------------------------------------
    def control_dates(self) -> list[dt.date]:
        return [dt.date.fromisoformat(d) for d in self.store.distinct(CONTROL, "date")]

    def control_snapshot_date(self, day: dt.date) -> dt.date | None:
        """The latest snapshot date at or before ``day`` (None if there is none)."""
        dates = self.store.distinct(CONTROL, "date", ranges={"date": (None, day.isoformat())})
        return dt.date.fromisoformat(dates[-1]) if dates else None

    def control_on(self, day: dt.date, *, status: str | None = None) -> list[ControlArea]:
        """Control at ``day``: every area of the latest snapshot at or before it."""
        snap = self.control_snapshot_date(day)
        if snap is None:
            return []
        where: dict[str, Any] = {"date": snap.isoformat()}
        if status:
            where["status"] = status
        result: list[ControlArea] = self.store.select(CONTROL, where, order_by=("faction",))
        return result

    def control_between(self, start: dt.date, end: dt.date) -> list[ControlArea]:
        result: list[ControlArea] = self.store.select(
            CONTROL, ranges={"date": (start.isoformat(), end.isoformat())},
            order_by=("date", "faction"))
        return result

    def outlines(self) -> list[Outline]:
        result: list[Outline] = self.store.select(OUTLINES, order_by=("id",))
        return result

    # surveys ----------------------------------------------------------------------------
    def survey_counts(self, publisher: str | None = None) -> list[SurveyCount]:
        where = {"publisher": publisher} if publisher else None
        result: list[SurveyCount] = self.store.select(SURVEY, where, order_by=("edition_date",))
        return result

    # imports ----------------------------------------------------------------------------
    def imports(self) -> list[ImportRecord]:
        result: list[ImportRecord] = self.store.select(IMPORTS, order_by=("at",))
        return result


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _resolve(store: Store, spec: LayerSpec, query: str, what: str) -> Any:
    q = normalize_name(query)
    items = store.select(spec)
    hits = [x for x in items if x.matches(query)]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        listed = ", ".join(f"{h.id} ({h.name})" for h in hits)
        raise AmbiguousNameError(f"{what} {query!r} matches several: {listed}; give the id")
    # No exact name: the records one of whose names (or aliases) starts with the query's
    # words ("kerch" finds the alias "Kerch Strait Bridge") before any spelling suggestion.
    words = q.split()
    starts = [x for x in items if words and any(
        normalize_name(n).split()[:len(words)] == words for n in x.names)]
    if len(starts) == 1:
        return starts[0]
    if len(starts) > 1:
        listed = ", ".join(f"{h.id} ({h.name})" for h in starts[:10])
        raise AmbiguousNameError(f"{what} {query!r} begins several names: {listed}; give the id")
    near = _near_matches(q, [(x.id, n) for x in items for n in x.names])
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise NotFoundError(f"no {what} named {query!r}{hint}")


def _near_matches(q: str, names: list[tuple[str, str]], n: int = 3) -> list[str]:
    import difflib

    norm = {normalize_name(name): name for _, name in names}
    return [norm[m] for m in difflib.get_close_matches(q, list(norm), n=n, cutoff=0.6)]


def iter_chunks(items: Sequence[R], size: int) -> Iterator[Sequence[R]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def decode_records(spec: LayerSpec, texts: Sequence[str],
                   geoms: Sequence[BaseGeometry] | None = None) -> list[Any]:
    """Records from their stored JSON (and, for layers that keep their geometry apart, the
    decoded geometries in the same order): the one way every back end reads records back."""
    if not spec.geometry_field or geoms is None:
        return [spec.from_dict(json.loads(t)) for t in texts]
    out = []
    for text, g in zip(texts, geoms, strict=True):
        d = json.loads(text)
        d[spec.geometry_field] = g
        out.append(spec.from_dict(d))
    return out


def dumps(d: dict[str, Any]) -> str:
    """Canonical JSON of a record (sorted keys), so identical records compare equal as text."""
    return json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
