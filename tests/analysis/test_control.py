import datetime as dt

import pyproj
import pytest
from shapely.geometry import Polygon, box

from basewatch.analysis.control import (
    control_changes,
    faction_geometries,
    front_advance,
    front_line,
    holder,
)
from basewatch.analysis.hostility import Hostility
from basewatch.model import ControlArea, Place, Relation, RelationKind

GEOD = pyproj.Geod(ellps="WGS84")
D1, D2, D3 = dt.date(2024, 12, 1), dt.date(2024, 12, 2), dt.date(2024, 12, 3)


def geod_area_km2(poly):
    lons, lats = poly.exterior.xy
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0]) / 1e6


@pytest.fixture
def scenario(prov):
    """West (w) advances 0.2 degrees east into east (e) between 1 and 3 Dec."""
    snaps = {
        D1: [ControlArea("w", D1, box(36.0, 35.0, 37.0, 36.0), prov),
             ControlArea("e", D1, box(37.0, 35.0, 38.0, 36.0), prov)],
        D3: [ControlArea("w", D3, box(36.0, 35.0, 37.2, 36.0), prov),
             ControlArea("e", D3, box(37.2, 35.0, 38.0, 36.0), prov)],
    }
    places = [Place("p", "Middletown", 37.1, 35.5, prov), Place("q", "Westville", 36.5, 35.5, prov),
              Place("sea", "Offshore", 30.0, 30.0, prov)]
    hostility = Hostility([Relation("w", "e", RelationKind.HOSTILE, prov)])
    return snaps, places, hostility


def test_holder_of_points(scenario):
    snaps, _, _ = scenario
    geoms = faction_geometries(snaps[D1])
    assert holder(geoms, 36.5, 35.5) == "w"
    assert holder(geoms, 37.5, 35.5) == "e"
    assert holder(geoms, 30.0, 30.0) is None


def test_changes_measure_areas_on_the_ellipsoid(scenario):
    snaps, places, _ = scenario
    ch = control_changes(snaps, places, D1, D3)
    strip = geod_area_km2(box(37.0, 35.0, 37.2, 36.0))
    assert ch.gained_km2["w"] == pytest.approx(strip, rel=1e-9)
    assert ch.lost_km2["e"] == pytest.approx(strip, rel=1e-9)
    assert ch.gained_km2["e"] == 0.0
    assert ch.area_km2["w"][0] == pytest.approx(geod_area_km2(box(36.0, 35.0, 37.0, 36.0)))
    assert [(c.place, c.date, c.from_faction, c.to_faction) for c in ch.places] == [
        ("Middletown", D3, "e", "w")]


def test_changes_from_a_date_between_snapshots_use_the_snapshot_in_force(scenario):
    snaps, places, _ = scenario
    ch = control_changes(snaps, places, D2, D3)
    assert ch.start_snapshot == D1 and ch.end_snapshot == D3
    assert [c.place for c in ch.places] == ["Middletown"]
    nothing = control_changes(snaps, places, D1, D2)
    assert nothing.places == [] and nothing.gained_km2["w"] == 0.0


def test_front_line_is_the_shared_boundary_of_hostile_factions(scenario, prov):
    snaps, _, hostility = scenario
    (seg,) = front_line(snaps[D1], hostility, D1)
    _, _, meridian = GEOD.inv(37.0, 35.0, 37.0, 36.0)
    assert seg.length_km == pytest.approx(meridian / 1000, rel=1e-6)
    friends = Hostility([Relation("w", "e", RelationKind.ALLIED, prov)])
    assert front_line(snaps[D1], friends, D1) == []


def test_front_advance_is_area_over_front_length_over_days(scenario):
    snaps, _, hostility = scenario
    (adv,) = front_advance(snaps[D1], snaps[D3], hostility, D1, D3)
    strip = geod_area_km2(box(37.0, 35.0, 37.2, 36.0))
    l1 = GEOD.inv(37.0, 35.0, 37.0, 36.0)[2] / 1000
    l3 = GEOD.inv(37.2, 35.0, 37.2, 36.0)[2] / 1000
    assert adv["attacker"] == "w" and adv["defender"] == "e" and adv["days"] == 2
    assert adv["advance_km_per_day"] == pytest.approx(strip / ((l1 + l3) / 2) / 2, abs=0.01)
    # 0.2 degrees of longitude at ~35.5 N is ~18.1 km, over two days ~9 km/day.
    assert 8.5 < adv["advance_km_per_day"] < 9.5


def test_hostility_through_one_step_of_alliance(prov):
    rel = [Relation("gov", "russia", RelationKind.ALLIED, prov, valid_from=dt.date(2015, 9, 30)),
           Relation("opp", "gov", RelationKind.HOSTILE, prov),
           Relation("russia", "ally2", RelationKind.ALLIED, prov)]
    h = Hostility(rel)
    assert h.hostile("opp", "russia", D1)
    assert not h.hostile("opp", "russia", dt.date(2014, 1, 1))  # before the alliance
    assert not h.hostile("opp", "ally2", D1)  # two steps away: not hostile
    assert h.hostile_to("russia", ["opp", "gov", "ally2"], D1) == {"opp"}


def test_a_neutral_relation_stops_the_one_step_inference(prov):
    # Turkey fights the SDF, which the coalition backs; stated neutral, Turkey and the coalition
    # are not hostile, while the SDF stays hostile to Turkey.
    rel = [Relation("sdf", "coalition", RelationKind.ALLIED, prov),
           Relation("turkey", "sdf", RelationKind.HOSTILE, prov),
           Relation("sna", "sdf", RelationKind.HOSTILE, prov)]
    assert Hostility(rel).hostile("turkey", "coalition", D1)  # the bare inference
    h = Hostility([*rel, Relation("turkey", "coalition", RelationKind.NEUTRAL, prov)])
    assert not h.hostile("turkey", "coalition", D1)
    assert h.hostile("turkey", "sdf", D1)
    assert h.hostile("sna", "coalition", D1)  # no neutral relation stated for the SNA
    assert Relation.from_dict({**rel[0].to_dict(), "kind": "neutral"}).kind is RelationKind.NEUTRAL


def test_the_front_is_found_where_two_areas_share_an_edge_only_up_to_rounding(prov):
    # Two published areas digitised apart: they share the southern half of the meridian
    # exactly; to the north Blue's edge bends through a node computed by another tool, 1e-9
    # degrees off Red's edge. An exact intersection keeps only the southern half there.
    red = Polygon([(30.0, 49.0), (31.0, 49.0), (31.0, 49.5), (31.0, 50.0), (30.0, 50.0)])
    blue = Polygon([(31.0, 49.0), (33.0, 49.0), (33.0, 50.0), (31.0, 50.0),
                    (31.0 + 1e-9, 49.8), (31.0, 49.5)])
    areas = [ControlArea("red", D1, red, prov), ControlArea("blue", D1, blue, prov)]
    h = Hostility([Relation("red", "blue", RelationKind.HOSTILE, prov)])
    (seg,) = front_line(areas, h, D1)
    assert 111.1 <= seg.length_km <= 111.3  # the 111.2 km meridian from 49 to 50 N
