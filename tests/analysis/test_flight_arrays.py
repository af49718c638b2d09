"""``unique_sorted`` gives ``np.unique``'s values, order and type."""

from __future__ import annotations

import numpy as np
import pytest

from basewatch.analysis.flight_arrays import unique_sorted


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint16, np.intp, bool,
                                   "datetime64[D]", "datetime64[us]", np.float64])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 50_000])
def test_unique_sorted_is_np_unique(dtype: object, n: int) -> None:
    rng = np.random.default_rng(n)
    if dtype is bool:
        x = rng.integers(0, 2, n).astype(bool)
    elif isinstance(dtype, str):
        x = (np.datetime64("2024-12-01", "D") + rng.integers(0, 40, n)).astype(dtype)
    else:
        x = rng.integers(0, max(n // 3, 2), n).astype(dtype)
    if dtype is np.float64 and n > 2:
        x[:2] = np.nan  # np.unique keeps one NaN: left to it
    want = np.unique(x)
    got = unique_sorted(x)
    assert got.dtype == want.dtype
    assert np.array_equal(got, want, equal_nan=dtype is np.float64)


def test_two_dimensional_and_lists() -> None:
    x = np.array([[3, 1, 3], [2, 2, 9]])
    assert np.array_equal(unique_sorted(x), np.unique(x))
    assert np.array_equal(unique_sorted([5, 1, 5, -2]), np.unique([5, 1, 5, -2]))
