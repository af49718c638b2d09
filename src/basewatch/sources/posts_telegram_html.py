"""The HTML form of a Telegram Desktop export: ``messages.html``, ``messages2.html``... in
one folder, read with the standard library's tolerant HTML tokenizer (no scripts run, no
entities beyond HTML's own, no network; each file size-limited).

Each ``div.message`` gives a post: its id (``message123``), date (the ``title`` of its
``date details`` div, "05.03.2022 10:00:00 UTC+03:00", and an "Edited: ..." line where the
export gives one), text (``div.text``, line breaks kept), the message it replies to
(``GoToMessage(N)``), a forward's origin (``div.forwarded`` ``from_name``) and media type
(the class of the media link: photo, video_file, voice_message...). Service messages
(``message service``) are counted and skipped. HTML exports carry no channel id: the
channel is recognised by its name (the page header) or ``--source``.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from basewatch.errors import ImportFormatError
from basewatch.model.reports import SourceKind
from basewatch.sources.posts_common import Draft, PostDefaults
from basewatch.sources.posts_telegram import TelegramCounts

__all__ = ["MAX_HTML_BYTES", "html_files", "parse_telegram_html"]

#: One messages*.html over this size is refused (Telegram writes 1,000 messages a file).
MAX_HTML_BYTES = 64 * 1024 * 1024

_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})(?: UTC([+-]\d{2}):(\d{2}))?")
_MEDIA = (("photo", "photo"), ("video", "video_file"), ("voice", "voice_message"),
          ("sticker", "sticker"), ("animat", "animation"), ("audio", "audio_file"),
          ("location", "location"), ("venue", "location"), ("poll", "poll"),
          ("contact", "contact"), ("file", "file"))


def _parse_date(title: str) -> dt.datetime | None:
    m = _DATE.search(title)
    if not m:
        return None
    d, mo, y, h, mi, s = (int(x) for x in m.groups()[:6])
    try:
        tz = dt.UTC
        if m.group(7):
            sign = -1 if m.group(7).startswith("-") else 1
            tz = dt.timezone(sign * dt.timedelta(hours=abs(int(m.group(7))),
                                                 minutes=int(m.group(8))))
        return dt.datetime(y, mo, d, h, mi, s, tzinfo=tz).astimezone(dt.UTC)
    except (ValueError, OverflowError):  # 31 February, UTC+99:00
        return None


class _Page(HTMLParser):
    """Collects messages of one page as dicts; tolerant of what HTML allows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.messages: list[dict[str, Any]] = []
        self._stack: list[tuple[str, set[str]]] = []  # open divs/spans/a with classes
        self._msg: dict[str, Any] | None = None
        self._msg_depth = 0
        self._capture: str | None = None  # which field text goes to
        self._capture_depth = 0
        self._in_header = False

    def _inside(self, cls: str) -> bool:
        return any(cls in c for _, c in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = set(a.get("class", "").split())
        if tag == "br" and self._capture == "text" and self._msg is not None:
            self._msg["text"].append("\n")
            return
        if tag not in ("div", "span", "a"):
            return
        self._stack.append((tag, classes))
        depth = len(self._stack)
        if tag == "div" and "page_header" in classes:
            self._in_header = True
        if self._in_header and tag == "div" and {"text", "bold"} <= classes and not self.title:
            self._capture, self._capture_depth = "title", depth
            return
        if tag == "div" and "message" in classes and self._msg is None:
            self._msg = {"id": re.sub(r"\D", "", a.get("id", "")) or "",
                         "service": "service" in classes, "text": [], "date": "",
                         "from": [], "fwd": [], "reply": "", "media": ""}
            self._msg_depth = depth
            return
        m = self._msg
        if m is None:
            return
        fwd = self._inside("forwarded")
        if "date" in classes and "details" in classes and not m["date"] and not fwd:
            m["date"] = a.get("title", "")
        elif tag == "div" and "from_name" in classes:
            self._capture, self._capture_depth = ("fwd" if fwd else "from"), depth
        elif tag == "div" and "text" in classes and self._capture is None:
            self._capture, self._capture_depth = "text", depth
        elif tag == "a" and self._inside("reply_to"):
            g = re.search(r"go_to_message(\d+)", a.get("href", ""))
            m["reply"] = g.group(1) if g else m["reply"]
        elif tag == "a" and self._inside("media_wrap") and not m["media"]:
            joined = " ".join(classes)
            m["media"] = next((v for k, v in _MEDIA if k in joined), "file")
        elif "date" in classes and fwd:
            self._capture, self._capture_depth = "skip", depth  # the forward's own date

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("div", "span", "a") or not self._stack:
            return
        depth = len(self._stack)
        # Tolerate unbalanced HTML: close up to the last open tag of this name.
        while self._stack and self._stack[-1][0] != tag:
            self._stack.pop()
        if not self._stack:
            return
        _, classes = self._stack.pop()
        if self._capture is not None and depth <= self._capture_depth:
            self._capture = None
        if "page_header" in classes:
            self._in_header = False
        if self._msg is not None and depth <= self._msg_depth:
            self.messages.append(self._msg)
            self._msg = None

    def handle_data(self, data: str) -> None:
        if self._capture == "title":
            self.title += data
        elif self._capture in ("text", "from", "fwd") and self._msg is not None:
            self._msg[self._capture].append(data)


def html_files(path: Path) -> list[Path]:
    """``messages.html``, ``messages2.html``... of an export folder (or of the folder of the
    file given), in order."""
    folder = path if path.is_dir() else path.parent
    files = [p for p in folder.glob("messages*.html") if re.fullmatch(r"messages\d*", p.stem)]
    if not files:
        raise ImportFormatError(f"{path}: no messages*.html (not a Telegram HTML export)")
    return sorted(files, key=lambda p: int(p.stem[8:] or 1))


def parse_telegram_html(path: Path, defaults: PostDefaults,
                        counts: TelegramCounts) -> tuple[list[Draft], str]:
    """Posts of a Telegram HTML export; returns drafts and a SHA-256 over its pages."""
    import hashlib

    digest = hashlib.sha256()
    drafts: list[Draft] = []
    channel = defaults.source
    base = defaults.url.strip().rstrip("/")
    if base.startswith("@"):
        base = "https://t.me/" + base[1:]
    for f in html_files(path):
        size = f.stat().st_size
        if size > MAX_HTML_BYTES:
            raise ImportFormatError(f"{f.name}: {size / 1e6:.0f} MB is over the page limit of "
                                    f"{MAX_HTML_BYTES / 1e6:.0f} MB")
        data = f.read_bytes()
        digest.update(data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(f"{f.name}: not UTF-8 text (byte {exc.start})") from None
        page = _Page()
        try:
            page.feed(text)
            page.close()
        except (AssertionError, ValueError) as exc:  # the stdlib tokenizer's own refusals
            raise ImportFormatError(f"{f.name}: not readable HTML ({exc})") from None
        if page._msg is not None:  # a message still open at the end of the page
            page.messages.append(page._msg)
        channel = channel or " ".join(page.title.split())
        if not channel:
            raise ImportFormatError(f"{f.name}: no channel name in the page header; give "
                                    "--source")
        for m in page.messages:
            where = f"{f.name} message {m['id'] or '?'}"
            if m["service"]:
                counts.service += 1
                continue
            if not m["date"]:
                raise ImportFormatError(f"{where}: no date")
            published = _parse_date(m["date"])
            if published is None:
                raise ImportFormatError(f"{where}: date {m['date']!r} is not "
                                        "'DD.MM.YYYY HH:MM:SS UTC+HH:MM'")
            edited_at = m["date"].split("Edited:", 1)
            edited = _parse_date(edited_at[1]) if len(edited_at) == 2 else None
            body = "\n".join(line.strip() for line in "".join(m["text"]).splitlines()).strip()
            if not body and not m["media"]:
                counts.empty += 1
                continue
            if not body:
                counts.media_only += 1
            fwd = " ".join("".join(m["fwd"]).split())
            ref = f"{channel}/{m['id']}"
            drafts.append(Draft(
                where=where, source_name=channel, published=published, text=body,
                url=f"{base}/{m['id']}" if base and m["id"] else "",
                language=defaults.language, retrieved=defaults.retrieved,
                source_kind=SourceKind.CHANNEL, quotes=(f"telegram:{fwd}",) if fwd else (),
                notes=f"forwarded from {fwd}" if fwd else "", channel_url=base,
                edited=edited, reply_to=f"{channel}/{m['reply']}" if m["reply"] else "",
                ref=ref, media=m["media"]))
    if channel:
        counts.chats.append(channel)
    return drafts, digest.hexdigest()
