"""Fuzz targets beyond the registry importers: imagery counts and areas, ADS-B positions,
aircraft databases and airfields, posts and feeds.

Each target is a list of variants (file suffix, call); the first byte of an input picks the
variant and the rest is written to a file with that suffix. A call imports the file the way
the CLI does. Contract: it returns or raises BasewatchError; anything else is a bug.
Used by fuzz/fuzz_target.py (atheris) and by ``python fuzz/targets.py TARGET FILE...`` to
replay a corpus or a crash without atheris.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src/basewatch/demo/data"

Call = Callable[[Any, Path], object]


def _workspace(tmp: Path) -> Any:
    from basewatch.sources.importing import import_file
    from basewatch.store import Workspace

    ws = Workspace(tmp / "ws", create=True)
    import_file(ws, "factions", DEMO / "factions.json")
    import_file(ws, "facilities", DEMO / "facilities.csv")
    return ws


def _imagery() -> list[tuple[str, Call]]:
    from basewatch.sources.imagery_counts import import_areas, import_counts

    return [(".csv", import_counts), (".geojson", import_areas)]


def _adsb() -> list[tuple[str, Call]]:
    from basewatch.analysis.flights import clean_positions, detect_events
    from basewatch.sources.adsb import read_adsb
    from basewatch.sources.aircraftdb import attach_runways, parse_airports, parse_runways

    # airfields of the demo, parsed once: detection runs on what each input yields
    a = DEMO / "flights/airports.csv"
    r = DEMO / "flights/runways.csv"
    runways, _ = parse_runways(r, r.read_text("utf-8"))
    fields = attach_runways(parse_airports(a, a.read_text("utf-8")), runways)

    def positions(fmt: str | None) -> Call:
        def call(ws: Any, path: Path) -> object:
            table, _ = clean_positions(read_adsb(path, fmt=fmt).table)
            return detect_events(table, fields)
        return call

    return [(".csv", positions(None)), (".json", positions(None)),
            (".parquet", positions(None)), (".csv", positions("opensky-csv")),
            (".csv", positions("plain-csv")), (".json", positions("readsb-trace")),
            (".json", positions("v2-api"))]


def _aircraft() -> list[tuple[str, Call]]:
    from basewatch.sources.flights_ingest import import_aircraft, import_airports

    return [(".csv", import_aircraft), (".csv", import_airports)]


WHEN = dt.datetime(2024, 12, 5, tzinfo=dt.UTC)


def _posts() -> list[tuple[str, Call]]:
    from basewatch.sources.reports import PostDefaults, import_posts, import_sources

    def posts(fmt: str | None, **defaults: Any) -> Call:
        return lambda ws, path: import_posts(ws, path, fmt, PostDefaults(**defaults))

    return [(".xml", posts(None)), (".json", posts(None)), (".jsonl", posts(None)),
            (".md", posts(None)), (".txt", posts("text", source="fuzz", published=WHEN)),
            (".bin", posts(None)), (".json", import_sources)]


def _readers() -> list[tuple[str, Call]]:
    """Analysts' files (issue 18): KML/KMZ, spreadsheets, delimited text, GIS layers."""
    from basewatch.sources.importing import import_file
    from basewatch.sources.mapping import FieldMapping

    fill = FieldMapping({"operator": "russia", "type": "base", "source": "fuzz",
                         "faction": "russia", "date": "2024-12-01"})

    def kind(k: str) -> Call:
        return lambda ws, path: import_file(ws, k, path, fill)

    return [(".kml", kind("facilities")), (".kmz", kind("control")), (".xlsx", kind("places")),
            (".ods", kind("facilities")), (".csv", kind("facilities")), (".gpkg", kind("control")),
            (".fgb", kind("places")), (".zip", kind("facilities"))]


VARIANTS: dict[str, Callable[[], list[tuple[str, Call]]]] = {
    "imagery": _imagery, "adsb": _adsb, "aircraft": _aircraft, "posts": _posts,
    "readers": _readers}


class Target:
    """One target with its own scratch workspace (demo factions and facilities imported)."""

    def __init__(self, name: str) -> None:
        from basewatch.errors import BasewatchError

        self.error = BasewatchError
        self.variants = VARIANTS[name]()
        self.tmp = Path(tempfile.mkdtemp(prefix=f"bw-fuzz-{name}-"))
        self.ws = _workspace(self.tmp)

    def __call__(self, data: bytes) -> None:
        if not data:
            return
        suffix, call = self.variants[data[0] % len(self.variants)]
        path = self.tmp / f"input{suffix}"
        path.write_bytes(data[1:])
        try:
            call(self.ws, path)
        except self.error:
            pass


if __name__ == "__main__":  # replay: python fuzz/targets.py TARGET FILE...
    sys.path.insert(0, str(ROOT / "src"))
    target = Target(sys.argv[1])
    for name in sys.argv[2:]:
        for f in sorted(Path(name).iterdir()) if Path(name).is_dir() else [Path(name)]:
            target(f.read_bytes())
    print(f"{sys.argv[1]}: replayed without a crash")
