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
