"""The CLI's contract: command names, --json shapes, errors as one line and exit code 2."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app

runner = CliRunner()


def run(*args, ok=True):
    result = runner.invoke(app, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def run_json(*args):
    return json.loads(run(*args, "--json").stdout)


def test_claim_a_inventory_801_102_699_minus_29(demo_ws):
    inv = run_json("inventory", "--date", "2024-12-05", "-w", demo_ws)
    assert inv["total"] == 801
    assert inv["by_type"] == {"base": 102, "point": 699}
    assert inv["largest_operator"] == "iran"
    assert inv["edition"] == {"publisher": "Jusoor for Studies", "date": "2024-07-02"}
    assert inv["change"]["change"] == -29 and inv["change"]["change_pct"] == -3.5
    assert inv["change"]["old"]["total"] == 830
    assert any("does not quote" in n for n in inv["notes"])  # the caveat on per-operator figures


def test_claim_b_control_changes_name_the_cities_with_their_dates(demo_ws):
    ch = run_json("control", "changes", "--from", "2024-11-27", "--to", "2024-12-08", "-w", demo_ws)
    dates = {c["place"]: c["date"] for c in ch["places_changed"]}
    assert dates["Aleppo"] in ("2024-11-29", "2024-11-30")
    assert dates["Hama"] == "2024-12-05"
    assert dates["Homs"] in ("2024-12-07", "2024-12-08")
    assert dates["Damascus"] == "2024-12-08"
    assert "Latakia" not in dates and "Tartus" not in dates
    assert ch["synthetic"] is True
    assert ch["factions"]["opposition"]["gained_km2"] > 1000
    assert ch["factions"]["government"]["lost_km2"] > ch["factions"]["government"]["gained_km2"]


def test_hama_homs_distance(demo_ws):
    d = run_json("distance", "Hama", "Homs", "-w", demo_ws)
    assert 40 <= d["distance_km"] <= 47  # the article: "40 km to the south"


def test_control_at_a_date_between_snapshots(demo_ws):
    c = run_json("control", "at", "--date", "2024-12-05", "-w", demo_ws)
    holders = {p: f["faction"] for f in c["factions"] for p in f["places"]}
    assert holders["Hama"] == "opposition" and holders["Homs"] == "government"
    assert holders["Latakia"] == "government" and holders["Tartus"] == "government"
    assert c["synthetic"] is True and c["snapshot"] == "2024-12-05"
    later = run_json("control", "at", "--date", "2030-01-01", "-w", demo_ws)
    assert later["snapshot"] == "2024-12-08"


def test_front_line_and_its_advance(demo_ws):
    f = run_json("front", "--date", "2024-12-05", "-w", demo_ws)
    pairs = {(s["a"], s["b"]) for s in f["segments"]}
    assert ("government", "opposition") in pairs
    adv = [a for a in f["advance"] if a["attacker"] == "opposition" and a["defender"] == "government"]
    assert adv and adv[0]["advance_km_per_day"] > 0


def test_demo_is_safe_to_run_twice(tmp_path):
    first = run("demo", "-w", tmp_path / "d", "--json")
    second = json.loads(run("demo", "-w", tmp_path / "d", "--json").stdout)
    assert json.loads(first.stdout)["A_inventory"]["total"] == 801
    assert all(r["inserted"] == 0 and r["updated"] == 0 for r in second["imports"])


def test_demo_prints_the_claims(tmp_path):
    result = runner.invoke(app, ["demo", "-w", str(tmp_path / "d")], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "801" in out and "102 bases + 699" in out and "-29 (-3.5 %)" in out
    assert "Hama" in out and "SYNTHETIC" in out
    assert "critical: Homs" in out and "8 Dec CUT" in out
    assert "Alerts" in out and "in_reach(smerch)" in out


def test_facilities_list_shows_sources(demo_ws):
    items = run_json("facilities", "--operator", "russia", "-w", demo_ws)
    assert {f["id"] for f in items} >= {"khmeimim", "tartus"}
    assert all(f["provenance"]["source"]["publisher"] for f in items)


@pytest.mark.parametrize("args,message", [
    (["control", "at", "--date", "1990-01-01"], "no control snapshot on or before 1990-01-01"),
    (["distance", "Hamma", "Homs"], "no facility named 'Hamma'"),
    (["inventory", "--by", "colour"], "cannot group by colour"),
    (["control", "changes", "--from", "2024-12-08", "--to", "2024-12-01"], "is before --from"),
    (["control", "at", "--date", "5 Dec"], "--date '5 Dec' is not an ISO date"),
])
def test_errors_are_one_line_and_exit_2(demo_ws, args, message):
    result = run(*args, "-w", demo_ws, ok=False)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_import_errors_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "f.csv"
    bad.write_text("id,name\n", "utf-8")
    result = subprocess.run([sys.executable, "-c", "from basewatch.cli.main import main; main()",
                             "import", "facilities", str(bad), "-w", str(tmp_path / "w")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "f.csv line 1: missing column" in result.stderr and "Traceback" not in result.stderr


def test_missing_workspace_is_a_clear_error(tmp_path):
    result = run("inventory", "-w", tmp_path / "none", ok=False)
    assert result.exit_code == 2 and "no workspace store here" in result.stderr
