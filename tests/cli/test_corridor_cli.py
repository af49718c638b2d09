"""Claim D from the demo's data."""

import json

from typer.testing import CliRunner

from basewatch.cli.main import app
from tests.cli.fresh import run_fresh

runner = CliRunner()


def run_json(*args):
    r = runner.invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_claim_d_tartus_damascus(demo_ws):
    before = run_json("corridor", "--from", "Tartus", "--to", "Damascus", "--date", "2024-12-04", "-w", demo_ws)
    assert before["connected"] is True and "Homs" in before["places_on_route"]
    assert before["minimum_cut"] == ["Homs"]
    assert before["critical_places"][0]["places"] == ["Homs"]
    # What a capture takes is said: the demo's places carry no population, so a city's disc.
    assert before["critical_places"][0]["extent"] == "disc 5.0 km"
    # The route in route order, the side whose corridor it is, the access legs apart.
    along = [p["along_km"] for p in before["places_along"]]
    assert along == sorted(along) and before["side"] == "russia" and len(before["access_km"]) == 2
    assert not any(c["places"] == ["Hama"] and c["cuts"] for c in before["critical_places"])
    after = run_json("corridor", "--from", "Tartus", "--to", "Damascus", "--date", "2024-12-08", "-w", demo_ws)
    assert after["connected"] is False and after["breaks"]
    what_if = run_json("corridor", "--from", "Tartus", "--to", "Damascus", "--date", "2024-12-04",
                       "--assume-captured", "Hama,Homs", "-w", demo_ws)
    assert what_if["connected"] is False
    assert any("Homs" in b["near"] for b in what_if["breaks"])
    roads = [b["road"] for b in what_if["breaks"]]
    assert len(roads) == len(set(roads))  # one line per road
    assert [c["extent"] for c in what_if["captures"]] == ["disc 5.0 km", "disc 5.0 km"]


def test_timeline_first_cut_is_8_dec(demo_ws):
    t = run_json("corridor", "timeline", "--from", "tartus", "--to", "damascus", "-w", demo_ws)
    assert t["first_cut"] == "2024-12-08"
    assert all(s["connected"] for s in t["series"] if s["date"] < "2024-12-08")


def test_through_lebanon_is_a_different_question(demo_ws):
    r = run_json("corridor", "--from", "Tartus", "--to", "Damascus", "--date", "2024-12-04",
                 "--assume-captured", "Homs", "--any-road", "-w", demo_ws)
    assert r["connected"] is True and "Beirut" in r["places_on_route"]


def test_unknown_place_suggests_near_matches(demo_ws):
    r = runner.invoke(app, ["corridor", "--from", "Tartus", "--to", "Damascus", "--date", "2024-12-04",
                            "--assume-captured", "Homz", "-w", str(demo_ws)])
    assert r.exit_code == 2 and "did you mean Homs" in r.stderr


def test_a_warm_corridor_question_does_not_load_pydantic(demo_ws):
    """Every option of `corridor` (text, path, flag, float) is coerced without typer's pydantic
    adapters (cli/main.py: plain_coercion), so a warm question in a fresh interpreter never
    imports pydantic (docs/faces.md, start-up), with the same answer."""
    args = ["corridor", "--from", "Tartus", "--to", "Damascus", "--date", "2024-12-04",
            "--buffer-km", "0.5", "--capture-radius", "3", "-w", str(demo_ws), "--json"]
    expected = run_json(*args[:-1])  # in this process: builds the graph and capture caches
    body, loaded = run_fresh(args, ("pydantic", "pydantic_core", "rich"))
    assert loaded == set()
    assert json.loads(body) == expected


def test_a_bad_number_is_a_usage_error_naming_the_option(demo_ws):
    for opt, value, kind in (("--buffer-km", "abc", "a valid number"),
                             ("--capture-radius", "1,5", "a valid number")):
        r = runner.invoke(app, ["corridor", "--from", "Tartus", "--to", "Damascus", opt, value,
                                "-w", str(demo_ws), "--json"])
        assert r.exit_code == 2, r.output
        assert f"Invalid value for '{opt}'" in r.output and kind in r.output
