"""Claim C from the demo's data: distance to the front, and Smerch in reach since when."""

import json

from typer.testing import CliRunner

from basewatch.cli.main import app
from tests.cli.fresh import run_fresh

runner = CliRunner()


def run_json(*args):
    r = runner.invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_claim_c_khmeimim_35_km_and_smerch_in_reach_on_4_dec(demo_ws):
    rows = {r["facility"]: r for r in run_json("exposure", "--date", "2024-12-04", "-w", demo_ws)}
    k = rows["khmeimim"]
    assert 30 <= k["distance_km"] <= 45 and k["nearest_faction"] == "opposition"
    smerch = [s for s in k["systems_in_reach"] if s["system"] == "bm-30-smerch"]
    assert smerch and all(s["since"] == "2024-12-03" and s["captured"] for s in smerch)
    t = rows["tartus"]
    assert {s["since"] for s in t["systems_in_reach"] if s["system"] == "bm-30-smerch"} == {"2024-12-03"}
    assert k["synthetic"] is True


def test_tartus_timeline_says_when_each_smerch_rocket_reached_it(demo_ws):
    t = run_json("exposure", "timeline", "--site", "Tartous naval base", "-w", demo_ws)
    first = {x["munition"]: x["date"] for x in t["first_in_reach"]}
    assert first["9M528 (HE-frag)"] == "2024-12-03"  # 90 km rockets: once the opposition held them
    assert first["9M55K (cargo)"] == "2024-12-08"  # 70 km rockets: once Homs fell
    d = {r["date"]: r["distance_km"] for r in t["series"]}
    assert d["2024-11-27"] > d["2024-12-05"] > d["2024-12-08"]


def test_rings_are_geodesic_circles_at_the_munition_ranges(demo_ws, tmp_path):
    import numpy as np
    import pyproj

    out = tmp_path / "rings.geojson"
    r = runner.invoke(app, ["rings", "--site", "khmeimim", "--system", "Smerch", "--reach",
                            "--date", "2024-12-04", "--out", str(out), "-w", str(demo_ws)])
    assert r.exit_code == 0, r.output
    fc = json.loads(out.read_text())
    rings = [f for f in fc["features"] if f["properties"]["kind"] == "range_ring"]
    geod = pyproj.Geod(ellps="WGS84")
    for f in rings:
        xy = np.array(f["geometry"]["coordinates"][0])
        _, _, d = geod.inv(np.full(len(xy), 35.949), np.full(len(xy), 35.401), xy[:, 0], xy[:, 1])
        assert np.allclose(d, f["properties"]["radius_km"] * 1000, atol=0.01)
    assert any(f["properties"]["kind"] == "reach_area" and f["properties"]["synthetic"]
               for f in fc["features"])
    import pyogrio

    assert len(pyogrio.read_dataframe(out)) == len(fc["features"])  # QGIS/GDAL open it


def test_a_timeline_on_stored_distances_loads_no_geometry_library(demo_ws):
    """Once the distances are stored, `exposure timeline` reads them: start-up without numpy,
    shapely, pyproj, pydantic or rich (docs/exposure.md), with the same answer."""
    args = ["exposure", "timeline", "--site", "tartus", "-w", str(demo_ws), "--json"]
    expected = run_json(*args[:-1])  # in this process: computes and stores what is missing
    body, loaded = run_fresh(args, ("numpy", "shapely", "pyproj", "pydantic", "rich"))
    assert loaded == set()
    assert json.loads(body) == expected


def test_exposure_on_a_date_reads_the_kept_history_without_geometry_library(demo_ws):
    """`exposure --date D` in a new process reads each site's reach history kept in the store
    (queries/reach_kept.py): no numpy, shapely or pyproj, and the answer of the process that
    evaluated it. Another date of the same revision is read from it too."""
    for day in ("2024-12-04", "2024-12-01"):
        args = ["exposure", "--date", day, "-w", str(demo_ws), "--json"]
        expected = run_json(*args[:-1])  # in this process: evaluates and keeps what is missing
        body, loaded = run_fresh(args, ("numpy", "shapely", "pyproj"),
                                 # evaluating again would fail
                                 "import basewatch.queries.reach_kept as k\nk.reach_history = None\n")
        assert loaded == set()
        assert json.loads(body) == expected


def test_an_import_keeps_every_sites_reach_history_for_the_new_revision(demo_ws, tmp_path):
    """`basewatch import` keeps the reach histories once the import is committed, so the next
    `exposure --date` (and a new server's first /exposure) reads them."""
    import shutil

    from basewatch.store import Workspace
    from basewatch.store.reach_cache import reach_stamp, read_kept

    ws_dir = tmp_path / "ws"
    shutil.copytree(demo_ws, ws_dir)
    csv = tmp_path / "t4.csv"
    csv.write_text("id,name,operator,type,lon,lat,valid_from,source\n"
                   "t4_test,T-4 test row,russia,airbase,37.0,34.5,2015-09-01,test fixture\n")
    r = runner.invoke(app, ["import", "facilities", str(csv), "-w", str(ws_dir)])
    assert r.exit_code == 0, r.output
    with Workspace(ws_dir) as ws:
        ids = [f.id for f in ws.facilities()]
        kept = read_kept(ws.store, reach_stamp(ws.store) or "", ids)
    assert "t4_test" in ids and set(kept) == set(ids)
