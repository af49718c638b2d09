"""Build the demo workspace from the bundled scenario, through the ordinary importers."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from basewatch.demo.control_gen import DEFAULT_SEED, generate_control
from basewatch.demo.imagery_gen import build_imagery_demo
from basewatch.sources.importing import ImportReport, import_file
from basewatch.store import Workspace

__all__ = ["DEMO_FILES", "build_demo"]

#: (import kind, bundled file), in the order they must be imported.
DEMO_FILES = (
    ("factions", "factions.json"),
    ("places", "places.csv"),
    ("places", "places-roads.csv"),
    ("facilities", "facilities.csv"),
    ("survey", "survey.csv"),
    ("weapons", "weapons.json"),
    ("roads", "roads.geojson"),
)

CONTROL_FILE = "control-synthetic.geojson"


def build_demo(folder: str | Path, *, seed: int = DEFAULT_SEED,
               step: Callable[[str], None] | None = None) -> list[ImportReport]:
    """Create or update the demo workspace in ``folder``; safe to run twice."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    reports: list[ImportReport] = []
    data = resources.files("basewatch.demo").joinpath("data")
    with Workspace(folder, create=True) as ws:
        for kind, name in DEMO_FILES:
            if step:
                step(f"import {kind}")
            with resources.as_file(data.joinpath(name)) as path:
                reports.append(import_file(ws, kind, path))
        reports.extend(build_imagery_demo(ws, folder, step=step))  # imagery (issue 5)
        if step:
            step("generate control (synthetic)")
        control_path = folder / CONTROL_FILE
        text = json.dumps(generate_control(seed), ensure_ascii=False)
        if not control_path.exists() or control_path.read_text("utf-8") != text:
            control_path.write_text(text, "utf-8")
        if step:
            step("import control")
        reports.append(import_file(ws, "control", control_path))
        _add_tripwires(ws, data)
        # The demo analyst's likelihood table is the workspace's own (no generic-table warning).
        table = folder / "likelihoods.json"
        if not table.exists():
            table.write_text(data.joinpath("likelihoods.json").read_text("utf-8"), "utf-8")
        _import_reports(ws, data, step)
        from basewatch.demo.flights_demo import build_flights_demo  # flights (claim G)

        build_flights_demo(ws, step=step)
    return reports


def _import_reports(ws: Workspace, data: Any, step: Callable[[str], None] | None) -> None:
    """Reports and claims (issue 7): extra places named in posts, sources, the article's posts."""
    from basewatch.sources.reports import import_posts, import_sources

    if step:
        step("import posts and sources")
    with resources.as_file(data.joinpath("places-reports.csv")) as path:
        import_file(ws, "places", path)
    with resources.as_file(data.joinpath("sources.json")) as path:
        import_sources(ws, path)
    with resources.as_file(data.joinpath("posts.jsonl")) as path:
        import_posts(ws, path, "jsonl")


def _add_tripwires(ws: Workspace, data: Any) -> None:
    """The demo's tripwires (ids derived from site and condition, so adding twice is a no-op)."""
    import datetime as dt

    from basewatch.analysis.tripwires import parse_condition, tripwire_id
    from basewatch.model.assessment import Tripwire
    from basewatch.store.assessment import TRIPWIRES

    items = json.loads(data.joinpath("tripwires.json").read_text("utf-8"))
    known = {t.id for t in ws.store.select(TRIPWIRES)}
    new = []
    for t in items:
        cond = parse_condition(t["condition"]).text
        tid = tripwire_id(t["site"], cond)
        if tid not in known:
            new.append(Tripwire(tid, cond, t["site"], dt.datetime(2024, 11, 27, tzinfo=dt.timezone.utc)))
    ws.store.put(TRIPWIRES, new)
