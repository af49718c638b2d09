"""What every importer of posts shares: the command line's defaults, the draft of a post
before its source is resolved, and time parsing with errors that name the place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model._util import parse_datetime
from basewatch.model.reports import SourceKind

__all__ = ["MAX_LINE_CHARS", "POST_FORMATS", "Draft", "PostDefaults", "when"]

#: The post formats `posts import --format` names (here, light, for the command line to list).
POST_FORMATS = ("rss", "atom", "telegram", "telegram-html", "telethon", "snscrape", "tweets-js",
                "jsonl", "text")

#: A JSON line (one post) over this many characters is refused.
MAX_LINE_CHARS = 1024 * 1024


@dataclass
class PostDefaults:
    """Values the command line gives for posts that lack them (text files, feeds), and which
    chat of a whole-account Telegram export to import (``chat``: its name or id)."""

    source: str = ""
    published: dt.datetime | None = None
    url: str = ""
    title: str = ""
    language: str = ""
    retrieved: dt.datetime | None = None
    chat: str = ""


@dataclass
class Draft:
    """A post before its source is resolved. ``channel_id`` is the platform's id of the
    channel or account ("telegram:1234567890"): a source is recognised by it first."""

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
    channel_id: str = ""
    channel_url: str = ""
    edited: dt.datetime | None = None
    reply_to: str = ""
    ref: str = ""
    media: str = ""


def when(value: Any, where: str) -> dt.datetime:
    """A UTC time from epoch seconds or an ISO timestamp; errors name ``where``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (ValueError, OverflowError, OSError):  # NaN, infinity, year out of range
            raise ImportFormatError(f"{where} {value!r} is not a time (epoch seconds)") from None
    try:
        return parse_datetime(str(value), field=where)
    except BasewatchError:
        raise ImportFormatError(f"{where} {value!r} is not an ISO timestamp") from None
