"""Seeded generator of the demo's SYNTHETIC imagery baselines, and the imagery part of the demo.

No public source gives the day-by-day history of ships at Tartus or aircraft on Khmeimim's apron
since 2023, yet judging the 3 Dec 2024 observations needs one. This module makes a plausible
baseline from a few stated assumptions and marks every row synthetic (generator + seed):

* Sentinel-2 passes every 5 days from 2023-01-01 to 2024-12-02; a pass is unusable (cloud over
  the site) with probability 0.35 from November to March and 0.08 otherwise.
* Tartus harbour basin: the flotilla before December 2024 as the seed article gives it (H. I.
  Sutton, Naval News: two Admiral Gorshkov-class and one Admiral Grigorovich-class frigate, a Kilo
  submarine; MT Anderson: two auxiliaries). On each usable date each frigate is at sea with
  probability 0.12, the submarine with probability 0.30 (submarines spend long periods at sea),
  each auxiliary with probability 0.20, independently.
* Khmeimim apron: aircraft present (Sentinel-2 at 10 m tells only presence from absence) with
  probability 0.80, i.e. the apron is empty on about one usable date in five, as the 3 Dec post
  says ("this apron is sometimes empty").

The real observations of 3 Dec 2024 (MT Anderson) are in ``data/imagery/counts-observed.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from basewatch.sources.imagery_counts import import_areas, import_counts
from basewatch.sources.importing import ImportReport
from basewatch.store import Workspace

__all__ = ["CLAIM_DAY", "DEFAULT_SEED", "GENERATOR", "build_imagery_demo", "demo_findings",
           "generate_counts_csv"]

DEFAULT_SEED = 20241203
GENERATOR = "basewatch.demo.imagery_gen"
START = dt.date(2023, 1, 1)
END = dt.date(2024, 12, 2)
PASS_DAYS = 5
FLOTILLA = {"frigate": (3, 0.12), "submarine": (1, 0.30), "auxiliary": (2, 0.20)}
APRON_PRESENT_P = 0.80
SYNTHETIC_FILE = "imagery-counts-synthetic.csv"
#: The date of the real observations of claims E and F.
CLAIM_DAY = dt.date(2024, 12, 3)

_COLUMNS = ("site", "area", "time", "class", "count", "sensor", "resolution_m", "method",
            "presence_only", "source", "synthetic", "generator", "seed", "notes")


def _passes(rng: np.random.Generator, hour: int, minute: int) -> list[dt.datetime]:
    out = []
    day = START
    while day <= END:
        p_cloud = 0.35 if day.month in (11, 12, 1, 2, 3) else 0.08
        if rng.random() >= p_cloud:
            out.append(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC))
        day += dt.timedelta(days=PASS_DAYS)
    return out


def generate_counts_csv(seed: int = DEFAULT_SEED) -> str:
    """The synthetic baseline counts as a counts CSV (docs/imagery.md), same seed same text."""
    rng = np.random.default_rng(seed)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_COLUMNS)
    common = ("Sentinel-2 L2A", "10", "manual")
    prov = ("basewatch demo generator", "true", GENERATOR, str(seed))
    # Sentinel-2 passes over Tartus (~08:25 UTC) and Khmeimim (same orbit, same minute).
    for t in _passes(rng, 8, 25):
        for cls, (n, p_away) in FLOTILLA.items():
            present = n - int(rng.binomial(n, p_away))
            w.writerow(("tartus", "harbour basin", t.isoformat(), cls, present, *common, "false",
                        *prov, "SYNTHETIC baseline: flotilla usually in port"))
    for t in _passes(rng, 8, 25):
        present = int(rng.random() < APRON_PRESENT_P)
        w.writerow(("khmeimim", "apron", t.isoformat(), "aircraft", present, *common, "true", *prov,
                    "SYNTHETIC baseline: aircraft present/absent on the apron"))
    return buf.getvalue()


def build_imagery_demo(ws: Workspace, folder: Path, *, seed: int = DEFAULT_SEED,
                       step: Callable[[str], None] | None = None) -> list[ImportReport]:
    """Import the demo's site areas, the real 3 Dec 2024 counts and the synthetic baselines."""
    data = resources.files("basewatch.demo").joinpath("data", "imagery")
    reports = []
    if step:
        step("import imagery areas")
    with resources.as_file(data.joinpath("areas.geojson")) as path:
        reports.append(import_areas(ws, path))
    if step:
        step("import imagery counts (3 Dec 2024)")
    with resources.as_file(data.joinpath("counts-observed.csv")) as path:
        reports.append(import_counts(ws, path))
    if step:
        step("generate imagery baselines (synthetic)")
    path = folder / SYNTHETIC_FILE
    text = generate_counts_csv(seed)
    if not path.exists() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")
    reports.append(import_counts(ws, path))
    return reports


def demo_findings(ws: Workspace) -> dict[str, Any]:
    """Claims E and F from the workspace's counts: the 3 Dec 2024 rows with their verdicts.

    For ``basewatch demo``: merge into its findings; ``cli.imagery.print_demo_claims`` prints them.
    """
    from basewatch.analysis.verdicts import site_verdicts
    from basewatch.store.imagery import site_counts

    def rows(site: str) -> list[dict[str, Any]]:
        return [r.to_dict() for r in site_verdicts(site_counts(ws.store, site))
                if r.day == CLAIM_DAY]

    return {"E_imagery_tartus": rows("tartus"), "F_imagery_khmeimim": rows("khmeimim")}
