"""Event times are rounded to the millisecond in bulk: the same floats as ``round(t, 3)``."""

from __future__ import annotations

import math

import numpy as np

from basewatch.analysis.flights import _round_ms


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))


def test_random_times_round_as_python_does() -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    x = np.concatenate([
        rng.uniform(0, 2e9, n),                       # seconds since 1970, any fraction
        rng.integers(0, 2**31, n) / 16.0,             # binary fractions: exact half-millisecond ties
        (rng.integers(0, 2 * 10**12, n) + 0.5) / 1000.0,  # nearest floats to half-millisecond ties
        rng.integers(0, 2 * 10**12, n) / 1000.0 + rng.choice([1e-7, -1e-7, 4e-4, -4e-4], n),
        rng.uniform(-1e3, 1e3, n),                    # around the epoch, negative too
        rng.uniform(1e13, 1e16, 1000),                # beyond the vectorised range
        [0.0, -0.0, 0.0005, 0.0015, 0.0625, -0.0625, 1e-9, math.nan, math.inf, -math.inf],
    ])
    got = _round_ms(x)
    bad = [(v, g) for v, g in zip(x.tolist(), got) if not _same(g, round(v, 3))]
    assert not bad, bad[:5]


def test_empty() -> None:
    assert _round_ms(np.zeros(0)) == []
