"""Ground truth read by hand from the `traffic` library's real sample flights.

Shared by ``tests/flights_traffic/test_ground_truth.py`` and ``benchmarks/bench_flights_traffic.py``.

**How the truth was established** (independently of the detector): the rows of each flight
were printed around the event with, for every runway of the field, the along-track and
cross-track distance of each position from the runway's low-end threshold (pyproj, computed
in the reading script, not by basewatch). The runway is the one whose centreline the roll or
final follows (|cross-track| under 30 m) and its end the direction of travel along it. The
time is read from the barometric altitude (25 ft steps), the aircraft's own vertical rate
and the ground speed: a lift-off where the altitude leaves the taxiing reading and the
vertical rate turns positive; a touch-down where the descent reaches its floor, the vertical
rate goes to ~0 and the ground speed starts to fall (braking). Each row says what was read;
``tol`` is how far the truth itself is uncertain. Test: the event is found with that kind,
field and runway, the truth lies inside the event's reported interval, and the estimate is
within ``tol`` + 10 s of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Truth:
    sample: str
    hex: str
    kind: str
    field: str
    runway: str
    time: str  # UTC
    tol_s: float
    how: str


TRUTH = (
    Truth("noisy_takeoff", "3946e4", "takeoff", "LSZH", "28", "2019-11-11 17:39:44", 3,
          "roll west on 10/28 (|xt| < 6 m, along decreasing); taxi reading 1525 ft until "
          "17:39:41, 1625 ft at :47 (first 'airborne'), 1725 at :50: 33 ft/s back to 1525"),
    Truth("elal747", "738043", "takeoff", "LIRF", "25", "2019-11-03 10:10:45", 5,
          "10 s resampled: 0 ft at 84 kt at 10:10:40, 212 ft at :50; along 07/25 decreasing "
          "(west), |xt| < 10 m, while the reported track reads 5 deg (stale)"),
    Truth("elal747", "738043", "landing", "LLBG", "30", "2019-11-03 15:07:58", 4,
          "162 ft at 15:07:50 sinking 960 ft/min, 0 ft at 15:08:00; on 12/30's centreline "
          "moving toward the 12 end"),
    Truth("zurich_airport", "0083c3", "landing", "LSZH", "14", "2019-10-05 07:34:00", 3,
          "altitude floor 1375 ft from 07:33:59, vertical rate -256..-128 (flare), ground "
          "speed falls from 07:34:03 (braking); on-ground flag only at 07:34:09"),
    Truth("zurich_airport", "4b1614", "takeoff", "LSZH", "28", "2019-11-05 11:34:00", 2,
          "roll reads 1750-1775 ft, 1825 at 11:34:00, 1850 at :01; vertical rate 0 at :00, "
          "448 at :01 (30,700 ft readings on the taxiway are another aircraft's)"),
    Truth("quickstart", "39cea2", "takeoff", "LFPO", "24", "2021-10-07 12:03:02", 2,
          "flag 'airborne' at 12:02:41 at 97 kt (early); reading -125 ft until 12:03:02, -75 "
          "at :03; vertical rate 128 (12:02:58), 256 (:01), 832 (:03); 06/24, west"),
    Truth("quickstart", "02a195", "landing", "LFPO", "06", "2021-10-07 14:25:20", 4,
          "descent to -125/-150 ft by 14:25:19, vertical rate 0 at :21, ground speed falls "
          "from :21 (135 -> 128 kt); flag on ground at :32"),
    Truth("quickstart", "440333", "landing", "LFPB", "07", "2021-10-07 14:49:38", 4,
          "threshold 07 crossed 14:49:31, floor -250 ft from :38, vertical rate -448 -> -256 "
          "at :40; flag at :50. Later the position freezes (14:51:48) and the flag flips "
          "to airborne at 14:52:54 at the frozen spot: no take-off"),
    Truth("quickstart", "3944f5", "landing", "LFPG", "26L", "2021-10-07 13:09:08", 6,
          "position frozen from 13:08:41, 275 ft (350 above the field's reading), 1.7 km "
          "short of 26L at 138 kt: about 30 s to the touch-down zone; flag on ground at "
          "13:09:11 (an upper bound). Garbage 25,000 ft readings and a flag flip to "
          "airborne at the frozen spot at 13:10:08: no take-off"),
    Truth("quickstart", "06a2b1", "landing", "LFPG", "26L", "2021-10-07 12:37:41", 10,
          "position frozen from 12:37:16 at 250 ft (300 above the field), 1.7 km short of "
          "26L at 160 kt: ~25 s to the touch-down zone; flag on ground at 12:38:11 for 28 s, "
          "then garbage (34,000 ft at the frozen spot)"),
    Truth("aircraft_carrier", "ae0455", "landing", "KNZY", "29", "2020-09-15 00:52:04", 3,
          "turning final onto 29, 25 ft at 00:52:01, 0 at :04, floor -50 from :07; "
          "position frozen from 00:52:13 (the flag never says ground)"),
)

#: (sample, hex, field): no event there. Flypasts at ~2,000 ft over Lelystad (traffic calls
#: them take-offs); the air-to-air refuelling flight never comes near a runway.
NO_EVENT = (("belevingsvlucht", "484506", "EHLE"),)
NO_EVENT_SAMPLES = ("inflight_refuelling",)

FIELDS = ("LSZH", "LIRF", "LLBG", "LFPO", "LFPB", "LFPG", "KNZY", "EHLE", "EHAM", "LFPV",
          "LFOB", "LFPN", "LFPT", "LFOE", "LFPC", "LFPM", "EDHI", "KSAN", "LFMI", "LFML",
          "KDEN")


def truth_time(truth: Truth) -> float:
    return float(pd.Timestamp(truth.time, tz="UTC").timestamp())


def score(truth: Truth, events: Sequence[Any]) -> dict[str, bool]:
    """How one tool did on one truth event: found (same aircraft, kind, field, within
    ``tol`` + 60 s), right runway, time within ``tol`` + 10 s, truth inside the reported
    interval (where the tool reports one)."""
    t = truth_time(truth)
    mine = [e for e in events if (e.hex, e.kind, e.airfield) == (truth.hex, truth.kind, truth.field)
            and abs(e.t - t) <= truth.tol_s + 60]
    if not mine:
        return {"found": False, "runway": False, "on_time": False, "in_interval": False}
    e = min(mine, key=lambda x: abs(x.t - t))
    lo, hi = getattr(e, "lo", float("nan")), getattr(e, "hi", float("nan"))
    return {"found": True, "runway": e.runway == truth.runway,
            "on_time": abs(e.t - t) <= truth.tol_s + 10,
            "in_interval": bool(lo - truth.tol_s <= t <= hi + truth.tol_s)}


__all__ = ["FIELDS", "NO_EVENT", "NO_EVENT_SAMPLES", "TRUTH", "Truth", "score", "truth_time"]
