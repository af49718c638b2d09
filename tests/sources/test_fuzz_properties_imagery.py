"""Fuzzed imagery counts (CSV) and site areas (GeoJSON): success or our error, store unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basewatch.errors import ImportFormatError
from basewatch.sources.imagery_counts import import_areas, import_counts
from tests.sources.fuzzing import FUZZ_SETTINGS, check, demo_workspace, mutated, seeds

COUNTS, AREAS = seeds("imagery", 0), seeds("imagery", 1)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = demo_workspace(tmp_path_factory.mktemp("imagery") / "ws")
    yield w
    w.close()


def test_the_seeds_import(ws, tmp_path):
    assert COUNTS and AREAS
    assert check(ws, tmp_path / "c.csv", COUNTS[0], import_counts) is None
    assert check(ws, tmp_path / "a.geojson", AREAS[0], import_areas) is None


@FUZZ_SETTINGS
@given(data=mutated(COUNTS) | st.binary(max_size=600))
def test_mutated_counts_end_in_success_or_our_error(ws, tmp_path, data):
    check(ws, tmp_path / "counts.csv", data, import_counts)


@FUZZ_SETTINGS
@given(data=mutated(AREAS) | st.binary(max_size=600))
def test_mutated_areas_end_in_success_or_our_error(ws, tmp_path, data):
    check(ws, tmp_path / "areas.geojson", data, import_areas)


def test_non_object_properties_are_named(ws, tmp_path):
    body = b'{"type":"Feature","properties":[1],"geometry":{"type":"Point","coordinates":[1,2]}}'
    (tmp_path / "a.geojson").write_bytes(body)
    with pytest.raises(ImportFormatError, match=r"a.geojson feature 0: properties is list"):
        import_areas(ws, tmp_path / "a.geojson")


def test_a_time_that_overflows_utc_is_our_error(ws, tmp_path):
    body = COUNTS[0].replace(b"2024-12-03T08:25:00Z", b"0001-01-01T00:00:00+01:00")
    (tmp_path / "c.csv").write_bytes(body)
    with pytest.raises(ImportFormatError, match=r"c.csv line 2: time .* is not an ISO timestamp"):
        import_counts(ws, tmp_path / "c.csv")
