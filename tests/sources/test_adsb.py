"""Each documented ADS-B format imports (the examples of docs/flights.md), bad input is told."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from basewatch.errors import ImportFormatError
from basewatch.sources import adsb
from basewatch.sources.adsb import read_adsb

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "flights"
LIFTOFF = dt.datetime(2024, 12, 4, 10, 2, tzinfo=dt.UTC)


@pytest.mark.parametrize("name,fmt,rows", [
    ("opensky-states.csv", "opensky-csv", 5),
    ("trace_full_1533ff.json", "readsb-trace", 4),
    ("adsb-v2-mil.json", "v2-api", 2),
    ("positions.csv", "plain-csv", 4),
])
def test_documented_examples_import(name: str, fmt: str, rows: int) -> None:
    r = read_adsb(EXAMPLES / name)
    assert (r.format, r.table.num_rows) == (fmt, rows)
    first = r.table.filter(pa.compute.equal(r.table.column("hex"), "1533ff")).to_pylist()
    assert first[0]["on_ground"] is True
    if fmt != "v2-api":  # a v2 snapshot holds one position per aircraft
        assert first[1]["time"] == LIFTOFF
        assert first[1]["on_ground"] is False


def test_opensky_units_are_converted_to_feet_and_knots(tmp_path: Path) -> None:
    r = read_adsb(EXAMPLES / "opensky-states.csv")
    row = r.table.to_pylist()[-1]
    assert row["alt_ft"] == pytest.approx(304.8 / 0.3048)
    assert row["gs_kt"] == pytest.approx(100.0 * 3600 / 1852)


def test_opensky_parquet_reads_like_the_csv(tmp_path: Path) -> None:
    table = pcsv.read_csv(EXAMPLES / "opensky-states.csv")
    pq.write_table(table, tmp_path / "states.parquet")
    a = read_adsb(tmp_path / "states.parquet")
    b = read_adsb(EXAMPLES / "opensky-states.csv")
    assert a.format == "opensky-parquet"
    assert a.table.column("time").to_pylist() == b.table.column("time").to_pylist()
    assert a.table.column("lat").to_pylist()[:3] == b.table.column("lat").to_pylist()[:3]


def test_milliseconds_are_detected_and_counted() -> None:
    r = read_adsb(EXAMPLES / "positions.csv")
    assert r.dropped["milliseconds_converted"] == 1
    times = r.table.column("time").to_pylist()
    assert times[2] == LIFTOFF + dt.timedelta(seconds=10)


def test_v2_non_icao_and_positionless_aircraft_are_counted() -> None:
    r = read_adsb(EXAMPLES / "adsb-v2-mil.json")
    assert r.dropped == {"no_position": 1, "bad_address_or_time": 1}
    c17 = next(x for x in r.table.to_pylist() if x["hex"] == "43c6f1")
    assert c17["time"] == dt.datetime(2024, 12, 4, 10, 1, 39, 500000, tzinfo=dt.UTC)


def test_truncated_json_is_a_clear_error(tmp_path: Path) -> None:
    text = (EXAMPLES / "trace_full_1533ff.json").read_text()
    bad = tmp_path / "trace_full_1533ff.json"
    bad.write_text(text[: len(text) // 2])
    with pytest.raises(ImportFormatError, match=r"trace_full_1533ff.json line \d+ column \d+: "
                       r"invalid JSON.*truncated"):
        read_adsb(bad)


def test_naive_iso_time_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "p.csv"
    p.write_text("time,hex,lat,lon\n2024-12-04T10:02:00,1533ff,35.4,35.9\n")
    with pytest.raises(ImportFormatError, match="zone"):
        read_adsb(p)


def test_large_csv_is_streamed_in_blocks_with_the_same_result(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.csv"
    lines = ["time,hex,lat,lon,alt_ft,gs_kt,track,on_ground,callsign"]
    lines += [f"{1733306400 + i},{i % 50:06x},{35 + i * 1e-5:.5f},35.9,1000,200,0,false,X"
              for i in range(20000)]
    p.write_text("\n".join(lines) + "\n")
    whole = read_adsb(p).table
    monkeypatch.setattr(adsb, "_BLOCK", 64 * 1024)
    batches = list(adsb._csv_batches(p))
    assert len(batches) > 5  # really read in pieces
    streamed = read_adsb(p).table
    assert streamed.equals(whole)


def test_unknown_format_names_the_first_line(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ImportFormatError, match="not a known ADS-B format.*'a,b,c'"):
        read_adsb(p)


def test_poll_output_lines_import_as_v2(tmp_path: Path) -> None:
    one = json.loads((EXAMPLES / "adsb-v2-mil.json").read_text())
    two = dict(one, now=one["now"] + 10000)
    p = tmp_path / "poll.jsonl"
    p.write_text(json.dumps(one) + "\n" + json.dumps(two) + "\n")
    assert read_adsb(p).table.num_rows == 4
