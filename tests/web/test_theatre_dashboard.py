"""The dashboard on a second theatre (the Crimea example, built through the CLI) in real
Chromium: it opens on the workspace's own ground, not Syria; factions without a colour get
distinct ones; legends only for what is shown; the slider steps through every change date,
the weapons' own dates included; a site page spans years. The Syria demo keeps its colours."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.theatre.crimea import build_crimea, change_dates, sites
from tests.web.conftest import ARGS, ARTEFACTS, BROWSER_SKIPS, CHROMIUM, served

pytestmark = BROWSER_SKIPS


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def crimea(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from basewatch.api import create_app

    folder = build_crimea(tmp_path_factory.mktemp("crimea-web"))
    with served(create_app(folder)) as url:
        yield url


def _watch(page: Any) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return errors, requests


ON_SCREEN = """([lon, lat]) => { const p = window.bwMap.project([lon, lat]);
  const c = window.bwMap.getCanvas().getBoundingClientRect();
  return p.x >= 0 && p.y >= 0 && p.x <= c.width && p.y <= c.height; }"""
FILL_AT = """([lon, lat]) => { const p = window.bwMap.project([lon, lat]);
  const f = window.bwMap.queryRenderedFeatures(p, {layers: ["control-fill"]});
  return f.length ? [f[0].properties.faction, window.bwMap.getPaintProperty("control-fill",
    "fill-color")] : null; }"""


def test_opens_on_the_theatre_with_its_dates_colours_and_legends(crimea: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors, requests = _watch(page)
    page.goto(crimea + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    # Fitted to the workspace: every watched site on screen, Damascus (Syria's view) not.
    for site, lonlat in sites().items():
        assert page.evaluate(ON_SCREEN, list(lonlat)), site
    assert not page.evaluate(ON_SCREEN, [36.29, 33.51])
    zoom = page.evaluate("() => window.bwMap.getZoom()")
    assert zoom > 3  # a theatre, not the whole world
    # The slider offers every change date: the snapshots and the weapons' own dates.
    assert page.evaluate("() => Number(document.getElementById('slider').max)") \
        == len(change_dates()) - 1
    assert page.get_attribute("body", "data-date") == change_dates()[-1]
    page.focus("#slider")
    page.keyboard.press("Home")
    steps = change_dates().index("2023-05-11")  # Storm Shadow, between two snapshots
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    page.wait_for_selector("body[data-date='2023-05-11']", timeout=10_000)
    # Russia has no colour set: it gets a palette colour, not the grey of "unset".
    legend = page.evaluate("() => [...document.querySelectorAll('#legend [data-faction]')]"
                           ".map((e) => [e.dataset.faction, e.dataset.colour])")
    colours = dict(legend)
    # Russia's area is in the data; Ukraine's shows once its outline implies its ground.
    assert "russia" in colours and set(colours) <= {"russia", "ukraine"}
    assert len(set(colours.values())) == len(colours)  # distinct
    assert not {c.lower() for c in colours.values()} & {"#888888", "#8e24aa"}
    held = page.evaluate(FILL_AT, list(sites()["saky"]))
    assert held is not None and held[0] == "russia"
    # Synthetic control areas: the mark is in the legend and the badge shows.
    assert page.locator("#legend [data-legend='synthetic']").count() == 1
    assert page.is_visible("#synthetic-badge")
    # No corridors in this workspace: no corridor key.
    assert page.locator("#legend [data-legend='corridor']").count() == 0
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "dashboard-crimea.png"))
    page.close()
    assert errors == []
    assert [u for u in requests if not u.startswith((crimea + "/", "blob:", "data:"))] == []


def test_site_page_over_two_years(crimea: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors, _ = _watch(page)
    page.goto(crimea + "/site.html?site=saky")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    assert "2022-06-01 to 2024-04-17" in page.inner_text("#status")
    assert page.evaluate("() => document.querySelectorAll('#exposure-table tbody tr').length") \
        == 687
    page.close()
    assert errors == []


def test_syria_demo_keeps_its_set_colours_and_hides_no_legend_it_needs(
        demo_ws: Path, browser: Any) -> None:
    from basewatch.api import create_app
    from basewatch.store import Workspace

    with Workspace(demo_ws) as ws:
        own = {f.id: f.color for f in ws.factions() if f.color.lower() != "#888888"}
    assert own
    with served(create_app(demo_ws)) as url:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        errors, _ = _watch(page)
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        legend = dict(page.evaluate("() => [...document.querySelectorAll('#legend "
                                    "[data-faction]')].map((e) => [e.dataset.faction, "
                                    "e.dataset.colour])"))
        for f, c in own.items():
            if f in legend:
                assert legend[f].lower() == c.lower(), f
        # distinct colours for all the factions shown
        assert len(set(legend.values())) == len(legend)
        assert page.locator("#legend [data-legend='synthetic']").count() == 1
        assert page.evaluate(ON_SCREEN, [35.949, 35.401])  # Khmeimim, fitted to Syria
        page.close()
    assert errors == []


def test_site_page_shows_an_overrun_site_inside_hostile_ground(crimea: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors, _ = _watch(page)
    page.goto(crimea + "/site.html?site=chornobaivka&date=2023-01-01")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    rows = page.evaluate("() => [...document.querySelectorAll('#exposure-table tbody tr')]"
                         ".map((tr) => [...tr.cells].map((c) => c.textContent))")
    by_day = {r[0]: r for r in rows}
    assert by_day["2022-11-10"][3] == "in reach"  # HIMARS, from the right bank
    state = by_day["2022-11-11"][3]
    assert state.startswith("inside hostile ground: held by ukraine since 2022-11-11, ")
    assert by_day["2022-11-11"][4] == "-"  # nothing "in reach" of a site inside their ground
    # drawn below zero, at its depth
    assert page.evaluate("() => [...document.querySelectorAll('#exposure-chart svg circle')]"
                         ".filter((c) => c.getAttribute('stroke') === '#c62828').length") > 0
    page.close()
    assert errors == []
