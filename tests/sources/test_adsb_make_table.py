"""``make_table``: addresses normalised (trimmed, lower case) whether the column is already
as stored (kept as it is) or not (rebuilt from its distinct values); bad rows dropped."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from basewatch.sources.adsb import make_table


def _make(hexes: list[str | None], t: list[float]) -> tuple[pa.Table, dict[str, int]]:
    n = len(hexes)
    dropped: dict[str, int] = {}
    nan = np.full(n, np.nan)
    tab = make_table(np.array(t, float), pa.array(hexes, pa.string()), np.arange(n) + 10.0,
                     np.arange(n) + 20.0, nan, nan, nan, pa.nulls(n, pa.bool_()),
                     pa.array([" RCH1 "] * n), np.zeros(n, bool), dropped)
    return tab, dropped


def test_addresses_already_normal_are_kept_row_for_row() -> None:
    tab, dropped = _make(["4b1805", "abc123", "4b1805"], [1.7e9, 1.7e9 + 1, 1.7e9 + 2])
    assert dropped == {}
    assert tab.column("hex").to_pylist() == ["4b1805", "abc123", "4b1805"]
    assert tab.column("lat").to_pylist() == [10.0, 11.0, 12.0]
    assert tab.column("callsign").to_pylist() == ["RCH1"] * 3


def test_addresses_normalised_and_bad_rows_dropped() -> None:
    tab, dropped = _make([" 4B1805", "abc123", None, "~12345", "ABC123 "],
                         [1.7e9, 1.7e9 + 1, 1.7e9 + 2, 1.7e9 + 3, float("nan")])
    assert dropped == {"bad_address_or_time": 3}
    assert tab.column("hex").to_pylist() == ["4b1805", "abc123"]
    assert tab.column("lat").to_pylist() == [10.0, 11.0]
    assert tab.column("time").to_pylist()[1].timestamp() == 1.7e9 + 1
