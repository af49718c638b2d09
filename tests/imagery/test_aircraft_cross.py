"""Cross-template matching of parked aircraft (basewatch.analysis.aircraft_cross) on aprons with
aircraft planted at known places and headings (tests/imagery/local_scenes.aircraft_image)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from basewatch.analysis.aircraft import AircraftParams, count_parked_aircraft
from basewatch.analysis.aircraft_cross import cross_match, cross_template, verify_and_add
from basewatch.analysis.detect import Detection

from . import local_scenes as ls


def _bands(rgb: np.ndarray) -> dict[str, np.ndarray]:
    return {"red": rgb[0], "green": rgb[1], "blue": rgb[2]}


def test_template_is_a_cross_pointing_its_heading() -> None:
    cross, sur = cross_template(30, 0.0)
    k = cross.shape[0] // 2
    assert not (cross & sur).any()
    assert cross[k - 14, k] and cross[k + 14, k]          # nose and tail on the axis
    # Swept wings: the tips sit a tenth of the length behind the middle, the span about the length.
    assert cross[k + 3, k - 13] and cross[k + 3, k + 13]
    assert not cross[k - 10, k - 10]                      # not a block
    # A quarter turn: the nose points right (east).
    turned, _ = cross_template(30, math.pi / 2)
    assert turned[k, k + 14] and not turned[k - 14, k]
    assert abs(int(turned.sum()) - int(cross.sum())) <= 0.05 * cross.sum()


def test_cross_match_finds_the_planted_aircraft_and_not_the_vehicles() -> None:
    rgb, centres = ls.aircraft_image(n=6, seed=11)
    # Headings every 15 degrees: with the default 30, an aircraft half-way between two headings
    # correlates at about 0.5, under the 0.55 the cross alone needs (the default method also
    # has the morphology's objects, below).
    for p in (replace(AircraftParams(), method="cross", cross_angles=24), AircraftParams()):
        dets = count_parked_aircraft(_bands(rgb), np.ones(rgb.shape[1:], bool), res_m=0.5,
                                     params=p)
        assert len(dets) == 6, p.method
        for r, c in centres:
            assert min(math.hypot(d.row - r, d.col - c) for d in dets) < 10


def test_verification_drops_an_object_on_bare_pavement_and_keeps_an_aircraft() -> None:
    rgb, centres = ls.aircraft_image(n=2, seed=3)
    (r, c), _ = centres
    # A patch of bare pavement (no slab joints: their dark crossings are crosses too), far
    # from both aircraft, with an object on it.
    far = [(a, b) for a in range(60, 560, 20) for b in range(60, 560, 20)
           if min(math.hypot(a - x, b - y) for x, y in centres) > 140]
    a, b = far[0]
    rng = np.random.default_rng(0)
    rgb[:, a - 60:a + 60, b - 60:b + 60] = np.clip(110 + rng.normal(0, 6, (120, 120)), 0, 255)
    on = Detection(r, c, 500, 36.0, 34.0, 20.0, 10.0, "aircraft")
    off = Detection(float(a), float(b), 500, 36.0, 34.0, 20.0, 10.0, "aircraft")
    p = replace(AircraftParams(), add_ncc=0.0)
    kept = verify_and_add([on, off], _bands(rgb), np.ones(rgb.shape[1:], bool), res_m=0.5,
                          params=p)
    assert kept == [on]
    # With additions, the second aircraft (no object given for it) is found by its cross.
    p = replace(AircraftParams(), add_ncc=0.55, cross_angles=24)
    kept = verify_and_add([on], _bands(rgb), np.ones(rgb.shape[1:], bool), res_m=0.5, params=p)
    assert len(kept) == 2 and min(math.hypot(d.row - centres[1][0], d.col - centres[1][1])
                                  for d in kept) < 10
    assert cross_match(_bands(rgb), np.zeros(rgb.shape[1:], bool), res_m=0.5, params=p) == []


def test_an_object_failing_the_ground_test_is_kept_only_when_a_cross_correlates_strongly() -> None:
    rgb, centres = ls.aircraft_image(n=4, seed=7)
    area = np.ones(rgb.shape[1:], bool)
    # No ground is even enough for the strict test (max_texture 0) and no cross peak is added:
    # only the second chance (relaxed tests, stronger cross) can keep an aircraft.
    p = replace(AircraftParams(), max_texture=0.0, add_ncc=0.0)
    dets = count_parked_aircraft(_bands(rgb), area, res_m=0.5, params=p)
    assert len(dets) == 4
    for r, c in centres:
        assert min(math.hypot(d.row - r, d.col - c) for d in dets) < 10
    # Without the second chance, or asking a correlation no aircraft reaches: none.
    for q in (replace(p, relaxed_ncc=0.0), replace(p, relaxed_ncc=0.99)):
        assert count_parked_aircraft(_bands(rgb), area, res_m=0.5, params=q) == []
    # The strict objects are unaffected by the second chance's threshold.
    strict = replace(AircraftParams(), add_ncc=0.0)
    assert len(count_parked_aircraft(_bands(rgb), area, res_m=0.5,
                                     params=replace(strict, relaxed_ncc=0.99))) == 4


def test_verification_asks_each_object_its_own_correlation() -> None:
    rgb, centres = ls.aircraft_image(n=1, seed=3)
    (r, c), = centres
    on = Detection(r, c, 500, 36.0, 34.0, 20.0, 10.0, "aircraft")
    p = replace(AircraftParams(), add_ncc=0.0)
    args = ([on], _bands(rgb), np.ones(rgb.shape[1:], bool))
    assert verify_and_add(*args, res_m=0.5, params=p, need=[0.35]) == [on]
    assert verify_and_add(*args, res_m=0.5, params=p, need=[0.99]) == []
