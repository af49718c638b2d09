"""The site page and the dashboard's exposure/corridor/alert layers in real Chromium, served
under the API's Content-Security-Policy: charts render with data marks, nothing leaves
127.0.0.1, and the time slider changes the range rings and the corridor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from basewatch.api.security import CSP
from tests.web.conftest import ARGS, ARTEFACTS, BROWSER_SKIPS, CHROMIUM, served

pytestmark = BROWSER_SKIPS


@pytest.fixture(scope="module")
def server(demo_ws: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from basewatch.api import create_app
    from basewatch.sources.chips import write_png
    from tests.faces_workspace import demo_with_alerts

    folder = demo_with_alerts(demo_ws, tmp_path_factory.mktemp("site"))
    rgb = np.full((16, 16, 3), 60, np.uint8)
    rgb[4:8, 4:8] = 230
    write_png(folder / "chips" / "SYNTHETIC_khmeimim_apron_S2B_20241203.png", rgb)
    from basewatch.store import Workspace
    from basewatch.store.flights import FLIGHT_COVERAGE

    with Workspace(folder) as ws:  # a receiver outage near OSLK on 30 Nov: a coverage gap
        assert ws.store.delete(FLIGHT_COVERAGE, {"airfield": "OSLK", "day": "2024-11-30"}) == 1
    app = create_app(folder)  # with the API's own Content-Security-Policy on every response
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _watch(page: Any, server: str) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning")
            and "GPU stall" not in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return errors, requests


def _outside(requests: list[str], server: str) -> list[str]:
    return [u for u in requests if not u.startswith((server + "/", "blob:", "data:"))]


MARKS = """(id) => Math.max(0, ...[...document.querySelectorAll(`#${id} svg`)].map(
  (svg) => svg.querySelectorAll("circle, rect, path[d]").length))"""


def test_site_page_charts_render_under_csp(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors, requests = _watch(page, server)
    response = page.goto(server + "/site.html?site=khmeimim&date=2024-12-08")
    assert response is not None and response.headers["content-security-policy"] == CSP
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    # 12 control dates: a dot per day on the exposure and probability charts.
    assert page.evaluate("() => document.querySelectorAll('#exposure-chart svg circle').length") == 12
    assert page.evaluate("() => document.querySelectorAll('#probability-chart svg circle').length") == 12
    assert page.evaluate("() => [...document.querySelectorAll('#sorties-chart svg title')]"
                         ".filter((t) => t.textContent.startsWith('2024-11-30: no coverage'))"
                         ".length") == 1
    assert "1 day(s) without coverage" in page.inner_text("#sorties")
    for chart in ("imagery-chart", "sorties-chart"):
        assert page.evaluate(MARKS, chart) > 10, chart
    assert page.is_visible("#synthetic-banner")
    assert "OSLK" in page.inner_text("#sorties h2")
    assert "[" in page.inner_text("#claims-table")  # source grades shown
    assert page.evaluate("() => document.querySelectorAll('#evidence-table tbody tr').length") > 0
    page.wait_for_function("() => { const i = document.querySelector('#chips img');"
                           " return i && i.complete && i.naturalWidth === 16; }", timeout=10_000)
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "site-khmeimim.png"), full_page=True)
    page.close()
    assert errors == []
    assert _outside(requests, server) == []


RENDERED = """(layers) => window.bwMap.queryRenderedFeatures({layers}).length"""
CORRIDOR = """() => window.bwMap.queryRenderedFeatures({layers: ["corridor-line", "corridor-breaks"]})
  .map((f) => f.properties.kind)"""


def test_slider_moves_rings_and_corridor(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors, requests = _watch(page, server)
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    dates = page.evaluate("() => fetch('/dates').then((r) => r.json()).then((d) => d.control)")
    rings = ["rings-line", "rings-synthetic"]
    # 8 Dec (the last date, shown first): Smerch rings drawn, the corridor broken.
    page.wait_for_function(f"() => ({RENDERED})({rings}) > 0", timeout=15_000)
    page.wait_for_function(f"() => ({CORRIDOR})().includes('break')", timeout=15_000)
    page.focus("#slider")
    page.keyboard.press("Home")
    for _ in range(dates.index("2024-12-02")):
        page.keyboard.press("ArrowRight")
    page.wait_for_selector("body[data-date='2024-12-02']", timeout=10_000)
    # 2 Dec: no hostile faction holds a Smerch yet; the corridor is open.
    page.wait_for_function(f"() => ({RENDERED})({rings}) === 0", timeout=15_000)
    page.wait_for_function(f"() => {{ const k = ({CORRIDOR})();"
                           " return k.includes('route') && !k.includes('break'); }", timeout=15_000)
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("body[data-date='2024-12-03']", timeout=10_000)
    page.wait_for_function(f"() => ({RENDERED})({rings}) > 0", timeout=15_000)
    assert "in_reach(smerch)" in page.inner_text("#alerts")
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "dashboard-rings.png"))
    page.close()
    assert errors == []
    assert _outside(requests, server) == []


def test_api_reference_works_offline_under_csp(server: str, browser: Any) -> None:
    # Swagger UI from the bundled assets: every operation of the OpenAPI document listed.
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors, requests = _watch(page, server)
    response = page.goto(server + "/docs")
    assert response is not None and response.headers["content-security-policy"] == CSP
    page.wait_for_selector(".opblock", timeout=30_000)
    paths = page.evaluate("() => fetch('/openapi.json').then((r) => r.json())"
                          ".then((d) => Object.values(d.paths).reduce((n, p) => n + "
                          "Object.keys(p).length, 0))")
    # An operation under two tags is shown twice: count distinct method + path.
    shown = page.evaluate("() => new Set([...document.querySelectorAll('.opblock')].map((b) =>"
                          " b.querySelector('.opblock-summary-method').textContent + ' ' +"
                          " b.querySelector('.opblock-summary-path').dataset.path)).size")
    assert shown == paths
    page.close()
    assert errors == []
    assert _outside(requests, server) == []
