"""Assessment on the demo workspace: claim I, as far as the evidence has landed."""

import json

import pytest

from typer.testing import CliRunner

from basewatch.cli.main import app

runner = CliRunner()


def run_json(*args):
    r = runner.invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_claim_i_tartus_likely_khmeimim_held_down_by_the_apron_base_rate(demo_ws):
    t, k = (run_json("assess", "--date", "2024-12-05", "--site", s, "-w", demo_ws)[0]
            for s in ("tartus", "khmeimim"))
    assert t["probability"] >= 0.6
    assert k["probability"] < t["probability"]
    kinds_t = {s["kind"] for s in t["steps"]}
    assert {"imagery", "claims", "silence", "exposure"} <= kinds_t
    apron = next(s for s in k["steps"] if s["kind"] == "imagery")
    assert apron["state"] == "drop_not_conclusive" and apron["base_rate_used"]
    assert 0.1 < apron["base_rate"] < 0.3  # empty on ~1 in 5 earlier dates
    assert apron["likelihoods"]["routine"] == pytest.approx(apron["base_rate"], abs=1e-4)
    drop = next(s for s in t["steps"] if s["kind"] == "imagery")
    assert drop["state"] == "drop_anomalous"
    assert drop["likelihood_ratio"] > apron["likelihood_ratio"]


def test_tartus_withdrawal_moves_with_the_departure_claims(demo_ws):
    (a,) = run_json("assess", "--date", "2024-12-05", "--site", "Tartus", "-w", demo_ws)
    assert a["site"] == "tartus" and a["focus"] == "withdrawal"
    assert a["probability"] > a["priors"]["withdrawal"]
    states = [s["state"] for s in a["steps"]]
    assert "departure_corroborated" in states and "no_official_confirmation" in states
    # The ship-class posts of the same account count once with the flotilla post.
    groups = [s["group"] for s in a["steps"]]
    assert len(groups) == len(set(groups))
    assert a["paragraph"].startswith("tartus on 2024-12-05:")


def test_timeline_moves_day_by_day_from_27_nov(demo_ws):
    t = run_json("assess", "timeline", "--site", "tartus", "-w", demo_ws)
    p = {r["date"]: r["probability"] for r in t["series"]}
    assert p["2024-11-27"] < 0.1  # the site looked normal in the week before
    assert p["2024-12-03"] > 0.6 > p["2024-12-02"]


def test_tripwire_on_probability_fires_once(demo_ws, tmp_path):
    r = runner.invoke(app, ["tripwires", "add", "p(withdrawal) >= 0.4", "--site", "tartus", "-w", str(demo_ws)])
    assert r.exit_code == 0, r.output
    out = run_json("tripwires", "run", "--deliver", str(tmp_path / "alerts.jsonl"), "-w", demo_ws)
    fired = [a for a in out["alerts"] if "p(withdrawal) >= 0.4" in a["message"]]
    assert [a["date"] for a in fired] == ["2024-12-03"]
    again = run_json("tripwires", "run", "-w", demo_ws)
    assert again["new"] == 0
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == out["new"]


def test_unparseable_tripwire_is_refused(demo_ws):
    r = runner.invoke(app, ["tripwires", "add", "distance is small", "--site", "tartus", "-w", str(demo_ws)])
    assert r.exit_code == 2 and "cannot parse condition" in r.stderr
