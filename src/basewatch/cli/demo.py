"""`basewatch demo`: build the bundled Syria scenario and walk through the article's claims."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from basewatch.analysis.control import control_changes
from basewatch.analysis.geodesy import distance_m
from basewatch.analysis.inventory import inventory_from_survey, survey_diff, survey_editions
from basewatch.analysis.tripwires import run_tripwires
from basewatch.cli._common import (
    global_json,
    global_workspace,
    console,
    handle_errors,
    print_json,
)
from basewatch.demo.build import DEMO_FILES, build_demo
from basewatch.queries.assessment import site_assessment
from basewatch.queries.claims import load_claimset
from basewatch.queries.corridors import corridor
from basewatch.queries.exposure import exposure_series
from basewatch.queries.facts import site_facts
from basewatch.queries.flights import daily_rows, event_rows
from basewatch.store import Workspace
from basewatch.store.assessment import ALERTS, TRIPWIRES

DEMO_START = dt.date(2024, 11, 27)
DEMO_END = dt.date(2024, 12, 8)
DAYS = [DEMO_START + dt.timedelta(days=k) for k in range((DEMO_END - DEMO_START).days + 1)]
SYN = "[bold magenta]SYNTHETIC[/]"


def findings(ws: Workspace) -> dict[str, Any]:
    """Every claim of the article, computed from the workspace by the product's analyses."""
    counts = ws.survey_counts()
    inv = inventory_from_survey(counts, DEMO_END, ("operator",))
    editions = survey_editions(counts)
    diff = survey_diff(counts, editions[-2], editions[-1]) if len(editions) > 1 else None
    snaps: dict[dt.date, list[Any]] = {}
    for a in ws.control_between(DEMO_START, DEMO_END):
        snaps.setdefault(a.date, []).append(a)
    ch = control_changes(snaps, ws.places(), DEMO_START, DEMO_END)
    hama, homs = ws.place("Hama"), ws.place("Homs")
    khmeimim, tartus = ws.facility("khmeimim"), ws.facility("tartus")
    expo = exposure_series(ws, [khmeimim, tartus], DAYS)
    first: dict[str, dict[str, str]] = {}
    for day in DAYS:
        for e in expo[day]:
            for r in e.reach:
                first.setdefault(e.facility, {}).setdefault(f"{r.system_name} {r.munition}",
                                                            day.isoformat())
    on4 = {e.facility: e for e in expo[dt.date(2024, 12, 4)]}
    d_before = corridor(ws, "tartus", "damascus", dt.date(2024, 12, 4))
    d_after = corridor(ws, "tartus", "damascus", dt.date(2024, 12, 8), critical=False)
    d_whatif = corridor(ws, "tartus", "damascus", dt.date(2024, 12, 4),
                        assume_captured=["Hama", "Homs"], critical=False)
    af, daily = daily_rows(ws, "khmeimim")
    g_events = [e for e in event_rows(ws, af.ident, "2024-12-04") if e["registration"] == "RA-78847"]
    g_surge = [r for r in daily if r["category"] == "heavy transport" and r["day"] >= "2024-11-27"]
    cs = load_claimset(ws)
    tartus_groups = [g for g in cs.groups if g.kind.value == "departure"
                     and "tartus" in {g.subject_id} | {c.tied_site for c in g.claims}]
    assess = {s: site_assessment(ws, ws.facility(s), dt.date(2024, 12, 5)) for s in ("tartus", "khmeimim")}
    tws = ws.store.select(TRIPWIRES)
    timeline = {s: site_facts(ws, ws.facility(s), DAYS) for s in sorted({t.site for t in tws})}
    alerts = run_tripwires(tws, timeline)
    known = {a.key for a in ws.store.select(ALERTS)}
    ws.store.put(ALERTS, [a for a in alerts if a.key not in known])
    from basewatch.demo.imagery_gen import demo_findings as imagery_findings

    return {
        **imagery_findings(ws),
        "A_inventory": {**(inv.to_dict() if inv else {}), "change": diff.to_dict() if diff else None},
        "B_control": {"places_changed": [c.to_dict() for c in ch.places],
                      "hama_homs_km": round(float(distance_m(hama.lon, hama.lat, homs.lon, homs.lat)) / 1000, 1),
                      "synthetic": ch.synthetic},
        "C_exposure": {"on_2024_12_04": {k: e.to_dict() for k, e in on4.items()},
                       "first_in_reach": first},
        "D_corridor": {"2024-12-04": {k: v for k, v in d_before.items() if k != "route"},
                       "2024-12-08": {k: v for k, v in d_after.items() if k != "route"},
                       "2024-12-04_assuming_Hama_Homs": {k: v for k, v in d_whatif.items() if k != "route"}},
        "G_flights": {"events": g_events, "heavy_transport_daily": g_surge},
        "H_claims": {"tartus_departure_groups": [g.to_dict() for g in tartus_groups]},
        "I_assessment": {k: a.to_dict() for k, a in assess.items()},
        "alerts": [a.to_dict() for a in alerts],
    }


@handle_errors
def demo(
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="Folder to build the demo in (default: demo-workspace)",
        callback=global_workspace)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the demo's findings as JSON",
                                          callback=global_json)] = False,
) -> None:
    """Build the demo workspace (Syria, 27 Nov - 8 Dec 2024) and show the article's claims,
    each computed from the data."""
    workspace = workspace if workspace is not None else Path("demo-workspace")
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True, disable=as_json) as progress:
        task = progress.add_task("building demo workspace", total=len(DEMO_FILES) + 3)

        def step(name: str) -> None:
            progress.update(task, description=name, advance=1)

        reports = build_demo(workspace, step=step)
        step("computing the claims")
        with Workspace(workspace) as ws:
            f = findings(ws)
    if as_json:
        print_json({"workspace": str(workspace), "imports": [r.to_dict() for r in reports], **f})
        return
    _show(workspace, reports, f)


def _show(workspace: Path, reports: list[Any], f: dict[str, Any]) -> None:
    changed = sum(r.result.changed for r in reports)
    console.print(f"[bold]Demo workspace[/] {workspace} ({'built' if changed else 'up to date'}). "
                  "The article's claims, computed from the data:\n")
    a = f["A_inventory"]
    t = Table(title=f"A. Foreign military facilities in Syria ({a['edition']['publisher']}, "
                    f"{a['edition']['date']})")
    t.add_column("operator")
    t.add_column("facilities", justify="right")
    for r in a["rows"]:
        t.add_row(r["operator"], str(r["count"]))
    bt = a["by_type"]
    console.print(t)
    console.print(f"   total {a['total']} = {bt.get('base', 0)} bases + {bt.get('point', 0)} "
                  f"checkpoints; largest: {a['largest_operator']}; change since "
                  f"{a['change']['old']['date']}: {a['change']['change']:+d} "
                  f"({a['change']['change_pct']:+.1f} %)", highlight=False)
    b = f["B_control"]
    console.print("[bold]B.[/] Places that changed hands: " + "; ".join(
        f"{c['place']} {c['date'][5:]} ({c['to']})" for c in b["places_changed"]
        if c["place"] in ("Aleppo", "Hama", "Homs", "Damascus")))
    console.print(f"   Hama - Homs {b['hama_homs_km']} km (geodesic). {SYN} control polygons "
                  "(seeded generator from documented capture dates).", highlight=False)
    c = f["C_exposure"]
    k4 = c["on_2024_12_04"]["khmeimim"]
    console.print(f"[bold]C.[/] 4 Dec: Khmeimim {k4['distance_km']:.0f} km from {k4['nearest_faction']} "
                  f"ground; in reach: " + ", ".join(f"{r['name']} {r['munition']}" for r in k4["systems_in_reach"]))
    for site, items in c["first_in_reach"].items():
        console.print(f"   {site}: " + "; ".join(f"{k} since {v}" for k, v in items.items()))
    d = f["D_corridor"]
    crit = d["2024-12-04"].get("minimum_cut")
    console.print(f"[bold]D.[/] Tartus - Damascus by road through friendly ground: 4 Dec "
                  f"{'connected' if d['2024-12-04']['connected'] else 'CUT'} "
                  f"({d['2024-12-04']['length_km']} km; critical: {', '.join(crit or [])}); 8 Dec "
                  f"{'connected' if d['2024-12-08']['connected'] else 'CUT'}; 4 Dec assuming Hama "
                  f"and Homs captured: {'connected' if d['2024-12-04_assuming_Hama_Homs']['connected'] else 'CUT'}")
    from basewatch.cli.imagery import print_demo_claims

    print_demo_claims(f)
    for e in f["G_flights"]["events"]:
        mark = f" {SYN}" if e["synthetic"] else ""
        console.print(f"[bold]G.[/] {e['time'][:16]} {e['type']} {e['registration']} ({e['operator']}) "
                      f"{e['kind']} from {e['airfield']} rwy {e['runway']}, toward {e['destination']} "
                      f"({e['destination_method']}){mark}", highlight=False)
    surges = [r for r in f["G_flights"]["heavy_transport_daily"] if r["surge"]]
    if surges:
        console.print("   heavy-transport take-offs above baseline on " + ", ".join(
            f"{r['day'][5:]} ({r['count']} vs {r['baseline_rate']:.2f}/day)" for r in surges)
            + f" {SYN}", highlight=False)
    h = f["H_claims"]["tartus_departure_groups"]
    if h:
        g = max(h, key=lambda g: g["corroboration"])
        sil = "; ".join(s["source"] for s in g["silences"]) or "none recorded"
        console.print(f"[bold]H.[/] Tartus departure: {g['claims']} claims from "
                      f"{', '.join(g['sources'])}, {g['corroboration']} independent; official "
                      f"silence: {sil}")
    for site, x in f["I_assessment"].items():
        console.print(f"[bold]I.[/] {x['paragraph']}", highlight=False)
    if f["alerts"]:
        console.print("[bold]Alerts[/] " + "; ".join(f"{a['date'][5:]} {a['site']}: "
                                                   f"{a['message'].split(': ', 1)[1].split(' on ')[0]}"
                                                   for a in f["alerts"]))
    console.print(f"\nThe map: basewatch serve -w {workspace}  then open http://127.0.0.1:8000/")
    console.print(f"More: basewatch --help; e.g. basewatch assess --date 2024-12-05 -w {workspace}")
