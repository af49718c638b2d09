"""Destinations of flights whose track went dark airborne (pure): the course fitted over
their last minutes and the airfields it points at, filled into the detected take-offs.

Split out of :mod:`basewatch.analysis.flights` (``detect_events`` calls it once for all
flights of a detection: one geodesic call for every course fit, one ranking for all
candidates: :mod:`basewatch.analysis.flight_ends`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.arrow_np import take_column
from basewatch.analysis.flight_ends import destination_candidates_many, fit_courses


def replaced(ev: Any, **kw: Any) -> Any:
    """``dataclasses.replace`` without its per-call introspection (for records without
    ``__post_init__`` or slots, such as ``Detected``: thousands of flights get their
    destination this way)."""
    new = object.__new__(type(ev))
    new.__dict__.update(ev.__dict__, **kw)
    return new


def infer_destinations(events: list[Any], open_takeoff: dict[int, tuple[int, int]],
                        table: pa.Table, t: NDArray[Any], ground: NDArray[Any],
                        seg_start: NDArray[Any], seg_end: NDArray[Any],
                        airfields: Sequence[Any], *, window_s: float, min_cone_deg: float,
                        min_km: float, max_range_km: float, k: int = 16) -> None:
    """Destinations of flights whose track went dark airborne, from the course fitted over
    their last ``window_s`` seconds (``k`` positions spread evenly over it), in place."""
    todo = [(s, ev_k, i_to) for s, (ev_k, i_to) in open_takeoff.items()
            if not ground[int(seg_end[s])]]
    if not todo:
        return
    last = np.array([int(seg_end[s]) for s, _, _ in todo])
    first = np.array([max(i_to, int(seg_start[s])) for s, _, i_to in todo])
    # window start, vectorised: the last of 64 evenly spread positions before the window
    # (fit_courses then keeps only the positions inside it)
    coarse = first[:, None] + np.round(np.linspace(0.0, 1.0, 64)[None, :]
                                       * (last - first)[:, None]).astype(np.int64)
    inside = t[coarse] >= (t[last] - window_s)[:, None]
    w = coarse[np.arange(len(todo)), np.maximum(np.argmax(inside, axis=1) - 1, 0)]
    idx = w[:, None] + np.round(np.linspace(0.0, 1.0, k)[None, :] * (last - w)[:, None]
                                ).astype(np.int64)
    flat = idx.ravel()
    lon = take_column(table, "lon", flat).reshape(idx.shape)
    lat = take_column(table, "lat", flat).reshape(idx.shape)
    course, err, _ = fit_courses(lon, lat, t[idx], np.ones(idx.shape, bool), window_s=window_s)
    okr = np.flatnonzero(~np.isnan(course))
    cands = destination_candidates_many(lon[okr, -1], lat[okr, -1], course[okr], err[okr],
                                        airfields, [events[todo[r][1]].airfield for r in okr],
                                        min_km=min_km, max_range_km=max_range_km,
                                        min_cone_deg=min_cone_deg)
    for r, cs in zip(okr, cands):
        ev_k = todo[r][1]
        best = cs[0][0] if cs else None
        events[ev_k] = replaced(events[ev_k], destination=(best.area or best.ident) if best else "",
                             destination_method="inferred from bearing" if best else "unknown",
                             course_deg=round(float(course[r]), 1),
                             course_error_deg=round(float(err[r]), 1),
                             candidates=tuple(a.ident for a, _, _ in cs[:5]))
