"""Claims E and F from the demo workspace, through `basewatch imagery counts --json`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.demo.imagery_gen import DEFAULT_SEED, GENERATOR, SYNTHETIC_FILE, generate_counts_csv

runner = CliRunner()


def _counts(ws: Path, site: str) -> list[dict[str, Any]]:
    res = runner.invoke(app, ["imagery", "counts", "--site", site, "--json", "-w", str(ws)])
    assert res.exit_code == 0, res.output
    rows: list[dict[str, Any]] = json.loads(res.stdout)["rows"]
    return rows


def _synthetic_rows(ws: Path, site: str, area: str, cls: str) -> list[dict[str, str]]:
    text = (ws / SYNTHETIC_FILE).read_text("utf-8")
    return [r for r in csv.DictReader(io.StringIO(text))
            if r["site"] == site and r["area"] == area and r["class"] == cls]


def test_claim_e_tartus_3_dec_drop_is_anomalous_against_baseline(demo_imagery_ws: Path) -> None:
    rows = _counts(demo_imagery_ws, "Tartus")
    dec3 = {r["class"]: r for r in rows if r["date"] == "2024-12-03"}
    assert set(dec3) == {"frigate", "submarine", "auxiliary", "total"}
    for r in dec3.values():
        assert r["count"] == 0 and r["synthetic"] is False
        assert "MT Anderson" in r["source"]
    # independent: the baseline never had 0 frigates in n earlier dates -> p = 1/(n+2) < 0.01
    frig = _synthetic_rows(demo_imagery_ws, "tartus", "harbour basin", "frigate")
    n = len(frig)
    assert n >= 99 and all(int(r["count"]) > 0 for r in frig)
    assert dec3["frigate"]["n_history"] == n
    assert dec3["frigate"]["base_rate"] == 0.0
    assert dec3["frigate"]["p_tail"] == round(1 / (n + 2), 4)
    assert dec3["frigate"]["verdict"] == "anomalous"
    assert dec3["total"]["verdict"] == "anomalous"
    assert dec3["total"]["classes"] == ["auxiliary", "frigate", "submarine"]
    # the submarine alone is often away in the baseline: its absence says little
    subs = _synthetic_rows(demo_imagery_ws, "tartus", "harbour basin", "submarine")
    away = sum(int(r["count"]) == 0 for r in subs)
    assert dec3["submarine"]["base_rate"] == round(away / len(subs), 4)
    assert dec3["submarine"]["verdict"] in ("within normal range", "not conclusive")
    # the baseline rows before are marked synthetic, the flotilla usually in port
    before = [r for r in rows if r["date"] < "2024-12-03"]
    assert before and all(r["synthetic"] and "SYNTHETIC" in r["source"] for r in before)


def test_claim_f_khmeimim_empty_apron_not_conclusive_with_base_rate(demo_imagery_ws: Path) -> None:
    rows = _counts(demo_imagery_ws, "Hmeimim")
    apron = next(r for r in rows if r["date"] == "2024-12-03" and r["area"] == "apron")
    field = next(r for r in rows if r["date"] == "2024-12-03" and r["area"] == "airfield")
    assert field["count"] == 5 and field["resolution_m"] == 0.5 and not field["synthetic"]
    assert apron["count"] == 0 and apron["sensor"] == "commercial 50 cm"
    hist = _synthetic_rows(demo_imagery_ws, "khmeimim", "apron", "aircraft")
    empty = sum(r["count"] == "0" for r in hist)
    assert 0.15 <= empty / len(hist) <= 0.25
    assert apron["n_history"] == len(hist)
    assert apron["base_rate"] == round(empty / len(hist), 4)
    assert apron["compared_as"] == "presence"
    assert apron["verdict"] == "not conclusive"
    assert f"{100 * empty / len(hist):.0f} % of {len(hist)} earlier observations" in apron["text"]
    # the base rate rests on a synthetic history, and the verdict says so
    assert apron["history_synthetic"] == len(hist)
    assert apron["text"].endswith(f"[history: {len(hist)} of {len(hist)} SYNTHETIC]")


def test_generator_is_seeded_and_marks_every_row_synthetic() -> None:
    a, b = generate_counts_csv(DEFAULT_SEED), generate_counts_csv(DEFAULT_SEED)
    assert a == b != generate_counts_csv(DEFAULT_SEED + 1)
    rows = list(csv.DictReader(io.StringIO(a)))
    assert rows and all(r["synthetic"] == "true" and r["generator"] == GENERATOR
                        and r["seed"] == str(DEFAULT_SEED) for r in rows)
    assert max(r["time"] for r in rows) < "2024-12-03"


def test_counts_table_shows_verdicts_and_synthetic_mark(demo_imagery_ws: Path) -> None:
    res = runner.invoke(app, ["imagery", "counts", "--site", "tartus", "-w", str(demo_imagery_ws)],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "anomalous" in res.output and "SYNTHETIC" in res.output


def test_unknown_site_is_one_clear_line(demo_imagery_ws: Path) -> None:
    res = runner.invoke(app, ["imagery", "counts", "--site", "Atlantis", "-w", str(demo_imagery_ws)])
    assert res.exit_code == 2
    assert "no facility named 'Atlantis'" in res.output


def test_demo_findings_give_claims_e_and_f(demo_imagery_ws: Path) -> None:
    from basewatch.demo.imagery_gen import demo_findings
    from basewatch.store import Workspace

    with Workspace(demo_imagery_ws) as ws:
        f = demo_findings(ws)
    e = {r["class"]: r["verdict"] for r in f["E_imagery_tartus"]}
    assert e["frigate"] == e["total"] == "anomalous"
    apron = next(r for r in f["F_imagery_khmeimim"] if r["area"] == "apron")
    assert apron["verdict"] == "not conclusive" and 0.15 <= apron["base_rate"] <= 0.25


def test_demo_claims_print_with_base_rates_and_synthetic_mark(demo_imagery_ws: Path) -> None:
    from rich.console import Console

    import basewatch.cli.imagery as cli_imagery
    from basewatch.demo.imagery_gen import demo_findings
    from basewatch.store import Workspace

    with Workspace(demo_imagery_ws) as ws:
        f = demo_findings(ws)
    console = Console(record=True, width=200)
    saved, cli_imagery.console = cli_imagery.console, console
    try:
        cli_imagery.print_demo_claims(f)
    finally:
        cli_imagery.console = saved
    out = console.export_text()
    assert "E. Tartus" in out and "F. Khmeimim" in out
    assert "anomalous" in out and "not conclusive" in out
    assert "SYNTHETIC]" in out and "% of 110 earlier observations" in out
