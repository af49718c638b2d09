"""What every store back end must do, run against the embedded GeoPackage and a real PostGIS."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import LineString, Point, box

from basewatch.model import ControlArea, Facility, FacilityType, Faction, Relation, RelationKind
from basewatch.store import CONTROL, FACILITIES, FACTIONS, RELATIONS


def facility(prov, i="khmeimim", **kw):
    return Facility(i, "Khmeimim Air Base", "russia", FacilityType.AIRBASE, 35.949, 35.401, prov,
                    aliases=("Hmeimim", "Humaymim"), **kw)


def test_records_round_trip_losslessly(backend, prov):
    f = facility(prov, footprint=box(35.93, 35.38, 35.96, 35.42),
                 areas={"apron": box(35.94, 35.40, 35.945, 35.405)})
    c = ControlArea("opposition", dt.date(2024, 12, 1),
                    box(36.123456789012345, 35.1, 37.987654321, 36.000000001), prov)
    with backend(create=True) as ws:
        ws.store.put(FACILITIES, [f])
        ws.store.put(CONTROL, [c])
    with backend() as ws:
        (back,) = ws.facilities()
        (cback,) = ws.control_on(dt.date(2024, 12, 1))
    assert back == f
    assert back.areas["apron"].equals(f.areas["apron"])
    assert cback.geometry.wkb == CONTROL.geometry(c).wkb  # bit-identical coordinates
    assert cback.to_dict()["provenance"] == c.to_dict()["provenance"]


def test_putting_the_same_record_twice_changes_nothing(backend, prov):
    with backend(create=True) as ws:
        assert ws.store.put(FACILITIES, [facility(prov)]).inserted == 1
        r = ws.store.put(FACILITIES, [facility(prov)])
        assert (r.inserted, r.updated, r.unchanged) == (0, 0, 1)
        changed = facility(prov, valid_to=dt.date(2025, 1, 1))
        r = ws.store.put(FACILITIES, [changed, facility(prov, i="tartus")])
        assert (r.inserted, r.updated, r.unchanged) == (1, 1, 0)
        assert ws.facility("khmeimim").valid_to == dt.date(2025, 1, 1)
        assert [f.id for f in ws.facilities(on=dt.date(2025, 6, 1))] == ["tartus"]


def test_a_record_whose_geometry_alone_changed_is_updated(backend, prov):
    """The geometry is stored apart from the JSON copy of a record: a corrected polygon (or a
    road whose way was redrawn in a newer extract) must not count as unchanged."""
    c = ControlArea("opposition", dt.date(2024, 12, 1), box(36.0, 35.0, 37.0, 36.0), prov)
    moved = ControlArea("opposition", dt.date(2024, 12, 1), box(36.0, 35.0, 37.5, 36.0), prov)
    with backend(create=True) as ws:
        ws.store.put(CONTROL, [c])
        assert ws.store.put(CONTROL, [c]).unchanged == 1
        r = ws.store.put(CONTROL, [moved])
        assert (r.inserted, r.updated, r.unchanged) == (0, 1, 0)
        (back,) = ws.control_on(dt.date(2024, 12, 1))
        assert back.geometry.equals(moved.geometry)


def test_a_change_of_geometry_alone_is_written(backend, prov):
    day = dt.date(2024, 12, 1)
    with backend(create=True) as ws:
        ws.store.put(CONTROL, [ControlArea("opposition", day, box(36, 35, 37, 36), prov)])
        r = ws.store.put(CONTROL, [ControlArea("opposition", day, box(36, 35, 37.5, 36), prov)])
        assert (r.inserted, r.updated, r.unchanged) == (0, 1, 0)
        assert ws.control_on(day)[0].geometry.bounds == (36, 35, 37.5, 36)
        same = ws.store.put(CONTROL, [ControlArea("opposition", day, box(36, 35, 37.5, 36), prov)])
        assert same.unchanged == 1


def test_a_failed_transaction_leaves_the_store_unchanged(backend, prov):
    with backend(create=True) as ws:
        ws.store.put(FACILITIES, [facility(prov)])
    with backend() as ws:
        with pytest.raises(RuntimeError), ws.store.transaction():
            ws.store.put(FACILITIES, [facility(prov, i="other")])
            with ws.store.transaction():  # a nested transaction joins the outer one
                ws.store.put(CONTROL, [ControlArea("opposition", dt.date(2024, 12, 1),
                                                   box(36, 35, 37, 36), prov)])
            raise RuntimeError("crash halfway")
        assert [f.id for f in ws.facilities()] == ["khmeimim"]
        assert ws.control_dates() == []
        # and the store still takes writes afterwards
        ws.store.put(CONTROL, [ControlArea("a", dt.date(2024, 12, 2), box(0, 0, 1, 1), prov)])
        assert ws.control_dates() == [dt.date(2024, 12, 2)]


def test_control_on_a_date_between_snapshots_is_the_latest_before_it(backend, prov):
    d1, d3 = dt.date(2024, 12, 1), dt.date(2024, 12, 3)
    with backend(create=True) as ws:
        ws.store.put(CONTROL, [ControlArea("a", d1, box(0, 0, 1, 1), prov),
                               ControlArea("b", d1, box(1, 0, 2, 1), prov),
                               ControlArea("a", d3, box(0, 0, 1.5, 1), prov)])
        assert ws.control_on(dt.date(2024, 11, 30)) == []
        assert {a.faction for a in ws.control_on(d1)} == {"a", "b"}
        assert {(a.faction, a.date) for a in ws.control_on(dt.date(2024, 12, 2))} == {("a", d1), ("b", d1)}
        assert [(a.faction, a.date) for a in ws.control_on(dt.date(2025, 1, 1))] == [("a", d3)]
        assert [(a.faction, a.date) for a in ws.control_between(d1, d3)] == [
            ("a", d1), ("b", d1), ("a", d3)]


def test_queries_columns_distinct_and_delete_agree(backend, prov):
    with backend(create=True) as ws:
        ws.store.put(FACTIONS, [Faction("russia", "Russia", prov, "state"),
                                Faction("sdf", "SDF", prov)])
        ws.store.put(RELATIONS, [Relation("sdf", "russia", RelationKind("hostile"), prov),
                                 Relation("russia", "sdf", RelationKind("allied"), prov, dt.date(2024, 1, 1))])
        ws.store.put(FACILITIES, [facility(prov), facility(prov, i="b", valid_from=dt.date(2020, 5, 1))])
        assert [f.id for f in ws.factions()] == ["russia", "sdf"]
        assert len(ws.relations()) == 2
        assert ws.store.distinct(FACILITIES, "operator") == ["russia"]
        rows = sorted(ws.store.select_columns(FACILITIES, ("id", "valid_from", "synthetic")),
                      key=lambda r: r[0])
        assert rows == [("b", "2020-05-01", 0), ("khmeimim", None, 0)]
        got = ws.store.select(FACILITIES, ranges={"valid_from": ("2020-01-01", None)})
        assert [f.id for f in got] == ["b"]
        assert ws.store.delete(FACILITIES, {"id": "b"}) == 1
        assert [f.id for f in ws.facilities()] == ["khmeimim"]
        assert ws.facility("Hmeimim").id == "khmeimim"


def test_every_geometry_kind_keeps_its_coordinates(backend, prov):
    line = LineString([(35.0, 35.0), (35.5, 35.25), (36.0, 35.75)])
    f = facility(prov, areas={"runway": line.buffer(0.001), "gate": Point(35.95, 35.4).buffer(1e-4)})
    with backend(create=True) as ws:
        ws.store.put(FACILITIES, [f])
        (back,) = ws.facilities()
    for k, g in f.areas.items():
        assert back.areas[k].equals_exact(g, 0.0)


def test_the_revision_moves_with_every_committed_change_and_only_then(backend, prov):
    with backend(create=True) as ws:
        r0 = ws.store.revision()
        ws.store.put(FACILITIES, [facility(prov)])
        r1 = ws.store.revision()
        assert r1 == r0 + 1
        ws.store.put(FACILITIES, [facility(prov)])  # identical: nothing changed
        assert ws.store.revision() == r1
        with ws.store.transaction():  # one transaction, two changes: one step
            ws.store.put(FACILITIES, [facility(prov, i="tartus")])
            ws.store.delete(FACILITIES, {"id": "khmeimim"})
        assert ws.store.revision() == r1 + 1
        with pytest.raises(RuntimeError), ws.store.transaction():
            ws.store.put(FACILITIES, [facility(prov, i="rolled-back")])
            raise RuntimeError("crash")
        assert ws.store.revision() == r1 + 1
        assert ws.store.delete(FACILITIES, {"id": "nothing-here"}) == 0
        assert ws.store.revision() == r1 + 1
    with backend() as ws:  # another connection sees the committed revision
        assert ws.store.revision() == r1 + 1
