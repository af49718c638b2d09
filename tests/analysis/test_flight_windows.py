"""Event windows cut to the columns their events use (``flight_windows``) give what the whole
windows give, to the bit: the sums along a row, the runs of a repeated altitude, and the
timing of lift-offs and touch-downs on tracks sampled every 1 to 15 s."""

from __future__ import annotations

import numpy as np
import pytest

from basewatch.analysis.flight_levels import repeated, repeated_runs
from basewatch.analysis.flight_timing import _slope, time_events
from basewatch.analysis.flight_windows import row_sums, used_span


@pytest.mark.parametrize("width", [5, 33, 65, 129, 201])
def test_row_sums_are_the_whole_windows_sums_to_the_bit(width: int) -> None:
    rng = np.random.default_rng(width)
    for _ in range(50):
        a = int(rng.integers(0, width))
        b = int(rng.integers(a + 1, width + 1))
        v = rng.normal(0, 1e4, (17, b - a)) * (rng.random((17, b - a)) < 0.6)
        whole = np.zeros((17, width))
        whole[:, a:b] = v
        assert row_sums(v, a, width).tobytes() == whole.sum(axis=1).tobytes()
    # (a shorter row sums in another order: the reason for padding)
    v = rng.normal(0, 1e4, (2000, 40))
    whole = np.zeros((2000, 201))
    whole[:, 97:137] = v
    assert v.sum(axis=1).tobytes() != whole.sum(axis=1).tobytes()


def test_a_slope_on_a_cut_window_is_the_whole_windows_to_the_bit() -> None:
    rng = np.random.default_rng(5)
    m, w = 400, 201
    x = np.cumsum(rng.uniform(0.5, 12.0, (m, w)), axis=1) - 600.0
    y = 25.0 * np.round(rng.normal(0, 40, (m, w)) + 3.7 * x / 25.0)
    a, b = 80, 131
    fit = np.zeros((m, w), bool)
    fit[:, a + 3:b - 3] = rng.random((m, b - a - 6)) < 0.7
    whole = _slope(x, y, fit)
    cut = _slope(x[:, a:b], y[:, a:b], fit[:, a:b], a, w)
    assert cut[0].tobytes() == whole[0].tobytes()
    assert np.array_equal(cut[1], whole[1])
    # without the whole window's sums some slopes differ in their last bits
    assert _slope(x[:, a:b], y[:, a:b], fit[:, a:b])[0].tobytes() != whole[0].tobytes()


def test_used_span_keeps_the_margin_within_the_window() -> None:
    use = np.zeros((3, 50), bool)
    assert used_span(use) == (0, 50)
    use[0, 10] = use[2, 20] = True
    assert used_span(use) == (7, 24)
    use[1, 1] = use[1, 49] = True
    assert used_span(use) == (0, 50)


def _alt_rows(rng: np.random.Generator, m: int, w: int) -> np.ndarray:
    """Altitudes in 25 ft steps that repeat for runs of cells, with missing cells."""
    alt = np.empty((m, w))
    for i in range(m):
        c, v = 0, 25.0 * rng.integers(0, 40)
        while c < w:
            run = int(rng.geometric(0.25))
            alt[i, c:c + run] = v
            c += run
            v += 25.0 * rng.integers(-2, 3)
    alt[rng.random((m, w)) < 0.2] = np.nan
    return alt


@pytest.mark.parametrize("seed", range(6))
def test_repeated_on_a_cut_window_is_the_whole_windows_unless_a_run_reaches_the_cut(
        seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, w = 300, 61
    alt = _alt_rows(rng, m, w)
    tw = np.cumsum(rng.uniform(0.5, 12.0, (m, w)), axis=1)
    whole = repeated(alt, tw, 8.0)
    differed = 0
    for _ in range(20):
        c0 = int(rng.integers(0, 25))
        c1 = int(rng.integers(36, w + 1))
        use = np.isfinite(alt[:, c0:c1]) & (rng.random((m, c1 - c0)) < 0.5)
        got, open_l, open_r = repeated_runs(alt[:, c0:c1], tw[:, c0:c1], 8.0, use)
        redo = (open_l & (c0 > 0)) | (open_r & (c1 < w))
        same = ((got == whole[:, c0:c1]) | ~use).all(axis=1)
        assert same[~redo].all()
        differed += int((~same).sum())
    assert differed > 0  # cut runs do differ: the rows told to be redone


def _tracks(rng: np.random.Generator, steps: tuple[float, ...]):
    """Take-offs and landings on tracks sampled every ``steps`` seconds (jittered): the
    ground at the field's reading (flagged, or not, or surface reports of 0 ft), a climb or
    descent in 25 ft steps with repeated readings, missing readings and frozen positions,
    and other aircraft's rows in between."""
    t, seg, alt, og, gs, lon, lat = [], [], [], [], [], [], []
    trans, takeoff, elev, flagged = [], [], [], []
    clock, s = 1.7e9, 0
    for _ in range(120):
        step = float(rng.choice(steps))
        n = int(rng.integers(20, 260))
        k = int(rng.integers(3, n - 3))
        up = bool(rng.random() < 0.5)
        field = float(25 * rng.integers(0, 60))
        reading = field + float(rng.choice([-50.0, 0.0, 25.0]))
        flag = rng.choice(["flag", "none", "surface"])
        x = rng.uniform(-10, 10)
        frozen_from = int(rng.integers(0, n)) if rng.random() < 0.3 else n
        level = reading if up else reading + 25.0 * float(rng.integers(20, 80))
        for i in range(n):
            clock += step * float(rng.uniform(0.6, 1.4))
            on = (i < k) if up else (i >= k)
            if not on:  # climbing (descending) in 25 ft steps, some readings repeated
                if rng.random() < 0.8:
                    level += 25.0 * float(rng.choice([0, 1, 2, 3])) * (1 if up else -1)
                level = max(level, reading + 25.0)
            t.append(clock)
            seg.append(s)
            a = reading if on else level
            if flag == "surface" and on:
                a = 0.0
            if rng.random() < 0.1:
                a = np.nan
            alt.append(a)
            og.append((1.0 if on else 0.0) if flag == "flag" else np.nan)
            gs.append(20.0 if on and not up else float(rng.uniform(60, 160)))
            if i < frozen_from:
                x += 0.001 * step
            lon.append(x)
            lat.append(45.0)
        trans.append(len(t) - n + k)
        takeoff.append(up)
        elev.append(field)
        flagged.append(flag == "flag")
        s += 1
        for _ in range(int(rng.integers(0, 4))):  # another aircraft
            clock += 1.0
            t.append(clock)
            seg.append(s)
            alt.append(35000.0)
            og.append(0.0)
            gs.append(450.0)
            lon.append(100.0)
            lat.append(0.0)
        s += 1
        clock += 5000.0
    cols = {"alt_ft": np.array(alt), "on_ground": np.array(og), "gs_kt": np.array(gs),
            "lon": np.array(lon), "lat": np.array(lat)}
    t_a, seg_a = np.array(t), np.array(seg)
    new = np.r_[True, (cols["lon"][1:] != cols["lon"][:-1]) | (seg_a[1:] != seg_a[:-1])]
    rs = np.maximum.accumulate(np.where(new, np.arange(len(t_a)), 0))
    return (t_a, seg_a, rs, np.array(trans), np.array(takeoff), np.array(elev),
            np.array(flagged), cols)


@pytest.mark.parametrize("steps", [(1.0,), (5.0,), (10.0,), (1.0, 5.0, 15.0)])
@pytest.mark.parametrize("seed", [0, 1])
def test_timing_on_cut_windows_is_the_whole_windows_to_the_bit(steps, seed) -> None:
    rng = np.random.default_rng(seed)
    t, seg, rs, trans, to, elev, fb, cols = _tracks(rng, steps)

    def read(name, rows):
        return cols[name][rows]

    got = time_events(t, seg, rs, trans, to, elev, fb, read, chunk=37)
    want = time_events(t, seg, rs, trans, to, elev, fb, read, chunk=37, cut=False)
    for g, w in zip(got, want):
        assert g.tobytes() == w.tobytes()
    assert np.isfinite(got[0]).all()


@pytest.mark.parametrize("seed", range(4))
def test_fills_judged_around_the_used_cells_only_are_the_whole_windows(seed: int) -> None:
    from basewatch.analysis.flight_windows import filled_cells as _filled_rows

    rng = np.random.default_rng(seed)
    n = 6000
    t = np.cumsum(rng.choice([1.0, 2.0, 5.0, 10.0], n))
    seg = np.cumsum(rng.random(n) < 0.01)
    alt = 25.0 * rng.integers(0, 200, n).astype(float)
    lon, lat = rng.uniform(0, 1, n), rng.uniform(40, 41, n)
    for s in rng.integers(1, n - 12, 400):  # straight-line fills of 1 to 6 rows
        k = int(rng.integers(2, 8))
        f = (t[s:s + k] - t[s - 1]) / (t[s + k] - t[s - 1])
        for col in (alt, lon, lat):
            col[s:s + k] = col[s - 1] + (col[s + k] - col[s - 1]) * f
    cols = {"alt_ft": alt, "lon": lon, "lat": lat, "gs_kt": rng.uniform(50, 150, n),
            "on_ground": np.full(n, np.nan)}

    def read(name, rows):
        return cols[name][rows]

    rows = np.sort(rng.integers(0, n, 700))
    whole = _filled_rows(rows, n, 64, 4, seg, t, read)
    assert whole.any()
    for density in (0.01, 0.2, 1.0):
        use = rng.random(whole.shape) < density
        use[:, :5] &= rng.random((len(rows), 5)) < 0.2  # some near the window's edges
        got = _filled_rows(rows, n, 64, 4, seg, t, read, use, chunk=97)
        assert np.array_equal(got & use, whole & use)
