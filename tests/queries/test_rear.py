"""The rear is data: a facility's (or its operator's) ``rear`` drives the assessment, the
corridors export layer, tripwires and the dashboard's corridors, in any workspace."""

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.errors import NotFoundError
from basewatch.sources.importing import import_file
from basewatch.store import Workspace

# A base on the coast (Portside) supplied from an inland city (Hilltown) along one road through
# Midway; on 2 Mar the red side takes the ground around Midway.
FACTIONS = {"factions": [{"id": "blue", "name": "Blue", "source": "t"},
                         {"id": "red", "name": "Red", "source": "t"}],
            "relations": [{"a": "blue", "b": "red", "kind": "hostile", "source": "t"}]}
FACILITIES = ("id,name,operator,type,lon,lat,rear,source\n"
              "base,Portside base,blue,naval_base,20.001,40.0,hilltown,t\n"
              "post,Hill post,blue,point,20.6,40.0,,t\n")
PLACES = ("id,name,kind,lon,lat,source\nhilltown,Hilltown,city,20.8,40.0,t\n"
          "midway,Midway,town,20.4,40.0,t\nportside,Portside,town,20.0,40.0,t\n")
ROADS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"id": "r1", "ref": "A1", "source": "t"},
     "geometry": {"type": "LineString", "coordinates": [[20.0, 40.0], [20.4, 40.0], [20.8, 40.0]]}}]}


def _area(faction, day, x0, x1):
    return {"type": "Feature", "properties": {"faction": faction, "date": day, "source": "t"},
            "geometry": {"type": "Polygon", "coordinates": [[[x0, 39.5], [x1, 39.5], [x1, 40.5], [x0, 40.5], [x0, 39.5]]]}}


_WEST, _EAST = _area("blue", "2025-03-02", 19.9, 20.3), _area("blue", "2025-03-02", 20.5, 21.0)
CONTROL = {"type": "FeatureCollection", "features": [
    _area("blue", "2025-03-01", 19.9, 21.0), _area("red", "2025-03-01", 21.5, 22.0),
    {**_WEST, "geometry": {"type": "MultiPolygon", "coordinates": [
        _WEST["geometry"]["coordinates"], _EAST["geometry"]["coordinates"]]}},
    _area("red", "2025-03-02", 20.3, 20.5)]}


@pytest.fixture
def rear_ws(tmp_path):
    ws = Workspace(tmp_path / "ws", create=True)
    for name, kind, text in (("f.json", "factions", json.dumps(FACTIONS)),
                             ("fac.csv", "facilities", FACILITIES), ("p.csv", "places", PLACES),
                             ("r.geojson", "roads", json.dumps(ROADS)),
                             ("c.geojson", "control", json.dumps(CONTROL))):
        (tmp_path / name).write_text(text)
        import_file(ws, kind, tmp_path / name)
    yield ws
    ws.close()


def test_the_rear_column_is_read_and_resolved(rear_ws):
    from basewatch.queries.corridors import rear_of

    assert rear_ws.facility("base").rear == "hilltown"
    assert rear_of(rear_ws, rear_ws.facility("base")).name == "Hilltown"
    assert rear_of(rear_ws, rear_ws.facility("post")) is None


def test_the_operators_rear_is_the_default_and_the_sites_own_wins(rear_ws):
    from basewatch.queries.corridors import rear_of, set_rear

    set_rear(rear_ws, "Blue", "Midway", operator=True)
    assert rear_of(rear_ws, rear_ws.facility("post")).id == "midway"
    assert rear_of(rear_ws, rear_ws.facility("base")).id == "hilltown"
    with pytest.raises(NotFoundError, match="no place named 'Atlantis'"):
        set_rear(rear_ws, "base", "Atlantis")


def test_the_assessment_follows_the_corridor_to_the_rear(rear_ws):
    from basewatch.queries.assessment import gather_indicators

    ind = [i for i in gather_indicators(rear_ws, rear_ws.facility("base")) if i.kind == "corridor"]
    assert [(i.date, i.description) for i in ind] == [(dt.date(2025, 3, 2), "road corridor to Hilltown cut")]


def test_exports_and_dashboard_show_the_corridor_to_the_rear(rear_ws):
    from basewatch.exports.layers import collect
    from basewatch.queries.sites import default_corridors

    assert default_corridors(rear_ws) == [("base", "hilltown")]
    before = collect(rear_ws, "corridors", dt.date(2025, 3, 1))
    after = collect(rear_ws, "corridors", dt.date(2025, 3, 2))
    assert len(before.rows) == 1 and len(after.rows) >= 2  # the route; the usual route + a break


def test_a_corridor_tripwire_on_the_rear_fires_when_it_is_cut(rear_ws, tmp_path):
    r = CliRunner().invoke(app, ["tripwires", "add", "corridor(rear) == cut", "--site", "base",
                                 "-w", str(rear_ws.folder)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["tripwires", "run", "--from", "2025-03-01", "--to", "2025-03-03",
                                 "-w", str(rear_ws.folder), "--json"])
    assert r.exit_code == 0, r.output
    alerts = json.loads(r.stdout)["alerts"]
    assert [(a["date"], a["evidence"]) for a in alerts] == [("2025-03-02", ["corridor to rear cut"])]


def test_set_rear_from_the_command_line(rear_ws):
    r = CliRunner().invoke(app, ["corridor", "set-rear", "post", "Hilltown", "-w", str(rear_ws.folder)])
    assert r.exit_code == 0, r.output
    assert "facility post: rear hilltown" in r.stdout
    r = CliRunner().invoke(app, ["corridor", "set-rear", "post", "Nowhere", "-w", str(rear_ws.folder)])
    assert r.exit_code == 2 and "Nowhere" in r.stderr


def test_the_timeline_names_the_roads_cut_on_each_date(rear_ws):
    r = CliRunner().invoke(app, ["corridor", "timeline", "--from", "base", "--to", "Hilltown",
                                 "-w", str(rear_ws.folder), "--json"])
    assert r.exit_code == 0, r.output
    series = json.loads(r.stdout)["series"]
    assert [(s["date"], s["connected"], s["roads_cut"]) for s in series] == [
        ("2025-03-01", True, []), ("2025-03-02", False, ["A1"])]
    assert json.loads(r.stdout)["first_cut"] == "2025-03-02"
