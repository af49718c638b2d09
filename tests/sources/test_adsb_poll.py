"""Polling a v2 API served on 127.0.0.1: back-off, de-duplication, resume."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from basewatch.errors import BasewatchError
from basewatch.sources.adsb import read_adsb
from basewatch.sources.adsb_poll import poll

NOW = 1733306500000


def _resp(now: int, seen_pos: float) -> dict:
    return {"now": now, "ac": [{"hex": "1533ff", "lat": 35.4, "lon": 35.95, "alt_baro": 1000,
                                "gs": 150, "track": 356, "seen_pos": seen_pos}]}


class _Script:
    """Answers served in order: (status, body)."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict]] = []
        self.hits = 0


@pytest.fixture()
def server() -> Iterator[tuple[str, _Script]]:
    script = _Script()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = script.answers[min(script.hits, len(script.answers) - 1)]
            script.hits += 1
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    th = threading.Thread(target=httpd.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v2/mil", script
    httpd.shutdown()
    httpd.server_close()


def test_backoff_on_429_and_503_then_positions_kept(server, tmp_path: Path) -> None:
    url, script = server
    script.answers = [(429, {}), (503, {}), (200, _resp(NOW, 0.0))]
    waits: list[float] = []
    rep = poll(url, tmp_path / "out.jsonl", tmp_path / "state.json", interval_s=2.0, count=1,
               sleep=waits.append)
    assert rep.to_dict() == {"polls": 1, "positions": 1, "duplicates": 0, "retries": 2}
    assert waits == [4.0, 8.0]  # interval * 2**retry
    assert read_adsb(tmp_path / "out.jsonl").table.num_rows == 1


def test_same_position_twice_is_kept_once_and_resume_remembers(server, tmp_path: Path) -> None:
    url, script = server
    # second answer: same position (now + 1 s, seen_pos + 1 s); third: a new one
    script.answers = [(200, _resp(NOW, 0.0)), (200, _resp(NOW + 1000, 1.0)),
                      (200, _resp(NOW + 10000, 0.0))]
    out, state = tmp_path / "out.jsonl", tmp_path / "state.json"
    r1 = poll(url, out, state, count=2, sleep=lambda s: None)
    assert (r1.positions, r1.duplicates) == (1, 1)
    r2 = poll(url, out, state, count=1, sleep=lambda s: None)  # a restart
    assert (r2.positions, r2.duplicates) == (1, 0)
    assert json.loads(state.read_text())["polls"] == 3
    assert read_adsb(out).table.num_rows == 2


def test_client_error_stops_with_a_message(server, tmp_path: Path) -> None:
    url, script = server
    script.answers = [(403, {})]
    with pytest.raises(BasewatchError, match="HTTP 403"):
        poll(url, tmp_path / "o.jsonl", tmp_path / "s.json", sleep=lambda s: None)


def test_readsb_aircraft_json_is_polled_too(server, tmp_path: Path) -> None:
    url, script = server
    now_s = NOW / 1000.0
    script.answers = [(200, {"now": now_s, "messages": 10, "aircraft": [
        {"hex": "1533ff", "lat": 35.4, "lon": 35.95, "alt_baro": 1000, "gs": 150,
         "track": 356, "seen_pos": 0.5}]}),
        (200, {"now": now_s + 5, "aircraft": [
            {"hex": "1533ff", "lat": 35.41, "lon": 35.95, "alt_baro": 1500, "gs": 155,
             "track": 356, "seen_pos": 0.0}]})]
    out = tmp_path / "recv.jsonl"
    rep = poll(url.replace("/v2/mil", "/data/aircraft.json"), out, tmp_path / "st.json",
               count=2, sleep=lambda s: None)
    assert (rep.polls, rep.positions) == (2, 2)
    times = read_adsb(out).table.column("time").to_pylist()
    assert [t.timestamp() for t in times] == [now_s - 0.5, now_s + 5]
