"""Detectors scored against planted truth at stated signal-to-noise levels.

Thresholds are justified from the detector's own statistics: at a per-pixel false-alarm rate of
1e-4 the basin (~4 500 water pixels) expects 0.45 false pixels per scene, and objects need two
pixels, so false objects are rare (precision >= 0.9 leaves room for one or two in 32 targets).
The per-pixel detection probability of a vessel pixel at SNR s is P(G_L > a / 10^(s/10)) for
gamma speckle of L = 4 looks; it is computed below: 0.92 at 10 dB, so a vessel of >= 6 pixels
(fewer than 2 of them detected) is missed with probability < 1e-4, and recall >= 0.9 is a safe
bound over 32 targets.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from rasterio.features import geometry_mask
from rasterio.transform import xy
from rasterio.warp import transform, transform_geom
from shapely.geometry import mapping

from basewatch.analysis.detect import (
    apron_presence,
    cfar_factor,
    cfar_vessels,
    gamma_sf,
    label_components,
    size_class,
)
from basewatch.analysis.geodesy import distance_m
from basewatch.demo.imagery_scenes import SceneSpec, generate_scene

from . import local_scenes as ls
from .conftest import demo_area

T = dt.datetime(2024, 11, 30, 3, 45, tzinfo=dt.UTC)
TRUTH_CLASS = {"frigate": "vessel_large", "submarine": "vessel_medium", "small": "vessel_small"}


def _window(path: Path, area: Any) -> tuple[np.ndarray, np.ndarray, Any, Any]:
    with rasterio.open(path) as ds:
        arr = ds.read(1).astype(float)
        inside = ~geometry_mask([transform_geom("EPSG:4326", ds.crs, mapping(area))], arr.shape,
                                ds.transform)
        return arr, inside, ds.transform, ds.crs


def _score(tmp_path: Path, spec: SceneSpec, seeds: range, area: Any, detect: Any,
           asset: str) -> tuple[int, int, int, list[tuple[str, str]]]:
    """(true positives, false positives, misses, [(truth bin, detected bin)]) over seeds."""
    tp = fp = fn = 0
    bins = []
    for seed in seeds:
        item, truth = generate_scene(spec, area, tmp_path, "x", seed=seed)
        arr, inside, tr, crs = _window(tmp_path / Path(item["assets"][asset]["href"]).name, area)
        dets = detect(arr, inside)
        used: set[int] = set()
        for d in dets:
            x, y = xy(tr, d.row, d.col)
            (lon,), (lat,) = transform(crs, "EPSG:4326", [x], [y])
            free = [(float(distance_m(lon, lat, t.lon, t.lat)), j) for j, t in enumerate(truth)
                    if j not in used]
            best = min(free) if free else (np.inf, -1)
            if best[0] <= 40.0:  # within 4 pixels of the planted centre
                used.add(best[1])
                tp += 1
                bins.append((TRUTH_CLASS.get(truth[best[1]].kind, "aircraft"), d.kind))
            else:
                fp += 1
        fn += len(truth) - len(used)
    return tp, fp, fn, bins


def test_cfar_factor_matches_closed_forms() -> None:
    assert gamma_sf(2.0, 1) == pytest.approx(np.exp(-2.0))
    assert cfar_factor(1e-3, 1) == pytest.approx(-np.log(1e-3), rel=1e-6)
    a = cfar_factor(1e-4, 4)
    assert gamma_sf(a, 4) == pytest.approx(1e-4, rel=1e-6)


def test_components_are_8_connected() -> None:
    m = np.zeros((6, 6), bool)
    m[0, 0] = m[1, 1] = True  # diagonal: one object
    m[4, 0:3] = True
    m[0, 5] = True
    labels, n = label_components(m)
    assert n == 3 and labels[0, 0] == labels[1, 1] and labels[4, 0] != labels[0, 5]


@pytest.mark.parametrize("snr_db", [10.0, 15.0])
def test_cfar_precision_recall_on_sentinel1_at_stated_snr(tmp_path: Path, snr_db: float) -> None:
    pixel_pd = gamma_sf(cfar_factor(1e-4, 4) / 10 ** (snr_db / 10), 4)
    p_miss = (1 - pixel_pd) ** 6 + 6 * pixel_pd * (1 - pixel_pd) ** 5
    assert p_miss < 1e-4  # the analytic basis of the recall bound below
    basin = demo_area("tartus-harbour-basin")
    tp, fp, fn, bins = _score(tmp_path, SceneSpec("sentinel-1-grd", T, snr_db=snr_db), range(8),
                              basin, lambda a, m: cfar_vessels(a, m), "vv")
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert tp + fn == 32
    assert recall >= 0.9 and precision >= 0.9, (precision, recall)
    # lengths: the size bin of each found vessel is its planted class's
    assert sum(t == d for t, d in bins) >= 0.9 * len(bins)


def test_empty_harbour_gives_no_vessels(tmp_path: Path) -> None:
    basin = demo_area("tartus-harbour-basin")
    tp, fp, fn, _ = _score(tmp_path, SceneSpec("sentinel-1-grd", T, fleet=(), snr_db=10), range(8),
                           basin, lambda a, m: cfar_vessels(a, m), "vv")
    assert (tp, fn) == (0, 0) and fp <= 1


def test_aircraft_presence_on_apron(tmp_path: Path) -> None:
    apron = demo_area("khmeimim-apron")
    aircraft = (("transport", 40.0), ("fighter", 20.0), ("fighter", 20.0))
    present = [apron_presence(*_window(tmp_path / Path(generate_scene(
        SceneSpec("sentinel-2-l2a", T, fleet=aircraft, surface="apron"), apron, tmp_path, "x",
        seed=s)[0]["assets"]["nir"]["href"]).name, apron)[:2]) for s in range(4)]
    empty = [apron_presence(*_window(tmp_path / Path(generate_scene(
        SceneSpec("sentinel-2-l2a", T, fleet=(), surface="apron"), apron, tmp_path, "x",
        seed=10 + s)[0]["assets"]["nir"]["href"]).name, apron)[:2]) for s in range(4)]
    assert all(len(d) >= 1 for d in present)
    assert all(len(d) == 0 for d in empty)


def test_size_bins() -> None:
    assert [size_class(x) for x in (99.9, 100.0, 49.9, 50.0)] == [
        "vessel_medium", "vessel_large", "vessel_small", "vessel_medium"]


@pytest.mark.parametrize("tone", [0.35, pytest.param(0.85, marks=pytest.mark.xfail(
    strict=True, reason="known weakness: white aircraft under ~30 m (An-26-sized) are compact "
    "(solidity > 0.6 at the 1 m working pixel) and their cross correlates < 0.5 next to their "
    "shadow; 19 of 24 found"))])
def test_aircraft_counted_on_50cm_apron_against_planted_truth(tone: float) -> None:
    """Transport and airliner silhouettes (Il-76-, A320-, An-26-, Tu-154-sized, with their
    shadows) and four vehicles per image, 6 images, grey (0.35) or white (0.85) on concrete
    (0.60): counted through the shared path of both imagery commands. Floors: the issue's goal
    (count within 10 % or 2 of the planted on every image), and 0.8 of the planted found where
    they are (a detection's centre within half their length of theirs), 0.8 of the
    detections on one."""
    from basewatch.demo.imagery_scenes import generate_apron_image
    from basewatch.sources.area_detect import detect_area

    fleet = ((46.6, 50.5), (37.6, 35.8), (24.5, 29.2), (47.9, 37.6))
    tp = fp = fn = 0
    for seed in range(6):
        img, truth = generate_apron_image(fleet, n_vehicles=4, seed=seed, tone=tone)
        dets = detect_area({"gray": img}, np.ones(img.shape, bool), res_m=0.5, kind="apron",
                           scene_kind="image").detections
        assert abs(len(dets) - len(truth)) <= max(2, 0.1 * len(truth)), (seed, len(dets))
        t, f, n = ls.score_planted_aircraft(dets, truth)
        tp, fp, fn = tp + t, fp + f, fn + n
    assert tp + fn >= 22  # nearly all planted (placement may skip one in a crowded image)
    assert tp / (tp + fp) >= 0.8 and tp / (tp + fn) >= 0.8, (tp, fp, fn)
