"""Telegram Desktop exports as posts: one chat or a whole account (every chat, or one chosen
with ``--chat NAME|ID``), JSON streamed message by message.

Each message keeps its chat's Telegram id (a channel is recognised by it on re-import, even
renamed), its edit time, the message it replies to, a forward's origin as a quote (so it is
never counted as independent corroboration), and its media type; a media-only post is kept
as a report without text. Service messages (pins, joins, title changes) are counted and
skipped. A post's URL is ``https://t.me/<username>/<id>`` where the channel's username is
known (``--url``, or the source's stored URL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from basewatch.errors import ImportFormatError
from basewatch.model.reports import SourceKind
from basewatch.sources.posts_common import Draft, PostDefaults, when
from basewatch.sources.telegram import Chat, TelegramStream

__all__ = ["TelegramCounts", "telegram_drafts", "telegram_export_drafts", "telegram_text"]

#: Chat types that publish to readers (sources of kind "channel"); others are "other".
_CHANNEL_TYPES = {"public_channel", "private_channel", "channel"}


class TelegramCounts:
    """What an import read: chats, service messages skipped, media-only posts kept."""

    def __init__(self) -> None:
        self.chats: list[str] = []
        self.service = 0
        self.media_only = 0
        self.empty = 0


def telegram_text(value: Any, where: str) -> str:
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


def _time(m: dict[str, Any], key: str, where: str) -> dt.datetime | None:
    if m.get(f"{key}_unixtime"):
        try:
            return dt.datetime.fromtimestamp(int(m[f"{key}_unixtime"]), dt.UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            raise ImportFormatError(f"{where}: {key}_unixtime {m[f'{key}_unixtime']!r} is not "
                                    "a number") from None
    if m.get(key):
        return when(m[key], f"{where}: {key}")
    return None


def _media(m: dict[str, Any]) -> str:
    if m.get("photo"):
        return "photo"
    if m.get("media_type"):
        return str(m["media_type"])
    if m.get("file"):
        return "file"
    if m.get("poll"):
        return "poll"
    if m.get("location_information"):
        return "location"
    return ""


def _username_url(base: str) -> str:
    b = base.strip().rstrip("/")
    if b.startswith("@"):
        b = "https://t.me/" + b[1:]
    return b


def telegram_drafts(path: Path, chat: Chat | str, messages: Iterable[tuple[int, Any]],
                    defaults: PostDefaults, counts: TelegramCounts | None = None,
                    *, one_chat: bool = True) -> list[Draft]:
    """Drafts of the messages of one chat."""
    if isinstance(chat, str):
        chat = Chat(chat, "", "", 0)
    counts = counts if counts is not None else TelegramCounts()
    channel = (defaults.source if one_chat else "") or chat.name.strip()
    if not channel:
        if chat.type == "saved_messages":
            channel = "Saved Messages"
        else:
            raise ImportFormatError(f"{path.name}: the export has no channel name; give --source")
    counts.chats.append(channel)
    cid = f"telegram:{chat.id}" if chat.id else ""
    base = _username_url(defaults.url) if one_chat and defaults.url else ""
    kind = SourceKind.CHANNEL if chat.type in _CHANNEL_TYPES or not chat.type else \
        SourceKind.OTHER
    drafts: list[Draft] = []
    for i, m in messages:
        mid = m.get("id", i) if isinstance(m, dict) else i
        where = f"{path.name} message {mid}" if one_chat else \
            f"{path.name} chat {channel!r} message {mid}"
        if not isinstance(m, dict):
            raise ImportFormatError(f"{where}: not an object")
        if m.get("type", "message") != "message":
            counts.service += 1
            continue
        if "text" not in m:
            raise ImportFormatError(f"{where}: no 'text' field")
        body = telegram_text(m["text"], where).strip()
        media = _media(m)
        if not body and not media:
            counts.empty += 1
            continue
        if not body:
            counts.media_only += 1
        published = _time(m, "date", where)
        if published is None:
            raise ImportFormatError(f"{where}: no date")
        edited = _time(m, "edited", where)
        fwd = str(m.get("forwarded_from") or m.get("saved_from") or "")
        fwd_id = str(m.get("forwarded_from_id") or "")
        quotes = tuple(q for q in (f"telegram:{fwd}" if fwd else "",
                                   f"telegram:{fwd_id}" if fwd_id else "") if q)
        reply = m.get("reply_to_message_id")
        drafts.append(Draft(
            where=where, source_name=channel, published=published, text=body,
            url=f"{base}/{mid}" if base else "", language=defaults.language,
            retrieved=defaults.retrieved, source_kind=kind, quotes=quotes,
            notes=f"forwarded from {fwd}" if fwd else "", channel_id=cid, channel_url=base,
            edited=edited, reply_to=f"{cid or channel}/{reply}" if reply else "",
            ref=f"{cid or channel}/{mid}", media=media))
    return drafts


def _wanted(chat: Chat, choice: str) -> bool:
    c = choice.strip().lstrip("@")
    if not c:
        return True
    ids = {chat.id, chat.id.removeprefix("-100")} if chat.id else set()
    return c in ids or c.removeprefix("-100") in ids or \
        " ".join(c.casefold().split()) == " ".join(chat.name.casefold().split())


def telegram_export_drafts(path: Path, defaults: PostDefaults,
                           counts: TelegramCounts) -> tuple[list[Draft], str]:
    """Every chat of an export (or the one ``defaults.chat`` names); returns drafts and the
    file's SHA-256."""
    stream = TelegramStream(path)
    drafts: list[Draft] = []
    seen: list[str] = []
    for chat, messages in stream.chats():
        seen.append(chat.name or chat.id)
        if stream.account and not _wanted(chat, defaults.chat):
            _drain(messages)
            continue
        drafts.extend(telegram_drafts(path, chat, messages, defaults, counts,
                                      one_chat=not stream.account or bool(defaults.chat)))
    if defaults.chat and stream.account and not counts.chats:
        raise ImportFormatError(f"{path.name}: no chat named {defaults.chat!r} "
                                f"(chats: {', '.join(seen[:12])})")
    return drafts, stream.sha256


def _drain(messages: Iterator[tuple[int, Any]]) -> None:
    for _ in messages:
        pass
