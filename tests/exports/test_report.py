"""Situation report: the tables and map reflect the workspace; self-contained; PDF via Chromium."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from basewatch.exports.report import render_html, situation_report, write_pdf
from basewatch.store import Workspace


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[str] = []
        self._in_td = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_td = tag == "td"

    def handle_data(self, data: str) -> None:
        if self._in_td:
            self.cells.append(data)
            self._in_td = False


@pytest.fixture(scope="module")
def page(demo_ws: Path) -> tuple[str, _Collect, int, int]:
    with Workspace(demo_ws) as ws:
        rep = situation_report(ws, dt.date(2024, 12, 8))
        n_areas = len(ws.control_on(dt.date(2024, 12, 8)))
        n_fac = len(ws.facilities(on=dt.date(2024, 12, 8)))
    text = render_html(rep)
    p = _Collect()
    p.feed(text)
    return text, p, n_areas, n_fac


def test_map_has_every_area_and_facility(page: tuple[str, _Collect, int, int]) -> None:
    _text, p, n_areas, n_fac = page
    assert sum(1 for t, a in p.tags if t == "path" and a.get("class") != "land") == n_areas
    from basewatch.exports.basemap import WORLD_ATLAS

    if WORLD_ATLAS.exists():  # Natural Earth under the control areas: Lebanon is land
        assert any(t == "path" and a.get("class") == "land" for t, a in p.tags)
    assert sum(1 for t, _ in p.tags if t == "circle") == n_fac


def test_tables_show_hama_and_synthetic_banner(page: tuple[str, _Collect, int, int]) -> None:
    text, p, *_ = page
    i = p.cells.index("Hama")
    assert p.cells[i - 1] == "2024-12-05" and p.cells[i + 1] == "government"
    assert "SYNTHETIC" in text and "Jusoor" in text


def test_self_contained(page: tuple[str, _Collect, int, int]) -> None:
    _, p, *_ = page
    assert not [a for _, a in p.tags if a.get("src") or a.get("href")]


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium not installed")
def test_pdf_with_chromium(page: tuple[str, _Collect, int, int], tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    write_pdf(page[0], out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and re.search(rb"/Type\s*/Page\b", data)
