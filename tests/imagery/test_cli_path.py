"""The whole path on the loopback server, through the CLI: search, read, detect, count,
verdict, chip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import rasterio
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.store import Workspace

from .conftest import AREAS_FILE, SceneSet

runner = CliRunner()


def _run(*args: str) -> Any:
    res = runner.invoke(app, ["imagery", *args], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout) if "--json" in args else res.output


def test_search_process_count_verdict_chip(sites_ws: Workspace, stac: Any, scene_set: SceneSet,
                                           tmp_path: Path) -> None:
    w = str(sites_ws.folder)
    sites_ws.close()
    _run("import-areas", str(AREAS_FILE), "-w", w)
    found = _run("search", "--site", "Tartus", "--from", "2024-11-15", "--to", "2024-12-08",
                 "--stac-url", stac.url, "-w", w, "--json")
    assert len(found["scenes"]) == 6 and found["errors"] == {}
    cloud = {s["time"][:10]: s["cloud_cover_site_pct"] for s in found["scenes"]
             if s["collection"] == "sentinel-2-l2a"}
    assert cloud["2024-11-23"] == 100.0 and cloud["2024-11-28"] == 0.0
    assert 0 < found["bytes_fetched"] <= found["assets_bytes"]

    before = _run("process", "--site", "tartus", "--date", "2024-11-30", "--stac-url", stac.url,
                  "-w", w, "--json")
    (s1,) = before["scenes"]
    counts = {c["class"]: c["count"] for c in s1["counts"]}
    assert counts == {"vessel_any": 4, "vessel_large": 2, "vessel_medium": 1, "vessel_small": 1}
    assert all(c["method"] == "detector" and c["provenance"]["synthetic"] for c in s1["counts"])
    assert s1["bytes_fetched"] < s1["assets_bytes"]

    after = _run("process", "--site", "tartus", "--date", "2024-12-03", "--stac-url", stac.url,
                 "-w", w, "--json")
    assert {s["collection"] for s in after["scenes"]} == {"sentinel-1-grd", "sentinel-2-l2a"}
    for s in after["scenes"]:
        assert s["error"] is None
        assert {c["class"]: c["count"] for c in s["counts"]}["vessel_any"] == 0
    # verdicts were made against the stored history of the same area and class
    v = next(r for r in after["verdicts"] if r["class"] == "vessel_any")
    assert v["n_history"] == 1 and v["verdict"] == "not conclusive"

    cloudy = _run("process", "--site", "tartus", "--date", "2024-11-23", "--stac-url", stac.url,
                  "-w", w, "--json")
    assert cloudy["scenes"][0]["usable"] is False and cloudy["scenes"][0]["counts"] == []

    out = tmp_path / "chips"
    chips = _run("chips", "--site", "tartus", "--date", "2024-11-30", "--out", str(out),
                 "--stac-url", stac.url, "-w", w, "--json")["chips"]
    assert len(chips) == 1 and Path(chips[0]).name.startswith("SYNTHETIC_tartus_harbour-basin_S1A")
    assert Path(chips[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with rasterio.open(chips[0]) as ds:
        rgb = ds.read()
    red = (rgb[0] == 255) & (rgb[1] == 40) & (rgb[2] == 40)
    assert red.sum() > 100  # four boxes drawn

    table = _run("counts", "--site", "tartus", "-w", w)
    assert "vessel_any" in table


def test_process_without_stac_url_is_a_clear_error(sites_ws: Workspace, monkeypatch: Any) -> None:
    monkeypatch.delenv("BASEWATCH_STAC_URL", raising=False)
    res = runner.invoke(app, ["imagery", "process", "--site", "tartus", "--date", "2024-12-03",
                              "-w", str(sites_ws.folder)])
    assert res.exit_code == 2 and "no STAC API" in res.output
