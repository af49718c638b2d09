"""A server that needs a token for reads, in real Chromium: the dashboard sends the analyst to
the login page, takes the token once, and loads on the session cookie, with no console error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from basewatch.api.web import assets_built
from tests.web.conftest import served
from tests.web.test_site_page import ARGS, CHROMIUM, _outside, _watch

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed"),
    pytest.mark.skipif(not assets_built(), reason="dashboard assets not built"),
]


def test_login_then_the_dashboard_loads(demo_ws: Path, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    from basewatch.api import create_app
    from basewatch.security import Role
    from basewatch.store import Workspace
    from basewatch.store.tokens import create_token

    folder = tmp_path / "ws"
    shutil.copytree(demo_ws, folder)
    with Workspace(folder) as ws:
        secret = create_token(ws.store, "browser", Role.READER)[1]
    with served(create_app(folder, require_token_for_reads=True)) as url, \
            sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            errors, requests = _watch(page, url)
            page.goto(url + "/?x=1")
            assert page.url.startswith(url + "/login?next=")
            page.fill("#token", "bw_wrong.token")
            page.click("button[type=submit]")
            page.wait_for_function("() => document.getElementById('login-error').textContent")
            errors.clear()  # the refused attempt logs its 401: expected
            page.fill("#token", secret)
            page.click("button[type=submit]")
            page.wait_for_selector("body[data-ready='1']", timeout=30_000)
            assert page.url == url + "/?x=1"
            cookies = page.context.cookies()
            assert [c["httpOnly"] for c in cookies if c["name"] == "bw_session"] == [True]
        finally:
            browser.close()
    assert errors == []
    assert _outside(requests, url) == []
