"""Every event basewatch reports on every one of traffic's sample flights, at every
OurAirports airfield (with runways) within 20 km of the sample's positions, marked against the
hand-read truth of ``traffic_truth.py``:

    python benchmarks/scan_traffic_samples.py [sample ...]   # all samples by default

An event is "truth" when a truth event of the same aircraft and field lies within its tol +
60 s, "no-event" when it falls on a listed no-event check, else "NEW": each NEW one has to be
read by hand and either added to the truth (with its reason) or fixed as a false event.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from traffic_compare import basewatch_airfields, ourairports_files, to_positions  # noqa: E402
from traffic_samples import read_sample, samples_dir  # noqa: E402
from traffic_truth import KNOWN_FALSE, NO_EVENT, NO_EVENT_SAMPLES, TRUTH, truth_time  # noqa: E402

from basewatch.analysis.flights import clean_positions, detect_events  # noqa: E402

NEAR_KM = 20.0


def _fields_near(df: pd.DataFrame, airports: pd.DataFrame) -> list[str]:
    lat = np.radians(df["latitude"].to_numpy(float))
    lon = np.radians(df["longitude"].to_numpy(float))
    ok = ~(np.isnan(lat) | np.isnan(lon))
    lat, lon = lat[ok][::5], lon[ok][::5]
    out = []
    for ident, alat, alon in zip(airports.ident, np.radians(airports.latitude_deg),
                                 np.radians(airports.longitude_deg)):
        if np.abs(lat - alat).min() * 6371.0 > NEAR_KM:
            continue
        d = 6371.0 * np.arccos(np.clip(np.sin(lat) * np.sin(alat) + np.cos(lat)
                                       * np.cos(alat) * np.cos(lon - alon), -1, 1))
        if d.min() <= NEAR_KM:
            out.append(ident)
    return out


def main(argv: list[str]) -> int:
    folder = samples_dir()
    if folder is None:
        print("traffic's samples not found (BASEWATCH_TRAFFIC_SAMPLES)")
        return 1
    names = argv or sorted(p.name[:-len(".json.gz")] for p in folder.glob("*/*.json.gz")
                           if p.parent.name not in ("airspaces", "performance"))
    ap, rw = ourairports_files()
    with_rw = set(pd.read_csv(rw, dtype=str, keep_default_na=False).airport_ident)
    airports = pd.read_csv(ap, keep_default_na=False, na_values=[""])
    airports = airports[airports.ident.isin(with_rw)]
    new = 0
    for name in names:
        try:
            df = read_sample(name)
        except Exception as exc:  # noqa: BLE001 - a sample we cannot read is reported
            print(f"{name}: not read ({exc})")
            continue
        if "latitude" not in df or "icao24" not in df:
            print(f"{name}: no positions")
            continue
        fields = basewatch_airfields(_fields_near(df, airports))
        table, _ = clean_positions(to_positions(df))
        evs = detect_events(table, fields) if fields else []
        print(f"{name}: {len(df)} rows, {len(fields)} fields, {len(evs)} events")
        for e in evs:
            t = e.time.timestamp()
            tag = "NEW"
            if any(tr.sample == name and tr.hex == e.hex and tr.field == e.airfield
                   and abs(truth_time(tr) - t) <= tr.tol_s + 60 for tr in TRUTH):
                tag = "truth"
            elif (name, e.hex, e.airfield) in NO_EVENT or name in NO_EVENT_SAMPLES:
                tag = "FALSE (no-event check)"
            elif any(k[0] == name and k[1] == e.hex and k[2] == e.airfield
                     and pd.Timestamp(k[3], tz="UTC").timestamp() <= t
                     <= pd.Timestamp(k[4], tz="UTC").timestamp() for k in KNOWN_FALSE):
                tag = "FALSE (known, KNOWN_FALSE)"
            new += tag != "truth"
            print(f"  {tag:6s} {e.hex} {e.kind:12s} {e.airfield:5s} {e.runway:4s} "
                  f"{e.time:%Y-%m-%d %H:%M:%S} [{e.time_lo:%H:%M:%S}, {e.time_hi:%H:%M:%S}] "
                  f"{e.basis}")
    print(f"events not in the truth: {new}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
