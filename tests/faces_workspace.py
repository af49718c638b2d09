"""A copy of the demo workspace with its tripwires run (as `basewatch demo` does), so the
faces' tests see alerts; shared by tests/api, tests/web and tests/exports."""

from __future__ import annotations

import shutil
from pathlib import Path


def demo_with_alerts(demo_ws: Path, folder: Path) -> Path:
    from basewatch.analysis.tripwires import run_tripwires
    from basewatch.queries.facts import site_facts
    from basewatch.store import Workspace
    from basewatch.store.assessment import ALERTS, TRIPWIRES

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(demo_ws / "basewatch.gpkg", folder / "basewatch.gpkg")
    shutil.copy(demo_ws / "likelihoods.json", folder / "likelihoods.json")  # the demo's own table
    with Workspace(folder) as ws:
        days = ws.control_dates()
        tws = ws.store.select(TRIPWIRES)
        facts = {s: site_facts(ws, ws.facility(s), days) for s in sorted({t.site for t in tws})}
        alerts = run_tripwires(tws, facts)
        ws.store.put(ALERTS, alerts)
    return folder
