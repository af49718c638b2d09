"""What a flights import leaves in the store, in a fixed order, for comparing two imports."""

from __future__ import annotations

from basewatch.store import Workspace
from basewatch.store.flights import FLIGHT_COVERAGE, FLIGHT_EVENTS


def stored_layers(ws: Workspace) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    """The flight events and the coverage rows, sorted."""
    ev = sorted((e.to_dict() for e in ws.store.select(FLIGHT_EVENTS)),
                key=lambda d: (d["hex"], d["time"], d["kind"]))
    cov = sorted((c.to_dict() for c in ws.store.select(FLIGHT_COVERAGE)),
                 key=lambda d: (d["airfield"], d["day"]))
    return ev, cov
