"""Fuzzed aircraft databases (tar1090-db, OpenSky) and OurAirports airports and runways:
success or our error naming the file, and the store unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basewatch.errors import ImportFormatError
from basewatch.sources.flights_ingest import import_aircraft, import_airports
from tests.sources.fuzzing import FUZZ_SETTINGS, check, demo_workspace, mutated, seeds

AIRCRAFT, AIRFIELDS = seeds("aircraft", 0), seeds("aircraft", 1)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = demo_workspace(tmp_path_factory.mktemp("aircraft") / "ws")
    yield w
    w.close()


def test_the_seeds_import(ws, tmp_path):
    assert len(AIRCRAFT) == 2 and len(AIRFIELDS) == 2  # OpenSky, tar1090; airports, runways
    for i, data in enumerate(AIRCRAFT):
        assert check(ws, tmp_path / f"a{i}.csv", data, import_aircraft) is None
    for i, data in enumerate(AIRFIELDS):
        assert check(ws, tmp_path / f"f{i}.csv", data, import_airports) is None


@FUZZ_SETTINGS
@given(data=mutated(AIRCRAFT) | st.binary(max_size=400))
def test_mutated_aircraft_databases_end_in_success_or_our_error(ws, tmp_path, data):
    check(ws, tmp_path / "aircraft.csv", data, import_aircraft)


@FUZZ_SETTINGS
@given(data=mutated(AIRFIELDS) | st.binary(max_size=400))
def test_mutated_airports_and_runways_end_in_success_or_our_error(ws, tmp_path, data):
    check(ws, tmp_path / "airports.csv", data, import_airports)


def test_a_tar1090_field_over_the_csv_limit_names_its_line(ws, tmp_path):
    (tmp_path / "db.csv").write_text("1533ff;RA-78847;IL76;10;x\n43c6f1;\"" + "Z" * 140_000
                                     + "\";C17;10;\n")
    with pytest.raises(ImportFormatError, match=r"db.csv line 2: field larger than field limit"):
        import_aircraft(ws, tmp_path / "db.csv")
