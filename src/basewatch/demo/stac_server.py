"""A loopback STAC API and object store for tests, benchmarks and the offline demo.

It serves files with HTTP ``Range`` support as object stores do (``206 Partial Content`` with
``Content-Range``; a plain static server that ignores Range would hide the real cost), a STAC API
landing page and ``/search`` (POST and GET) over a list of items, and can inject faults: an HTTP
status (500, 429), ``"malformed"`` JSON ``"truncate"`` (half the body) or ``"hang"`` (0.5 s late) for the next requests
to a path. It binds 127.0.0.1 only.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlparse

__all__ = ["LoopbackStac"]

_CONFORMS = ["https://api.stacspec.org/v1.0.0/core", "https://api.stacspec.org/v1.0.0/item-search"]


def _overlaps(bbox: list[float], other: list[float]) -> bool:
    return not (bbox[2] < other[0] or other[2] < bbox[0] or bbox[3] < other[1] or other[3] < bbox[1])


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        pass

    def _fault(self) -> str | int | None:
        queue = self.server.owner.faults.get(urlparse(self.path).path)
        return queue.pop(0) if queue else None

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        # Counted before sending, so that a client never sees bytes the count does not hold yet.
        self.server.owner.record(urlparse(self.path).path, len(body) if self.command != "HEAD" else 0)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                return

    def _json(self, obj: Any, fault: str | int | None) -> None:
        body = json.dumps(obj).encode()
        if fault == "malformed":
            body = body[: len(body) // 2]
        self._send(200, body, "application/geo+json")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        fault = self._fault()
        if isinstance(fault, int):
            self._send(fault, b'{"code": "injected"}', "application/json", {"Retry-After": "0"})
            return
        url = urlparse(self.path)
        owner = self.server.owner
        if url.path in ("/", ""):
            self._json({"type": "Catalog", "id": "loopback", "stac_version": "1.0.0",
                        "description": "basewatch loopback STAC API", "conformsTo": _CONFORMS,
                        "links": [{"rel": "self", "href": owner.url + "/"},
                                  {"rel": "root", "href": owner.url + "/"},
                                  {"rel": "search", "href": owner.url + "/search",
                                   "method": "POST", "type": "application/geo+json"}]}, fault)
            return
        if url.path == "/search":
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            params: dict[str, Any] = {}
            if "collections" in q:
                params["collections"] = q["collections"].split(",")
            if "bbox" in q:
                params["bbox"] = [float(x) for x in q["bbox"].split(",")]
            if "datetime" in q:
                params["datetime"] = q["datetime"]
            self._json(owner.search(params), fault)
            return
        path = owner.root / url.path.lstrip("/")
        if not path.is_file() or owner.root not in path.resolve().parents:
            self._send(404, b"not found", "text/plain")
            return
        data = path.read_bytes()
        if fault == "hang":  # answer too late for the client's timeout
            time.sleep(0.5)
        if fault == "truncate":
            data = data[: len(data) // 2]
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and owner.honour_range:
            a, _, b = rng[6:].partition("-")
            start = int(a)
            end = min(int(b) if b else len(data) - 1, len(data) - 1)
            if start >= len(data):
                self._send(416, b"", "text/plain", {"Content-Range": f"bytes */{len(data)}"})
                return
            self._send(206, data[start:end + 1], "image/tiff",
                       {"Content-Range": f"bytes {start}-{end}/{len(data)}", "Accept-Ranges": "bytes"})
            return
        self._send(200, data, "image/tiff", {"Accept-Ranges": "bytes"})

    def do_POST(self) -> None:
        fault = self._fault()
        if isinstance(fault, int):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._send(fault, b'{"code": "injected"}', "application/json", {"Retry-After": "0"})
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if urlparse(self.path).path != "/search":
            self._send(404, b"not found", "text/plain")
            return
        self._json(self.server.owner.search(json.loads(body or b"{}")), fault)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackStac


class LoopbackStac:
    """Serve ``root`` (COGs) and ``items`` (STAC item dicts) on 127.0.0.1; use as a context
    manager. ``faults[path]`` is a list consumed one per request: an HTTP status, "malformed"
    or "truncate"."""

    def __init__(self, root: Path, items: list[dict[str, Any]] | None = None,
                 honour_range: bool = True, port: int = 0) -> None:
        self.root = Path(root).resolve()
        self.items = list(items or [])
        self.honour_range = honour_range
        self.faults: dict[str, list[str | int]] = defaultdict(list)
        self.bytes_served: dict[str, int] = defaultdict(int)
        self.requests: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.owner = self
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def record(self, path: str, n: int) -> None:
        with self._lock:
            self.bytes_served[path] += n
            self.requests[path] += 1

    def search(self, params: dict[str, Any]) -> dict[str, Any]:
        cols = params.get("collections")
        bbox = params.get("bbox")
        start = end = None
        if params.get("datetime"):
            a, _, b = str(params["datetime"]).partition("/")
            start, end = (a if a not in ("", "..") else None), (b if b not in ("", "..") else None)
        out = []
        for it in self.items:
            t = it["properties"]["datetime"]
            if cols and it["collection"] not in cols:
                continue
            if bbox and not _overlaps(list(bbox), it["bbox"]):
                continue
            if (start and t < start) or (end and t > end):
                continue
            out.append(it)
        return {"type": "FeatureCollection", "features": out, "links": [],
                "numberReturned": len(out)}

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
