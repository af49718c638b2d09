"""Situation report: one self-contained HTML page (inline SVG map, tables, sources, synthetic
marks) for a date; PDF by printing that page with headless Chromium when it is installed."""

from __future__ import annotations

import datetime as dt
import html
import math
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from basewatch.analysis.control import control_changes
from basewatch.analysis.inventory import inventory_from_rows, inventory_from_survey
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model import ControlArea
from basewatch.store import Workspace

__all__ = ["render_html", "situation_report", "write_pdf"]

SVG_W, SVG_H = 640, 520


class _Projector:
    """Lon/lat to SVG pixels (equirectangular scaled by cos of the mid latitude): a picture,
    never used to measure anything."""

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = bounds
        self.k = math.cos(math.radians((y0 + y1) / 2))
        w, h = max((x1 - x0) * self.k, 1e-6), max(y1 - y0, 1e-6)
        self.s = min((SVG_W - 20) / w, (SVG_H - 20) / h)
        self.x0, self.y1 = x0, y1

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (10 + (lon - self.x0) * self.k * self.s, 10 + (self.y1 - lat) * self.s)

    def path(self, g: BaseGeometry) -> str:
        polys = getattr(g, "geoms", [g])
        parts = []
        for p in polys:
            for ring in [p.exterior, *p.interiors]:
                pts = [self(x, y) for x, y, *_ in ring.coords]
                parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + " Z")
        return " ".join(parts)


def situation_report(ws: Workspace, day: dt.date) -> dict[str, Any]:
    """Everything the report shows on ``day``, as data (the HTML renders this)."""
    snap = ws.control_snapshot_date(day)
    if snap is None:
        raise NotFoundError(f"no control snapshot on or before {day}")
    areas = ws.control_on(snap)
    dates = ws.control_dates()
    snaps: dict[dt.date, list[ControlArea]] = {}
    for a in ws.control_between(dates[0], snap):
        snaps.setdefault(a.date, []).append(a)
    changes = control_changes(snaps, ws.places(), dates[0], snap)
    inv = inventory_from_survey(ws.survey_counts(), day, ("operator",)) or \
        inventory_from_rows(ws.facility_rows(), day, ("operator",))
    facilities = ws.facilities(on=day)
    sources = sorted({a.provenance.label for a in areas} |
                     {f.provenance.label for f in facilities} | set(inv.sources))
    return {"date": day, "snapshot": snap, "areas": areas, "changes": changes,
            "inventory": inv, "facilities": facilities,
            "colours": {f.id: f.color for f in ws.factions()}, "sources": sources,
            "synthetic": any(a.provenance.synthetic for a in areas)
            or any(f.provenance.synthetic for f in facilities) or inv.synthetic}


def _svg(rep: dict[str, Any]) -> str:
    import shapely

    areas: list[ControlArea] = rep["areas"]
    proj = _Projector(shapely.union_all([a.geometry for a in areas]).bounds)
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_W} {SVG_H}" '
           f'width="{SVG_W}" height="{SVG_H}" role="img" aria-label="Control and facilities">'),
           '<rect width="100%" height="100%" fill="#cfe3ef"/>']
    for a in areas:
        col = html.escape(rep["colours"].get(a.faction, "#888888"))
        dash = ' stroke-dasharray="4 3" stroke="#8e24aa"' if a.provenance.synthetic \
            else ' stroke="#333"'
        out.append(f'<path d="{proj.path(a.geometry)}" fill="{col}" fill-opacity="0.5"{dash}>'
                   f'<title>{html.escape(a.faction)}'
                   f'{" (SYNTHETIC)" if a.provenance.synthetic else ""}</title></path>')
    for f in rep["facilities"]:
        x, y = proj(f.lon, f.lat)
        col = html.escape(rep["colours"].get(f.operator, "#888888"))
        ring = "#8e24aa" if f.provenance.synthetic else "#fff"
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{col}" stroke="{ring}" '
                   f'stroke-width="2"><title>{html.escape(f.name)} ({html.escape(f.operator)})'
                   f'</title></circle>')
    out.append("</svg>")
    return "".join(out)


def _table(head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                  for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def render_html(rep: dict[str, Any]) -> str:
    """The report as one HTML document with no external resources."""
    ch = rep["changes"]
    inv = rep["inventory"]
    banner = ('<p class="syn">SYNTHETIC: some records in this report were made by a seeded '
              "generator to fill gaps in the sources (dashed purple outlines, purple rings). "
              "They are not observations.</p>") if rep["synthetic"] else ""
    legend = " ".join(
        f'<span><i style="background:{html.escape(c)}"></i>{html.escape(f)}</span>'
        for f, c in sorted(rep["colours"].items()))
    inv_title = (f"Inventory: {inv.edition}" if inv.edition else "Inventory: registry")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Situation report {rep['date']}</title>
<style>body{{font:13px/1.4 system-ui,sans-serif;margin:2em;color:#222}}
table{{border-collapse:collapse;margin:.5em 0 1.5em}}td,th{{border:1px solid #bbb;padding:.2em .5em}}
.syn{{background:#8e24aa;color:#fff;padding:.4em .6em}}i{{display:inline-block;width:.9em;height:.9em;
margin:0 .3em 0 .8em;vertical-align:middle}}</style></head><body>
<h1>Situation report, {rep['date']}</h1>
<p>Control snapshot {rep['snapshot']}. Generated by basewatch from the workspace's sources.</p>
{banner}
{_svg(rep)}
<p>{legend}</p>
<h2>{html.escape(inv_title)} (total {inv.total})</h2>
{_table(["operator", "count"], [[r["operator"], r["count"]] for r in inv.rows])}
<h2>Control changes {ch.start} to {ch.end}</h2>
{_table(["faction", "km² from", "km² to", "gained", "lost"],
        [[f, f"{a:,.0f}", f"{b:,.0f}", f"{ch.gained_km2.get(f, 0):,.0f}",
          f"{ch.lost_km2.get(f, 0):,.0f}"] for f, (a, b) in sorted(ch.area_km2.items())])}
<h2>Places that changed hands</h2>
{_table(["date", "place", "from", "to"],
        [[p.date, p.place, p.from_faction or "-", p.to_faction or "-"] for p in ch.places])}
<h2>Sources</h2><ul>{"".join(f"<li>{html.escape(s)}</li>" for s in rep["sources"])}</ul>
</body></html>
"""


def write_pdf(html_text: str, out: Path, chromium: str | None = None) -> None:
    """Print the HTML to PDF with headless Chromium (no network: the page has no links out)."""
    exe = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        raise ValidationError("PDF needs Chromium (apt-get install -y chromium); use --format html")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html_text, "utf-8")
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--no-first-run",
                        f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
                        f"--print-to-pdf={out.resolve()}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    if not out.exists() or out.stat().st_size == 0:
        raise ValidationError(f"Chromium wrote no PDF to {out}")
