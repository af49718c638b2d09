"""Claim G end to end: the demo's take-off of RA-78847 at OSLK and the airlift surge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.demo.build import build_demo
from basewatch.demo.flights_gen import RA78847_TAKEOFF

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("demo")
    build_demo(ws)
    return ws


def test_events_json_shows_ra78847_takeoff_at_oslk_to_moscow_area_inferred(demo_ws: Path) -> None:
    r = runner.invoke(app, ["flights", "events", "--site", "Khmeimim", "--date", "2024-12-04",
                            "--json", "-w", str(demo_ws)])
    assert r.exit_code == 0, r.output
    ev = [e for e in json.loads(r.stdout) if e["registration"] == "RA-78847"]
    assert len(ev) == 1
    e = ev[0]
    assert (e["hex"], e["type"], e["operator"], e["military"]) == ("1533ff", "IL76",
                                                                  "Russian Air Force", True)
    assert (e["kind"], e["airfield"], e["runway"]) == ("takeoff", "OSLK", "35")
    assert e["destination"] == "Moscow area"
    assert e["destination_method"] == "inferred from bearing"
    assert e["synthetic"] is True and e["source"].startswith("SYNTHETIC")
    lag = abs(__import__("datetime").datetime.fromisoformat(e["time"]) - RA78847_TAKEOFF)
    assert lag.total_seconds() <= 30
    # the course it went dark on points at Moscow's fields, Sheremetyevo first; stored and
    # read back from the workspace with its error
    assert e["status"] == "takeoff" and e["destination_candidates"][0] == "UUEE"
    assert set(e["destination_candidates"]) <= {"UUEE", "UUWW", "UUMU"}
    assert e["course_deg"] is not None and e["course_error_deg"] >= 1.0


def test_daily_flags_the_heavy_transport_surge_of_december_only(demo_ws: Path) -> None:
    r = runner.invoke(app, ["flights", "daily", "--site", "OSLK", "--json", "-w", str(demo_ws)])
    assert r.exit_code == 0, r.output
    rows = [x for x in json.loads(r.stdout)["rows"] if x["category"] == "heavy transport"]
    surge_days = {x["day"] for x in rows if x["surge"]}
    assert "2024-12-04" in surge_days
    assert all(d >= "2024-12-02" for d in surge_days)  # the generator's surge starts 2 Dec
    assert all(x["synthetic"] for x in rows)


def test_reimport_changes_nothing_and_bad_file_is_one_red_line(demo_ws: Path, tmp_path: Path) -> None:
    pos = demo_ws / "flights-positions-synthetic.csv"
    r = runner.invoke(app, ["flights", "import", str(pos), "-w", str(demo_ws)])
    assert r.exit_code == 0 and "nothing changed" in r.stdout
    bad = tmp_path / "trace_full_abc.json"
    bad.write_text('{"icao": "1533ff", "timestamp": 1733306500, "trace": [[0, 35.4')
    r = runner.invoke(app, ["flights", "import", str(bad), "-w", str(demo_ws)])
    assert r.exit_code == 2
    assert "invalid JSON" in r.output


def test_aircraft_and_airports_import_commands(tmp_path: Path) -> None:
    tar = tmp_path / "aircraft.csv"
    tar.write_text("1533ff;RA-78847;IL76;10;ILYUSHIN Il-76MD;;\n43c6f1;ZZ176;C17;10;BOEING C-17;;\n")
    assert runner.invoke(app, ["aircraft", "import", str(tar), "-w", str(tmp_path)]).exit_code == 0
    osky = tmp_path / "os.csv"
    osky.write_text("icao24,registration,typecode,operator\n1533ff,RA-78847,IL76,Russian Air Force\n")
    r = runner.invoke(app, ["aircraft", "import", str(osky), "-w", str(tmp_path)])
    assert r.exit_code == 0 and "1 updated" in " ".join(r.stdout.split())
    from basewatch.store import Workspace
    from basewatch.store.flights import AIRCRAFT

    with Workspace(tmp_path) as ws:
        a = {x.hex: x for x in ws.store.select(AIRCRAFT)}
    assert a["1533ff"].military and a["1533ff"].operator == "Russian Air Force"
    assert a["1533ff"].description == "ILYUSHIN Il-76MD"  # kept from tar1090-db: joined by hex
    assert a["43c6f1"].military


def test_airports_then_runways_make_a_watched_airfield(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[2] / "src" / "basewatch" / "demo" / "data" / "flights"
    r = runner.invoke(app, ["airports", "import", str(data / "runways.csv"), "-w", str(tmp_path)])
    assert r.exit_code == 0 and "import airports.csv first" in " ".join(r.stdout.split())
    assert runner.invoke(app, ["airports", "import", str(data / "airports.csv"),
                               "-w", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["airports", "import", str(data / "runways.csv"),
                               "-w", str(tmp_path)]).exit_code == 0
    from basewatch.store import Workspace
    from basewatch.store.flights import AIRFIELDS

    with Workspace(tmp_path) as ws:
        fields = {a.ident: a for a in ws.store.select(AIRFIELDS)}
    assert [rw.designator for rw in fields["OSLK"].runways] == ["17/35"]
    assert fields["UUMU"].area == "Moscow area" and not fields["UUMU"].runways
    rw = fields["OSLK"].runways[0]
    import pyproj

    length_m = pyproj.Geod(ellps="WGS84").inv(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat)[2]
    assert abs(length_m - 2800) < 20  # ~2,800 m as recorded


def test_every_stored_demo_position_is_marked_synthetic(demo_ws: Path) -> None:
    from basewatch.store.flights import read_positions

    table = read_positions(demo_ws)
    assert table.num_rows > 10000
    assert all(table.column("synthetic").to_pylist())


def test_import_that_reads_no_position_exits_2_naming_the_file(tmp_path: Path) -> None:
    p = tmp_path / "states.csv"
    p.write_text("time,hex,lat,lon\n2024-12-04T10:00:00Z,not-hex,35,35\n")
    r = runner.invoke(app, ["flights", "import", str(p), "-w", str(tmp_path / "ws")])
    assert r.exit_code == 2
    assert "states.csv" in r.output and "no positions read" in r.output


def test_event_times_come_with_their_interval(demo_ws: Path) -> None:
    r = runner.invoke(app, ["flights", "events", "--site", "OSLK", "--date", "2024-12-04",
                            "--json", "-w", str(demo_ws)])
    rows = json.loads(r.stdout)
    assert rows and all(e["time_lo"] <= e["time"] <= e["time_hi"] for e in rows)
