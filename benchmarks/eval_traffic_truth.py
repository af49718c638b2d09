"""basewatch's take-offs, landings and runway passes against the hand-read truth of
``traffic_truth.py`` (real ADS-B: the `traffic` library's sample flights, OurAirports runways).

    python benchmarks/eval_traffic_truth.py    # the samples read in place (traffic_samples.py)

Prints one row per truth event (found, runway, estimate minus truth, truth inside the reported
interval) and the totals; events reported near a truth "pass" as a landing or take-off, and any
event at the no-event flights, are listed as false.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from traffic_compare import Ev, basewatch_airfields, to_positions  # noqa: E402
from traffic_samples import read_sample  # noqa: E402
from traffic_truth import (  # noqa: E402
    FIELDS,
    KNOWN_FALSE,
    NO_EVENT,
    NO_EVENT_SAMPLES,
    NO_EVENT_SPANS,
    TRUTH,
    in_span,
    score,
    truth_time,
)

from basewatch.analysis.flights import clean_positions, detect_events  # noqa: E402


def events_by_sample() -> dict[str, list[Ev]]:
    fields = basewatch_airfields(FIELDS)
    out: dict[str, list[Ev]] = {}
    for name in sorted({t.sample for t in TRUTH} | {s for s, _, _ in NO_EVENT}
                       | set(NO_EVENT_SAMPLES) | {s[0] for s in NO_EVENT_SPANS}
                       | {s[0] for s in KNOWN_FALSE}):
        table, _ = clean_positions(to_positions(read_sample(name)))
        out[name] = [Ev(e.hex, e.kind, e.airfield, e.time.timestamp(), e.runway, e.basis,
                        e.time_lo.timestamp() if e.time_lo else float("nan"),
                        e.time_hi.timestamp() if e.time_hi else float("nan"))
                     for e in detect_events(table, fields)]
    return out


def main() -> int:
    evs = events_by_sample()
    rows, wrong = [], []
    for tr in TRUTH:
        sc = score(tr, evs[tr.sample])
        t = truth_time(tr)
        near = [e for e in evs[tr.sample] if e.hex == tr.hex and abs(e.t - t) <= tr.tol_s + 60]
        best = min(near, key=lambda e: abs(e.t - t)) if near else None
        rows.append((tr, sc, best))
        if tr.kind == "pass":  # a runway pass is never a landing or a take-off
            wrong += [(tr.sample, e) for e in near if e.kind in ("landing", "takeoff")
                      and abs(e.t - t) <= tr.tol_s + 30]
    for sample, hex_, field in NO_EVENT:
        wrong += [(sample, e) for e in evs[sample] if e.hex == hex_ and e.airfield == field]
    for sample in NO_EVENT_SAMPLES:
        wrong += [(sample, e) for e in evs[sample]]
    for span in NO_EVENT_SPANS:
        wrong += [(span[0], e) for e in in_span(evs[span[0]], span)]
    print(f"{'sample':16s} {'hex':6s} {'kind':10s} {'field':5s} {'rwy':4s} {'found':9s} "
          f"{'rwy':4s} {'est-truth':>9s} {'interval (s from truth)':>24s} {'in':3s}")
    for tr, sc, e in rows:
        t = truth_time(tr)
        got = e.kind if e is not None and sc["found"] else "MISSED"
        dt_s = f"{e.t - t:+9.1f}" if e is not None and sc["found"] else " " * 9
        iv = (f"[{e.lo - t:+7.1f}, {e.hi - t:+7.1f}]" if e is not None and sc["found"]
              else "")
        print(f"{tr.sample:16s} {tr.hex:6s} {tr.kind:10s} {tr.field:5s} {tr.runway:4s} "
              f"{got:9s} {(e.runway if e is not None and sc['found'] else ''):4s} {dt_s} "
              f"{iv:>24s} {'yes' if sc['in_interval'] else 'no':3s}")
    n = len(rows)
    tot = {k: sum(sc[k] for _, sc, _ in rows) for k in ("found", "runway", "on_time",
                                                         "in_interval")}
    print(f"\n{n} truth events ({sum(t.kind in ('takeoff', 'landing') for t in TRUTH)} take-offs "
          f"and landings, {sum(t.kind not in ('takeoff', 'landing') for t in TRUTH)} runway "
          f"passes): found {tot['found']}, right runway {tot['runway']}, within tol+10 s "
          f"{tot['on_time']}, truth inside the interval {tot['in_interval']}")
    widths = [e.hi - e.lo for tr, sc, e in rows if sc["found"] and e is not None
              and tr.kind in ("takeoff", "landing")]
    every = [e.hi - e.lo for name in sorted(evs) for e in evs[name]
             if e.kind in ("takeoff", "landing")]
    print(f"interval width (s), median: the found take-offs and landings of the truth "
          f"{statistics.median(widths):.1f} (max {max(widths):.1f}); every take-off and landing "
          f"detected in these samples ({len(every)}) {statistics.median(every):.1f}")
    print(f"false events (a landing/take-off at a pass, any event at a no-event flight): "
          f"{len(wrong)}")
    for sample, e in wrong:
        print(f"  {sample} {e.hex} {e.kind} {e.airfield} {e.runway} {e.t:.0f} ({e.basis})")
    known = []
    for span in KNOWN_FALSE:
        known += [(span[0], e) for e in in_span(evs[span[0]], span)]
    print(f"known false events still reported (KNOWN_FALSE, not fixed): {len(known)} of "
          f"{len(KNOWN_FALSE)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
