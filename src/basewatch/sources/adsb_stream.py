"""Live SBS-1 / BaseStation feed over TCP (dump1090 / readsb port 30003), with reconnects.

Lines are appended, whole, to an output file that ``flights import`` reads (format ``sbs``);
a line cut by a dropped connection is discarded, never written half. When the connection
drops or cannot be made, it is tried again after an exponential back-off (1 s doubling up to
``max_backoff_s``); after ``max_retries`` failures in a row the listener stops with an error.
It stops by itself after ``max_lines`` lines or ``duration_s`` seconds, whichever comes first.
The socket comes from an injectable ``connect`` (tests use a server on 127.0.0.1).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from basewatch.errors import BasewatchError

__all__ = ["StreamReport", "listen_sbs"]

_MAX_LINE = 4096  # an SBS line is ~150 bytes: longer is not SBS


@dataclass
class StreamReport:
    lines: int = 0
    positions: int = 0  # MSG 2 and 3 lines
    reconnects: int = 0
    discarded: int = 0  # partial or over-long lines

    def to_dict(self) -> dict[str, int]:
        return {"lines": self.lines, "positions": self.positions,
                "reconnects": self.reconnects, "discarded": self.discarded}


def listen_sbs(host: str, port: int, out: str | Path, *, max_lines: int | None = None,
               duration_s: float | None = None, max_retries: int = 8,
               max_backoff_s: float = 60.0, timeout_s: float = 30.0,
               connect: Callable[[tuple[str, int], float], socket.socket] | None = None,
               sleep: Callable[[float], None] = time.sleep,
               clock: Callable[[], float] = time.monotonic,
               on_line: Callable[[StreamReport], None] | None = None) -> StreamReport:
    """Append SBS lines from ``host:port`` to ``out`` until a limit is reached."""
    if max_lines is None and duration_s is None:
        raise BasewatchError("listen: give a number of lines or a duration")
    dial = connect or (lambda addr, timeout: socket.create_connection(addr, timeout=timeout))
    rep = StreamReport()
    end = None if duration_s is None else clock() + duration_s
    failures = 0
    first = True

    def done() -> bool:
        return (max_lines is not None and rep.lines >= max_lines) or \
            (end is not None and clock() >= end)

    with Path(out).open("ab") as f:
        while not done():
            if not first:
                failures += 1
                if failures > max_retries:
                    raise BasewatchError(f"listen {host}:{port}: no feed after {max_retries} "
                                         "reconnects")
                sleep(min(max_backoff_s, 2.0 ** (failures - 1)))
                rep.reconnects += 1
            first = False
            try:
                sock = dial((host, port), timeout_s)
            except OSError:
                continue
            buf = b""
            try:
                with sock:
                    while not done():
                        chunk = sock.recv(65536)
                        if not chunk:
                            break  # closed by the other end: reconnect
                        failures = 0
                        buf += chunk
                        *lines, buf = buf.split(b"\n")
                        for line in lines:
                            line = line.rstrip(b"\r")
                            if not line:
                                continue
                            if len(line) > _MAX_LINE or not line[:3].isalpha():
                                rep.discarded += 1
                                continue
                            f.write(line + b"\n")
                            rep.lines += 1
                            if line.startswith((b"MSG,2,", b"MSG,3,")):
                                rep.positions += 1
                            if on_line:
                                on_line(rep)
                            if done():
                                break
                        if len(buf) > _MAX_LINE:
                            rep.discarded += 1
                            buf = b""
                        f.flush()
            except OSError:
                pass  # reset or timed out: reconnect
            if buf:
                rep.discarded += 1  # a line cut by the drop
    return rep
