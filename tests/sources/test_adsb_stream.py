"""SBS-1 over TCP from a server on 127.0.0.1 that drops the connection: lines kept whole,
reconnects counted, the file imports as SBS."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from basewatch.errors import BasewatchError
from basewatch.sources.adsb import read_adsb
from basewatch.sources.adsb_stream import listen_sbs

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "flights" / "sbs-30003.txt"


def _server(sessions: list[bytes]) -> tuple[int, threading.Thread]:
    """Serve each session's bytes to one connection, then close it."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)

    def run() -> None:
        with srv:
            for data in sessions:
                conn, _ = srv.accept()
                with conn:
                    conn.sendall(data)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return srv.getsockname()[1], th


def test_lines_survive_a_dropped_connection_and_import(tmp_path: Path) -> None:
    lines = EXAMPLE.read_bytes().splitlines(keepends=True)
    # first connection: 4 lines and half of the fifth, then dropped; second: the rest
    cut = b"".join(lines[:4]) + lines[4][:20]
    port, th = _server([cut, b"".join(lines[4:])])
    out = tmp_path / "feed.sbs"
    rep = listen_sbs("127.0.0.1", port, out, max_lines=len(lines), sleep=lambda s: None,
                     timeout_s=5)
    th.join(5)
    assert rep.reconnects == 1 and rep.discarded == 1  # the half line, never written
    assert out.read_bytes() == b"".join(lines)
    r = read_adsb(out)
    assert r.format == "sbs" and r.table.num_rows == 4


def test_no_server_stops_after_the_retries(tmp_path: Path) -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there
    waits: list[float] = []
    with pytest.raises(BasewatchError, match="no feed after 3 reconnects"):
        listen_sbs("127.0.0.1", port, tmp_path / "x.sbs", max_lines=1, max_retries=3,
                   sleep=waits.append, timeout_s=2)
    assert waits == [1.0, 2.0, 4.0]  # exponential back-off
