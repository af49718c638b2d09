"""Cleaning sorts positions by aircraft then time in two stable passes instead of
``np.lexsort``: the same permutation, ties (same aircraft and time) in input order."""

from __future__ import annotations

import numpy as np
import pytest

from basewatch.analysis.flight_clean import _by_code_then_time


@pytest.mark.parametrize("n_codes", [1, 7, 2000, 70_000])  # 70,000: past the 16-bit keys
@pytest.mark.parametrize("layout", ["random", "time_order", "ties"])
def test_two_pass_sort_is_lexsort(n_codes: int, layout: str) -> None:
    rng = np.random.default_rng(n_codes)
    n = 200_000
    codes = rng.integers(0, n_codes, n).astype(np.int32)
    if layout == "random":
        t = rng.uniform(1.7e9, 1.7e9 + 86400, n)
    elif layout == "time_order":  # as feeds arrive: nearly sorted, a few late rows
        t = np.sort(rng.integers(0, 86400 * 10**6, n)) / 1e6 + 1.7e9
        late = rng.choice(n, n // 100, replace=False)
        t[late] -= rng.uniform(0, 30, len(late))
    else:  # many equal times within an aircraft: input order decides
        t = rng.integers(0, 50, n).astype(float)
    want = np.lexsort((t, codes))
    got = _by_code_then_time(codes, t)
    assert np.array_equal(got, want)


def test_empty_and_one() -> None:
    assert _by_code_then_time(np.zeros(0, np.int32), np.zeros(0)).tolist() == []
    assert _by_code_then_time(np.zeros(1, np.int32), np.ones(1)).tolist() == [0]


def test_aircraft_runs_change_where_dictionary_codes_do() -> None:
    import pyarrow as pa

    from basewatch.analysis.flight_clean import _aircraft_runs, _codes

    rng = np.random.default_rng(2)
    hexes = [f"{x:06x}" for x in rng.integers(0, 40, 5000)]
    hexes.sort(key=lambda h: int(h, 16) % 7)  # runs of one aircraft, and repeats apart
    table = pa.table({"hex": pa.chunked_array([hexes[:1234], hexes[1234:]])})
    runs, codes = _aircraft_runs(table), _codes(table)
    assert np.array_equal(runs[1:] != runs[:-1], codes[1:] != codes[:-1])
    assert _aircraft_runs(table.slice(0, 1)).tolist() == [0]
    assert _aircraft_runs(table.slice(0, 0)).tolist() == []


@pytest.mark.parametrize("n_codes", [1, 7, 2000, 70_000])
@pytest.mark.parametrize("layout", ["grouped", "interleaved", "mixed"])
def test_code_sort_is_the_stable_argsort(n_codes: int, layout: str) -> None:
    """Either of numpy's stable sorts (timsort on rows grouped by aircraft, radix on 16-bit
    keys otherwise) gives ``np.argsort(codes, kind="stable")``."""
    from basewatch.analysis.flight_clean import _by_code

    rng = np.random.default_rng(n_codes + 1)
    n = 100_000
    if layout == "grouped":  # a file in flight order: runs of one aircraft, repeats apart
        codes = np.repeat(rng.integers(0, n_codes, n // 50), 50).astype(np.int32)
    elif layout == "interleaved":  # a feed in time order
        codes = rng.integers(0, n_codes, n).astype(np.int32)
    else:  # grouped, then interleaved
        codes = np.r_[np.repeat(rng.integers(0, n_codes, n // 100), 50),
                      rng.integers(0, n_codes, n // 2)].astype(np.int32)
    assert np.array_equal(_by_code(codes), np.argsort(codes, kind="stable"))
    assert _by_code(codes[:0]).tolist() == [] and _by_code(codes[:1]).tolist() == [0]
