"""Importers of posts and articles: RSS/Atom, Telegram Desktop exports, JSON lines, text.

Every importer parses the whole file into :class:`Report` records first (errors name the file,
the line, entry or message, and the fault), then :func:`import_posts` writes them with the
sources they name in one transaction. A post whose source is not registered registers it
*ungraded* (Admiralty F/6), never as reliable.

XML is checked with defusedxml *before* feedparser sees it: entity declarations (billion
laughs), external entities and DTD tricks are refused, not expanded.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import ElementTree as SafeET
from defusedxml.common import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model.reports import (
    Report,
    ReportSource,
    SourceKind,
    source_id_for,
)
from basewatch.sources._common import Parsed, decode_text, load_json, read_limited
from basewatch.sources.posts_common import MAX_LINE_CHARS, POST_FORMATS, Draft, PostDefaults, when
from basewatch.sources.posts_resolve import resolve_drafts
from basewatch.store import LayerSpec, PutResult, Workspace
from basewatch.store.reports import REPORTS, SOURCES, forget_claims

__all__ = [
    "POST_FORMATS",
    "PostDefaults",
    "check_feed_xml",
    "guess_format",
    "import_posts",
    "parse_feed",
    "parse_jsonl",
    "parse_posts",
    "parse_sources",
    "parse_text",
    "resolve_drafts",
]

#: Feeds above this size are refused (a feed is a page of recent items, not an archive).
MAX_FEED_BYTES = 20 * 1024 * 1024

_FEED_ROOTS = {"rss", "{http://www.w3.org/2005/Atom}feed",
               "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF", "feed"}


# --- safe XML and feeds ----------------------------------------------------------------------

def check_feed_xml(data: bytes, where: str) -> None:
    """Refuse what is not a safe, well-formed RSS/Atom document, before any XML library expands it.

    Raises ImportFormatError for entity declarations (entity-expansion bombs), external
    entities, HTML pages and malformed XML.
    """
    if len(data) > MAX_FEED_BYTES:
        raise ImportFormatError(f"{where}: {len(data) / 1e6:.1f} MB is over the feed limit of "
                                f"{MAX_FEED_BYTES / 1e6:.0f} MB")
    head = data[:512].lstrip().lower()
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True,
                                 forbid_external=True)
    except EntitiesForbidden:
        raise ImportFormatError(f"{where}: refused: the XML declares entities (an entity-"
                                "expansion 'billion laughs' bomb or similar); nothing expanded"
                                ) from None
    except ExternalReferenceForbidden:
        raise ImportFormatError(f"{where}: refused: the XML refers to an external entity or "
                                "DTD; nothing fetched") from None
    except (DTDForbidden, DefusedXmlException) as exc:
        raise ImportFormatError(f"{where}: refused: unsafe XML ({exc})") from None
    except (ValueError, LookupError) as exc:  # expat: an encoding it cannot decode
        raise ImportFormatError(f"{where}: unsupported XML encoding ({exc})") from None
    except ParseError as exc:
        if head.startswith((b"<!doctype html", b"<html")):
            raise ImportFormatError(f"{where}: is an HTML page, not an RSS or Atom feed") from None
        line, col = getattr(exc, "position", (0, 0))
        raise ImportFormatError(f"{where} line {line}: malformed XML "
                                f"(column {col}: {str(exc).split(':')[0]})") from None
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag.lower() == "html" or tag.endswith("}html"):
        raise ImportFormatError(f"{where}: is an HTML page, not an RSS or Atom feed")
    if tag not in _FEED_ROOTS:
        raise ImportFormatError(f"{where}: root element <{tag}> is not RSS or Atom")


_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\b[^>]*>", re.IGNORECASE)


def _html_to_text(value: str) -> str:
    text = _BREAK.sub("\n", value)
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def _struct_utc(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    except (ValueError, OverflowError, OSError):  # a year the datetime type cannot hold
        return None


def parse_feed(data: bytes, where: str, defaults: PostDefaults | None = None) -> list[Draft]:
    """Entries of an RSS or Atom document as posts; the XML is checked safe first."""
    defaults = defaults or PostDefaults()
    check_feed_xml(data, where)
    doc = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if doc.get("bozo") and not isinstance(doc.get("bozo_exception"),
                                          feedparser.CharacterEncodingOverride):
        raise ImportFormatError(f"{where}: not a readable feed ({doc.get('bozo_exception')})")
    feed = doc.get("feed", {})
    source = defaults.source or str(feed.get("title") or "").strip()
    if not source:
        raise ImportFormatError(f"{where}: the feed has no title; give its source (--source)")
    language = defaults.language or str(feed.get("language") or "")
    drafts: list[Draft] = []
    for i, e in enumerate(doc.get("entries", []), start=1):
        w = f"{where} entry {i}"
        published = _struct_utc(e.get("published_parsed") or e.get("updated_parsed"))
        if published is None:
            raise ImportFormatError(f"{w}: no published or updated date")
        body = ""
        if e.get("content"):
            body = str(e["content"][0].get("value") or "")
        body = body or str(e.get("summary") or "")
        title = _html_to_text(str(e.get("title") or ""))
        text = "\n\n".join(t for t in (title, _html_to_text(body)) if t)
        if not text:
            raise ImportFormatError(f"{w}: no title and no text")
        author = str(e.get("author") or "").strip()
        drafts.append(Draft(
            where=w, source_name=source, published=published, text=text,
            url=str(e.get("link") or ""), title=title, language=language,
            retrieved=defaults.retrieved, kind="article", source_kind=SourceKind.MEDIA,
            notes=f"author: {author}" if author else ""))
    return drafts


# --- JSON lines, text --------------------------------------------------------------

def parse_jsonl(path: Path, lines: Iterable[str], defaults: PostDefaults) -> list[Draft]:
    """One JSON object a line: source, published, text required; url, title, language,
    retrieved, quotes (list), kind optional."""
    drafts: list[Draft] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {n}"
        if len(line) > MAX_LINE_CHARS:
            raise ImportFormatError(f"{where}: {len(line)} characters is over the line limit of "
                                    f"{MAX_LINE_CHARS}")
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{where}: not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise ImportFormatError(f"{where}: JSON nested too deeply") from None
        if not isinstance(d, dict):
            raise ImportFormatError(f"{where}: expected an object")
        source = str(d.get("source") or defaults.source or "").strip()
        if not source:
            raise ImportFormatError(f"{where}: source is empty (every post needs its source)")
        if not str(d.get("text") or "").strip():
            raise ImportFormatError(f"{where}: text is empty")
        if not d.get("published") and defaults.published is None:
            raise ImportFormatError(f"{where}: published is missing")
        published = (when(d["published"], f"{where}: published") if d.get("published")
                     else defaults.published)
        assert published is not None
        quotes = d.get("quotes") or ()
        if isinstance(quotes, str):
            quotes = (quotes,)
        if not isinstance(quotes, list | tuple):
            raise ImportFormatError(f"{where}: quotes is {type(quotes).__name__}, expected a "
                                    "list of names")
        drafts.append(Draft(
            where=where, source_name=source, published=published, text=str(d["text"]),
            url=str(d.get("url") or ""), title=str(d.get("title") or ""),
            language=str(d.get("language") or defaults.language),
            retrieved=(when(d["retrieved"], f"{where}: retrieved") if d.get("retrieved")
                       else defaults.retrieved),
            kind=str(d.get("kind") or "post"), quotes=tuple(str(q) for q in quotes),
            notes=str(d.get("notes") or ""),
            source_kind=SourceKind.OTHER))
    return drafts


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)


def parse_text(path: Path, text: str, defaults: PostDefaults) -> list[Draft]:
    """A plain text or Markdown article; ``key: value`` front matter between ``---`` lines
    gives source, published, url, title, language, quotes (comma-separated); options win."""
    meta: dict[str, str] = {}
    body = text
    m = _FRONT.match(text)
    if m:
        for n, line in enumerate(m.group(1).splitlines(), start=2):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if ":" not in line:
                raise ImportFormatError(f"{path.name} line {n}: front matter line is not "
                                        "'key: value'")
            k, v = line.split(":", 1)
            meta[k.strip().lower()] = v.strip().strip('"').strip("'")
        body = text[m.end():]
    source = defaults.source or meta.get("source", "")
    if not source:
        raise ImportFormatError(f"{path.name}: no source (front matter 'source:' or --source)")
    if defaults.published is not None:
        published = defaults.published
    elif meta.get("published") or meta.get("date"):
        published = when(meta.get("published") or meta["date"], f"{path.name}: published")
    else:
        raise ImportFormatError(f"{path.name}: no date (front matter 'published:' or --date)")
    if not body.strip():
        raise ImportFormatError(f"{path.name}: the article has no text")
    quotes = tuple(q.strip() for q in meta.get("quotes", "").split(",") if q.strip())
    return [Draft(
        where=path.name, source_name=source, published=published, text=body.strip(),
        url=defaults.url or meta.get("url", ""), title=defaults.title or meta.get("title", ""),
        language=defaults.language or meta.get("language", ""), retrieved=defaults.retrieved,
        kind="article", quotes=quotes, source_kind=SourceKind.MEDIA)]


# --- sources file ----------------------------------------------------------------------------

def parse_sources(path: str | Path) -> Parsed:
    """A JSON list of sources (see docs/formats.md); grades need ``graded_by``."""
    p = Path(path)
    data, digest = read_limited(p)
    doc = load_json(p, decode_text(data, p))
    items = doc.get("sources") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise ImportFormatError(f"{p.name}: expected a list of sources or {{'sources': [...]}}")
    records: list[ReportSource] = []
    seen: set[str] = set()
    for i, d in enumerate(items):
        where = f"{p.name} source {i}"
        if not isinstance(d, dict) or not str(d.get("name") or "").strip():
            raise ImportFormatError(f"{where}: a source needs a name")
        try:
            sid = str(d.get("id") or source_id_for(str(d["name"])))
            prov = d.get("provenance") or {"source": {"publisher": d.get("graded_by") or
                                                       "analyst"}}
            rec = ReportSource.from_dict({**d, "id": sid, "provenance": prov})
        except (BasewatchError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ImportFormatError(f"{where} ({d.get('name')}): {exc}") from None
        if rec.id in seen:
            raise ImportFormatError(f"{where}: duplicate source id {rec.id}")
        seen.add(rec.id)
        records.append(rec)
    return Parsed(p, "sources", digest, records)


# --- posts: format dispatch, source resolution -----------------------------------------------

def guess_format(path: Path, head: bytes) -> str:
    """The post format from the extension and the first bytes."""
    ext = path.suffix.lower()
    h = head.lstrip()
    if path.is_dir() or (ext in (".html", ".htm") and path.name.startswith("messages")):
        return "telegram-html"
    if ext == ".js" or h.startswith(b"window.YTD."):
        return "tweets-js"
    if ext in (".jsonl", ".ndjson"):
        if b"snscrape.modules" in head:
            return "snscrape"
        return "telethon" if b'"peer_id"' in head else "jsonl"
    if ext in (".md", ".markdown", ".txt"):
        return "text"
    if ext == ".json":
        if b'"peer_id"' in head or b'"_": "Message"' in head or (
                b'"message_id"' in head and b'"sender_id"' in head):
            return "telethon"
        return "telegram"
    if ext in (".xml", ".rss", ".atom"):
        return "rss"
    if h.startswith(b"<"):
        return "rss"
    if h.startswith(b"{"):
        if b"snscrape.modules" in head:
            return "snscrape"
        return "jsonl" if h.count(b"\n") > 0 and b'"messages"' not in head else "telegram"
    return "text"


def _head(p: Path) -> bytes:
    try:
        with p.open("rb") as f:
            return f.read(4096)
    except FileNotFoundError:
        raise ImportFormatError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise ImportFormatError(f"{p}: is a folder, not a file") from None
    except OSError as exc:
        raise ImportFormatError(f"{p}: cannot read ({exc.strerror})") from None


def parse_posts(path: str | Path, known: list[ReportSource], fmt: str | None = None,
                defaults: PostDefaults | None = None,
                stored_ids: set[str] | None = None) -> Parsed:
    """Reports from a file of posts, with the ungraded sources they need registered.
    ``stored_ids``: ids of the reports already stored (see :func:`resolve_drafts`)."""
    from basewatch.sources.posts_social import parse_snscrape, parse_telethon, parse_tweets_js
    from basewatch.sources.posts_telegram import TelegramCounts, telegram_export_drafts
    from basewatch.sources.posts_telegram_html import parse_telegram_html

    p = Path(path)
    defaults = defaults or PostDefaults()
    fmt = (fmt or guess_format(p, b"" if p.is_dir() else _head(p))).lower()
    warnings: list[str] = []
    if fmt not in POST_FORMATS:
        raise ImportFormatError(f"{p.name}: unknown format {fmt!r} "
                                f"(choose from {', '.join(POST_FORMATS)})")
    if fmt == "telegram":
        # Exports can be gigabytes: streamed message by message, not read whole.
        counts = TelegramCounts()
        drafts, digest = telegram_export_drafts(p, defaults, counts)
        if len(counts.chats) > 1:
            warnings.append(f"{p.name}: {len(counts.chats)} chats: {', '.join(counts.chats)}")
        if counts.service:
            warnings.append(f"{p.name}: {counts.service} service messages skipped")
        if counts.media_only:
            warnings.append(f"{p.name}: {counts.media_only} media-only posts kept (no text)")
        if counts.empty:
            warnings.append(f"{p.name}: {counts.empty} messages without text or media skipped")
    elif fmt == "telegram-html":
        counts = TelegramCounts()
        drafts, digest = parse_telegram_html(p, defaults, counts)
        if counts.service:
            warnings.append(f"{p.name}: {counts.service} service messages skipped")
        if counts.media_only:
            warnings.append(f"{p.name}: {counts.media_only} media-only posts kept (no text)")
    elif fmt == "telethon":
        drafts, digest = parse_telethon(p, defaults)
    elif fmt == "snscrape":
        drafts, digest = parse_snscrape(p, defaults)
    elif fmt == "tweets-js":
        drafts, digest = parse_tweets_js(p, defaults)
    else:
        data, digest = read_limited(p)
        if fmt in ("rss", "atom"):
            drafts = parse_feed(data, p.name, defaults)
        elif fmt == "jsonl":
            drafts = parse_jsonl(p, decode_text(data, p).splitlines(), defaults)
        else:
            drafts = parse_text(p, decode_text(data, p), defaults)
    if not drafts:
        raise ImportFormatError(f"{p.name}: no posts found")
    records = resolve_drafts(drafts, known, origin=p.name, warnings=warnings,
                             stored_ids=stored_ids)
    return Parsed(p, f"posts-{fmt}", digest, records, warnings)


def _layer_of(record: Any) -> LayerSpec:
    return SOURCES if isinstance(record, ReportSource) else REPORTS


def write_reports(ws: Workspace, parsed: Parsed) -> PutResult:
    """Write parsed sources/reports in one transaction, with the import log."""
    from basewatch.sources.importing import write_parsed

    return write_parsed(ws, parsed, _layer_of)


def import_posts(ws: Workspace, path: str | Path, fmt: str | None = None,
                 defaults: PostDefaults | None = None) -> tuple[Parsed, PutResult]:
    """Import a file of posts: it lands whole or not at all; re-importing changes nothing."""
    known: list[ReportSource] = ws.store.select(SOURCES)
    stored: dict[str, str] = dict(ws.store.select_columns(REPORTS, ["id", "content_sha256"])) \
        if known else {}
    parsed = parse_posts(path, known, fmt, defaults, set(stored))
    # Edited posts exported again: their claims are derived again from the new text.
    edited = [r.id for r in parsed.records if isinstance(r, Report) and r.id in stored
              and stored[r.id] != r.content_sha256]
    with ws.store.transaction():
        put = write_reports(ws, parsed)
        forget_claims(ws.store, edited)
    return parsed, put


def import_sources(ws: Workspace, path: str | Path) -> tuple[Parsed, PutResult]:
    """Import (or update) registered sources and their grades."""
    parsed = parse_sources(path)
    return parsed, write_reports(ws, parsed)
