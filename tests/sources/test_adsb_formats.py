"""Formats added for real feeds: Parquet with a timestamp column, traffic's layout, readsb
aircraft.json, SBS-1 lines, folders and tars (readsb globe_history), trace headers; an import
that reads nothing is an error; runways left out are named."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import tarfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from basewatch.errors import ImportFormatError
from basewatch.sources.adsb import read_adsb
from basewatch.sources.flights_ingest import import_airports, import_positions
from basewatch.store import Workspace
from basewatch.store.flights import AIRCRAFT

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "flights"
LIFTOFF = dt.datetime(2024, 12, 4, 10, 2, tzinfo=dt.UTC)


def _opensky_with_timestamp(tmp_path: Path, tz: str | None = "UTC") -> Path:
    table = pcsv.read_csv(EXAMPLES / "opensky-states.csv")
    secs = table.column("time").cast(pa.int64())
    ts = pa.compute.multiply(secs, 1_000_000_000).cast(pa.timestamp("ns", tz=tz))
    table = table.set_column(table.schema.get_field_index("time"), "time", ts)
    pq.write_table(table, tmp_path / "states.parquet")
    return tmp_path / "states.parquet"


def test_parquet_with_a_timestamp_time_column_reads_like_the_csv(tmp_path: Path) -> None:
    a = read_adsb(_opensky_with_timestamp(tmp_path))
    b = read_adsb(EXAMPLES / "opensky-states.csv")
    assert a.format == "opensky-parquet" and a.table.num_rows == b.table.num_rows == 5
    assert a.table.column("time").to_pylist() == b.table.column("time").to_pylist()


def test_parquet_timestamp_without_a_zone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="without a time zone"):
        read_adsb(_opensky_with_timestamp(tmp_path, tz=None))


def test_traffic_layout_parquet_keeps_feet_and_knots(tmp_path: Path) -> None:
    # traffic's own columns (Traffic.to_parquet): altitude in ft, groundspeed in kt
    t0 = int(LIFTOFF.timestamp())
    table = pa.table({
        "timestamp": pa.array([t0 * 10**9, (t0 + 10) * 10**9]).cast(pa.timestamp("ns", "UTC")),
        "icao24": pa.array(["1533ff", "1533ff"]).dictionary_encode(),  # pandas category
        "latitude": [35.40004, 35.40400], "longitude": [35.94880, 35.94847],
        "altitude": [100, 300], "groundspeed": [140, 155], "track": [356.0, 356.0],
        "vertical_rate": [1000, 1200], "onground": [False, False],
        "callsign": ["RFF7847", "RFF7847"]})
    pq.write_table(table, tmp_path / "t.parquet")
    r = read_adsb(tmp_path / "t.parquet")
    rows = r.table.to_pylist()
    assert r.format == "traffic-parquet"
    assert [(x["time"], x["alt_ft"], x["gs_kt"]) for x in rows] == [
        (LIFTOFF, 100.0, 140.0), (LIFTOFF + dt.timedelta(seconds=10), 300.0, 155.0)]
    pcsv.write_csv(table.set_column(1, "icao24", table.column("icao24").cast(pa.string())),
                   tmp_path / "t.csv")
    assert read_adsb(tmp_path / "t.csv").format == "traffic-csv"


def test_an_import_that_reads_nothing_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "empty.csv"
    p.write_text("time,hex,lat,lon\n2024-12-04T10:00:00Z,zzzzzz,35,35\n")
    with pytest.raises(ImportFormatError, match="no positions read.*bad address or time"):
        read_adsb(p)
    with pytest.raises(ImportFormatError, match="no positions read"), \
            Workspace(tmp_path / "ws", create=True) as ws:
        import_positions(ws, p)
    assert not list((tmp_path / "ws").glob("flights/*.parquet"))  # nothing stored


def test_readsb_aircraft_json_snapshot() -> None:
    r = read_adsb(EXAMPLES / "aircraft.json")
    assert r.format == "readsb-aircraft"
    assert r.dropped == {"no_position": 1}
    rows = {x["hex"]: x for x in r.table.to_pylist()}
    assert rows["1533ff"]["time"] == LIFTOFF  # 'now' is in seconds here, not ms
    assert rows["43c6f1"]["time"] == LIFTOFF - dt.timedelta(seconds=1.5)


def test_sbs_lines_carry_speed_track_and_callsign_onto_positions() -> None:
    r = read_adsb(EXAMPLES / "sbs-30003.txt")
    assert r.format == "sbs" and r.dropped == {"sbs_lines_skipped": 1}  # the STA line
    rows = r.table.to_pylist()
    assert [x["time"] for x in rows[:2]] == [LIFTOFF - dt.timedelta(seconds=20), LIFTOFF]
    assert [x["on_ground"] for x in rows] == [True, False, False, False]
    assert [x["gs_kt"] for x in rows] == [70.0, 140.0, 155.0, 155.0]  # MSG 4 carried forward
    assert {x["callsign"] for x in rows} == {"RFF7847"}  # MSG 1 carried forward
    assert any("no zone" in w for w in r.warnings)


def _trace_bytes(hex_: str, t0: float, lat: float) -> bytes:
    doc = {"icao": hex_, "r": "RA-78847", "t": "IL76", "desc": "ILYUSHIN Il-76",
           "ownOp": "Russian Air Force", "dbFlags": 1, "timestamp": t0,
           "trace": [[0.0, lat, 35.9, "ground", 10.0, 356.0, 0, None, None],
                     [30.0, lat + 0.01, 35.9, 500, 160.0, 356.0, 0, 1000, None]]}
    return gzip.compress(json.dumps(doc).encode())


def test_globe_history_folder_and_tar_import_every_trace(tmp_path: Path) -> None:
    root = tmp_path / "globe_history" / "2024" / "12" / "04" / "traces"
    for h, lat in (("1533ff", 35.4), ("43c6f1", 36.0)):
        (root / h[-2:]).mkdir(parents=True, exist_ok=True)
        (root / h[-2:] / f"trace_full_{h}.json").write_bytes(
            _trace_bytes(h, LIFTOFF.timestamp(), lat))
    folder = read_adsb(tmp_path / "globe_history")
    assert folder.files == 2 and folder.table.num_rows == 4
    assert folder.format == "readsb-trace"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(tmp_path / "globe_history", arcname="globe_history")
    (tmp_path / "history.tar").write_bytes(buf.getvalue())
    tarred = read_adsb(tmp_path / "history.tar")
    assert tarred.table.sort_by([("hex", "ascending"), ("time", "ascending")]).equals(
        folder.table.sort_by([("hex", "ascending"), ("time", "ascending")]))


def test_trace_header_names_the_aircraft_in_the_workspace(tmp_path: Path) -> None:
    p = tmp_path / "trace_full_1533ff.json"
    p.write_bytes(_trace_bytes("1533ff", LIFTOFF.timestamp(), 35.4))
    with Workspace(tmp_path / "ws", create=True) as ws:
        import_positions(ws, p)
        (a,) = ws.store.select(AIRCRAFT)
    assert (a.registration, a.typecode, a.operator, a.military) == (
        "RA-78847", "IL76", "Russian Air Force", True)
    assert a.provenance.source.publisher == "readsb trace header"


def test_closed_and_coordinate_less_runways_are_named(tmp_path: Path) -> None:
    (tmp_path / "airports.csv").write_text(
        "ident,type,name,latitude_deg,longitude_deg,elevation_ft,iso_country,municipality\n"
        "OSLK,medium_airport,Khmeimim,35.4011,35.9487,157,SY,Latakia\n"
        "XXAA,small_airport,Nowhere,35.0,36.0,100,SY,\n")
    (tmp_path / "runways.csv").write_text(
        "airport_ident,length_ft,closed,le_ident,le_latitude_deg,le_longitude_deg,"
        "le_heading_degT,he_ident,he_latitude_deg,he_longitude_deg,he_heading_degT\n"
        "OSLK,9186,0,17,35.4137,35.9480,176,35,35.3885,35.9494,356\n"
        "OSLK,6000,1,04,35.39,35.94,40,22,35.40,35.95,220\n"
        "XXAA,3000,0,09,,,90,27,,,270\n")
    with Workspace(tmp_path / "ws", create=True) as ws:
        import_airports(ws, tmp_path / "airports.csv")
        _, warnings = import_airports(ws, tmp_path / "runways.csv")
    text = " | ".join(warnings)
    assert "OSLK 04/22: closed" in text
    assert "XXAA 09/27: no end coordinates" in text
    assert "not watched (no usable runway): XXAA" in text


def test_reimport_of_unchanged_content_reads_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from basewatch.sources import flights_positions

    with Workspace(tmp_path / "ws", create=True) as ws:
        first = import_positions(ws, EXAMPLES / "positions.csv")
        assert first.written

        def fail(*a: object, **k: object) -> None:
            raise AssertionError("read again")

        monkeypatch.setattr(flights_positions, "AdsbStream", fail)
        again = import_positions(ws, EXAMPLES / "positions.csv")
    assert not again.written and again.sha256 == first.sha256
    assert again.clean.kept == first.clean.kept
