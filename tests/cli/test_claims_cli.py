"""Demo claim H through the CLI: Tartus departure claims, corroboration, ties, silence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.demo.build import build_demo
from tests.cli.fresh import run_fresh

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-claims")
    build_demo(folder)
    return folder


def run_json(*args: str) -> dict:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_claim_h_tartus_departure_corroborated_by_two_independent_posts(demo: Path):
    out = run_json("claims", "--site", "Tartus", "-w", str(demo))
    dep = [c for c in out["claims"] if c["kind"] == "departure" and c["subject"]["id"] == "tartus"]
    by_source = {c["source"]["id"] for c in dep}
    assert {"f76", "mt-anderson", "seed-article"} <= by_source
    mta = next(c for c in dep if c["source"]["id"] == "mt-anderson")
    assert (mta["event_date"], mta["stance"], mta["source"]["grade"]) == ("2024-12-02", "asserts",
                                                                          "B2")
    assert mta["url"] == "https://pic.twitter.com/S3dT1RzVw8"
    # F76 and MT Anderson are independent; the article quotes both, so adds no origin.
    assert mta["corroboration"] == 2
    assert sorted(map(tuple, mta["independent_origins"])) == [("f76",), ("mt-anderson",)]
    group = next(g for g in out["groups"] if g["key"] == mta["group"])
    assert group["derived_from_others"] == ["seed-article"]
    assert group["credibility"] == 1


def test_claim_h_moscow_silence_is_a_record(demo: Path):
    out = run_json("claims", "--site", "Tartus", "--kind", "departure", "-w", str(demo))
    silent = {s["source_id"]: s for c in out["claims"] for s in c["silence"]
              if s["subject"] == "tartus"}
    assert set(silent) == {"russia-mod", "kremlin"}
    assert silent["russia-mod"]["window_start"] == "2024-12-02"
    assert silent["russia-mod"]["statement"].startswith("no official confirmation")


def test_claim_h_ra78847_tied_to_khmeimim_and_ra76845_not(demo: Path):
    out = run_json("claims", "--site", "Khmeimim", "-w", str(demo))
    regs = {c["subject"]["id"] for c in out["claims"] if c["subject"]["kind"] == "aircraft"}
    assert regs == {"RA-78847"}
    ra = next(c for c in out["claims"] if c["subject"]["id"] == "RA-78847")
    assert (ra["site"], ra["destination"], ra["source"]["name"]) == ("khmeimim", "moscow",
                                                                     "Armored Truths")
    kabul = run_json("claims", "--site", "Kabul", "-w", str(demo))
    assert {c["subject"]["id"] for c in kabul["claims"]} == {"RA-76845"}


def test_date_filters(demo: Path):
    out = run_json("claims", "--site", "Tartus", "--from", "2024-12-03", "--to", "2024-12-03",
                   "-w", str(demo))
    assert out["claims"] and all(c["event_date"] == "2024-12-03" for c in out["claims"])


def test_sources_list_and_grade(demo: Path, tmp_path: Path):
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(demo, ws)
    listed = {s["id"]: s for s in run_json("sources", "list", "-w", str(ws))}
    assert listed["russian-channel-unnamed"]["grade"] == "F6 (ungraded)"
    assert listed["mt-anderson"]["graded_by"] == "demo analyst"
    graded = run_json("sources", "grade", "Russian channel (unnamed, quoted in the article)", "E",
                      "5", "--by", "tester", "-w", str(ws))
    assert (graded["reliability"], graded["default_credibility"], graded["graded_by"]) == (
        "E", 5, "tester")
    res = runner.invoke(app, ["sources", "grade", "@MT_Anderson", "Z", "2", "-w", str(ws)])
    assert res.exit_code == 2 and "not an Admiralty grade A-F" in res.output


def test_posts_import_command_and_bad_file(tmp_path: Path):
    p = tmp_path / "p.jsonl"
    p.write_text(json.dumps({"source": "@x", "published": "2024-12-03", "text": "left Tartus"})
                 + "\n", "utf-8")
    out = run_json("posts", "import", str(p), "-w", str(tmp_path / "ws"))
    assert out["reports"] == 1 and out["inserted"] == 2
    bad = tmp_path / "b.xml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><rss>&a;</rss>', "utf-8")
    res = runner.invoke(app, ["posts", "import", str(bad), "-w", str(tmp_path / "ws")])
    assert res.exit_code == 2 and "refused" in res.output


def test_claims_table_shows_grades_and_silence(demo: Path):
    res = runner.invoke(app, ["claims", "--site", "Tartus", "-w", str(demo)])
    assert res.exit_code == 0
    assert "MT Anderson [B2]" in res.output and "no official confirmation" in res.output


def test_no_silence_recorded_for_a_flight_from_kabul(demo: Path):
    out = run_json("claims", "--site", "Kabul", "-w", str(demo))
    assert out["claims"] and all(c["silence"] == [] for c in out["claims"])
    khm = run_json("claims", "--site", "Khmeimim", "--kind", "departure", "-w", str(demo))
    ra = next(c for c in khm["claims"] if c["subject"]["id"] == "RA-78847")
    assert {s["source_id"] for s in ra["silence"]} == {"russia-mod", "kremlin"}


def test_cached_claims_of_a_site_load_no_importer_or_geometry_library(demo: Path):
    """Once the claims are derived, `claims --site` reads the cache: a fresh process loads
    none of the posts importers (feedparser) nor numpy, shapely or pyproj, and answers the same."""
    args = ["claims", "--site", "tartus", "-w", str(demo), "--json"]
    expected = run_json(*args[:-1])  # in this process: derives and caches what is missing
    body, loaded = run_fresh(args, ("feedparser", "numpy", "shapely", "pyproj"))
    assert loaded == set()
    assert json.loads(body) == expected
