"""Importers of posts: RSS, Atom, Telegram, JSON lines, text; bad input refused whole."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from basewatch.errors import ImportFormatError
from basewatch.model.reports import Report, ReportSource
from basewatch.sources.reports import PostDefaults, import_posts, import_sources, parse_posts
from basewatch.store import Workspace
from basewatch.store.reports import REPORTS, SOURCES

UTC = dt.UTC

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Naval News</title>
    <link>https://www.navalnews.example/</link>
    <description>Naval defence news</description>
    <language>en-us</language>
    <lastBuildDate>Thu, 05 Dec 2024 08:00:00 +0000</lastBuildDate>
    <item>
      <title>Russian Navy ships leave Tartus</title>
      <link>https://www.navalnews.example/2024/12/tartus/</link>
      <guid isPermaLink="false">nn-1001</guid>
      <dc:creator><![CDATA[H I Sutton]]></dc:creator>
      <pubDate>Wed, 04 Dec 2024 17:30:00 +0100</pubDate>
      <description><![CDATA[<p>Satellite imagery shows the <b>Admiral Gorshkov</b> frigates
        have departed Tartus.</p>]]></description>
      <content:encoded><![CDATA[<p>Satellite imagery shows the Admiral Gorshkov-class
        frigates have departed Tartus.</p><p>Their destination is not known.</p>]]></content:encoded>
    </item>
    <item>
      <title>Kilo-class submarine seen off Cyprus</title>
      <link>https://www.navalnews.example/2024/12/kilo/</link>
      <pubDate>Thu, 05 Dec 2024 06:00:00 GMT</pubDate>
      <description>An Improved Kilo was spotted at sea.</description>
    </item>
  </channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">OSINT desk</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-12-04T10:00:00Z</updated>
  <link rel="self" href="https://desk.example/feed.atom"/>
  <entry>
    <title>Khmeimim apron empty</title>
    <link href="https://desk.example/posts/khmeimim"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <published>2024-12-03T21:15:00+03:00</published>
    <updated>2024-12-04T09:00:00Z</updated>
    <author><name>Desk</name></author>
    <content type="html">&lt;p&gt;The Hmeimim apron looks empty on 3 Dec.&lt;/p&gt;</content>
  </entry>
</feed>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title></channel></rss>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title>
<pubDate>Wed, 04 Dec 2024 10:00:00 GMT</pubDate></item></channel></rss>
"""


@pytest.fixture
def ws(tmp_path: Path):
    w = Workspace(tmp_path / "ws", create=True)
    yield w
    w.close()


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, "utf-8")
    return p


def reports_of(parsed) -> list[Report]:
    return [r for r in parsed.records if isinstance(r, Report)]


def test_rss_items_become_reports_in_utc_with_text_and_link(tmp_path: Path):
    parsed = parse_posts(write(tmp_path, "nn.xml", RSS), [])
    first, second = reports_of(parsed)
    assert first.published == dt.datetime(2024, 12, 4, 16, 30, tzinfo=UTC)  # +0100 -> UTC
    assert first.url == "https://www.navalnews.example/2024/12/tartus/"
    assert first.source_id == "naval-news" and first.language == "en-us"
    assert "departed Tartus" in first.text and "<p>" not in first.text
    assert "Their destination is not known." in first.text  # content:encoded preferred
    assert second.published == dt.datetime(2024, 12, 5, 6, tzinfo=UTC)


def test_atom_entries_become_reports(tmp_path: Path):
    (r,) = reports_of(parse_posts(write(tmp_path, "desk.atom", ATOM), []))
    assert r.published == dt.datetime(2024, 12, 3, 18, 15, tzinfo=UTC)
    assert r.url == "https://desk.example/posts/khmeimim"
    assert r.text.startswith("Khmeimim apron empty") and "Hmeimim apron" in r.text


def test_unknown_source_is_registered_ungraded_never_reliable(tmp_path: Path):
    parsed = parse_posts(write(tmp_path, "nn.xml", RSS), [])
    (src,) = [r for r in parsed.records if isinstance(r, ReportSource)]
    assert (src.reliability, src.default_credibility, src.graded) == ("F", 6, False)
    assert src.grade == "F6 (ungraded)"
    assert any("ungraded (F6)" in w for w in parsed.warnings)


@pytest.mark.parametrize("doc,match", [
    (BILLION_LAUGHS, "billion laughs"),
    (EXTERNAL_ENTITY, "declares entities|external"),
    ("<!DOCTYPE html><html><head><title>Login</title></head><body><p>hi</body></html>",
     "HTML page, not an RSS or Atom feed"),
    ("<rss version='2.0'><channel><title>x</title>", r"line \d+: malformed XML"),
    ("<svg xmlns='http://www.w3.org/2000/svg'/>", "is not RSS or Atom"),
])
def test_unsafe_or_wrong_xml_is_refused_before_feedparser(tmp_path: Path, doc: str, match: str):
    with pytest.raises(ImportFormatError, match=match):
        parse_posts(write(tmp_path, "feed.xml", doc), [], "rss")


def test_feed_entry_without_date_is_refused_and_nothing_written(ws: Workspace, tmp_path: Path):
    bad = RSS.replace("<pubDate>Thu, 05 Dec 2024 06:00:00 GMT</pubDate>", "")
    with pytest.raises(ImportFormatError, match="entry 2: no published or updated date"):
        import_posts(ws, write(tmp_path, "nn.xml", bad))
    assert ws.store.select(REPORTS) == [] and ws.store.select(SOURCES) == []


TELEGRAM = {
    "name": "Rybar-like channel", "type": "public_channel", "id": 1234567,
    "messages": [
        {"id": 1, "type": "service", "date": "2024-11-28T10:00:00", "action": "pin_message",
         "text": ""},
        {"id": 2, "type": "message", "date": "2024-11-29T14:00:00",
         "date_unixtime": "1732888800",
         "text": ["The Russian military presence ", {"type": "bold", "text": "in Tartus"},
                  " is at risk."]},
        {"id": 3, "type": "message", "date": "2024-11-29T15:00:00",
         "date_unixtime": "1732892400", "text": "", "photo": "photos/p.jpg"},
        {"id": 4, "type": "message", "date": "2024-11-30T09:00:00",
         "date_unixtime": "1732957200", "forwarded_from": "Other channel",
         "text": "Ships seen leaving Tartus."},
    ],
}


def test_telegram_export_text_lists_utc_times_and_forwards(tmp_path: Path):
    p = write(tmp_path, "result.json", json.dumps(TELEGRAM))
    parsed = parse_posts(p, [], defaults=PostDefaults(url="https://t.me/example"))
    a, photo, b = sorted(reports_of(parsed), key=lambda r: r.published)
    assert a.text == "The Russian military presence in Tartus is at risk."
    assert a.published == dt.datetime(2024, 11, 29, 14, tzinfo=UTC)  # from date_unixtime
    assert a.url == "https://t.me/example/2"
    assert b.quotes == ("telegram:Other channel",)
    # A photo without caption is kept, with its media type; the pin is counted and skipped.
    assert (photo.text, photo.media, photo.url) == ("", "photo", "https://t.me/example/3")
    assert any("1 service messages skipped" in w for w in parsed.warnings)


def test_telegram_message_without_text_field_names_the_message(tmp_path: Path):
    doc = {"name": "c", "messages": [{"id": 9, "type": "message", "date": "2024-11-29T14:00:00"}]}
    with pytest.raises(ImportFormatError, match=r"result.json message 9: no 'text' field"):
        parse_posts(write(tmp_path, "result.json", json.dumps(doc)), [])


def test_jsonl_bad_line_names_the_line_and_nothing_is_written(ws: Workspace, tmp_path: Path):
    good = json.dumps({"source": "@a", "published": "2024-12-03T10:00:00Z", "text": "x left Tartus"})
    bad = json.dumps({"source": "@b", "text": "no date"})
    with pytest.raises(ImportFormatError, match="posts.jsonl line 3: published is missing"):
        import_posts(ws, write(tmp_path, "posts.jsonl", f"{good}\n\n{bad}\n"))
    assert ws.store.select(REPORTS) == []


def test_text_in_an_unexpected_encoding_is_refused(tmp_path: Path):
    p = write(tmp_path, "a.jsonl", b'{"source": "x", "published": "2024-12-03", "text": "Tartous'
 + "é\"}".encode("latin-1"))
    with pytest.raises(ImportFormatError, match=r"a.jsonl: not UTF-8 text \(byte \d+"):
        parse_posts(p, [])


def test_oversized_file_is_refused_before_reading(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BASEWATCH_MAX_IMPORT_MB", "0.001")
    p = write(tmp_path, "big.jsonl", "x" * 5000)
    with pytest.raises(ImportFormatError, match="over the import limit"):
        parse_posts(p, [])


def test_text_article_front_matter_and_reimport_changes_nothing(ws: Workspace, tmp_path: Path):
    art = ("---\nsource: Example Daily\npublished: 2024-12-05T07:00:00+01:00\n"
           "url: https://daily.example/a\ntitle: Bases\n---\n# Bases\n\nShips left Tartus.\n")
    p = write(tmp_path, "a.md", art)
    parsed, first = import_posts(ws, p)
    (r,) = reports_of(parsed)
    assert r.published == dt.datetime(2024, 12, 5, 6, tzinfo=UTC) and r.kind == "article"
    assert r.text.startswith("# Bases") and r.url == "https://daily.example/a"
    assert first.inserted == 2  # the report and its (ungraded) source
    _, again = import_posts(ws, p)
    assert again.changed == 0


def test_text_without_date_asks_for_one(tmp_path: Path):
    with pytest.raises(ImportFormatError, match=r"no date \(front matter 'published:' or --date\)"):
        parse_posts(write(tmp_path, "a.txt", "Ships left Tartus."), [],
                    defaults=PostDefaults(source="x"))


def test_sources_file_grades_need_a_grader(tmp_path: Path, ws: Workspace):
    bad = [{"name": "Alice", "kind": "osint", "reliability": "A", "default_credibility": 1}]
    with pytest.raises(ImportFormatError, match="needs graded_by"):
        import_sources(ws, write(tmp_path, "s.json", json.dumps(bad)))
    bad = [{"name": "Alice", "kind": "osint", "reliability": "G", "graded_by": "me"}]
    with pytest.raises(ImportFormatError, match="not an Admiralty grade A-F"):
        import_sources(ws, write(tmp_path, "s.json", json.dumps(bad)))


def test_posts_resolve_registered_sources_by_handle(tmp_path: Path, ws: Workspace):
    srcs = [{"name": "MT Anderson", "handles": ["@MT_Anderson"], "kind": "osint",
             "reliability": "B", "default_credibility": 2, "graded_by": "analyst"}]
    import_sources(ws, write(tmp_path, "s.json", json.dumps(srcs)))
    post = json.dumps({"source": "@mt_anderson", "published": "2024-12-03", "text": "Tartus empty"})
    parsed, _ = import_posts(ws, write(tmp_path, "p.jsonl", post + "\n"))
    assert [r.source_id for r in reports_of(parsed)] == ["mt-anderson"]
    assert not [r for r in parsed.records if isinstance(r, ReportSource)]


def _doc_examples() -> list[tuple[str, str, str]]:
    import re

    root = Path(__file__).resolve().parents[2] / "docs"
    pat = re.compile(r"<!-- report-example: (\S+) format=([\w-]+) -->\s*```\w*\n(.*?)```", re.DOTALL)
    return [(m[1], m[2], m[3]) for m in pat.finditer((root / "formats.md").read_text("utf-8"))]


def test_every_example_in_the_formats_doc_imports(tmp_path: Path, ws: Workspace):
    examples = _doc_examples()
    assert {f for _, f, _ in examples} >= {"sources", "jsonl", "text", "rss", "atom", "telegram",
                                           "telethon", "snscrape", "tweets-js"}
    for name, fmt, text in examples:
        p = write(tmp_path, name, text)
        if fmt == "sources":
            parsed, _ = import_sources(ws, p)
        else:
            parsed, _ = import_posts(ws, p, fmt, PostDefaults(
                source="@example" if fmt == "tweets-js" else ""))
        assert parsed.records, name


def _big_export(n: int) -> dict:
    msgs = []
    for i in range(n):
        text = [f"Message {i}: ships near Tartus ", {"type": "bold", "text": "ёжик ✓"}] \
            if i % 3 else f"plain {i} — Hmeimim"
        msgs.append({"id": i, "type": "message", "date": "2024-11-29T14:00:00",
                     "date_unixtime": str(1732888800 + i), "text": text})
    return {"name": "Big \"quoted\" channel", "type": "public_channel", "id": 5, "messages": msgs}


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_telegram_stream_gives_the_same_messages_as_reading_whole(tmp_path: Path, chunk: int):
    from basewatch.sources.telegram import TelegramStream

    doc = _big_export(300)
    p = write(tmp_path, "result.json", json.dumps(doc, ensure_ascii=False, indent=1))
    stream = TelegramStream(p, chunk_bytes=chunk)
    assert stream.name == 'Big "quoted" channel'
    assert [m for _, m in stream] == doc["messages"]
    import hashlib

    assert stream.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_truncated_telegram_export_is_refused_and_nothing_written(ws: Workspace, tmp_path: Path):
    text = json.dumps(_big_export(50))
    p = write(tmp_path, "result.json", text[: len(text) * 2 // 3])
    with pytest.raises(ImportFormatError, match=r"result.json message \d+: not valid JSON .*"
                                                r"truncated"):
        import_posts(ws, p, "telegram")
    assert ws.store.select(REPORTS) == []


def test_telegram_export_over_the_stream_limit_is_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BASEWATCH_MAX_STREAM_MB", "0.001")
    p = write(tmp_path, "result.json", json.dumps(_big_export(40)))
    with pytest.raises(ImportFormatError, match="over the export limit"):
        parse_posts(p, [], "telegram")


def test_telegram_export_with_bad_bytes_names_the_offset(tmp_path: Path):
    data = json.dumps(_big_export(5)).encode()
    bad = data[:200] + b"\xff\xfe" + data[200:]
    with pytest.raises(ImportFormatError, match=r"not UTF-8 text \(near byte 200"):
        parse_posts(write(tmp_path, "result.json", bad), [], "telegram")
