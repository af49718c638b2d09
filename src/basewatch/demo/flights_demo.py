"""The flights part of the demo: bundled airfields and aircraft, then the seeded synthetic tracks."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from basewatch.demo.flights_gen import DEFAULT_SEED, generate_aircraft, generate_positions
from basewatch.sources.flights_ingest import import_aircraft, import_airports, import_positions
from basewatch.store import Workspace

__all__ = ["build_flights_demo"]


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")


def build_flights_demo(ws: Workspace, *, seed: int = DEFAULT_SEED,
                       step: Callable[[str], None] | None = None) -> list[Any]:
    """Import the demo airfields, aircraft and synthetic positions into ``ws``; safe to rerun."""
    data = resources.files("basewatch.demo").joinpath("data", "flights")
    out: list[Any] = []
    for name in ("airports.csv", "runways.csv"):
        if step:
            step(f"import airfields ({name})")
        with resources.as_file(data.joinpath(name)) as p:
            out.append(import_airports(ws, p))
    with resources.as_file(data.joinpath("aircraft.csv")) as p:
        out.append(import_aircraft(ws, p))
    if step:
        step("generate flights (synthetic)")
    ac = ws.folder / "flights-aircraft-synthetic.csv"
    pos = ws.folder / "flights-positions-synthetic.csv"
    _write_if_changed(ac, generate_aircraft(seed))
    _write_if_changed(pos, generate_positions(seed))
    out.append(import_aircraft(ws, ac))
    if step:
        step("import flights")
    out.append(import_positions(ws, pos))
    return out
