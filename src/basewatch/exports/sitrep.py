"""The situation report's sections beyond control and inventory (claims C-I of the demo):
exposure and weapons in reach, corridors, imagery verdicts, flights, claims with grades and
probabilities with their evidence. Each row names the records it came from (``ref``: the
bundle file and record key, and the record's source); nothing dated after the report's date
is used, so a report for 5 December reads as it could have been written that day."""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

from basewatch.analysis.verdicts import site_verdicts
from basewatch.errors import NotFoundError
from basewatch.model import Facility
from basewatch.model.provenance import Source
from basewatch.queries.assessment import site_assessment, site_timeline, table_warning
from basewatch.queries.claims import load_claimset
from basewatch.queries.corridors import corridor
from basewatch.queries.exposure import load_catalog
from basewatch.queries.flights import daily_rows, event_rows
from basewatch.queries.reach import reach_history, reach_words, state_words
from basewatch.queries.sites import (
    claim_rows,
    corridor_features,
    default_against,
    default_corridors,
    default_sites,
    range_rings,
    reach_areas,
)
from basewatch.store import Workspace
from basewatch.store.assessment import ALERTS
from basewatch.store.imagery import site_counts

__all__ = ["gather_sections", "render_sections"]

#: Days before the report's date whose imagery, flights and claims the report lists.
WINDOW_DAYS = 7


def _sites(ws: Workspace, day: dt.date) -> list[Facility]:
    return default_sites(ws, day)


def _source_label(src: Source) -> str:
    return ": ".join(x for x in (src.publisher, src.title) if x) + (f" <{src.url}>" if src.url else "")


def _state_note(row: dict[str, Any]) -> str:
    """Beyond the plain distance: inside hostile ground, or within location uncertainty."""
    if row["inside"] or row.get("distance_within_location_uncertainty") \
            or row["state"] != "in_reach" and row["state"] != "outside_reach":
        return f" ({state_words(row)})"
    return ""


def _finite(v: Any) -> Any:
    return None if isinstance(v, float) and not math.isfinite(v) else v


def gather_sections(ws: Workspace, day: dt.date, snapshot: dt.date | None) -> dict[str, Any]:
    """The data of every section on ``day`` (empty sections when there is no control snapshot)."""
    sites = _sites(ws, day)
    out: dict[str, Any] = {"sites": [f.id for f in sites], "exposure": [], "rings": None,
                           "reach": None, "corridors": None, "critical": {}, "charts": {}, "imagery": [], "flights": [],
                           "surges": [], "claims": [], "assessments": [], "caveats": [], "alerts": [],
                           "weapon_sources": [], "table_warning": table_warning(ws)}
    start = day - dt.timedelta(days=WINDOW_DAYS)
    if snapshot is not None and sites:
        hist = reach_history(ws, sites, day)
        for f in sites:
            h = hist[f.id]
            row = h.row(day)
            row["ref"] = (f"data/exposure.json#{f.id}; control snapshot {snapshot}"
                          + "; " + "; ".join(sorted({r["source"] for r in row["systems_in_reach"]})))
            out["exposure"].append(row)
            out["charts"].setdefault(f.id, {"name": f.name, "distance": [], "probability": []})
            for d in h.dates:
                x = h.states[d]
                if x.nearest is not None:
                    out["charts"][f.id]["distance"].append(
                        (d.isoformat(), round(x.nearest.distance_km, 1), x.synthetic))
        # The weapon-range sources behind every munition in reach or ringed (report's source list).
        cat = load_catalog(ws)
        used = {(r["system"], r["munition"]) for e in out["exposure"] for r in e["systems_in_reach"]}
        out["rings"] = range_rings(ws, sites, day)
        used |= {(p["system"], p["munition"]) for p in
                 (f["properties"] for f in out["rings"]["features"])}
        out["weapon_sources"] = sorted({_source_label(cat.systems[s].munition(m).source)
                                        for s, m in used if s in cat.systems})
        out["reach"] = reach_areas(ws, day, sorted({f.operator for f in sites}) or
                                   default_against(ws, day))
        pairs = default_corridors(ws)
        if pairs:
            try:
                out["corridors"] = corridor_features(ws, pairs, day)
                # Which places' loss alone (or in pairs) would cut each open corridor.
                crit = {}
                for a, b in pairs:
                    c = corridor(ws, a, b, day)
                    crit[(c["from"], c["to"])] = [", ".join(x["places"]) for x in
                                                  c.get("critical_places", []) if x["cuts"]]
                out["critical"] = crit
            except NotFoundError as exc:  # no road network near a site
                out["caveats"].append(f"corridors: {exc}")
    for f in sites:
        for v in site_verdicts(site_counts(ws.store, f.id)):
            vd = v.to_dict()
            if vd["synthetic"] or not start <= dt.date.fromisoformat(vd["date"]) <= day:
                continue
            vd["site"] = f.id
            vd["ref"] = (f"data/imagery.json#{f.id}/{vd['area']}/{vd['class']}/{vd['date']}; "
                         f"{vd['source']}")
            out["imagery"].append(vd)
        try:
            af, daily = daily_rows(ws, f.id)
        except NotFoundError:
            continue
        for ev in event_rows(ws, af.ident, None):
            t = dt.date.fromisoformat(ev["time"][:10])
            if ev["military"] and start <= t <= day:
                out["flights"].append({**ev, "site": f.id, "ref": f"data/flights.json#"
                                       f"{ev['hex']}@{ev['time']}; {ev['source']}"})
        for r in daily:
            if r["surge"] and start.isoformat() <= r["day"] <= day.isoformat():
                out["surges"].append({**{k: _finite(v) for k, v in r.items()}, "site": f.id,
                                      "ref": f"data/flights.json#daily/{af.ident}/{r['day']}/{r['category']}"})
    ids = {f.id for f in sites}
    # Alerts raised by tripwires up to the report's date (site overrun, in reach, ...).
    out["alerts"] = [{**a.to_dict(), "ref": f"data/alerts.json#{a.tripwire}/{a.date}"}
                     for a in ws.store.select(ALERTS, order_by=("date",))
                     if a.date <= day and a.site in ids]
    cs = load_claimset(ws, as_of=day)
    for c in claim_rows(cs, ids or None, start, day):
        if c["published"][:10] <= day.isoformat():  # no hindsight from later posts
            out["claims"].append({**c, "ref": f"data/claims.json#{c['id']}; "
                                  f"{c['url'] or c['source']['name']}"})
    for f in sites if snapshot is not None else []:
        days_ = [d for d in ws.control_dates() if d <= day]
        out["charts"].setdefault(f.id, {"name": f.name, "distance": [], "probability": []})
        out["charts"][f.id]["probability"] = [
            (a.date.isoformat(), round(a.probability, 3), a.synthetic)
            for a in site_timeline(ws, f, days_)]
        asm = site_assessment(ws, f, day).to_dict()
        asm["ref"] = f"data/assessment.json#{f.id}"
        out["assessments"].append(asm)
    return out


def _t(head: list[str], rows: list[list[Any]], syn: list[bool] | None = None) -> str:
    if not rows:
        return '<p class="none">No records for this date.</p>'
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    trs = []
    for i, r in enumerate(rows):
        mark = syn is not None and syn[i]
        cells = "".join(f"<td>{html.escape(str(c))}</td>" for c in r)
        tag = '<td class="m">SYNTHETIC</td>' if mark else "<td></td>"
        trs.append(f"<tr{' class=syn' if mark else ''}>{cells}{tag}</tr>")
    return f"<table><thead><tr>{th}<th>mark</th></tr></thead><tbody>{''.join(trs)}</tbody></table>"


def _chart(title: str, points: list[tuple[str, float, bool]], unit: str, ymax: float,
           ref: str, rules: tuple[tuple[float, str], ...] = ()) -> str:
    """A small SVG line chart (no script): one dot per date, synthetic dots purple, each dot
    titled with its value and the records it came from."""
    if not points:
        return ""
    w, h, left, bottom = 420, 150, 40, 22
    n = max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * (w - left - 10) / n, 8 + (h - bottom - 8) * (1 - v / ymax)

    out = [f'<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="{w}" '
           f'height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{html.escape(title)}">',
           f'<line x1="{left}" y1="{h - bottom}" x2="{w - 10}" y2="{h - bottom}" stroke="#999"/>']
    for v, label in rules:
        if v <= ymax:
            _, y = xy(0, v)
            out.append(f'<line x1="{left}" x2="{w - 10}" y1="{y:.1f}" y2="{y:.1f}" '
                       f'stroke="#c62828" stroke-dasharray="4 3"><title>{html.escape(label)}'
                       f'</title></line><text x="{w - 12}" y="{y - 2:.1f}" font-size="9" '
                       f'text-anchor="end" fill="#c62828">{html.escape(label)}</text>')
    for v in (0, ymax / 2, ymax):
        _, y = xy(0, v)
        out.append(f'<text x="{left - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end">'
                   f'{v:g}</text>')
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, p[1]) for i, p in enumerate(points)))
    out.append(f'<polyline points="{line}" fill="none" stroke="#455a64" stroke-width="1.5"/>')
    for i, (d, v, syn) in enumerate(points):
        x, y = xy(i, v)
        # Squares, so that the map's circles stay one per facility.
        out.append(f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" '
                   f'fill="{"#8e24aa" if syn else "#222"}"><title>{d}: {v:g} {unit}'
                   f'{" (SYNTHETIC)" if syn else ""}; {html.escape(ref)}</title></rect>')
    for i in (0, len(points) - 1):
        x, _ = xy(i, 0)
        out.append(f'<text x="{x:.1f}" y="{h - 6}" font-size="9" text-anchor="middle">'
                   f'{points[i][0]}</text>')
    out.append(f"</svg><figcaption>{html.escape(title)} (refs: {html.escape(ref)})"
               "</figcaption></figure>")
    return "".join(out)


def render_sections(sec: dict[str, Any]) -> str:
    """The sections as HTML (self-contained: no links to load, only text links to sources)."""
    parts = ["<h2>C. Exposure: distance to hostile ground and weapons in reach</h2>",
             _t(["site", "km to hostile ground", "nearest hostile (state)", "weapons in reach (since)",
                 "refs"],
                [[e["name"], e["distance_km"] if e["distance_km"] is not None else "-",
                  (e["nearest_faction"] or "-") + _state_note(e),
                  "; ".join(f"{reach_words(r)} [{r['faction']}"
                            f"{', captured' if r['captured'] else ''}] max {r['max_range_km']} km"
                            for r in e["systems_in_reach"]) or "none", e["ref"]]
                 for e in sec["exposure"]], [e["synthetic"] for e in sec["exposure"]])]
    for sid, ch in sec.get("charts", {}).items():
        ranges = sorted({(r["max_range_km"], f"{r['name']} {r['munition']}")
                         for e in sec["exposure"] if e["facility"] == sid
                         for r in e["systems_in_reach"]})
        ymax = max([v for _, v, _ in ch["distance"]] + [r for r, _ in ranges] + [1.0]) * 1.1
        parts.append(_chart(f"{ch['name']}: km to hostile ground per day", ch["distance"], "km",
                            round(ymax), f"data/exposure.json#{sid}; control snapshots",
                            tuple(ranges)))
    rings = (sec["rings"] or {}).get("features", [])
    parts.append("<h3>Range rings on the map</h3>" + _t(
        ["site", "system", "munition", "radius km", "held by", "in reach", "refs"],
        [[p["site_name"], p["system_name"], p["munition"], p["radius_km"], p["faction"],
          "yes" if p["in_reach"] else "no", f"data/rings.geojson; {p['source']}; {p['holding_source']}"]
         for p in (f["properties"] for f in rings)], [f["properties"]["synthetic"] for f in rings]))
    parts.append("<h3>Alerts raised by tripwires</h3>" + _t(
        ["date", "site", "alert", "evidence", "refs"],
        [[a["date"], a["site"], a["message"], "; ".join(a["evidence"]), a["ref"]]
         for a in sec.get("alerts", [])], [a["synthetic"] for a in sec.get("alerts", [])]))
    corr = [f["properties"] for f in (sec["corridors"] or {}).get("features", [])
            if f["properties"]["kind"] != "break"]
    breaks: dict[tuple[str, str], list[str]] = {}
    for f in (sec["corridors"] or {}).get("features", []):
        p = f["properties"]
        if p["kind"] == "break":
            breaks.setdefault((p["from"], p["to"]), []).append(p["near"])
    parts.append("<h2>D. Corridors by road through friendly ground</h2>" + _t(
        ["from", "to", "state", "length km", "breaks near", "its loss would cut it", "refs"],
        [[p["from"], p["to"], "connected" if p["connected"] else "CUT", p["length_km"] or "-",
          ", ".join(breaks.get((p["from"], p["to"]), [])) or "-",
          "; ".join(sec["critical"].get((p["from"], p["to"]), [])) or "-",
          "data/corridors.geojson; road network and control snapshot"] for p in corr],
        [p["synthetic"] for p in corr]))
    parts.append("<h2>E-F. Imagery counts judged against each site's history</h2>" + _t(
        ["date", "site", "area", "class", "count", "verdict", "against the history", "refs"],
        [[r["date"], r["site"], r["area"], r["class"], r["count"], r["verdict"], r["text"], r["ref"]]
         for r in sec["imagery"]], [bool(r["history_synthetic"]) for r in sec["imagery"]]))
    parts.append("<h2>G. Military flights at watched airfields</h2>" + _t(
        ["time", "registration", "type", "operator", "event", "airfield", "toward", "refs"],
        [[e["time"][:16], e["registration"], e["type"], e["operator"], e["kind"], e["airfield"],
          e["destination"] or "-", e["ref"]] for e in sec["flights"]],
        [e["synthetic"] for e in sec["flights"]]))
    parts.append("<h3>Take-offs above the baseline</h3>" + _t(
        ["day", "airfield", "category", "take-offs", "baseline per day", "p", "refs"],
        [[r["day"], r["airfield"], r["category"], r["count"], r["baseline_rate"], r["p_value"], r["ref"]]
         for r in sec["surges"]], [r["synthetic"] for r in sec["surges"]]))
    parts.append("<h2>H. Claims in reports, with source grades</h2>" + _t(
        ["event date", "subject", "claim", "source [grade]", "corroboration", "official silence",
         "text", "refs"],
        [[c["event_date"], c["subject"]["label"], f"{c['kind']} ({c['stance']})",
          f"{c['source']['name']} [{c['source']['grade']}]",
          f"{c['corroboration']} independent origin(s)",
          ", ".join(s["source"] for s in c["silence"]) or "-", c["text"][:160], c["ref"]]
         for c in sec["claims"]], [c["synthetic"] for c in sec["claims"]]))
    parts.append("<h2>I. Assessment: withdrawal or evacuation under way?</h2>")
    if not sec["assessments"]:
        parts.append('<p class="none">No records for this date.</p>')
    for a in sec["assessments"]:
        ch = sec.get("charts", {}).get(a["site"], {})
        parts.append(_chart(f"{ch.get('name', a['site'])}: probability of withdrawal per day",
                            ch.get("probability", []), "", 1.0, f"{a['ref']}; likelihood table"))
        prior = a["priors"].get(a["focus"], 0.0)
        parts.append(f"<h3>{html.escape(a['site'])}: {html.escape(a['words'])} "
                     f"({a['probability'] * 100:.0f}%; prior {prior * 100:.0f}%)</h3>")
        parts.append(_t(["date", "kind", "evidence", "source", "likelihood ratio", "after", "refs"],
                        [[s["date"], s["kind"], s["description"], s["source"], s["likelihood_ratio"],
                          f"{s['probability_after'] * 100:.1f}%",
                          f"{a['ref']}; " + (", ".join(s["refs"]) or s["group"])]
                         for s in a["steps"]], [s["synthetic"] for s in a["steps"]]))
    return "\n".join(parts)
