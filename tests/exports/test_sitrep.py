"""The situation report's claims C-I sections, its bundle and manifest, and the PDF pages."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.errors import ValidationError
from basewatch.exports.bundle import MANIFEST, bundle_files, verify_bundle, write_bundle
from basewatch.exports.report import render_html, situation_report, write_pdf
from basewatch.store import Workspace

DEC5 = dt.date(2024, 12, 5)


class _Sections(HTMLParser):
    """Rows of each table under each h2/h3 heading, as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.heading = ""
        self.rows: dict[str, list[list[str]]] = {}
        self._h = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3"):
            self._h, self.heading = True, ""
        elif tag == "thead":
            self._head = True
        elif tag == "tr" and not self._head:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3"):
            self._h = False
        elif tag == "thead":
            self._head = False
        elif tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.setdefault(self.heading, []).append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._h:
            self.heading += data
        elif self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def dec5(demo_ws: Path) -> tuple[dict, str]:  # type: ignore[type-arg]
    with Workspace(demo_ws) as ws:
        rep = situation_report(ws, DEC5)
    return rep, render_html(rep)


def _text(page: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", page))


def test_dec5_report_names_tartus_khmeimim_801_and_smerch(dec5: tuple[dict, str]) -> None:  # type: ignore[type-arg]
    _, page = dec5
    text = _text(page)
    for name in ("Tartus naval facility", "Khmeimim Air Base", "total 801 facilities",
                 "BM-30 Smerch"):
        assert name in text, name
    p = _Sections()
    p.feed(page)
    expo = {r[0]: r for r in next(v for k, v in p.rows.items() if k.startswith("C."))}
    assert 30 <= float(expo["Khmeimim Air Base"][1]) <= 45
    assert "since 2024-12-03" in expo["Tartus naval facility"][3]
    corr = next(v for k, v in p.rows.items() if k.startswith("D."))
    tartus = next(r for r in corr if r[0].startswith("Tartus"))
    assert tartus[2] == "connected" and "Homs" in tartus[5]
    img = next(v for k, v in p.rows.items() if k.startswith("E-F."))
    assert any(r[1] == "tartus" and r[3] == "frigate" and r[5] == "anomalous" for r in img)
    assert any(r[1] == "khmeimim" and r[2] == "apron" and r[5] == "not conclusive" for r in img)
    flights = next(v for k, v in p.rows.items() if k.startswith("G."))
    assert any(r[1] == "RA-78847" and r[6] == "Moscow area" for r in flights)
    assert "tartus: almost certain" in text
    # Charts: per watched site, a dot per control date up to 5 Dec (27 Nov - 5 Dec: 9).
    figs = re.findall(r'<figure class="chart">(.*?)</figure>', page, re.S)
    assert len(figs) == 4
    assert all(f.count("<rect ") == 9 for f in figs)


def test_every_row_of_sections_c_to_i_names_its_records(dec5: tuple[dict, str]) -> None:  # type: ignore[type-arg]
    _, page = dec5
    p = _Sections()
    p.feed(page)
    rows = [r for k, v in p.rows.items() if not k.startswith(("Sources", "Caveats")) for r in v]
    assert len(rows) > 30
    # The refs cell (last, or second to last before the synthetic mark) names a bundle file.
    assert all(any(re.search(r"data/\w+\.(json|geojson)", c) for c in r[-2:]) for r in rows)
    marked = [r for r in rows if r[-1] == "SYNTHETIC"]
    assert marked and len(marked) < len(rows)


def test_no_hindsight_and_caveats(dec5: tuple[dict, str]) -> None:  # type: ignore[type-arg]
    rep, page = dec5
    sec = rep["sections"]
    assert sec["claims"] and all(c["published"][:10] <= "2024-12-05" for c in sec["claims"])
    assert all(e["time"][:10] <= "2024-12-05" for e in sec["flights"])
    assert all(s["date"] <= "2024-12-05" for a in sec["assessments"] for s in a["steps"])
    assert any("Control areas are SYNTHETIC" in c and "seed" in c for c in rep["caveats"])
    assert "Caveats of the sources" in page


def test_a_date_with_no_data_says_so(demo_ws: Path) -> None:
    with Workspace(demo_ws) as ws:
        rep = situation_report(ws, dt.date(2020, 1, 1))
    text = _text(render_html(rep))
    assert "No data for 2020-01-01" in text and "2024-11-27 to 2024-12-08" in text
    assert not rep["sections"]["assessments"] and "<svg" not in render_html(rep)


def test_bundle_verifies_and_names_the_changed_file(demo_ws: Path, dec5: tuple[dict, str],  # type: ignore[type-arg]
                                                    tmp_path: Path) -> None:
    rep, page = dec5
    with Workspace(demo_ws) as ws:
        files = bundle_files(ws, rep, page.encode(), "report.html")
    assert {"data/control.geojson", "data/claims.json", "data/exposure.json",
            "data/imagery.csv", "report.html"} <= set(files)
    folder = write_bundle(files, tmp_path / "b")
    assert verify_bundle(folder)["files"] == len(files)
    # The manifest is sha256sum's format: the system tool agrees when it is there.
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--quiet", "-c", MANIFEST], cwd=folder, check=True)
    target = folder / "data" / "claims.json"
    data = bytearray(target.read_bytes())
    data[10] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(ValidationError, match=r"data/claims\.json: SHA-256 differs"):
        verify_bundle(folder)
    r = CliRunner().invoke(app, ["report", "verify", str(folder)])
    assert r.exit_code == 2 and "data/claims.json" in r.output
    (folder / "data" / "extra.csv").write_text("x")
    (folder / "data" / "exposure.json").unlink()
    with pytest.raises(ValidationError, match=r"exposure\.json: listed in the manifest but "
                                              r"missing.*extra\.csv: not in the manifest"):
        verify_bundle(folder)


def test_zip_bundle_from_the_cli(demo_ws: Path, tmp_path: Path) -> None:
    z = tmp_path / "sitrep.zip"
    r = CliRunner().invoke(app, ["report", "--date", "2024-12-05", "--bundle", str(z),
                                 "-w", str(demo_ws)])
    assert r.exit_code == 0, r.output
    assert CliRunner().invoke(app, ["report", "verify", str(z)]).exit_code == 0
    with zipfile.ZipFile(z) as src:
        items = {i.filename: src.read(i) for i in src.infolist()}
    body = bytearray(items["data/exposure.json"])
    body[-2] ^= 0x20
    items["data/exposure.json"] = bytes(body)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as dst:
        for n, b in items.items():
            dst.writestr(n, b)
    with pytest.raises(ValidationError, match=r"data/exposure\.json: SHA-256 differs"):
        verify_bundle(bad)


def _pgm(path: Path) -> np.ndarray:
    raw = path.read_bytes()
    parts = raw.split(maxsplit=4)  # P5, width, height, maxval, pixels
    assert parts[0] == b"P5"
    w, h = int(parts[1]), int(parts[2])
    return np.frombuffer(parts[4][: w * h], np.uint8).reshape(h, w)


@pytest.mark.skipif(not shutil.which("chromium") or not shutil.which("pdftoppm"),
                    reason="needs chromium and pdftoppm (apt-get install -y poppler-utils)")
def test_pdf_pages_are_not_blank(dec5: tuple[dict, str], tmp_path: Path) -> None:  # type: ignore[type-arg]
    pdf = tmp_path / "r.pdf"
    write_pdf(dec5[1], pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(tmp_path / "p")], check=True,
                   timeout=60)
    pages = sorted(tmp_path.glob("p-*.pgm"))
    assert len(pages) >= 3
    for page in pages:
        px = _pgm(page)
        # Ink on every page: a share of non-white pixels and more than one grey level.
        assert (px < 200).mean() > 0.005 and px.std() > 5, page.name
