"""Build the demo workspace from the bundled scenario, through the ordinary importers."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from basewatch.demo.control_gen import DEFAULT_SEED, generate_control
from basewatch.sources.importing import ImportReport, import_file
from basewatch.store import Workspace

__all__ = ["DEMO_FILES", "build_demo"]

#: (import kind, bundled file), in the order they must be imported.
DEMO_FILES = (
    ("factions", "factions.json"),
    ("places", "places.csv"),
    ("facilities", "facilities.csv"),
    ("survey", "survey.csv"),
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
        if step:
            step("generate control (synthetic)")
        control_path = folder / CONTROL_FILE
        text = json.dumps(generate_control(seed), ensure_ascii=False)
        if not control_path.exists() or control_path.read_text("utf-8") != text:
            control_path.write_text(text, "utf-8")
        if step:
            step("import control")
        reports.append(import_file(ws, "control", control_path))
        from basewatch.demo.flights_demo import build_flights_demo  # flights (claim G)

        build_flights_demo(ws, step=step)
    return reports
