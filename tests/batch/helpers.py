"""Task functions for the batch tests; module-level so that worker processes can import them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from basewatch.sources.batch_jobs import flights_partition, imagery_site_date


def die_once(marker: str, path: str, airfields: Any) -> Any:
    """Kill this worker process (no clean-up, as the OOM killer would) the first time any task
    runs while ``marker`` exists; afterwards do the real work."""
    try:
        os.remove(marker)
    except FileNotFoundError:
        return flights_partition(path, airfields)
    os._exit(1)


def die_always_on(part: str, path: str, airfields: Any) -> Any:
    """Kill the worker every time it runs partition ``part``; the others work."""
    if Path(path).stem == part:
        os._exit(1)
    return flights_partition(path, airfields)


def fail_on(bad_day: str, site: str, day: Any, *args: Any) -> Any:
    """Raise for one date (a task error), work for the others."""
    if day.isoformat() == bad_day:
        raise RuntimeError(f"planted failure on {bad_day}")
    return imagery_site_date(site, day, *args)


def square_or_fail(x: int) -> int:
    if x == 3:
        raise ValueError("three is not welcome")
    return x * x
