"""Fuzzed posts and feeds (RSS, Atom, Telegram export, JSON lines, text, sources list):
success or our error naming the file, and the store unchanged."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basewatch.errors import ImportFormatError
from basewatch.sources import telegram
from basewatch.sources.reports import PostDefaults, import_posts, import_sources
from tests.sources.fuzzing import FUZZ_SETTINGS, check, demo_workspace, mutated, seeds

FEEDS, TELEGRAM, JSONL = seeds("posts", 0), seeds("posts", 1), seeds("posts", 2)
TEXT, SOURCES = seeds("posts", 3), seeds("posts", 6)
SUFFIX = {"rss": ".xml", "telegram": ".json", "jsonl": ".jsonl", "text": ".md"}


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    w = demo_workspace(tmp_path_factory.mktemp("posts") / "ws")
    yield w
    w.close()


def test_the_seeds_import(ws, tmp_path):
    for fmt, valid in (("rss", FEEDS), ("telegram", TELEGRAM), ("jsonl", JSONL), ("text", TEXT)):
        assert valid, fmt
        for i, data in enumerate(valid):
            path = tmp_path / f"seed{i}{SUFFIX[fmt]}"
            assert check(ws, path, data, import_posts) is None, fmt
    assert check(ws, tmp_path / "sources.json", SOURCES[0], import_sources) is None


@FUZZ_SETTINGS
@given(fmt=st.sampled_from(sorted(SUFFIX)), data=st.data())
def test_mutated_posts_end_in_success_or_our_error(ws, tmp_path, fmt, data):
    valid = {"rss": FEEDS, "telegram": TELEGRAM, "jsonl": JSONL, "text": TEXT}[fmt]
    body = data.draw(mutated(valid) | st.binary(max_size=300))
    check(ws, tmp_path / f"posts{SUFFIX[fmt]}", body, import_posts)


@FUZZ_SETTINGS
@given(body=mutated(SOURCES))
def test_mutated_sources_lists_end_in_success_or_our_error(ws, tmp_path, body):
    check(ws, tmp_path / "sources.json", body, import_sources)


post_values = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | \
    st.lists(st.integers(), max_size=2) | st.dictionaries(st.text(max_size=3), st.integers(),
                                                          max_size=2)


@FUZZ_SETTINGS
@given(post=st.dictionaries(st.sampled_from(["source", "published", "text", "url", "title",
                                             "language", "retrieved", "quotes", "kind"]),
                            post_values, max_size=9))
def test_json_lines_of_any_values_end_in_success_or_our_error(ws, tmp_path, post):
    line = json.dumps({"source": "Wire", "text": "x", "published": "2024-12-05T00:00:00Z", **post},
                      allow_nan=True)
    check(ws, tmp_path / "p.jsonl", line.encode() + b"\n", import_posts)


def test_a_nan_epoch_is_our_error(ws, tmp_path):
    (tmp_path / "p.jsonl").write_text('{"source": "W", "text": "x", "published": NaN}\n')
    with pytest.raises(ImportFormatError, match=r"p.jsonl line 1: published nan is not a time"):
        import_posts(ws, tmp_path / "p.jsonl")


def test_a_json_line_over_the_limit_is_refused(ws, tmp_path, monkeypatch):
    monkeypatch.setattr("basewatch.sources.reports.MAX_LINE_CHARS", 100)
    (tmp_path / "p.jsonl").write_text('{"source": "W", "text": "' + "x" * 200 + '"}\n')
    with pytest.raises(ImportFormatError, match=r"p.jsonl line 1: 2\d\d characters is over"):
        import_posts(ws, tmp_path / "p.jsonl")


def test_a_telegram_message_over_the_limit_is_refused_without_reading_on(ws, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setattr(telegram, "MAX_MESSAGE_CHARS", 1000)
    body = '{"name": "C", "messages": [{"id": 1, "text": "' + "x" * 5000
    (tmp_path / "result.json").write_text(body)
    with pytest.raises(ImportFormatError, match=r"result.json message 0: over 0 MB"):
        import_posts(ws, tmp_path / "result.json", defaults=PostDefaults())


def test_deep_nesting_in_a_telegram_message_is_our_error(ws, tmp_path):
    body = '{"name": "C", "messages": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    (tmp_path / "result.json").write_text(body)
    with pytest.raises(ImportFormatError, match=r"result.json message 0: JSON nested too deeply"):
        import_posts(ws, tmp_path / "result.json")


def test_a_feed_date_in_year_one_is_our_error(ws, tmp_path):
    feed = FEEDS[0].replace(b"Tue, 03 Dec 2024 09:00:00 GMT", b"0001-01-01T00:00:00+01:00")
    (tmp_path / "f.xml").write_bytes(feed)
    with pytest.raises(ImportFormatError, match=r"f.xml entry 1: no published or updated date"):
        import_posts(ws, tmp_path / "f.xml")


def test_an_xml_encoding_expat_cannot_read_is_our_error(ws, tmp_path):
    # found by atheris: expat raises a bare ValueError for multi-byte encodings such as UTF-7
    feed = FEEDS[0].replace(b'encoding="utf-8"', b'encoding="utf-7"')
    (tmp_path / "f.xml").write_bytes(feed)
    with pytest.raises(ImportFormatError, match=r"f.xml: unsupported XML encoding"):
        import_posts(ws, tmp_path / "f.xml")


def test_a_source_whose_provenance_is_not_an_object_is_named(ws, tmp_path):
    (tmp_path / "s.json").write_text('[{"name": "Wire", "provenance": [1]}]')
    with pytest.raises(ImportFormatError, match=r"s.json source 0 \(Wire\): "):
        import_sources(ws, tmp_path / "s.json")
