"""Streaming reader of Telegram Desktop exports (``result.json``), for exports of any size.

The export is one JSON object whose ``messages`` list can run to gigabytes. This reader keeps
only a window of the file in memory: it reads the header fields before ``"messages"``, then
decodes one message object at a time with :meth:`json.JSONDecoder.raw_decode`, hashing the
bytes as they go by. Errors name the message's position and byte offset.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from basewatch.errors import ImportFormatError

__all__ = ["MAX_STREAM_BYTES", "TelegramStream"]

#: Exports above this size are refused (override: BASEWATCH_MAX_STREAM_MB).
MAX_STREAM_BYTES = 4 * 1024**3
#: One message (or the header before "messages") over this many characters is refused: the
#: window held in memory stays bounded whatever the file holds.
MAX_MESSAGE_CHARS = 16 * 1024 * 1024

_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_NAME = re.compile(r'"name"\s*:\s*("(?:[^"\\]|\\.)*")')
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
        self.name = self._header()

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

    def _header(self) -> str:
        while True:
            m = _MESSAGES.search(self._buf)
            if m:
                break
            if len(self._buf) > MAX_MESSAGE_CHARS:
                raise ImportFormatError(f"{self.path.name}: no 'messages' list in the first "
                                        f"{MAX_MESSAGE_CHARS // 2**20} MB: not a Telegram "
                                        "Desktop export")
            if not self._fill():
                raise ImportFormatError(f"{self.path.name}: not a Telegram Desktop export "
                                        "(expected an object with a 'messages' list)")
        head = self._buf[:m.start()]
        if not head.lstrip().startswith("{"):
            raise ImportFormatError(f"{self.path.name}: not a Telegram Desktop export "
                                    "(expected a JSON object)")
        n = _NAME.search(head)
        self._pos = m.end()
        try:
            return str(json.loads(n.group(1))) if n else ""
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{self.path.name}: the channel name is not a valid JSON "
                                    f"string ({exc.msg})") from None

    def _skip(self, chars: str) -> str:
        """Skip ``chars``; return the next character ('' at end of file)."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in chars:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        i = 0
        while True:
            c = self._skip(_WS)
            if c == "]":
                self._pos += 1
                break
            if c == "":
                raise ImportFormatError(f"{self.path.name}: export ends inside the messages list "
                                        f"after message {i} (truncated file?)")
            if i > 0:
                if c != ",":
                    raise ImportFormatError(f"{self.path.name}: expected ',' after message "
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
                    raise ImportFormatError(f"{self.path.name} message {i}: JSON nested too "
                                            "deeply") from None
                except ValueError as exc:
                    if len(self._buf) - self._pos > MAX_MESSAGE_CHARS:
                        raise ImportFormatError(
                            f"{self.path.name} message {i}: over {MAX_MESSAGE_CHARS // 2**20} MB "
                            "(or not valid JSON)") from None
                    if not self._fill():
                        msg = getattr(exc, "msg", str(exc))
                        raise ImportFormatError(f"{self.path.name} message {i}: not valid JSON "
                                                f"({msg}; truncated file?)") from None
            self._pos = end
            yield i, obj
            i += 1
        if self._skip(_WS + "}") != "" or not self._eof:
            # Fields after the list are allowed (Telegram writes none); read to the end for
            # the hash.
            while self._fill():
                self._buf, self._pos = "", 0
        if not self.sha256:
            self.sha256 = self._hash.hexdigest()
