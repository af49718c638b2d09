"""The PostGIS store puts many rows of a layer without geometry through COPY (and the flight
events through their bulk encoder): the same stored rows, row ids and put counts as its
chunked ``INSERT ... VALUES`` path, on a real PostgreSQL + PostGIS server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import pytest
from sqlalchemy import create_engine, text

import basewatch.store.postgis as pg
from basewatch.model import Provenance, Source
from basewatch.model.flights import AirfieldCoverage
from basewatch.store.flights import FLIGHT_COVERAGE, FLIGHT_EVENTS
from basewatch.store.postgis import PostGISStore
from tests.store.test_flight_event_rows import _events


def _coverage(n: int) -> list[AirfieldCoverage]:
    provs = [Provenance(Source("basewatch flight coverage", "positions")),
             Provenance(Source("c"), synthetic=True, generator="g",
                        source_date=dt.date(2024, 12, 1))]
    day0 = dt.date(2024, 1, 1)
    return [AirfieldCoverage(f"F{i % 37:03d}", day0 + dt.timedelta(days=i // 37), i * 7 % 1000,
                             provs[i % 2]) for i in range(n)]


def _table(url: str, name: str) -> list[tuple[Any, ...]]:
    eng = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with eng.connect() as con:
            cols = list(con.execute(text(f'SELECT * FROM "{name}" LIMIT 0')).keys())
            return [tuple(r) for r in con.execute(
                text(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{name}" '
                     "ORDER BY fid"))]
    finally:
        eng.dispose()


def _puts(url: str) -> list[Any]:
    events = _events(2600, seed=3)
    cov = _coverage(2500)
    changed = [dataclasses.replace(e, runway=f"{e.runway}x") for e in events[:900]]
    with PostGISStore(url, create=True) as s:
        return [s.put(FLIGHT_EVENTS, events),
                s.put(FLIGHT_EVENTS, changed + events[900:2400]),  # 900 updated, 1500 unchanged
                s.put(FLIGHT_EVENTS, events[:10] + events[:10]),  # a key twice: the later wins
                s.put(FLIGHT_COVERAGE, cov),
                s.put(FLIGHT_COVERAGE, cov),
                [e.hex for e in s.select(FLIGHT_EVENTS)][:5]]


def test_copy_path_stores_what_the_chunked_path_stores(pg_server, monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    url_copy, url_chunked = pg_server.new_database(), pg_server.new_database()
    copied: list[int] = []
    real = pg.put_copied

    def spy(con: Any, spec: Any, cols: Any, items: list[Any], cast: Any) -> Any:
        copied.append(len(items))
        return real(con, spec, cols, items, cast)

    monkeypatch.setattr(pg, "put_copied", spy)
    got = _puts(url_copy)
    assert copied == [2600, 2400, 2500, 2500]  # the 10 rows went the chunked way
    monkeypatch.setattr(pg, "put_copied", real)
    monkeypatch.setattr(pg, "_COPY_ROWS", 10**9)  # the chunked path only
    want = _puts(url_chunked)
    assert got == want
    assert (got[0].inserted, got[1].updated, got[1].unchanged) == (2600, 900, 1500)
    assert got[3].inserted == 2500 and got[4].unchanged == 2500
    for layer in ("flight_events", "flight_coverage"):
        assert _table(url_copy, layer) == _table(url_chunked, layer)


def test_copy_path_reads_back_the_records(pg_url: str) -> None:
    events = [e for e in _events(2200, seed=4) if isinstance(e.runway, str)
              and isinstance(e.destination, str) and all(isinstance(c, str)
                                                         for c in e.candidates)]
    with PostGISStore(pg_url, create=True) as s:
        assert s.put(FLIGHT_EVENTS, events).inserted == len({(e.hex, e.time, e.kind)
                                                             for e in events})
        back = {(e.hex, e.time, e.kind): e for e in s.select(FLIGHT_EVENTS)}
    want = {(e.hex, e.time, e.kind): e for e in events}
    assert back.keys() == want.keys()
    for k, e in want.items():
        assert back[k].to_dict() == e.to_dict() or _nan_fields(e)


def _nan_fields(e: Any) -> bool:
    """NaN course values never compare equal: those records are compared by the first test."""
    return any(isinstance(x, float) and math.isnan(x) for x in (e.course_deg, e.course_error_deg))
