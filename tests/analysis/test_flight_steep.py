"""``flight_levels.steep`` (worked on the used cells only) against a cell-by-cell reading of
its rule: a reading whose rate to the previous and to the next used cell of its row (a
surface report reads 0 ft) both exceed the limit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from basewatch.analysis.flight_levels import steep


def _rate(tw, raw, surface, i, c1, c2):
    """Feet a second between two cells of row ``i`` (a surface report reads 0 ft)."""
    def val(c):
        return 0.0 if surface[i, c] else float(raw[i, c])

    dt = abs(float(tw[i, c1]) - float(tw[i, c2]))
    da = abs(val(c1) - val(c2))
    if dt == 0.0:
        return math.inf if da > 0 else math.nan
    return da / dt


def _by_hand(alt, tw, has, raw, surface, max_fps=100.0):
    m, w = alt.shape
    out = np.zeros((m, w), bool)
    for i in range(m):
        used = [j for j in range(w) if has[i, j] or surface[i, j]]
        for k, j in enumerate(used):
            if not has[i, j] or k == 0 or k == len(used) - 1:
                continue
            p, n = used[k - 1], used[k + 1]
            out[i, j] = (_rate(tw, raw, surface, i, j, p) > max_fps
                         and _rate(tw, raw, surface, i, n, j) > max_fps)
    return out


@pytest.mark.parametrize("density", [0.03, 0.5, 0.95])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_steep_matches_the_rule_cell_by_cell(density: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, w = 40, 61
    alt = np.round(rng.normal(400, 600, (m, w)), -1)
    alt[rng.random((m, w)) < 0.1] = np.nan
    tw = np.round(np.cumsum(rng.random((m, w)) * 4, axis=1) - 100, 1)
    tw[:, 5] = tw[:, 4]  # equal times: an infinite rate (or none, same reading)
    surface = rng.random((m, w)) < 0.05
    raw = np.where(surface, 0.0, alt)
    has = np.isfinite(np.where(surface, np.nan, alt)) & (rng.random((m, w)) < density)
    has[0] = False
    has[1, :] = surface[1, :] = False
    has[1, 7] = True  # a lone reading: no neighbours
    got = steep(alt, tw, has, raw, surface)
    assert np.array_equal(got, _by_hand(alt, tw, has, raw, surface))
    assert steep(alt[:0], tw[:0], has[:0], raw[:0], surface[:0]).shape == (0, w)


def test_a_spike_between_level_readings_is_steep() -> None:
    tw = np.array([[0.0, 1.0, 2.0, 3.0, 4.0]])
    alt = np.array([[500.0, 500.0, 1500.0, 500.0, 500.0]])
    has = np.ones_like(alt, bool)
    surface = np.zeros_like(has)
    assert steep(alt, tw, has, alt, surface).tolist() == [[False, False, True, False, False]]
