"""The flight events layer encodes its records in bulk (``LayerSpec.encode_rows``): the same column
values and the same stored JSON as the generic path (each record's ``to_dict`` through the
layer's extractors, then the canonical ``dumps``), and the same stored table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np

from basewatch.model import Provenance, Source
from basewatch.model.flights import EVENT_KINDS, FlightEvent
from basewatch.store.base import PROVENANCE_COLUMNS, dumps
from basewatch.store.flights import FLIGHT_EVENTS
from basewatch.store.gpkg import GeoPackageStore

_PROVS = [Provenance(Source("basewatch flight detection", "take-offs")),
          Provenance(Source("d\u00e9tection \"quoted\"", "x"), synthetic=True, generator="gen",
                     notes="n\u00f6tes\n", source_date=dt.date(2024, 1, 2)),
          Provenance(Source("with extra"), extra={"k": [1, 2.5, None]}),
          Provenance(Source("with extra"), extra={"k": "other"})]
_WORDS = ["", "EGLL", "27L", "Moscow area", "\u041c\u043e\u0441\u043a\u0432\u0430", 'a"b\\c',
          "tab\there", "\u2028sep", "\U0001f6eb"]


def _events(n: int, seed: int = 0) -> list[FlightEvent]:
    rng = np.random.default_rng(seed)
    zones = [dt.UTC, dt.timezone(dt.timedelta(hours=3)), dt.timezone(dt.timedelta(hours=-5))]

    def word() -> str:
        return str(rng.choice(_WORDS))

    def when() -> dt.datetime:
        t = dt.datetime.fromtimestamp(float(rng.uniform(1.6e9, 1.8e9)), dt.UTC)
        if rng.random() < 0.3:
            t = t.replace(microsecond=0)
        return t.astimezone(zones[int(rng.integers(3))])

    def num() -> float | int | None:
        r = rng.random()
        if r < 0.3:
            return None
        if r < 0.4:
            return int(rng.integers(0, 360))
        if r < 0.45:
            return float("nan")
        if r < 0.5:
            return np.float64(rng.uniform(0, 360))  # a float subclass
        return round(float(rng.uniform(0, 360)), int(rng.integers(0, 12)))

    out = []
    for i in range(n):
        lo = when() if rng.random() < 0.7 else None
        out.append(FlightEvent(
            when(), f"{int(rng.integers(0, 2**24)):06x}", str(rng.choice(EVENT_KINDS)), word(),
            word(), f"id-{i}-{word()}", _PROVS[int(rng.integers(len(_PROVS)))],
            origin=word(), destination=word(), destination_method=word(), basis=word(),
            course_deg=num(), course_error_deg=num(),
            candidates=tuple(word() for _ in range(int(rng.integers(0, 4)))),
            time_lo=lo, time_hi=when() if rng.random() < 0.7 else None))
    # fields that are not text where text is expected: stored as the generic path would
    out[5] = dataclasses.replace(out[5], runway=None)  # type: ignore[arg-type]
    out[6] = dataclasses.replace(out[6], candidates=("UUEE", 7))  # type: ignore[arg-type]
    out[7] = dataclasses.replace(out[7], destination=12.5)  # type: ignore[arg-type]
    return out


def test_bulk_rows_equal_the_generic_encoding() -> None:
    extract = [g for _, g in FLIGHT_EVENTS.columns.values()] + [
        g for n, (_, g) in PROVENANCE_COLUMNS.items() if n not in FLIGHT_EVENTS.columns]
    events = _events(3000)
    assert FLIGHT_EVENTS.encode_rows is not None
    got = FLIGHT_EVENTS.encode_rows(events)
    want = []
    for e in events:
        d = e.to_dict()
        want.append(([g(d) for g in extract], dumps(d)))
    assert len(got) == len(want)
    for (gv, gt), (wv, wt) in zip(got, want):
        assert gt == wt
        assert gv == wv and [type(x) for x in gv] == [type(x) for x in wv]


def _table(path: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    rows = con.execute("SELECT * FROM flight_events ORDER BY fid").fetchall()
    con.close()
    return rows


def test_store_holds_the_same_rows_either_way(tmp_path: Path) -> None:
    events = _events(1500, seed=1)
    generic = dataclasses.replace(FLIGHT_EVENTS, encode_rows=None)
    results = []
    for name, spec in (("bulk", FLIGHT_EVENTS), ("generic", generic)):
        store = GeoPackageStore(tmp_path / f"{name}.gpkg", create=True)
        first = store.put(spec, events)
        again = store.put(spec, events[:700])  # unchanged rows are recognised
        results.append((first, again))
        store.close()
    assert results[0] == results[1]
    assert results[0][1].unchanged == 700
    assert _table(tmp_path / "bulk.gpkg") == _table(tmp_path / "generic.gpkg")
