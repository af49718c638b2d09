"""`basewatch batch imagery` stores the same scenes and counts as `imagery process` run for each
site-date, and a failed site-date is reported without losing the others."""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.sources.batch_jobs import batch_imagery
from basewatch.store import Workspace
from basewatch.store.imagery import IMAGERY_COUNTS, IMAGERY_SCENES
from tests.batch import helpers

# the demo passes over Tartus (28 Nov, 30 Nov, 3 Dec, 5 Dec) and a day without a scene
DAYS = ["2024-11-28", "2024-11-30", "2024-12-01", "2024-12-03", "2024-12-05"]


def _records(folder: Path) -> dict[str, list[dict[str, Any]]]:
    with Workspace(folder) as ws:
        return {spec.name: [r.to_dict() for r in ws.store.select(spec)]
                for spec in (IMAGERY_SCENES, IMAGERY_COUNTS)}


def _single(folder: Path, url: str, days: list[str]) -> None:
    for day in days:
        res = CliRunner().invoke(app, ["imagery", "process", "--site", "tartus", "--date", day,
                                       "--stac-url", url, "-w", str(folder), "--json"])
        assert res.exit_code == (2 if day == "2024-12-01" else 0), res.output  # 1 Dec: no scene


def test_batch_equals_imagery_process(ws_copy: Path, tmp_path: Path, demo_stac: Any,
                                      cluster: Any) -> None:
    single = tmp_path / "single"
    shutil.copytree(ws_copy, single)
    _single(single, demo_stac.url, DAYS)
    args = ["batch", "imagery", "--site", "tartus", "--from", "2024-11-28", "--to", "2024-12-05",
            "--stac-url", demo_stac.url, "--scheduler", cluster.scheduler_address,
            "-w", str(ws_copy), "--json"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["tasks"] == 8 and out["done"] == 8 and out["failed"] == [] and out["ok"]
    assert sorted(r["date"] for r in out["results"] if r["scenes"]) == \
        ["2024-11-28", "2024-11-30", "2024-12-03", "2024-12-05"]
    got, want = _records(ws_copy), _records(single)
    detector = [c for c in want["imagery_counts"] if c["method"] == "detector"]
    assert len(detector) >= 8  # the passes' vessel counts: a real comparison
    assert got == want
    # the site's per-pixel history: the same files (the Sentinel-2 passes' water brightness)
    hist = {f.relative_to(single).as_posix(): f.read_bytes()
            for f in (single / "imagery-history").rglob("*.npz")}
    assert len(hist) == 2  # 28 Nov and 3 Dec
    assert {f.relative_to(ws_copy).as_posix(): f.read_bytes()
            for f in (ws_copy / "imagery-history").rglob("*.npz")} == hist
    # a second run changes nothing: same records, all unchanged
    again = json.loads(CliRunner().invoke(app, args).stdout)
    assert again["counts"]["inserted"] == again["counts"]["updated"] == 0
    assert again["counts"]["unchanged"] == len(detector)


def test_failed_site_date_is_reported_and_the_others_stored(ws_copy: Path, tmp_path: Path,
                                                            demo_stac: Any, client: Any) -> None:
    single = tmp_path / "single"
    shutil.copytree(ws_copy, single)
    _single(single, demo_stac.url, [d for d in DAYS if d != "2024-12-03"])
    days = [dt.date.fromisoformat(d) for d in DAYS]
    with Workspace(ws_copy) as ws:
        res = batch_imagery(ws, client, ["tartus"], days, demo_stac.url, retries=0,
                            task=functools.partial(helpers.fail_on, "2024-12-03"))
    assert not res.ok
    assert [(f.key, f.error) for f in res.outcome.failures] == \
        [("tartus 2024-12-03", "RuntimeError: planted failure on 2024-12-03")]
    assert len(res.outcome.results) == 4
    assert _records(ws_copy) == _records(single)


def test_cli_reports_a_stac_failure_and_exits_1(ws_copy: Path, demo_stac: Any,
                                                cluster: Any) -> None:
    demo_stac.faults["/search"] = ["malformed"]  # the next search, whichever site-date it is
    res = CliRunner().invoke(app, ["batch", "imagery", "--site", "tartus", "--date", "2024-11-28",
                                   "--date", "2024-12-03", "--stac-url", demo_stac.url,
                                   "--retries", "0", "--scheduler", cluster.scheduler_address,
                                   "-w", str(ws_copy)])
    assert res.exit_code == 1, res.output
    assert "1 of 2 site-dates done" in res.output
    assert "failed: site-date tartus 2024-1" in res.output and "STAC search at" in res.output
    assert "Traceback" not in res.output


def test_cli_bad_dates_are_one_clear_line(ws_copy: Path) -> None:
    res = CliRunner().invoke(app, ["batch", "imagery", "--site", "tartus", "--from", "2024-12-05",
                                   "--to", "2024-12-01", "--stac-url", "http://127.0.0.1:9",
                                   "-w", str(ws_copy)])
    assert res.exit_code == 2 and "--to 2024-12-01 is before --from 2024-12-05" in res.output
