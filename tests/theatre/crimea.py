"""The Crimea scenario (docs/examples/crimea) built the way a new analyst would: every file
imported through the `basewatch` command, and the answers the faces must give, computed here
independently of basewatch: geodesic distances with pyproj.Geod to densified boundaries, and
reach dates from the rules of issue 17 (a weapon reaches from its own holding date; a site
inside hostile ground has its own state)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, shape

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "crimea"
GEOD = Geod(ellps="WGS84")
#: Boundaries are densified to this step (degrees, about 100 m) before measuring.
STEP_DEG = 0.001
#: Tripwires the walkthrough (docs/theatre-crimea.md) sets.
TRIPWIRES = [("saky", "in_reach(storm-shadow)"), ("dzhankoi", "in_reach(atacms-165)"),
             ("chornobaivka", "in_reach(himars)"), ("kerch-bridge", "distance < 250")]
RUN_FROM, RUN_TO = "2022-06-01", "2024-04-30"


def cli(*args: Any) -> Any:
    """Run `basewatch ARGS` in-process; JSON output parsed when --json is among the args."""
    from typer.testing import CliRunner

    from basewatch.cli.main import app

    r = CliRunner().invoke(app, [str(a) for a in args])
    assert r.exit_code == 0, f"basewatch {' '.join(map(str, args))}: {r.output}"
    return json.loads(r.stdout) if "--json" in args else r.stdout


def build_crimea(folder: Path) -> Path:
    """A workspace at ``folder`` from the example files, through the CLI only."""
    from basewatch.sources.importing import IMPORT_KINDS

    files = [("factions", "factions.json"), ("facilities", "facilities.csv"),
             ("places", "places.csv"), ("control", "control.geojson")]
    if "outlines" in IMPORT_KINDS:  # one-sided control's other side (issue 17 item 3)
        files.append(("outlines", "outlines.geojson"))
    for kind, name in files:
        cli("import", kind, EXAMPLES / name, "-w", folder)
    cli("weapons", "import", EXAMPLES / "weapons.json", "-w", folder)
    for site, condition in TRIPWIRES:
        cli("tripwires", "add", condition, "--site", site, "-w", folder)
    cli("tripwires", "run", "--from", RUN_FROM, "--to", RUN_TO, "-w", folder)
    return folder


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


@lru_cache(maxsize=1)
def facts() -> dict[str, Any]:
    return dict(json.loads((EXAMPLES / "control_facts.json").read_text("utf-8")))


@lru_cache(maxsize=1)
def sites() -> dict[str, tuple[float, float]]:
    with (EXAMPLES / "facilities.csv").open(encoding="utf-8") as fh:
        return {r["id"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(fh)}


@cache
def held(date: str) -> shapely.Geometry:
    """Russia's area on a snapshot date, as the example file gives it."""
    doc = json.loads((EXAMPLES / "control.geojson").read_text("utf-8"))
    (f,) = [f for f in doc["features"] if f["properties"]["date"] == date]
    return shape(f["geometry"])


def snapshot_dates() -> list[str]:
    return [s["date"] for s in facts()["snapshots"]]


def snapshot_on(d: str) -> str | None:
    before = [s for s in snapshot_dates() if s <= d]
    return before[-1] if before else None


@cache
def front_geometry(date: str) -> shapely.Geometry:
    """The front on a snapshot date: the part of Russia's boundary drawn along the hand-drawn
    line of control_facts.json (the rest of its boundary is coast or the national border)."""
    (snap,) = [s for s in facts()["snapshots"] if s["date"] == date]
    return shapely.intersection(held(date).boundary, LineString(snap["front"]).buffer(1e-4))


def front_length_km(date: str) -> float:
    """Geodesic length of the front (:func:`front_geometry`)."""
    return float(GEOD.geometry_length(front_geometry(date))) / 1000


def _nearest_km(lon: float, lat: float, pts: np.ndarray) -> float:
    n = len(pts)
    _, _, d = GEOD.inv(np.full(n, lon), np.full(n, lat), pts[:, 0], pts[:, 1])
    return float(d.min()) / 1000


@cache
def outline() -> shapely.Geometry:
    """Ukraine's outline: its ground wherever Russia's area does not cover it."""
    doc = json.loads((EXAMPLES / "outlines.geojson").read_text("utf-8"))
    (f,) = doc["features"]
    return shape(f["geometry"])


@cache
def hostile_points(date: str) -> np.ndarray:
    """Points every ~100 m along the boundary of Ukraine's ground on a snapshot date: the
    outline minus Russia's area (parts under 1 km², rounding slivers, dropped)."""
    parts = shapely.get_parts(shapely.difference(outline(), held(date)))
    ground = shapely.MultiPolygon([p for p in parts if p.area > 1e-4])
    return shapely.get_coordinates(shapely.segmentize(ground.boundary, STEP_DEG))


def distance_km(site: str, date: str) -> float:
    """Distance from a site to hostile (Ukraine's) ground on a date; 0 inside it."""
    snap = snapshot_on(date)
    assert snap is not None
    if inside_hostile(site, date):
        return 0.0
    return _nearest_km(*sites()[site], hostile_points(snap))


def depth_km(site: str, date: str) -> float:
    """How deep a site outside Russia's area lies in hostile ground: to Russia's nearest
    ground (its densified boundary)."""
    snap = snapshot_on(date)
    assert snap is not None
    lon, lat = sites()[site]
    pts = shapely.get_coordinates(shapely.segmentize(held(snap).boundary, STEP_DEG))
    return _nearest_km(lon, lat, pts)


def inside_hostile(site: str, date: str) -> bool:
    snap = snapshot_on(date)
    return snap is not None and not held(snap).contains(Point(*sites()[site]))


@lru_cache(maxsize=1)
def weapons() -> tuple[dict[str, float], dict[str, str]]:
    """(system id -> max range km, system id -> the date Ukraine holds it from)."""
    doc = json.loads((EXAMPLES / "weapons.json").read_text("utf-8"))
    ranges = {s["id"]: max(m["max_range_km"] for m in s["munitions"]) for s in doc["systems"]}
    since = {h["system"]: h["valid_from"] for h in doc["holdings"]}
    return ranges, since


def change_dates() -> list[str]:
    _, since = weapons()
    return sorted(set(snapshot_dates()) | set(since.values()))


def reach_since(site: str) -> dict[str, str]:
    """System id -> the first date it reaches the site: the first change date on which
    Ukraine holds it and the site, outside hostile ground, lies within its range."""
    ranges, since = weapons()
    out: dict[str, str] = {}
    for d in change_dates():
        if inside_hostile(site, d):
            continue
        dist = distance_km(site, d)
        for system, km in ranges.items():
            if system not in out and since[system] <= d and dist <= km:
                out[system] = d
    return out
