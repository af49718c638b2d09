"""The dashboard in real Chromium (Playwright): loads clean, stays on 127.0.0.1, the slider
changes who holds Hama on the map. Skips when Chromium, Playwright or the built assets are
missing (scripts/test.sh installs Chromium; scripts/setup.sh builds the assets)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from basewatch.api.web import assets_built
from tests.web.conftest import served

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed "
                       "(apt-get install -y chromium)"),
    pytest.mark.skipif(not assets_built(), reason="dashboard assets not built "
                       "(bash scripts/build_web.sh)"),
]
ARTEFACTS = Path(__file__).resolve().parents[2] / "tmp"


@pytest.fixture(scope="module")
def server(demo_ws: Path) -> Iterator[str]:
    from basewatch.api import create_app

    with served(create_app(demo_ws)) as url:
        yield url


HOLDER_AT = """([lon, lat]) => {
  const p = window.bwMap.project([lon, lat]);
  const f = window.bwMap.queryRenderedFeatures(p, {layers: ["control-fill"]});
  return f.length ? f[0].properties.faction : null;
}"""


def test_dashboard_offline_and_slider_moves_control(server: str, demo_ws: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    from basewatch.store import Workspace

    with Workspace(demo_ws) as ws:
        hama = ws.place("Hama")
        dates = [d.isoformat() for d in ws.control_dates()]
    before = dates.index("2024-12-04")
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--use-angle=swiftshader",
            "--enable-unsafe-swiftshader"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                    if r.status >= 400 else None)
            page.goto(server + "/")
            page.wait_for_selector("body[data-ready='1']", timeout=30_000)
            page.wait_for_function(f"(a) => ({HOLDER_AT})(a) === 'opposition'",
                                   arg=[hama.lon, hama.lat], timeout=15_000)
            # Keyboard: Home goes to the first date, then ArrowRight steps to 4 December.
            page.focus("#slider")
            page.keyboard.press("Home")
            for _ in range(before):
                page.keyboard.press("ArrowRight")
            page.wait_for_selector(f"body[data-date='{dates[before]}']", timeout=10_000)
            page.wait_for_function(f"(a) => ({HOLDER_AT})(a) === 'government'",
                                   arg=[hama.lon, hama.lat], timeout=15_000)
            assert page.is_visible("#synthetic-badge")
            # A facility click opens the site panel with its source.
            k = page.evaluate("""() => { const p = window.bwMap.project([35.949, 35.401]);
                                  return [p.x, p.y]; }""")
            box = page.locator("#map").bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + k[0], box["y"] + k[1])
            page.wait_for_selector("#panel h2", timeout=10_000)
            assert "Khmeimim" in page.inner_text("#panel")
            ARTEFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTEFACTS / "dashboard.png"))
        finally:
            browser.close()
    assert errors == []
    outside = [u for u in requests if not u.startswith((server + "/", "blob:", "data:"))]
    assert outside == [], outside
