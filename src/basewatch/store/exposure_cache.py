"""Exposure distances materialized in the store: one row per (site, distinct ground).

A *ground* is one faction's territory in one control snapshot. Its key combines the content
keys of the faction's stored areas (:func:`snapshot_grounds`: each area's geometry is stored
once under the SHA-256 of its WKB, ``store/shared_geometry.py``, so finding the key reads one
short column and no geometry): a daily series whose territory did not change shares one key
across days, and a snapshot replaced by different geometry gets a new key.

Each row holds the exact geodesic distance (m) from the site to that ground, the nearest point
and whether the site is inside, computed by :class:`basewatch.analysis.ground.Ground`. Rows are
kept for every faction of the snapshot except the site's own operator, so a change of faction
relations needs no recomputation. Invalidation is exact by construction:

* a row also stores the site's coordinates; a row whose site has moved is stale and is
  recomputed (and replaced) when next needed;
* a replaced control snapshot has a new key, so its old rows are never read (``prune`` drops
  them);
* a missing row is computed on demand and written back, so every reader gets the same answer
  whether or not the import computed it first.

Works on any :class:`~basewatch.store.base.Store` (GeoPackage and PostGIS) through the generic
layer operations; only the fingerprint query is written per back end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from basewatch.analysis.ground_cache import GroundCache
from basewatch.errors import StoreError
from basewatch.model import Facility
from basewatch.store.base import CONTROL, LayerSpec, Store, register_layer
from basewatch.store.shared_geometry import KEY_COLUMN, areas_view

if TYPE_CHECKING:  # numpy, shapely: only where a ground is prepared and measured; reading
    # stored rows (every timeline) imports neither
    from shapely.geometry.base import BaseGeometry

    from basewatch.analysis.ground import Ground

__all__ = ["GROUND_DISTANCES", "GROUND_KEYS", "GroundDistance", "GroundKey", "GroundWork", "SnapshotGrounds", "compute_ground",
           "ensure_distances",
           "ground_geometry", "materialize", "missing_pairs", "plan", "prune",
           "snapshot_grounds", "write_rows"]


@dataclass(frozen=True)
class GroundDistance:
    """Distance from a site (at ``site_lon``, ``site_lat``) to one ground (``ground`` key)."""

    site: str
    ground: str
    site_lon: float
    site_lat: float
    distance_m: float
    near_lon: float
    near_lat: float
    inside: bool

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site, "ground": self.ground, "site_lon": self.site_lon,
                "site_lat": self.site_lat, "distance_m": self.distance_m,
                "near_lon": self.near_lon, "near_lat": self.near_lat, "inside": self.inside}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GroundDistance:
        return cls(str(d["site"]), str(d["ground"]), float(d["site_lon"]), float(d["site_lat"]),
                   float(d["distance_m"]), float(d["near_lon"]), float(d["near_lat"]),
                   bool(d["inside"]))


GROUND_DISTANCES = register_layer(LayerSpec(
    name="exposure_distances",
    geometry_type=None,
    columns={
        "site": ("TEXT", lambda d: d["site"]),
        "ground": ("TEXT", lambda d: d["ground"]),
        "site_lon": ("REAL", lambda d: d["site_lon"]),
        "site_lat": ("REAL", lambda d: d["site_lat"]),
        "distance_m": ("REAL", lambda d: d["distance_m"]),
        "near_lon": ("REAL", lambda d: d["near_lon"]),
        "near_lat": ("REAL", lambda d: d["near_lat"]),
        "inside": ("INTEGER", lambda d: 1 if d["inside"] else 0),
    },
    key=("site", "ground"),
    from_dict=GroundDistance.from_dict,
    indexes=(("ground",),),
    description="Cache: geodesic distance from each site to each faction's ground (derived).",
    derived=True,
))
_COLS = ("site", "ground", "site_lon", "site_lat", "distance_m", "near_lon", "near_lat", "inside")


@dataclass(frozen=True)
class SnapshotGrounds:
    """The grounds of one control snapshot: faction -> ground key, and the synthetic mark."""

    date: dt.date
    grounds: dict[str, str]
    synthetic: bool


def _fingerprint_sql(store: Store) -> tuple[str, Callable[[str, str], Any]]:
    from basewatch.store.gpkg import GeoPackageStore

    # Each area's geometry is stored once under its content key (store/shared_geometry.py):
    # the key column is the digest, no stored byte is read again.
    table, key = CONTROL.name, KEY_COLUMN
    if isinstance(store, GeoPackageStore):
        sql = (f'SELECT "date", "faction", "status", "{key}", "synthetic" '
               f'FROM "{table}" WHERE "date" >= ? AND "date" <= ? ORDER BY 1, 2, 3')
        return sql, lambda lo, hi: [lo, hi]
    sql = (f'SELECT "date", "faction", "status", "{key}", "synthetic" '
           f'FROM "{table}" WHERE "date" >= CAST(:lo AS date) AND "date" <= CAST(:hi AS date) '
           "ORDER BY 1, 2, 3")
    return sql, lambda lo, hi: {"lo": lo, "hi": hi}


@dataclass(frozen=True)
class GroundKey:
    """One faction's ground key in one snapshot, as remembered in the store (``GROUND_KEYS``),
    valid while the store's ``stamp`` is the one it was computed under."""

    date: str
    faction: str
    ground: str
    synthetic: bool
    stamp: str

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "faction": self.faction, "ground": self.ground,
                "synthetic": self.synthetic, "stamp": self.stamp}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GroundKey:
        return cls(str(d["date"]), str(d["faction"]), str(d["ground"]), bool(d["synthetic"]),
                   str(d["stamp"]))


#: Every snapshot's ground keys, written whole (one transaction) for one store stamp: a new
#: process (each CLI command) reads ~2 rows a snapshot. (Made when the keys hashed the stored
#: geometry, 40 MB for two years of daily fronts; since the control rows carry their
#: geometry's key, computing them again reads about as little.)
GROUND_KEYS = register_layer(LayerSpec(
    name="control_ground_keys",
    geometry_type=None,
    columns={
        "date": ("TEXT", lambda d: d["date"]),
        "faction": ("TEXT", lambda d: d["faction"]),
        "ground": ("TEXT", lambda d: d["ground"]),
        "synthetic": ("INTEGER", lambda d: 1 if d["synthetic"] else 0),
        "stamp": ("TEXT", lambda d: d["stamp"]),
    },
    key=("date", "faction"),
    from_dict=GroundKey.from_dict,
    indexes=(("stamp",),),
    description="Cache: content key of each faction's ground per control snapshot (derived).",
    derived=True,
))


def _stamp(store: Store) -> str | None:
    """What remembered keys are valid for: the store's revision (moved by every change made
    through basewatch) and, on a GeoPackage, the control table's change count kept by SQL
    triggers, which also moves with an edit made outside basewatch (QGIS, plain SQL). None:
    nothing can be trusted (a read-only GeoPackage without the triggers): hash every time."""
    from basewatch.store.gpkg import GeoPackageStore

    rev = store.revision()
    if isinstance(store, GeoPackageStore):
        n = store.change_count(CONTROL)
        return None if n is None else f"{rev}:{n}"
    return str(rev)


def _remembered(store: Store, stamp: str) -> dict[dt.date, SnapshotGrounds] | None:
    rows = store.select_columns(GROUND_KEYS, ("date", "faction", "ground", "synthetic"),
                                {"stamp": stamp})
    if not rows:
        return None
    by_d: dict[dt.date, dict[str, str]] = {}
    synth: dict[dt.date, bool] = {}
    for day, faction, ground, sy in rows:
        d = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        by_d.setdefault(d, {})[str(faction)] = str(ground)
        synth[d] = bool(sy)
    return {d: SnapshotGrounds(d, g, synth[d]) for d, g in by_d.items()}


def _remember(store: Store, stamp: str, found: dict[dt.date, SnapshotGrounds]) -> None:
    rows = [GroundKey(d.isoformat(), f, k, s.synthetic, stamp)
            for d, s in sorted(found.items()) for f, k in sorted(s.grounds.items())]
    try:
        with store.transaction():
            # rows of snapshots that no longer exist would otherwise stay under an old stamp
            store.delete(GROUND_KEYS, {})
            store.put(GROUND_KEYS, rows)
    except StoreError:
        pass  # a store that refuses writes: hashed again next time


#: Grounds already hashed in this process, per (store, revision): the revision moves with every
#: change of control, so an entry is never stale. Value: the date ranges covered and the grounds.
_MEMO: OrderedDict[tuple[str, int], tuple[list[tuple[dt.date, dt.date]],
                                          dict[dt.date, SnapshotGrounds]]] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def snapshot_grounds(store: Store, start: dt.date | None = None,
                     end: dt.date | None = None) -> dict[dt.date, SnapshotGrounds]:
    """Every control snapshot dated in [start, end] with the key of each faction's ground.

    The key hashes the content keys of the faction's areas (all statuses, in key order), as
    stored in the control rows: no geometry is read. Remembered per store revision.
    """
    if not getattr(store, "has_layer", lambda s: True)(CONTROL):
        return {}
    lo, hi = start or dt.date(1, 1, 1), end or dt.date(9999, 12, 31)
    memo_key = (str(getattr(store, "path", None) or getattr(store, "name", id(store))),
                store.revision())
    with _MEMO_LOCK:
        entry = _MEMO.get(memo_key)
        if entry is not None and any(a <= lo and hi <= b for a, b in entry[0]):
            return {d: s for d, s in entry[1].items() if lo <= d <= hi}
    # A long span (a timeline, "since when"): hash every snapshot once, so the next question
    # on another date of this revision (the slider's) finds them all.
    wide = (hi - lo).days > 31
    q_lo, q_hi = (dt.date(1, 1, 1), dt.date(9999, 12, 31)) if wide else (lo, hi)
    found = None
    if wide:  # every snapshot: remembered in the store, or hashed and remembered there
        stamp = _stamp(store)
        found = _remembered(store, stamp) if stamp else None
        if found is None:
            found = _snapshot_grounds(store, q_lo, q_hi)
            if stamp:
                _remember(store, stamp, found)
    if found is None:
        found = _snapshot_grounds(store, q_lo, q_hi)
    with _MEMO_LOCK:
        entry = _MEMO.setdefault(memo_key, ([], {}))
        entry[0].append((q_lo, q_hi))
        entry[1].update(found)
        while len(_MEMO) > 8:
            _MEMO.popitem(last=False)
    if wide:
        found = {d: s for d, s in found.items() if lo <= d <= hi}
    return found


def _snapshot_grounds(store: Store, lo: dt.date, hi: dt.date) -> dict[dt.date, SnapshotGrounds]:
    sql, params = _fingerprint_sql(store)
    rows = store.execute(sql, params(lo.isoformat(), hi.isoformat()))  # type: ignore[attr-defined]
    parts: dict[dt.date, dict[str, list[str]]] = {}
    synthetic: dict[dt.date, bool] = {}
    for day, faction, status, digest, synth in rows:
        d = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        parts.setdefault(d, {}).setdefault(faction, []).append(f"{status}:{digest}")
        synthetic[d] = synthetic.get(d, False) or bool(synth)
    return {d: SnapshotGrounds(d, {f: hashlib.sha1("|".join(p).encode()).hexdigest()
                                   for f, p in by_f.items()}, synthetic[d])
            for d, by_f in parts.items()}


def ground_geometry(store: Store, snapshot: dt.date, faction: str) -> BaseGeometry:
    """The faction's ground in one snapshot: its areas unioned (as ``faction_geometries``).
    Only the geometries are read (as WKB), not the records around them."""
    import shapely

    from basewatch.store.gpkg import GeoPackageStore, decode_gpkg_geometry

    t = areas_view(CONTROL)
    if isinstance(store, GeoPackageStore):
        rows = store.execute(f'SELECT geom FROM "{t}" WHERE "date" = ? AND "faction" = ? '
                             'ORDER BY "status"', [snapshot.isoformat(), faction])
        geoms = [decode_gpkg_geometry(r[0]) for r in rows]
    else:
        rows = store.execute(  # type: ignore[attr-defined]
            f'SELECT ST_AsBinary(geom) FROM "{t}" WHERE "date" = CAST(:d AS date) '
            'AND "faction" = :f ORDER BY "status"', {"d": snapshot.isoformat(), "f": faction})
        geoms = [shapely.from_wkb(bytes(r[0])) for r in rows]
    if not geoms or any(g is None for g in geoms):
        raise StoreError(f"control: no area of {faction} on {snapshot}")
    return geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)


def _read(store: Store, sites: set[str], grounds: set[str]) -> dict[tuple[str, str], GroundDistance]:
    """Stored rows for these sites and grounds (by the narrower of the two filters)."""
    if len(sites) <= len(grounds):
        rows = [r for s in sorted(sites) for r in store.select_columns(GROUND_DISTANCES, _COLS, {"site": s})]
        rows = [r for r in rows if r[1] in grounds]
    else:
        rows = [r for g in sorted(grounds) for r in store.select_columns(GROUND_DISTANCES, _COLS, {"ground": g})]
        rows = [r for r in rows if r[0] in sites]
    return {(r[0], r[1]): GroundDistance(r[0], r[1], float(r[2]), float(r[3]), float(r[4]),
                                         float(r[5]), float(r[6]), bool(r[7])) for r in rows}


def compute_ground(ground: Ground, key: str, sites: Sequence[Facility]) -> list[GroundDistance]:
    """Rows for ``sites`` against one prepared ground (pure: no store)."""
    import numpy as np

    lons = np.array([f.lon for f in sites], float)
    lats = np.array([f.lat for f in sites], float)
    d, nlon, nlat, inside = ground.distances(lons, lats)
    return [GroundDistance(f.id, key, f.lon, f.lat, float(d[i]), float(nlon[i]), float(nlat[i]),
                           bool(inside[i])) for i, f in enumerate(sites)]


#: Prepared grounds of this process, by key: a second question on the same ground reuses them.
GROUNDS = GroundCache(32)


def ensure_distances(store: Store, facilities: Sequence[Facility],
                     snapshots: Iterable[SnapshotGrounds], *, write: bool = True,
                     on_ground: Callable[[int, int], None] | None = None,
                     ) -> dict[tuple[str, str], GroundDistance]:
    """Distance rows for every facility and every ground of ``snapshots`` (except the
    facility's own operator): read from the store, the missing or stale ones computed and,
    with ``write``, stored (one transaction). Keyed by (site id, ground key)."""
    return _ensure(store, facilities, snapshots, write, on_ground)[0]


@dataclass
class GroundWork:
    """One ground whose rows some sites lack: where to read it and which sites need it."""

    key: str
    day: dt.date
    faction: str
    sites: list[Facility]


def plan(store: Store, facilities: Sequence[Facility], snapshots: Iterable[SnapshotGrounds],
         ) -> tuple[dict[tuple[str, str], GroundDistance], list[GroundWork]]:
    """The stored rows (valid ones) for these sites and snapshots, and the work left to do:
    per distinct ground, the sites whose row is missing or stale (the site moved)."""
    need: dict[str, GroundWork] = {}
    for s in snapshots:
        for faction, key in s.grounds.items():
            if key not in need:
                need[key] = GroundWork(key, s.date, faction, [])
    have = _read(store, {f.id for f in facilities}, set(need))
    for key, w in need.items():
        for f in facilities:
            if f.operator == w.faction:
                continue
            row = have.get((f.id, key))
            if row is None or row.site_lon != f.lon or row.site_lat != f.lat:
                have.pop((f.id, key), None)
                w.sites.append(f)
    return have, [w for w in need.values() if w.sites]


def write_rows(store: Store, rows: Sequence[Any], spec: LayerSpec = GROUND_DISTANCES) -> None:
    """Store derived rows in one transaction; a store that refuses writes is left as it was
    (readers recompute what is missing)."""
    if not rows:
        return
    try:
        with store.transaction():
            store.put(spec, rows)
    except StoreError:
        pass


def _ensure(store: Store, facilities: Sequence[Facility], snapshots: Iterable[SnapshotGrounds],
            write: bool, on_ground: Callable[[int, int], None] | None,
            ) -> tuple[dict[tuple[str, str], GroundDistance], list[GroundDistance]]:
    have, work = plan(store, facilities, snapshots)
    new: list[GroundDistance] = []
    for i, w in enumerate(work):
        ground = GROUNDS.get(w.key, _loader(store, w.day, w.faction))
        new += compute_ground(ground, w.key, w.sites)
        if on_ground is not None:
            on_ground(i + 1, len(work))
    if write:
        write_rows(store, new)
    have.update({(r.site, r.ground): r for r in new})
    return have, new


def _loader(store: Store, day: dt.date, faction: str) -> Callable[[], BaseGeometry]:
    return lambda: ground_geometry(store, day, faction)


def materialize(store: Store, facilities: Sequence[Facility], start: dt.date | None = None,
                end: dt.date | None = None,
                on_ground: Callable[[int, int], None] | None = None) -> int:
    """Compute and store the missing rows for ``facilities`` over the snapshots in
    [start, end]; returns how many rows were computed."""
    snaps = snapshot_grounds(store, start, end).values()
    return len(_ensure(store, facilities, snaps, True, on_ground)[1])


def missing_pairs(store: Store, facilities: Sequence[Facility]) -> int:
    """An upper bound of the (site, ground) rows :func:`materialize` would compute."""
    keys = {k for s in snapshot_grounds(store).values() for k in s.grounds.values()}
    have = int(getattr(store, "count", lambda spec: 0)(GROUND_DISTANCES))
    return max(len(facilities) * len(keys) - have, 0)


def prune(store: Store, facilities: Sequence[Facility]) -> int:
    """Delete rows of grounds no snapshot has any more and of sites that are gone."""
    live = {k for s in snapshot_grounds(store).values() for k in s.grounds.values()}
    sites = {f.id for f in facilities}
    stale_g = set(store.distinct(GROUND_DISTANCES, "ground")) - live
    stale_s = set(store.distinct(GROUND_DISTANCES, "site")) - sites
    n = 0
    with store.transaction():
        for g in sorted(stale_g):
            n += store.delete(GROUND_DISTANCES, {"ground": g})
        for s in sorted(stale_s):
            n += store.delete(GROUND_DISTANCES, {"site": s})
    return n
