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
from dataclasses import dataclass, field
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
from basewatch.model import Provenance, Source
from basewatch.model._util import as_utc, parse_datetime
from basewatch.model.reports import Report, ReportSource, SourceKind, source_id_for
from basewatch.sources._common import Parsed, decode_text, load_json, read_limited
from basewatch.sources.telegram import TelegramStream
from basewatch.store import LayerSpec, PutResult, Workspace
from basewatch.store.reports import REPORTS, SOURCES

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
    "parse_telegram",
    "parse_text",
]

POST_FORMATS = ("rss", "atom", "telegram", "jsonl", "text")

#: Feeds above this size are refused (a feed is a page of recent items, not an archive).
MAX_FEED_BYTES = 20 * 1024 * 1024
#: A JSON line (one post) over this many characters is refused.
MAX_LINE_CHARS = 1024 * 1024

_FEED_ROOTS = {"rss", "{http://www.w3.org/2005/Atom}feed",
               "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF", "feed"}


@dataclass
class PostDefaults:
    """Values the command line gives for posts that lack them (text files, feeds)."""

    source: str = ""
    published: dt.datetime | None = None
    url: str = ""
    title: str = ""
    language: str = ""
    retrieved: dt.datetime | None = None


@dataclass
class _Draft:
    """A post before its source is resolved."""

    where: str
    source_name: str
    published: dt.datetime
    text: str
    url: str = ""
    title: str = ""
    language: str = ""
    retrieved: dt.datetime | None = None
    kind: str = "post"
    quotes: tuple[str, ...] = ()
    notes: str = ""
    source_kind: SourceKind = SourceKind.OTHER
    extra: dict[str, Any] = field(default_factory=dict)


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


def parse_feed(data: bytes, where: str, defaults: PostDefaults | None = None) -> list[_Draft]:
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
    drafts: list[_Draft] = []
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
        drafts.append(_Draft(
            where=w, source_name=source, published=published, text=text,
            url=str(e.get("link") or ""), title=title, language=language,
            retrieved=defaults.retrieved, kind="article", source_kind=SourceKind.MEDIA,
            notes=f"author: {author}" if author else ""))
    return drafts


# --- Telegram, JSON lines, text --------------------------------------------------------------

def _telegram_text(value: Any, where: str) -> str:
    """Telegram Desktop gives text as a string or a list of strings and entity objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            else:
                raise ImportFormatError(f"{where}: text entity {part!r} has no text")
        return "".join(parts)
    raise ImportFormatError(f"{where}: text is {type(value).__name__}, expected text or a list")


def parse_telegram(path: Path, text: str, defaults: PostDefaults) -> tuple[list[_Draft], int]:
    """Messages of a Telegram Desktop export held in memory; returns drafts and skipped."""
    doc = load_json(path, text)
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise ImportFormatError(f"{path.name}: not a Telegram Desktop export "
                                "(expected an object with a 'messages' list)")
    return telegram_drafts(path, str(doc.get("name") or ""), enumerate(doc["messages"]),
                           defaults)


def telegram_drafts(path: Path, name: str, messages: Iterable[tuple[int, Any]],
                    defaults: PostDefaults) -> tuple[list[_Draft], int]:
    """Drafts of the text messages of a Telegram export; returns drafts and skipped."""
    channel = defaults.source or name.strip()
    if not channel:
        raise ImportFormatError(f"{path.name}: the export has no channel name; give --source")
    drafts: list[_Draft] = []
    skipped = 0
    for i, m in messages:
        mid = m.get("id", i) if isinstance(m, dict) else i
        where = f"{path.name} message {mid}"
        if not isinstance(m, dict):
            raise ImportFormatError(f"{where}: not an object")
        if m.get("type", "message") != "message":
            skipped += 1
            continue
        if "text" not in m:
            raise ImportFormatError(f"{where}: no 'text' field")
        body = _telegram_text(m["text"], where).strip()
        if not body:  # a photo or sticker without caption: nothing to read
            skipped += 1
            continue
        if m.get("date_unixtime"):
            try:
                published = dt.datetime.fromtimestamp(int(m["date_unixtime"]), dt.UTC)
            except (TypeError, ValueError, OverflowError, OSError):
                raise ImportFormatError(f"{where}: date_unixtime {m['date_unixtime']!r} is not a "
                                        "number") from None
        elif m.get("date"):
            published = _when(m["date"], f"{where}: date")
        else:
            raise ImportFormatError(f"{where}: no date")
        url = f"{defaults.url.rstrip('/')}/{mid}" if defaults.url else ""
        fwd = str(m.get("forwarded_from") or "")
        drafts.append(_Draft(
            where=where, source_name=channel, published=published, text=body, url=url,
            language=defaults.language, retrieved=defaults.retrieved,
            source_kind=SourceKind.CHANNEL,
            quotes=(f"telegram:{fwd}",) if fwd else (),
            notes=f"forwarded from {fwd}" if fwd else ""))
    return drafts, skipped


def _when(value: Any, where: str) -> dt.datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (ValueError, OverflowError, OSError):  # NaN, infinity, year out of range
            raise ImportFormatError(f"{where} {value!r} is not a time (epoch seconds)") from None
    try:
        return parse_datetime(str(value), field=where)
    except BasewatchError:
        raise ImportFormatError(f"{where} {value!r} is not an ISO timestamp") from None


def parse_jsonl(path: Path, lines: Iterable[str], defaults: PostDefaults) -> list[_Draft]:
    """One JSON object a line: source, published, text required; url, title, language,
    retrieved, quotes (list), kind optional."""
    drafts: list[_Draft] = []
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
        published = (_when(d["published"], f"{where}: published") if d.get("published")
                     else defaults.published)
        assert published is not None
        quotes = d.get("quotes") or ()
        if isinstance(quotes, str):
            quotes = (quotes,)
        if not isinstance(quotes, list | tuple):
            raise ImportFormatError(f"{where}: quotes is {type(quotes).__name__}, expected a "
                                    "list of names")
        drafts.append(_Draft(
            where=where, source_name=source, published=published, text=str(d["text"]),
            url=str(d.get("url") or ""), title=str(d.get("title") or ""),
            language=str(d.get("language") or defaults.language),
            retrieved=(_when(d["retrieved"], f"{where}: retrieved") if d.get("retrieved")
                       else defaults.retrieved),
            kind=str(d.get("kind") or "post"), quotes=tuple(str(q) for q in quotes),
            notes=str(d.get("notes") or ""),
            source_kind=SourceKind.OTHER))
    return drafts


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)


def parse_text(path: Path, text: str, defaults: PostDefaults) -> list[_Draft]:
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
        published = _when(meta.get("published") or meta["date"], f"{path.name}: published")
    else:
        raise ImportFormatError(f"{path.name}: no date (front matter 'published:' or --date)")
    if not body.strip():
        raise ImportFormatError(f"{path.name}: the article has no text")
    quotes = tuple(q.strip() for q in meta.get("quotes", "").split(",") if q.strip())
    return [_Draft(
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
    """The post format from the extension, then the first bytes."""
    ext = path.suffix.lower()
    if ext in (".jsonl", ".ndjson"):
        return "jsonl"
    if ext in (".md", ".markdown", ".txt"):
        return "text"
    if ext == ".json":
        return "telegram"
    if ext in (".xml", ".rss", ".atom"):
        return "rss"
    h = head.lstrip()
    if h.startswith(b"<"):
        return "rss"
    if h.startswith(b"{"):
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
                defaults: PostDefaults | None = None) -> Parsed:
    """Reports from a file of posts, with the ungraded sources they need registered."""
    p = Path(path)
    defaults = defaults or PostDefaults()
    fmt = (fmt or guess_format(p, _head(p))).lower()
    warnings: list[str] = []
    if fmt == "telegram":
        # Exports can be gigabytes: streamed message by message, not read whole.
        stream = TelegramStream(p)
        drafts, skipped = telegram_drafts(p, stream.name, stream, defaults)
        digest = stream.sha256
        if skipped:
            warnings.append(f"{p.name}: {skipped} service or caption-less messages skipped")
        data = b""
    else:
        data, digest = read_limited(p)
    if fmt in ("rss", "atom"):
        drafts = parse_feed(data, p.name, defaults)
    elif fmt == "telegram":
        pass
    elif fmt == "jsonl":
        drafts = parse_jsonl(p, decode_text(data, p).splitlines(), defaults)
    elif fmt == "text":
        drafts = parse_text(p, decode_text(data, p), defaults)
    else:
        raise ImportFormatError(f"{p.name}: unknown format {fmt!r} "
                                f"(choose from {', '.join(POST_FORMATS)})")
    if not drafts:
        raise ImportFormatError(f"{p.name}: no posts found")
    records = resolve_drafts(drafts, known, origin=p.name, warnings=warnings)
    return Parsed(p, f"posts-{fmt}", digest, records, warnings)


def resolve_drafts(drafts: list[_Draft], known: list[ReportSource], *, origin: str,
                   warnings: list[str]) -> list[Any]:
    """Reports for the drafts, plus an ungraded source for every unknown name."""
    sources = list(known)
    new: dict[str, ReportSource] = {}
    reports: dict[str, Report] = {}
    for d in drafts:
        hits = [s for s in sources if s.matches(d.source_name)]
        if len(hits) > 1:
            raise ImportFormatError(f"{d.where}: source {d.source_name!r} matches several: "
                                    f"{', '.join(h.id for h in hits)}")
        if hits:
            src = hits[0]
        else:
            try:
                sid = source_id_for(d.source_name)
            except BasewatchError as exc:
                raise ImportFormatError(f"{d.where}: {exc}") from None
            src = ReportSource(
                id=sid, name=d.source_name.lstrip("@") or sid, kind=d.source_kind,
                handles=(d.source_name,) if d.source_name.startswith("@") else (),
                language=d.language,
                provenance=Provenance(Source("basewatch posts import", origin),
                                      notes="registered from a post; not graded (F6)"))
            sources.append(src)
            new[sid] = src
            warnings.append(f"{d.where}: source {d.source_name!r} was not registered; added "
                            f"as {sid}, ungraded (F6): grade it with `basewatch sources grade`")
        published = as_utc(d.published)
        try:
            rep = Report(
                id=Report.make_id(src.id, published, d.text), source_id=src.id,
                published=published, text=d.text, url=d.url, title=d.title,
                language=d.language or src.language, retrieved=d.retrieved, kind=d.kind,
                quotes=d.quotes,
                provenance=Provenance(Source(src.name, d.title, d.url),
                                      source_date=published.date(), notes=d.notes))
        except BasewatchError as exc:
            raise ImportFormatError(f"{d.where}: {exc}") from None
        reports.setdefault(rep.id, rep)
    return [*new.values(), *reports.values()]


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
    parsed = parse_posts(path, known, fmt, defaults)
    return parsed, write_reports(ws, parsed)


def import_sources(ws: Workspace, path: str | Path) -> tuple[Parsed, PutResult]:
    """Import (or update) registered sources and their grades."""
    parsed = parse_sources(path)
    return parsed, write_reports(ws, parsed)
