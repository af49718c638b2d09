"""What the browser tests share: an app served by uvicorn on a free loopback port."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from basewatch.api.web import assets_built

#: Shared by the browser tests: Debian's Chromium, headless, no network of its own.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_SKIPS = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed "
                       "(apt-get install -y chromium)"),
    pytest.mark.skipif(not assets_built(), reason="dashboard assets not built "
                       "(bash scripts/build_web.sh)"),
]
ARTEFACTS = Path(__file__).resolve().parents[2] / "tmp"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--use-angle=swiftshader",
        "--enable-unsafe-swiftshader"]


@contextmanager
def served(app: Any) -> Iterator[str]:
    """``app`` on http://127.0.0.1:<free port> in a thread, stopped on exit."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        t.join(5)
