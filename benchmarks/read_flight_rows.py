"""Print one aircraft's rows around a time at a field, for reading a take-off or landing by
hand (the truth of ``traffic_truth.py``), computed independently of basewatch:

    python benchmarks/read_flight_rows.py SAMPLE HEX FIELD "2021-10-07 12:03:02" [-b 120 -a 60]

Each row: time, barometric altitude (ft), GNSS height where the sample has one, vertical rate
(ft/min), reported ground speed (kt) and track, the on-ground flag where sent, the speed
implied by the previous position (kt), and, against the runway whose centreline passes
nearest (OurAirports runways, pyproj on WGS84), the runway, the along-track distance from its
low-end threshold (m, positive toward the high end) and the cross-track distance (m).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyproj  # noqa: E402
from traffic_compare import ourairports_files  # noqa: E402
from traffic_samples import read_sample  # noqa: E402

GEOD = pyproj.Geod(ellps="WGS84")
MS_PER_KT = 1852.0 / 3600.0


def runways_of(field: str) -> tuple[pd.Series, pd.DataFrame]:
    ap, rw = ourairports_files()
    airports = pd.read_csv(ap, keep_default_na=False, na_values=[""])
    row = airports[airports.ident == field]
    if row.empty:
        raise SystemExit(f"{field}: not an OurAirports ident")
    runways = pd.read_csv(rw, keep_default_na=False, na_values=[""])
    runways = runways[(runways.airport_ident == field) & runways.le_latitude_deg.notna()
                      & runways.he_latitude_deg.notna()]
    return row.iloc[0], runways


def rows_around(sample: str, hex_: str, when: str, before: float, after: float) -> pd.DataFrame:
    df = read_sample(sample)
    t = pd.Timestamp(when, tz="UTC")
    df = df[df.icao24 == hex_]
    ts = pd.to_datetime(df.timestamp, utc=True)
    return df[(ts >= t - pd.Timedelta(seconds=before)) & (ts <= t + pd.Timedelta(seconds=after))]


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sample")
    p.add_argument("hex")
    p.add_argument("field")
    p.add_argument("time", help="UTC, e.g. '2021-10-07 12:03:02'")
    p.add_argument("-b", "--before", type=float, default=120.0, help="seconds before")
    p.add_argument("-a", "--after", type=float, default=60.0, help="seconds after")
    args = p.parse_args(argv)
    airport, runways = runways_of(args.field)
    print(f"{args.field} {airport['name']}: elevation {airport.get('elevation_ft')} ft")
    ends = []
    for r in runways.itertuples():
        az, _, length = GEOD.inv(r.le_longitude_deg, r.le_latitude_deg,
                                 r.he_longitude_deg, r.he_latitude_deg)
        ends.append((f"{r.le_ident}/{r.he_ident}", r.le_longitude_deg, r.le_latitude_deg, az))
        print(f"  {r.le_ident}/{r.he_ident}: {length:.0f} m, low end {r.le_ident} az {az:.1f}"
              f"{'  CLOSED' if str(r.closed) == '1' else ''}")
    df = rows_around(args.sample, args.hex, args.time, args.before, args.after)
    if df.empty:
        print("no rows in that window")
        return 1
    lon, lat = df.longitude.to_numpy(float), df.latitude.to_numpy(float)
    ts = pd.to_datetime(df.timestamp, utc=True)
    secs = (ts - ts.iloc[0]).dt.total_seconds().to_numpy()
    impl = np.full(len(df), np.nan)
    if len(df) > 1:
        _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
        dt = np.diff(secs)
        with np.errstate(divide="ignore", invalid="ignore"):
            impl[1:] = np.where(dt > 0, d / dt / MS_PER_KT, np.nan)
    print(f"{'time':8s} {'alt':>6s} {'geo':>6s} {'vr':>6s} {'gs':>5s} {'trk':>5s} {'gnd':>3s} "
          f"{'impl':>5s}  {'rwy':7s} {'along':>7s} {'xt':>7s}")
    geo = df["geoaltitude"] if "geoaltitude" in df else pd.Series(np.nan, index=df.index)
    flag = df["onground"] if "onground" in df else pd.Series(None, index=df.index)
    for i, (when, alt, g, vr, gs, trk, gnd) in enumerate(zip(
            ts, df.altitude, geo, df.vertical_rate, df.groundspeed, df.track, flag)):
        best = ("-", math.nan, math.nan)
        if not (math.isnan(lon[i]) or math.isnan(lat[i])):
            for name, elon, elat, raz in ends:
                az, _, dist = GEOD.inv(elon, elat, lon[i], lat[i])
                along = dist * math.cos(math.radians(az - raz))
                xt = dist * math.sin(math.radians(az - raz))
                if math.isnan(best[2]) or abs(xt) < abs(best[2]):
                    best = (name, along, xt)
        g_txt = "" if gnd is None or (isinstance(gnd, float) and math.isnan(gnd)) else (
            "G" if bool(gnd) else "a")
        print(f"{when:%H:%M:%S} {alt:6.0f} {g:6.0f} {vr:6.0f} {gs:5.0f} {trk:5.0f} {g_txt:>3s} "
              f"{impl[i]:5.0f}  {best[0]:7s} {best[1]:7.0f} {best[2]:7.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
