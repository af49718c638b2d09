"""Fuzzed ADS-B files (OpenSky CSV and Parquet, readsb trace, v2 API, plain CSV) through the
whole positions import: success or our error naming the file, and the workspace unchanged."""

from __future__ import annotations

import gzip
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from basewatch.errors import ImportFormatError
from basewatch.sources.adsb import read_adsb
from basewatch.sources.flights_ingest import import_positions
from tests.sources.fuzzing import FUZZ_SETTINGS, check, demo_workspace, mutated, seeds

CSV = seeds("adsb", 0)
JSON = seeds("adsb", 1)
PARQUET = seeds("adsb", 2)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = demo_workspace(tmp_path_factory.mktemp("adsb") / "ws")
    yield w
    w.close()


@FUZZ_SETTINGS
@given(data=mutated(CSV) | st.binary(max_size=400))
def test_mutated_csv_positions_end_in_success_or_our_error(ws, tmp_path, data):
    check(ws, tmp_path / "positions.csv", data, import_positions)


@FUZZ_SETTINGS
@given(data=mutated(JSON))
def test_mutated_json_positions_end_in_success_or_our_error(ws, tmp_path, data):
    check(ws, tmp_path / "trace_full_x.json", data, import_positions)


@FUZZ_SETTINGS
@given(data=mutated(PARQUET) | st.binary(max_size=400))
def test_mutated_parquet_ends_in_success_or_our_error(ws, tmp_path, data):
    check(ws, tmp_path / "states.parquet", data, import_positions)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(
        st.sampled_from(["hex", "lat", "lon", "alt_baro", "gs", "track", "seen", "seen_pos",
                         "flight", "now", "ac", "icao", "timestamp", "trace"]), c, max_size=6),
    max_leaves=25)


@FUZZ_SETTINGS
@given(now=json_values, ac=json_values, trace=json_values, kind=st.sampled_from(["v2", "trace"]))
def test_json_of_any_shape_ends_in_success_or_our_error(ws, tmp_path, now, ac, trace, kind):
    doc = ({"now": now, "ac": ac if isinstance(ac, list) else [ac]} if kind == "v2"
           else {"icao": now, "timestamp": 1733306500, "trace": trace if isinstance(trace, list)
                 else [trace]})
    check(ws, tmp_path / "snap.json", json.dumps(doc, allow_nan=True).encode(), import_positions)


@FUZZ_SETTINGS
@given(values=st.one_of(*(st.lists(s, min_size=1, max_size=5) for s in (
    st.integers(-2**63, 2**63 - 1), st.text(max_size=6), st.floats(), st.booleans(),
    st.binary(max_size=6)))))
def test_parquet_columns_of_wrong_types_are_our_error(ws, tmp_path, values):
    """A Parquet file whose columns hold any one type: wrong types are refused, not crashes."""
    col = pa.array(values)
    table = pa.table({"time": col, "icao24": col, "lat": col, "lon": col})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    check(ws, tmp_path / "typed.parquet", buf.getvalue(), import_positions)


def test_a_gzip_bomb_is_refused_before_it_unpacks(tmp_path, monkeypatch):
    monkeypatch.setenv("BASEWATCH_MAX_IMPORT_MB", "1")
    body = b'{"now": 1733306500, "ac": [' + b" " * (3 << 20) + b"]}"
    (tmp_path / "bomb.json").write_bytes(gzip.compress(body))
    assert (tmp_path / "bomb.json").stat().st_size < 20_000
    with pytest.raises(ImportFormatError, match=r"bomb.json: unpacks to over the import limit"):
        read_adsb(tmp_path / "bomb.json")


def test_deeply_nested_json_is_our_error(tmp_path):
    (tmp_path / "deep.json").write_bytes(b'{"ac":' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    with pytest.raises(ImportFormatError, match=r"deep.json: JSON nested too deeply"):
        read_adsb(tmp_path / "deep.json")


def test_times_beyond_2100_are_dropped_not_crashes(tmp_path):
    (tmp_path / "p.csv").write_text("time,hex,lat,lon\n99999999999,1533ff,35.4,35.9\n"
                                    "1733306550,1533ff,35.41,35.94\n")
    r = read_adsb(tmp_path / "p.csv")
    # 99999999999 s is below the millisecond threshold: year 5138, refused as malformed
    assert r.table.num_rows == 1
    assert r.dropped["bad_address_or_time"] == 1


def test_non_numeric_coordinates_name_the_rows(tmp_path):
    (tmp_path / "p.csv").write_text("time,hex,lat,lon\n1733306550,1533ff,north,35.94\n")
    with pytest.raises(ImportFormatError, match=r"p.csv rows 1-1: malformed values"):
        read_adsb(tmp_path / "p.csv")
