"""`basewatch demo`: build the bundled Syria scenario and show claims A and B."""

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
from basewatch.cli._common import console, handle_errors, print_json
from basewatch.demo.build import DEMO_FILES, build_demo
from basewatch.store import Workspace

DEMO_START = dt.date(2024, 11, 27)
DEMO_END = dt.date(2024, 12, 8)


@handle_errors
def demo(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="Folder to build the demo in")] =
    Path("demo-workspace"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the demo's findings as JSON")] = False,
) -> None:
    """Build the demo workspace (Syria, 27 Nov - 8 Dec 2024) and show what it finds."""
    steps = len(DEMO_FILES) + 2
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True, disable=as_json) as progress:
        task = progress.add_task("building demo workspace", total=steps)

        def step(name: str) -> None:
            progress.update(task, description=name, advance=1)

        reports = build_demo(workspace, step=step)
    with Workspace(workspace) as ws:
        counts = ws.survey_counts()
        places = ws.places()
        areas = ws.control_between(DEMO_START, DEMO_END)
        hama, homs = ws.place("Hama"), ws.place("Homs")
    inv = inventory_from_survey(counts, DEMO_END, ("operator",))
    editions = survey_editions(counts)
    diff = survey_diff(counts, editions[-2], editions[-1]) if len(editions) > 1 else None
    snaps: dict[dt.date, list[Any]] = {}
    for a in areas:
        snaps.setdefault(a.date, []).append(a)
    ch = control_changes(snaps, places, DEMO_START, DEMO_END)
    hama_homs = float(distance_m(hama.lon, hama.lat, homs.lon, homs.lat)) / 1000
    findings = {
        "workspace": str(workspace),
        "imports": [r.to_dict() for r in reports],
        "claim_A_inventory": {**(inv.to_dict() if inv else {}),
                              "change": diff.to_dict() if diff else None},
        "claim_B_control": {"places_changed": [c.to_dict() for c in ch.places],
                            "hama_homs_km": round(hama_homs, 1), "synthetic": ch.synthetic},
    }
    if as_json:
        print_json(findings)
        return
    changed = sum(r.result.changed for r in reports)
    console.print(f"[bold]Demo workspace[/] {workspace} "
                  f"({'built' if changed else 'already up to date'}; "
                  f"{sum(r.parsed for r in reports)} records)")
    if inv:
        t = Table(title=f"A. Foreign military facilities in Syria, {inv.edition}")
        t.add_column("operator")
        t.add_column("facilities", justify="right")
        for r in inv.rows:
            t.add_row(r["operator"], str(r["count"]))
        bt = inv.by_type
        t.caption = (f"total {inv.total} = {bt.get('base', 0)} bases + {bt.get('point', 0)} "
                     f"checkpoints; largest: {inv.largest_operator}")
        console.print(t)
        if diff:
            console.print(f"   change since {diff.old}: {diff.change:+d} ({diff.change_pct:+.1f} %)")
        for n in inv.notes:
            console.print(f"   [dim]{n}[/]", highlight=False)
    p = Table(title=f"B. Places that changed hands, {DEMO_START} - {DEMO_END}")
    for c in ("date", "place", "from", "to"):
        p.add_column(c)
    for c in ch.places:
        p.add_row(c.date.isoformat(), c.place, c.from_faction or "-", c.to_faction or "-")
    console.print(p)
    console.print(f"   Hama - Homs: {hama_homs:.1f} km (geodesic)")
    if ch.synthetic:
        console.print("   [bold magenta]SYNTHETIC[/] control polygons: made by "
                      "basewatch.demo.control_gen from documented capture dates (see their "
                      "provenance); not real front lines.", highlight=False)
    console.print(f"\nNext: basewatch --help; e.g. basewatch control changes --from 2024-11-27 "
                  f"--to 2024-12-08 -w {workspace}")
