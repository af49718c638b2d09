"""Streaming reader of Telegram Desktop exports (``result.json``), for exports of any size.

A one-chat export is one JSON object whose ``messages`` list can run to gigabytes; a
whole-account export ("Export Telegram data") holds every chat in ``chats.list`` (and
``left_chats.list``), each with its own ``messages``. This reader keeps only a window of the
file in memory: it reads each chat's header fields (name, type, id) before its
``"messages"``, then decodes one message object at a time with
:meth:`json.JSONDecoder.raw_decode`, hashing the bytes as they go by. Errors name the chat,
the message's position and the fault.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from basewatch.errors import ImportFormatError

__all__ = ["MAX_STREAM_BYTES", "Chat", "TelegramStream"]

#: Exports above this size are refused (override: BASEWATCH_MAX_STREAM_MB).
MAX_STREAM_BYTES = 4 * 1024**3
#: One message (or the header before "messages") over this many characters is refused: the
#: window held in memory stays bounded whatever the file holds.
MAX_MESSAGE_CHARS = 16 * 1024 * 1024

_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_NAME = re.compile(r'"name"\s*:\s*("(?:[^"\\]|\\.)*"|null)')
_TYPE = re.compile(r'"type"\s*:\s*"([a-z_]+)"')
_ID = re.compile(r'"id"\s*:\s*(-?\d+)')
_ACCOUNT = re.compile(r'"chats"\s*:\s*\{')
# Where a chat object of a whole-account export starts: "[{" or ", {".
_ITEM = re.compile(r'[\[,]\s*\{')
#: Between the chats of a whole-account export, at most this much text is kept in the window.
_KEEP_BETWEEN = 1 << 20


@dataclass(frozen=True)
class Chat:
    """A chat (channel, group, personal chat) of an export: its header fields."""

    name: str
    type: str
    id: str
    index: int  # 0 for a one-chat export; the chat's place in a whole-account export
_WS = " \t\r\n"


def max_stream_bytes() -> int:
    env = os.environ.get("BASEWATCH_MAX_STREAM_MB")
    return int(float(env) * 1024 * 1024) if env else MAX_STREAM_BYTES


class TelegramStream:
    """Iterate ``(index, message)`` of an export; ``name`` and, after iteration, ``sha256``."""

    def __init__(self, path: Path, *, chunk_bytes: int = 1 << 20) -> None:
        self.path = path
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ImportFormatError(f"{path}: no such file") from None
        if size > max_stream_bytes():
            raise ImportFormatError(f"{path}: {size / 1e6:.0f} MB is over the export limit of "
                                    f"{max_stream_bytes() / 1e6:.0f} MB (BASEWATCH_MAX_STREAM_MB)")
        self._chunk = chunk_bytes
        self._hash = hashlib.sha256()
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._json = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        self._offset = 0  # bytes read so far
        self._eof = False
        self._file: BinaryIO = path.open("rb")
        self.sha256 = ""
        self.account = False
        chat = self._header(first=True)
        assert chat is not None  # the first header raises instead
        self.chat = chat
        self.name = chat.name

    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._file.read(self._chunk)
        self._hash.update(data)
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise ImportFormatError(f"{self.path.name}: not UTF-8 text (near byte "
                                    f"{self._offset + exc.start}: {exc.reason})") from None
        self._offset += len(data)
        if not data:
            self._eof = True
            self._file.close()
            self.sha256 = self._hash.hexdigest()
        self._buf = self._buf[self._pos:] + text
        self._pos = 0
        return bool(data)

    def _header(self, *, first: bool = False, index: int = 0) -> Chat | None:
        """Read up to the next chat's ``"messages": [``; its name, type and id (None: no
        more chats)."""
        while True:
            m = _MESSAGES.search(self._buf, self._pos)
            if m:
                break
            if len(self._buf) - self._pos > MAX_MESSAGE_CHARS:
                if first:
                    raise ImportFormatError(f"{self.path.name}: no 'messages' list in the first "
                                            f"{MAX_MESSAGE_CHARS // 2**20} MB: not a Telegram "
                                            "Desktop export")
                self._pos = len(self._buf) - _KEEP_BETWEEN  # other sections between chats
            if not self._fill():
                if first:
                    raise ImportFormatError(f"{self.path.name}: not a Telegram Desktop export "
                                            "(expected an object with a 'messages' list)")
                return None
        head = self._buf[self._pos:m.start()]
        if first:
            if not head.lstrip().startswith("{"):
                raise ImportFormatError(f"{self.path.name}: not a Telegram Desktop export "
                                        "(expected a JSON object)")
            self.account = bool(_ACCOUNT.search(head))
        if self.account:
            items = list(_ITEM.finditer(head))
            head = head[items[-1].end():] if items else head
        n, t, i = _NAME.search(head), _TYPE.search(head), _ID.search(head)
        self._pos = m.end()
        try:
            name = json.loads(n.group(1)) if n else ""
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{self.path.name}: the chat name is not a valid JSON "
                                    f"string ({exc.msg})") from None
        return Chat(str(name or ""), t.group(1) if t else "", i.group(1) if i else "", index)

    def chats(self) -> Iterator[tuple[Chat, Iterator[tuple[int, Any]]]]:
        """Every chat with its messages; read each chat's messages before the next chat."""
        chat = self.chat
        while True:
            yield chat, self._messages(chat)
            if not self.account:
                break
            nxt = self._header(index=chat.index + 1)
            if nxt is None:
                break
            chat = nxt
        self._finish()

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        """Messages of the first chat (a one-chat export)."""
        yield from self._messages(self.chat)
        self._finish()

    def _skip(self, chars: str) -> str:
        """Skip ``chars``; return the next character ('' at end of file)."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in chars:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def _messages(self, chat: Chat) -> Iterator[tuple[int, Any]]:
        where = f"{self.path.name}" + (f" chat {chat.name or chat.id!r}" if self.account else "")
        i = 0
        while True:
            c = self._skip(_WS)
            if c == "]":
                self._pos += 1
                break
            if c == "":
                raise ImportFormatError(f"{where}: export ends inside the messages list "
                                        f"after message {i} (truncated file?)")
            if i > 0:
                if c != ",":
                    raise ImportFormatError(f"{where}: expected ',' after message "
                                            f"{i - 1}, found {c!r}")
                self._pos += 1
                self._skip(_WS)
            while True:
                try:
                    obj, end = self._json.raw_decode(self._buf, self._pos)
                    if end == len(self._buf) and not self._eof:
                        raise ValueError("may continue")  # a number could be cut in two
                    break
                except RecursionError:
                    raise ImportFormatError(f"{where} message {i}: JSON nested too "
                                            "deeply") from None
                except ValueError as exc:
                    if len(self._buf) - self._pos > MAX_MESSAGE_CHARS:
                        raise ImportFormatError(
                            f"{where} message {i}: over {MAX_MESSAGE_CHARS // 2**20} MB "
                            "(or not valid JSON)") from None
                    if not self._fill():
                        msg = getattr(exc, "msg", str(exc))
                        raise ImportFormatError(f"{where} message {i}: not valid JSON "
                                                f"({msg}; truncated file?)") from None
            self._pos = end
            yield i, obj
            i += 1

    def _finish(self) -> None:
        # Fields after the lists are allowed; read to the end for the hash.
        while self._fill():
            self._buf, self._pos = "", 0
        if not self.sha256:
            self.sha256 = self._hash.hexdigest()
