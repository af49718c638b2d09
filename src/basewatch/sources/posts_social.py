"""Posts from the files common scrapers and archives write: Telethon message dicts (JSON or
JSON lines), snscrape JSON lines (Telegram and Twitter modules), and the X/Twitter archive's
``tweets.js``. All are parsed as data: ``tweets.js`` is a JavaScript assignment whose prefix
(``window.YTD.tweets.part0 =``) is cut off and the rest read as JSON, never evaluated.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from pathlib import Path
from typing import Any

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model.reports import SourceKind
from basewatch.sources._common import decode_text, load_json, read_limited
from basewatch.sources.posts_common import MAX_LINE_CHARS, Draft, PostDefaults, when

__all__ = ["parse_snscrape", "parse_telethon", "parse_tweets_js"]


def _json_items(path: Path, text: str) -> tuple[list[tuple[str, Any]], Any]:
    """A JSON document's list of objects (or its ``messages``), or one object a line; with
    the document's wrapper object, if any."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    first: Any = None
    try:
        first = json.loads(lines[0]) if lines and len(lines[0]) <= MAX_LINE_CHARS else None
    except (json.JSONDecodeError, RecursionError):
        first = None
    if len(lines) == 1 and isinstance(first, dict) and "messages" not in first:
        return [(f"{path.name} line 1", first)], None  # JSON lines of one line
    if first is None or len(lines) == 1:  # one document, pretty-printed or on one line
        doc = load_json(path, text)
        wrapper = doc if isinstance(doc, dict) else None
        items = doc.get("messages") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise ImportFormatError(f"{path.name}: expected a list of messages or "
                                    "{'chat': ..., 'messages': [...]}")
        return [(f"{path.name} item {i}", x) for i, x in enumerate(items)], wrapper
    out: list[tuple[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {n}"
        if len(line) > MAX_LINE_CHARS:
            raise ImportFormatError(f"{where}: {len(line)} characters is over the line limit")
        try:
            out.append((where, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{where}: not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise ImportFormatError(f"{where}: JSON nested too deeply") from None
    return out, None


def _peer_id(peer: Any) -> str:
    if isinstance(peer, dict):
        for k in ("channel_id", "chat_id", "user_id"):
            if peer.get(k) is not None:
                return str(peer[k])
    return ""


def _flat_dump(m: dict[str, Any]) -> dict[str, Any]:
    """The flat record many Telethon scripts write (``message_id``, ``text``, ``date``,
    ``sender_id`` as the bot API's ``-100...`` chat id, ``channel`` as its title) in the
    shape of ``Message.to_dict()``."""
    sender = str(m.get("sender_id") or "").strip()
    channel_id = sender[4:] if sender.startswith("-100") else sender.lstrip("-")
    return {"id": m.get("message_id"), "message": m.get("text"), "date": m.get("date"),
            "peer_id": {"channel_id": channel_id} if channel_id.isdigit() else None,
            "channel_name": m.get("channel") if isinstance(m.get("channel"), str) else ""}


def _parse_telethon(path: Path, defaults: PostDefaults) -> tuple[list[Draft], str]:
    """Telethon ``Message.to_dict()`` objects (or the flat ``message_id``/``text`` records
    scripts write, see :func:`_flat_dump`): a JSON list, ``{"chat": {...}, "messages":
    [...]}`` or one a line. The channel's name is the wrapper's ``chat.title`` (or
    ``--source``); its username, if given, makes each post's URL."""
    data, digest = read_limited(path)
    items, wrapper = _json_items(path, decode_text(data, path))
    chat = (wrapper or {}).get("chat") or (wrapper or {}).get("channel") or {}
    if not isinstance(chat, dict):
        raise ImportFormatError(f"{path.name}: 'chat' is not an object")
    name = defaults.source or str(chat.get("title") or chat.get("username") or "").strip()
    username = str(chat.get("username") or "").lstrip("@")
    base = defaults.url.rstrip("/") or (f"https://t.me/{username}" if username else "")
    drafts: list[Draft] = []
    for where, m in items:
        if not isinstance(m, dict):
            raise ImportFormatError(f"{where}: not an object")
        if m.get("_") == "MessageService":
            continue
        if "message" not in m and "text" in m and "message_id" in m:
            m = _flat_dump(m)  # a script's dump: message_id, text, date, sender_id, channel
        if "message" not in m or "date" not in m:
            raise ImportFormatError(f"{where}: not a Telethon message (no 'message' or 'date')")
        cid = _peer_id(m.get("peer_id")) or str(chat.get("id") or "")
        name = name or str(m.get("channel_name") or "").strip()
        if not name:
            raise ImportFormatError(f"{where}: the file does not name the channel; give "
                                    "--source (or a 'chat': {'title': ...} wrapper)")
        text = str(m.get("message") or "").strip()
        media = m.get("media")
        media_type = (str(media.get("_") or "media").removeprefix("MessageMedia").lower()
                      if isinstance(media, dict) else "")
        if not text and not media_type:
            continue
        fwd = m.get("fwd_from") if isinstance(m.get("fwd_from"), dict) else None
        quotes: tuple[str, ...] = ()
        if fwd:
            origin = _peer_id(fwd.get("from_id")) or str(fwd.get("from_name") or "")
            post = fwd.get("channel_post")
            quotes = (f"telegram:{origin}" + (f"/{post}" if post else ""),) if origin else ()
        reply = m.get("reply_to") if isinstance(m.get("reply_to"), dict) else None
        ref_base = f"telegram:{cid}" if cid else name
        drafts.append(Draft(
            where=where, source_name=name, published=when(m["date"], f"{where}: date"),
            text=text, url=f"{base}/{m.get('id')}" if base and m.get("id") else "",
            language=defaults.language, retrieved=defaults.retrieved,
            source_kind=SourceKind.CHANNEL, quotes=quotes,
            notes="forwarded" if fwd else "", channel_id=f"telegram:{cid}" if cid else "",
            channel_url=base,
            edited=when(m["edit_date"], f"{where}: edit_date") if m.get("edit_date") else None,
            reply_to=(f"{ref_base}/{reply.get('reply_to_msg_id')}"
                      if reply and reply.get("reply_to_msg_id") else ""),
            ref=f"{ref_base}/{m.get('id')}", media=media_type))
    return drafts, digest


def _parse_snscrape(path: Path, defaults: PostDefaults) -> tuple[list[Draft], str]:
    """snscrape JSON lines: Twitter ``Tweet`` objects (``rawContent`` or ``content``,
    ``user``) and Telegram ``TelegramPost`` objects (``content``, ``url``)."""
    data, digest = read_limited(path)
    items, _ = _json_items(path, decode_text(data, path))
    drafts: list[Draft] = []
    for where, d in items:
        if not isinstance(d, dict):
            raise ImportFormatError(f"{where}: not an object")
        typ = str(d.get("_type") or "")
        url = str(d.get("url") or "")
        text = str(d.get("rawContent") or d.get("content") or "").strip()
        if "date" not in d:
            raise ImportFormatError(f"{where}: no date")
        published = when(d["date"], f"{where}: date")
        if "twitter" in typ or "user" in d:
            user: dict[str, Any] = d["user"] if isinstance(d.get("user"), dict) else {}
            handle = str(user.get("username") or "")
            name = defaults.source or (f"@{handle}" if handle else "")
            cid = f"twitter:{user['id']}" if user.get("id") else ""
            quotes = tuple(str(q.get("url")) for q in (d.get("quotedTweet"),
                                                        d.get("retweetedTweet"))
                           if isinstance(q, dict) and q.get("url"))
            kind = SourceKind.OSINT
            reply = f"twitter:{d['inReplyToTweetId']}" if d.get("inReplyToTweetId") else ""
            ref = f"twitter:{d.get('id')}" if d.get("id") else url
            lang = str(d.get("lang") or "")
        else:
            m = re.match(r"https?://t\.me/(?:s/)?([A-Za-z0-9_]+)/(\d+)", url)
            chan: dict[str, Any] = d["channel"] if isinstance(d.get("channel"), dict) else {}
            name = defaults.source or str(chan.get("title") or "") or \
                (f"@{m.group(1)}" if m else "")
            cid = ""
            fwd = str(d.get("forwardedUrl") or "")
            quotes = (fwd,) if fwd else ()
            kind = SourceKind.CHANNEL
            reply = ""
            ref = url
            lang = ""
        if not name:
            raise ImportFormatError(f"{where}: no user or channel; give --source")
        media = "photo" if d.get("images") or d.get("media") else \
            ("video" if d.get("video") else "")
        if not text and not media:
            continue
        drafts.append(Draft(
            where=where, source_name=name, published=published, text=text, url=url,
            language=defaults.language or lang, retrieved=defaults.retrieved,
            source_kind=kind, quotes=quotes, channel_id=cid, reply_to=reply, ref=ref,
            media=media))
    return drafts, digest


_YTD = re.compile(r"\A\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*")


def _ytd(path: Path) -> tuple[Any, str]:
    data, digest = read_limited(path)
    text = decode_text(data, path)
    m = _YTD.match(text)
    if not m:
        raise ImportFormatError(f"{path.name} line 1: not an X/Twitter archive file (expected "
                                "'window.YTD.<name>.part0 = [...]')")
    return load_json(path, text[m.end():].rstrip().rstrip(";")), digest


def _twitter_time(value: Any, where: str) -> dt.datetime:
    try:
        t = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return when(value, where)
    if t.tzinfo is None:
        raise ImportFormatError(f"{where} {value!r} has no time zone")
    return t.astimezone(dt.UTC)


def _parse_tweets_js(path: Path, defaults: PostDefaults) -> tuple[list[Draft], str]:
    """The ``data/tweets.js`` of an X/Twitter archive; the account is ``data/account.js``
    beside it, or ``--source``."""
    doc, digest = _ytd(path)
    if not isinstance(doc, list):
        raise ImportFormatError(f"{path.name}: expected a list of tweets after the prefix")
    name, cid = defaults.source, ""
    acc = path.with_name("account.js")
    if acc.exists():
        adoc, _ = _ytd(acc)
        a = (adoc[0] or {}).get("account", {}) if isinstance(adoc, list) and adoc else {}
        if not name and a.get("username"):
            name = "@" + str(a["username"])
        cid = f"twitter:{a['accountId']}" if a.get("accountId") else ""
    if not name:
        raise ImportFormatError(f"{path.name}: no account.js beside it; give --source")
    handle = name.lstrip("@")
    drafts: list[Draft] = []
    for i, item in enumerate(doc):
        where = f"{path.name} tweet {i}"
        t = item.get("tweet", item) if isinstance(item, dict) else None
        if not isinstance(t, dict):
            raise ImportFormatError(f"{where}: not an object")
        text = str(t.get("full_text") or t.get("text") or "").strip()
        if not text:
            raise ImportFormatError(f"{where}: no full_text")
        if "created_at" not in t:
            raise ImportFormatError(f"{where}: no created_at")
        tid = str(t.get("id_str") or t.get("id") or "")
        rt = re.match(r"RT @(\w+):", text)
        reply = str(t.get("in_reply_to_status_id_str") or "")
        drafts.append(Draft(
            where=where, source_name=name,
            published=_twitter_time(t["created_at"], f"{where}: created_at"), text=text,
            url=f"https://x.com/{handle}/status/{tid}" if tid else "",
            language=defaults.language or str(t.get("lang") or "").replace("und", ""),
            retrieved=defaults.retrieved, source_kind=SourceKind.OSINT,
            quotes=(f"twitter:@{rt.group(1)}",) if rt else (), channel_id=cid,
            reply_to=f"twitter:{reply}" if reply else "", ref=f"twitter:{tid}" if tid else ""))
    return drafts, digest


def _guarded(parse: Any, path: Path, defaults: PostDefaults) -> tuple[list[Draft], str]:
    """Run a parser; a structure it did not expect (a number where an object belongs) is a
    one-line error naming the file, not a crash."""
    try:
        result: tuple[list[Draft], str] = parse(path, defaults)
    except BasewatchError:
        raise
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        raise ImportFormatError(f"{path.name}: unexpected structure "
                                f"({type(exc).__name__}: {exc})"[:300]) from None
    return result


def parse_telethon(path: Path, defaults: PostDefaults) -> tuple[list[Draft], str]:
    """Telethon ``Message.to_dict()`` objects (or the flat ``message_id``/``text`` records
    scripts write, see :func:`_flat_dump`): a JSON list, ``{"chat": {...}, "messages":
    [...]}`` or one a line. The channel's name is the wrapper's ``chat.title`` (or
    ``--source``); its username, if given, makes each post's URL."""
    return _guarded(_parse_telethon, path, defaults)


def parse_snscrape(path: Path, defaults: PostDefaults) -> tuple[list[Draft], str]:
    """snscrape JSON lines: Twitter ``Tweet`` and Telegram ``TelegramPost`` objects."""
    return _guarded(_parse_snscrape, path, defaults)


def parse_tweets_js(path: Path, defaults: PostDefaults) -> tuple[list[Draft], str]:
    """The ``data/tweets.js`` of an X/Twitter archive (account from ``account.js``)."""
    return _guarded(_parse_tweets_js, path, defaults)
