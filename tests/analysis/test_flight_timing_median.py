"""The row median the event timing takes of altitudes read on the ground equals numpy's
``nanmedian`` to the bit (odd and even counts, ties in 25 ft steps, rows with nothing)."""

from __future__ import annotations

import warnings

import numpy as np

from basewatch.analysis.flight_timing import _median_rows


def test_row_median_equals_nanmedian_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    for width in (1, 2, 7, 201):
        x = rng.normal(300.0, 400.0, (3000, width))
        x[: len(x) // 2] = np.round(x[: len(x) // 2] / 25.0) * 25.0  # readings in steps: ties
        x[rng.random(x.shape) < 0.1] = np.nan  # a missing reading
        use = np.isfinite(x) & (rng.random(x.shape) < rng.uniform(0, 1, (len(x), 1)))
        use[:20] = False  # rows with nothing read on the ground
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want = np.nanmedian(np.where(use, x, np.nan), axis=1)
        got = _median_rows(x, use)
        assert np.array_equal(got, want, equal_nan=True)
        assert np.isnan(got[:20]).all() and np.isfinite(got[use.any(axis=1)]).all()
