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

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.control import control_changes
from basewatch.analysis.inventory import inventory_from_rows, inventory_from_survey
from basewatch.errors import ValidationError
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

    def points(self, coords: Any) -> str:
        """SVG ``points`` of a coordinate sequence (for polyline/polygon overlays)."""
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (self(c[0], c[1]) for c in coords))

    def path(self, g: BaseGeometry) -> str:
        polys = getattr(g, "geoms", [g])
        parts = []
        for p in polys:
            for ring in [p.exterior, *p.interiors]:
                pts = [self(x, y) for x, y, *_ in ring.coords]
                parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + " Z")
        return " ".join(parts)


def situation_report(ws: Workspace, day: dt.date) -> dict[str, Any]:
    """Everything the report shows on ``day``, as data (the HTML renders this). A date before
    the first control snapshot gives a report that says there is no data, not an error."""
    from basewatch.exports.sitrep import gather_sections

    snap = ws.control_snapshot_date(day)
    dates = ws.control_dates()
    areas = ws.control_on(snap) if snap else []
    changes = None
    if snap is not None:
        snaps: dict[dt.date, list[ControlArea]] = {}
        for a in ws.control_between(dates[0], snap):
            snaps.setdefault(a.date, []).append(a)
        changes = control_changes(snaps, ws.places(), dates[0], snap)
    inv = inventory_from_survey(ws.survey_counts(), day, ("operator",)) or \
        inventory_from_rows(ws.facility_rows(), day, ("operator",))
    facilities = ws.facilities(on=day)
    sections = gather_sections(ws, day, snap)
    # Weapon ranges and holdings behind every row in reach and every ring are sources too.
    weapon_sources = {r["source"] for e in sections["exposure"] for r in e["systems_in_reach"]}
    for feat in (sections["rings"] or {}).get("features", []):
        weapon_sources |= {feat["properties"]["source"], feat["properties"]["holding_source"]}
    sources = sorted({a.provenance.label for a in areas} | {f.provenance.label for f in facilities}
                     | set(inv.sources) | set(sections.get("weapon_sources", []))
                     | {x for x in weapon_sources if x})
    rep: dict[str, Any] = {"date": day, "snapshot": snap, "dates": dates, "areas": areas, "changes": changes,
           "inventory": inv, "facilities": facilities,
           "colours": {f.id: f.color for f in ws.factions()}, "sources": sources,
           "sections": sections,
           "synthetic": any(a.provenance.synthetic for a in areas)
           or any(f.provenance.synthetic for f in facilities) or inv.synthetic}
    rep["caveats"] = _caveats(rep)
    rep["synthetic"] = rep["synthetic"] or any("SYNTHETIC" in c for c in rep["caveats"])
    return rep


def _caveats(rep: dict[str, Any]) -> list[str]:
    """What a reader must know about the sources before trusting a figure."""
    from basewatch.exports.sitrep import WINDOW_DAYS

    out: list[str] = []
    sec = rep["sections"]
    gens = sorted({(a.provenance.generator, a.provenance.seed) for a in rep["areas"]
                   if a.provenance.synthetic})
    if gens:
        out.append("Control areas are SYNTHETIC: drawn by " + ", ".join(
            f"{g} (seed {s})" for g, s in gens) + " from documented capture dates; their "
            "boundaries (and so distances, rings, reach areas and corridors) are illustrative.")
    for name, rows, syn in (
            ("Imagery history", sec["imagery"], lambda r: bool(r["history_synthetic"])),
            ("Flight events", sec["flights"], lambda r: r["synthetic"]),
            ("Take-off baselines", sec["surges"], lambda r: r["synthetic"]),
            ("Claims", sec["claims"], lambda r: r["synthetic"])):
        n = sum(1 for r in rows if syn(r))
        if n:
            out.append(f"{name}: {n} of {len(rows)} rows rest on SYNTHETIC records made by a "
                       "seeded generator to fill a gap no public source here fills.")
    ungraded = sorted({c["source"]["name"] for c in sec["claims"] if "ungraded" in c["source"]["grade"]})
    if ungraded:
        out.append("Ungraded sources (Admiralty F6 until an analyst grades them): "
                   + ", ".join(ungraded) + ".")
    if sec["exposure"]:
        out.append("Exposure assumes launchers may stand anywhere in hostile-held ground; "
                   "ranges are the catalog's maximum ranges with their sources.")
    unsure = [e["name"] for e in sec["exposure"]
              if e.get("distance_within_location_uncertainty")
              or any(r.get("within_location_uncertainty") for r in e["systems_in_reach"])]
    if unsure:
        out.append("Within location uncertainty: " + ", ".join(unsure) + " - a distance or a "
                   "margin smaller than how precisely the site's location is known; the data "
                   "cannot decide whether it is in reach (or inside).")
    if sec.get("table_warning"):
        out.append("Assessment: " + sec["table_warning"] + ".")
    if rep["inventory"].edition:
        out.append(f"Inventory figures are those of {rep['inventory'].edition} as published; "
                   "a survey counts what its authors could confirm.")
    out.append(f"Imagery, flights and claims are those of the {WINDOW_DAYS} days up to "
               f"{rep['date']}; nothing published later is used. Distances are geodesic on the "
               "WGS84 ellipsoid; the map is a sketch, never measured.")
    return out


def _svg(rep: dict[str, Any]) -> str:
    import shapely

    from basewatch.exports.basemap import countries

    areas: list[ControlArea] = rep["areas"]
    rings = [shape(f["geometry"]) for f in ((rep.get("sections") or {}).get("rings") or {})
             .get("features", [])]
    x0, y0, x1, y1 = shapely.union_all([a.geometry for a in areas] + rings).bounds
    proj = _Projector((x0, y0, x1, y1))
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_W} {SVG_H}" '
           f'width="{SVG_W}" height="{SVG_H}" role="img" aria-label="Control and facilities">'),
           '<rect width="100%" height="100%" fill="#cfe3ef"/>']
    # Natural Earth countries under everything: neighbours read as land, not sea
    pad = 0.25 * max(x1 - x0, y1 - y0)
    for label, land in countries((x0 - pad, y0 - pad, x1 + pad, y1 + pad)):
        out.append(f'<path class="land" d="{proj.path(land)}" fill="#f2efe9" stroke="#9e9e9e" '
                   f'stroke-width="0.7"><title>{html.escape(label)}</title></path>')
    for a in areas:
        col = html.escape(rep["colours"].get(a.faction, "#888888"))
        dash = ' stroke-dasharray="4 3" stroke="#8e24aa"' if a.provenance.synthetic \
            else ' stroke="#333"'
        out.append(f'<path d="{proj.path(a.geometry)}" fill="{col}" fill-opacity="0.5"{dash}>'
                   f'<title>{html.escape(a.faction)}'
                   f'{" (SYNTHETIC)" if a.provenance.synthetic else ""}</title></path>')
    sec = rep.get("sections") or {}
    for feat in (sec.get("rings") or {}).get("features", []):
        p = feat["properties"]
        ring = shape(feat["geometry"])
        col = "#c62828" if p["in_reach"] else "#ef6c00"
        dash = ' stroke-dasharray="5 3"' if p["synthetic"] else ""
        for part in getattr(ring, "geoms", [ring]):
            out.append(f'<polygon points="{proj.points(part.exterior.coords)}" fill="none" '
                       f'stroke="{col}" stroke-width="1.5"{dash}><title>'
                       f'{html.escape(p["site_name"])}: {html.escape(p["system_name"])} '
                       f'{html.escape(p["munition"])} {p["radius_km"]} km'
                       f'{" (SYNTHETIC control)" if p["synthetic"] else ""}</title></polygon>')
    for feat in (sec.get("corridors") or {}).get("features", []):
        p = feat["properties"]
        g = shape(feat["geometry"])
        if p["kind"] == "break":
            x, y = proj(g.x, g.y)
            out.append(f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#000">'
                       f'<title>corridor breaks near {html.escape(p["near"])}</title></rect>')
        else:
            col = "#1b5e20" if p["connected"] else "#616161"
            for part in getattr(g, "geoms", [g]):
                out.append(f'<polyline points="{proj.points(part.coords)}" fill="none" '
                           f'stroke="{col}" stroke-width="2.5"><title>{html.escape(p["from"])} - '
                           f'{html.escape(p["to"])}: {"connected" if p["connected"] else "CUT"}'
                           f'</title></polyline>')
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
    from basewatch.exports.sitrep import render_sections

    ch = rep["changes"]
    inv = rep["inventory"]
    banner = ('<p class="syn">SYNTHETIC: some records in this report were made by a seeded '
              "generator to fill gaps in the sources (dashed purple outlines, purple rings, rows "
              "marked SYNTHETIC). They are not observations.</p>") if rep["synthetic"] else ""
    legend = " ".join(
        f'<span><i style="background:{html.escape(c)}"></i>{html.escape(f)}</span>'
        for f, c in sorted(rep["colours"].items()))
    inv_title = (f"A. Inventory: {inv.edition}" if inv.edition else "A. Inventory: registry")
    if rep["snapshot"] is None:
        span = f"{rep['dates'][0]} to {rep['dates'][-1]}" if rep["dates"] else "none"
        nodata = (f'<p class="nodata">No data for {rep["date"]}: the workspace has no control '
                  f"snapshot on or before that date (snapshots: {span}), so there is no map, "
                  "exposure, corridor or assessment to report.</p>")
        head, control = nodata, ""
    else:
        head = (f"<p>Control snapshot {rep['snapshot']}. Generated by basewatch from the "
                f"workspace's sources.</p>")
        control = f"""{_svg(rep)}
<p>{legend}; rings: red = in reach, orange = not yet; corridor: green open, grey cut, black squares
where it breaks. Countries: Natural Earth (public domain), via world-atlas.</p>"""
    changes = "" if ch is None else f"""<h2>B. Control changes {ch.start} to {ch.end}</h2>
{_table(["faction", "km² from", "km² to", "gained", "lost", "refs"],
        [[f, f"{a:,.0f}", f"{b:,.0f}", f"{ch.gained_km2.get(f, 0):,.0f}",
          f"{ch.lost_km2.get(f, 0):,.0f}", "data/control_changes.json; data/control.geojson"]
         for f, (a, b) in sorted(ch.area_km2.items())])}
<h3>Places that changed hands</h3>
{_table(["date", "place", "from", "to", "refs"],
        [[p.date, p.place, p.from_faction or "-", p.to_faction or "-",
          "data/control_changes.json; control snapshots"] for p in ch.places])}"""
    inv_refs = "data/inventory.json; " + "; ".join(inv.sources)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Situation report {rep['date']}</title>
<style>body{{font:13px/1.4 system-ui,sans-serif;margin:2em;color:#222}}
table{{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.92em}}td,th{{border:1px solid #bbb;padding:.2em .5em;vertical-align:top}}
.syn{{background:#8e24aa;color:#fff;padding:.4em .6em}}tr.syn{{background:#f3e5f5;color:#222;padding:0}}
td.m{{color:#8e24aa;font-weight:bold}}.none,.nodata{{color:#555;font-style:italic}}
.nodata{{font-size:1.2em}}i{{display:inline-block;width:.9em;height:.9em;
margin:0 .3em 0 .8em;vertical-align:middle}}</style></head><body>
<h1>Situation report, {rep['date']}</h1>
{head}
{banner}
{control}
<h2>{html.escape(inv_title)} (total {inv.total} facilities)</h2>
{_table(["operator", "count", "refs"], [[r["operator"], r["count"], inv_refs] for r in inv.rows])}
{changes}
{render_sections(rep["sections"])}
<h2>Caveats of the sources</h2><ul>{"".join(f"<li>{html.escape(c)}</li>" for c in rep["caveats"])}</ul>
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
