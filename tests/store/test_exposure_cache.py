"""Materialized exposure distances on both stores, against independent computations.

Data: the seeded long daily series of demo/history_gen.py, cut to a few weeks so the tests
stay fast. Independent reference: each ring densified every 200 m along geodesics, projected
to an azimuthal equidistant projection centred on the site (distances from the centre are
exact there) and shapely's planar distance; "inside" from the densified polygon.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import sqlite3

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from basewatch.analysis.exposure import distances_to_polygon, exposure_on
from basewatch.analysis.hostility import Hostility
from basewatch.demo.history_gen import History, generate_history
from basewatch.model import Relation, RelationKind
from basewatch.queries.distances import site_distance_series, snapshot_distance_fn
from basewatch.queries.exposure import exposure_series, load_catalog
from basewatch.store import CONTROL, FACILITIES, FACTIONS, RELATIONS, Workspace
from basewatch.store.exposure_cache import GROUND_DISTANCES, materialize, snapshot_grounds

GEOD = pyproj.Geod(ellps="WGS84")
DAYS = 40


@pytest.fixture(scope="module")
def history() -> History:
    return generate_history(days=DAYS, vertices=1500, sites=8, seed=3)


def _load(ws: Workspace, h: History) -> None:
    with ws.store.transaction():
        ws.store.put(FACTIONS, h.factions)
        ws.store.put(RELATIONS, h.relations)
        ws.store.put(FACILITIES, h.facilities)
        ws.store.put(CONTROL, h.areas)


def _densify(geom, step_m=200.0):
    def ring(coords):
        xy = np.asarray(coords)
        out = []
        for (x0, y0), (x1, y1) in itertools.pairwise(xy):
            n = int(GEOD.inv(x0, y0, x1, y1)[2] // step_m)
            out += [(x0, y0), *GEOD.npts(x0, y0, x1, y1, n)]
        return out + [tuple(xy[-1])]

    return MultiPolygon([Polygon(ring(p.exterior.coords), [ring(i.coords) for i in p.interiors])
                         for p in getattr(geom, "geoms", [geom])])


def reference_km(lon: float, lat: float, dense) -> float:
    if dense.contains(Point(lon, lat)):
        return 0.0
    aeqd = pyproj.Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m", always_xy=True)
    proj = shapely.transform(dense, lambda xy: np.column_stack(aeqd.transform(xy[:, 0], xy[:, 1])))
    return float(proj.distance(Point(0, 0))) / 1000


def test_cached_distances_within_50_m_of_a_densified_aeqd_reference(backend, history):
    ws = backend(create=True)
    _load(ws, history)
    days = history.dates()[::13]
    series = site_distance_series(ws, history.facilities, days)
    assert sorted(series) == days
    checked = 0
    for day in days:
        for faction in ("opp", "sdf"):
            dense = _densify(history.geometry(faction, day))
            for f in history.facilities:
                row = series[day].site(f, faction)
                assert row is not None
                ref = reference_km(f.lon, f.lat, dense)
                assert row.distance_m / 1000 == pytest.approx(ref, abs=0.05), (f.id, day, faction)
                assert row.inside == (ref == 0.0)
                checked += 1
    assert checked == len(days) * 2 * len(history.facilities)
    ws.close()


def test_inside_days_of_the_overrun_site_are_right(backend):
    h = generate_history(days=220, vertices=600, sites=1, seed=7, still_share=0.0)
    ws = backend(create=True)
    _load(ws, h)
    site = h.facilities[0]
    days = h.dates()[::5]
    expo = exposure_series(ws, [site], days)
    inside = [d for d in days if expo[d][0].nearest and expo[d][0].nearest.distance_km == 0]
    truth = [d for d in days if _densify(h.geometry("opp", d)).contains(Point(site.lon, site.lat))]
    assert truth and len(truth) < len(days)  # the generator overruns the site part way
    assert inside == truth
    ws.close()


def _full_recomputation(ws: Workspace, day: dt.date) -> dict[str, tuple[float, float, float]]:
    """Exposure distances from scratch: today's areas, no cache."""
    out = {}
    areas = ws.control_on(day)
    for f in ws.facilities():
        for a in areas:
            if a.faction != f.operator:
                d, lo, la = distances_to_polygon([f.lon], [f.lat], a.geometry)
                out[f"{f.id}/{a.faction}"] = (float(d[0]), float(lo[0]), float(la[0]))
    return out


def _cached(ws: Workspace, day: dt.date) -> dict[str, tuple[float, float, float]]:
    sd = site_distance_series(ws, ws.facilities(), [day])[day]
    out = {}
    for f in ws.facilities():
        for faction in sd.factions:
            r = sd.site(f, faction)
            if r is not None and faction != f.operator:
                out[f"{f.id}/{faction}"] = (r.distance_m, r.near_lon, r.near_lat)
    return out


def _same(a: dict[str, tuple[float, float, float]], b: dict[str, tuple[float, float, float]]) -> bool:
    return a.keys() == b.keys() and all(np.allclose(a[k], b[k], rtol=0, atol=1e-6) for k in a)


def test_cache_invalidation_is_exact(backend, history):
    ws = backend(create=True)
    _load(ws, history)
    days = history.dates()
    revision = ws.store.revision()
    computed = materialize(ws.store, ws.facilities())
    assert ws.store.revision() == revision  # a cache: its rows change no answer
    grounds = {k for s in snapshot_grounds(ws.store).values() for k in s.grounds.values()}
    assert computed == len(history.facilities) * len(grounds)  # once per distinct ground
    assert len(grounds) < 2 * len(days)  # the series repeats itself: fewer grounds than days
    assert materialize(ws.store, ws.facilities()) == 0  # nothing left to do

    # A site moves 20 km: its rows are recomputed, the others are not.
    moved = dataclasses.replace(history.facilities[2], lon=history.facilities[2].lon + 0.2)
    with ws.store.transaction():
        ws.store.put(FACILITIES, [moved])
    day = days[17]
    assert _same(_cached(ws, day), _full_recomputation(ws, day))
    todays = set(snapshot_grounds(ws.store, day, day)[day].grounds.values())
    assert materialize(ws.store, ws.facilities()) == len(grounds - todays)  # its other grounds

    # A snapshot is replaced by different ground: that day's answers follow it.
    other = history.geometry("opp", days[-1])
    replaced = dataclasses.replace(
        next(a for a in history.areas if a.faction == "opp" and a.date == day), geometry=other)
    with ws.store.transaction():
        assert ws.store.put(CONTROL, [replaced]).updated == 1
    assert ws.control_on(day)[0].geometry.equals(other)
    assert _same(_cached(ws, day), _full_recomputation(ws, day))
    assert _same(_cached(ws, days[16]), _full_recomputation(ws, days[16]))

    # A relation change needs no distance: the rows for every faction are there.
    n_rows = ws.store.count(GROUND_DISTANCES)
    with ws.store.transaction():
        ws.store.delete(RELATIONS, {"a": "gov", "b": "sdf", "kind": "neutral"})
        ws.store.put(RELATIONS, [Relation("gov", "sdf", RelationKind.HOSTILE,
                                          history.relations[0].provenance)])
    expo = exposure_series(ws, ws.facilities(), [day])[day]
    assert all(set(e.distances_km) == {"opp", "sdf"} for e in expo)
    assert ws.store.count(GROUND_DISTANCES) == n_rows
    ws.close()


def test_exposure_from_the_cache_equals_the_geometry_path(backend, history):
    ws = backend(create=True)
    _load(ws, history)
    day = history.dates()[9]
    cached = exposure_series(ws, history.facilities, [day])[day]
    cat = load_catalog(ws)
    direct = exposure_on(history.facilities, ws.control_on(day), Hostility(ws.relations()),
                         cat.systems, cat.holdings, day)
    assert [e.to_dict() for e in cached] == [e.to_dict() for e in direct]
    assert all(e.synthetic for e in cached)
    # The one-snapshot seam gives the same distances, for sites and for any other point.
    fn = snapshot_distance_fn(ws, day, history.facilities)
    lons = [f.lon for f in history.facilities] + [37.0]
    lats = [f.lat for f in history.facilities] + [30.0]
    d, _, _ = fn("opp", lons, lats)
    ref, _, _ = distances_to_polygon(lons, lats, history.geometry("opp", day))
    assert d == pytest.approx(ref, abs=1e-6)
    ws.close()


def test_import_materializes_new_snapshots_only(tmp_path, history):
    import json

    from basewatch.sources.importing import import_file

    ws = Workspace(tmp_path / "ws", create=True)
    with ws.store.transaction():
        ws.store.put(FACTIONS, history.factions)
        ws.store.put(RELATIONS, history.relations)
        ws.store.put(FACILITIES, history.facilities)
    gj = history.control_geojson()
    half = len(gj["features"]) // 2
    for i, feats in enumerate((gj["features"][:half], gj["features"][half:])):
        p = tmp_path / f"control{i}.geojson"
        p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
        import_file(ws, "control", p)
        grounds = {k for s in snapshot_grounds(ws.store).values() for k in s.grounds.values()}
        assert ws.store.count(GROUND_DISTANCES) == len(grounds) * len(history.facilities)
    assert materialize(ws.store, ws.facilities()) == 0
    ws.close()


def _hashed(ws: Workspace) -> dict:
    """Every snapshot's grounds hashed from the stored geometry now (no memo, no store rows)."""
    from basewatch.store.exposure_cache import _snapshot_grounds

    return _snapshot_grounds(ws.store, dt.date(1, 1, 1), dt.date(9999, 12, 31))


def _fresh_process() -> None:
    from basewatch.store import exposure_cache

    exposure_cache._MEMO.clear()


def test_ground_keys_are_remembered_in_the_store_and_follow_every_change(backend, history):
    from basewatch.store.exposure_cache import GROUND_KEYS

    ws = backend(create=True)
    _load(ws, history)
    days = history.dates()
    revision = ws.store.revision()
    assert snapshot_grounds(ws.store) == _hashed(ws)
    assert ws.store.count(GROUND_KEYS) == 2 * len(days)  # two factions a day
    assert ws.store.revision() == revision  # a cache: it changes no answer
    _fresh_process()
    assert snapshot_grounds(ws.store) == _hashed(ws)  # read back from the store
    # A snapshot replaced through basewatch: the revision moves, the keys follow.
    day = days[5]
    replaced = dataclasses.replace(
        next(a for a in history.areas if a.faction == "opp" and a.date == day),
        geometry=history.geometry("opp", days[-1]))
    with ws.store.transaction():
        ws.store.put(CONTROL, [replaced])
    _fresh_process()
    now = snapshot_grounds(ws.store)
    assert now == _hashed(ws)
    assert now[day].grounds["opp"] == now[days[-1]].grounds["opp"]
    ws.close()


def test_ground_keys_see_an_edit_made_outside_basewatch(tmp_path, history):
    ws = Workspace(tmp_path / "ws", create=True)
    _load(ws, history)
    day = history.dates()[3]
    before = snapshot_grounds(ws.store)
    revision = ws.store.revision()
    # QGIS-like edit: plain SQL on the GeoPackage (the store's connection only because it has
    # the GeoPackage's SQL functions its R-tree triggers need): no revision moved.
    # Each distinct geometry is stored once and never changed in place (a trigger refuses
    # it: every snapshot sharing it would change); an edit points a snapshot's row to another
    # stored geometry.
    con = ws.store._con  # type: ignore[attr-defined]
    with pytest.raises(sqlite3.IntegrityError, match="never changed in place"), con:
        con.execute("UPDATE control_geometries SET geom = geom")
    with con:
        (key,) = con.execute("SELECT geom_key FROM control WHERE date = ? AND faction = 'opp'",
                             [history.dates()[-1].isoformat()]).fetchone()
        con.execute("UPDATE control SET geom_key = ? WHERE date = ? AND faction = 'opp'",
                    [key, day.isoformat()])
    assert ws.store.revision() == revision
    _fresh_process()
    after = snapshot_grounds(ws.store)
    assert after == _hashed(ws)
    assert after[day].grounds["opp"] != before[day].grounds["opp"]
    assert after[day].grounds["opp"] == after[history.dates()[-1]].grounds["opp"]
    ws.close()
