"""Feed polling against a server on 127.0.0.1: conditional GET, back-off, import."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from basewatch.errors import ImportFormatError
from basewatch.sources.feeds import poll_feed, poll_into
from basewatch.store import Workspace
from basewatch.store.reports import REPORTS

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Loop News</title>
<item><title>Ships left Tartus</title><link>http://loop/1</link>
<pubDate>Wed, 04 Dec 2024 10:00:00 GMT</pubDate><description>Frigates departed.</description></item>
</channel></rss>"""


class Server:
    """A feed server whose answers the test scripts: a queue of statuses, then the feed."""

    def __init__(self) -> None:
        self.script: list[int] = []
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(dict(self.headers))
                if server.script:
                    code = server.script.pop(0)
                    self.send_response(code)
                    self.send_header("Retry-After", "7")
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", '"v1"')
                self.send_header("Last-Modified", "Wed, 04 Dec 2024 10:00:00 GMT")
                self.end_headers()
                self.wfile.write(FEED)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    t = threading.Thread(target=s.httpd.serve_forever, daemon=True)
    t.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def test_second_poll_is_conditional_and_not_modified(server: Server, tmp_path: Path):
    with Workspace(tmp_path / "ws", create=True) as ws, httpx.Client(timeout=5) as client:
        first, put, _ = poll_into(ws, server.url, client)
        assert (first.status, put.inserted) == (200, 2)  # the report and its ungraded source
        second, put2, parsed = poll_into(ws, server.url, client)
        assert second.not_modified and put2.inserted == 0 and parsed is None
        assert server.requests[1]["If-None-Match"] == '"v1"'
        assert server.requests[1]["If-Modified-Since"] == "Wed, 04 Dec 2024 10:00:00 GMT"
        (r,) = ws.store.select(REPORTS)
        assert r.retrieved is not None and r.url == "http://loop/1"


def test_429_and_503_are_retried_after_the_servers_wait(server: Server):
    server.script = [429, 503]
    waits: list[float] = []
    with httpx.Client(timeout=5) as client:
        res = poll_feed(server.url, client, sleep=waits.append)
    assert res.status == 200 and waits == [7.0, 7.0] and res.waits_s == waits


def test_back_off_gives_up_with_a_clear_error(server: Server):
    server.script = [503] * 4
    with httpx.Client(timeout=5) as client, \
            pytest.raises(ImportFormatError, match="HTTP 503 after 4 tries"):
        poll_feed(server.url, client, sleep=lambda s: None)


def test_a_404_is_not_retried(server: Server):
    server.script = [404]
    with httpx.Client(timeout=5) as client, pytest.raises(ImportFormatError, match="HTTP 404"):
        poll_feed(server.url, client, sleep=lambda s: pytest.fail("no retry on 404"))


def test_feeds_poll_command_imports_then_reports_not_modified(server: Server, tmp_path: Path):
    import json

    from typer.testing import CliRunner

    from basewatch.cli.main import app

    runner = CliRunner()
    ws = str(tmp_path / "ws")
    first = runner.invoke(app, ["feeds", "poll", server.url, "-w", ws, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["inserted"] == 2
    second = runner.invoke(app, ["feeds", "poll", server.url, "-w", ws, "--json"])
    assert json.loads(second.stdout)["not_modified"] is True
