"""Assessment commands: assess, assess timeline, tripwires, alerts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from basewatch.cli._common import (
    DateOpt,
    JsonOpt,
    WorkspaceOpt,
    console,
    date_or_today,
    handle_errors,
    open_workspace,
    print_json,
)
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model import Facility
from basewatch.model._util import parse_date
from basewatch.store import Workspace
from basewatch.store.assessment import ALERTS, TRIPWIRES, add_tripwire

app = typer.Typer(help="Per-site probabilities of competing hypotheses, with the evidence.",
                  invoke_without_command=True)
tripwires_app = typer.Typer(help="Conditions on sites that raise alerts.", no_args_is_help=True)

SiteOpt = Annotated[str | None, typer.Option("--site", help="Facility (name, alias or id)")]
HypOpt = Annotated[str, typer.Option("--hypothesis", help="Hypothesis id to assess")]


FromOpt = Annotated[str | None, typer.Option(
    "--from", help="First day (default: the workspace's first control snapshot)")]
ToOpt = Annotated[str | None, typer.Option(
    "--to", help="Last day (default: the last date anything in the workspace changes)")]


def _days(ws: Workspace, start: str | None, end: str | None) -> list[dt.date]:
    """The days from --from to --to, each defaulting to the workspace's span of dates."""
    d0, d1 = parse_date(start, field="--from"), parse_date(end, field="--to")
    if d0 is None or d1 is None:
        from basewatch.queries.reach import workspace_span

        s0, s1 = workspace_span(ws)
        d0, d1 = d0 or s0, d1 or s1
    if d1 < d0:
        raise ValidationError(f"--to {d1} is before --from {d0}")
    return [d0 + dt.timedelta(days=k) for k in range((d1 - d0).days + 1)]


def _sites(ws: Workspace, site: str | None) -> list[Facility]:
    if site:
        return [ws.facility(site)]
    from basewatch.queries.assessment import gather_indicators  # loads every capability

    out = [f for f in ws.facilities() if gather_indicators(ws, f)]
    if not out:
        raise NotFoundError("no site has any evidence yet (import posts, imagery counts, ...)")
    return out


@app.callback()
@handle_errors
def assess_cmd(ctx: typer.Context, date: DateOpt = None, site: SiteOpt = None,
               hypothesis: HypOpt = "withdrawal", workspace: WorkspaceOpt = None,
               as_json: JsonOpt = False) -> None:
    """Assess each site (or one) on a date: prior, posterior, evidence with likelihood ratios."""
    if ctx.invoked_subcommand is not None:
        return
    day = date_or_today(date)
    with open_workspace(workspace) as ws:
        from basewatch.queries.assessment import load_table, site_assessment, table_warning

        results = [site_assessment(ws, f, day, hypothesis) for f in _sites(ws, site)]
        table = load_table(ws)
        warn = table_warning(ws)
    if as_json:
        print_json([{**a.to_dict(), "warnings": [warn] if warn else []} for a in results])
        return
    if warn:
        console.print(f"[yellow]warning:[/] {warn}", highlight=False)
    names = {h.id: h.name for h in table.hypotheses}
    for a in results:
        t = Table(title=f"{a.site} on {a.date}: P({names.get(a.focus, a.focus)}) = "
                        f"{a.probability:.0%} (prior {a.priors[a.focus]:.0%})")
        for c in ("date", "evidence", "source", "base rate", "LR", "running P"):
            t.add_column(c)
        for s in a.steps:
            i = s.indicator
            br = f"{i.base_rate:.0%} of {i.n_observations}" if i.base_rate is not None else "-"
            mark = " [magenta](SYNTHETIC)[/]" if i.synthetic else ""
            t.add_row(i.date.isoformat(), i.description + mark, i.source, br,
                      f"{s.likelihood_ratio:.2f}", f"{s.probability_after:.0%}")
        if a.steps:  # a site with no evidence yet on this date gets its sentence only
            console.print(t)
        console.print(a.paragraph(names), highlight=False)


@app.command("timeline")
@handle_errors
def timeline(site: Annotated[str, typer.Option("--site", help="Facility")],
             start: FromOpt = None, end: ToOpt = None,
             hypothesis: HypOpt = "withdrawal", workspace: WorkspaceOpt = None,
             as_json: JsonOpt = False) -> None:
    """The probability day by day, with the evidence that moved it."""
    with open_workspace(workspace) as ws:
        days = _days(ws, start, end)
        from basewatch.queries.assessment import site_timeline, table_warning

        series = site_timeline(ws, ws.facility(site), days, hypothesis)
        warn = table_warning(ws)
    rows: list[dict[str, Any]] = [{"date": a.date.isoformat(), "probability": round(a.probability, 4),
             "evidence": len(a.steps), "synthetic": a.synthetic,
             "new": [s.indicator.description for s in a.steps if s.indicator.date == a.date]}
            for a in series]
    if as_json:
        print_json({"site": series[0].site, "hypothesis": hypothesis, "series": rows,
                    "warnings": [warn] if warn else []})
        return
    if warn:
        console.print(f"[yellow]warning:[/] {warn}", highlight=False)
    t = Table(title=f"P({hypothesis}) at {series[0].site}")
    for c in ("date", "P", "new evidence"):
        t.add_column(c)
    for r in rows:
        t.add_row(r["date"], f"{r['probability']:.0%}", "; ".join(r["new"]))
    console.print(t)


@tripwires_app.command("add")
@handle_errors
def tripwire_add(condition: Annotated[str, typer.Argument(help="e.g. 'in_reach(smerch)'")],
                 site: Annotated[str, typer.Option("--site")], workspace: WorkspaceOpt = None) -> None:
    """Add a tripwire on a site (conditions: see `basewatch tripwires --help` and docs)."""
    with open_workspace(workspace) as ws:
        t, _ = add_tripwire(ws.store, ws.facility(site).id, condition)
    console.print(f"tripwire {t.id}: {t.site}: {t.condition}")


@tripwires_app.command("list")
@handle_errors
def tripwire_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    with open_workspace(workspace) as ws:
        items = ws.store.select(TRIPWIRES, order_by=("site", "id"))
    if as_json:
        print_json([t.to_dict() for t in items])
        return
    for t in items:
        console.print(f"{t.id}  {t.site}: {t.condition}", highlight=False)


@tripwires_app.command("run")
@handle_errors
def tripwire_run(start: FromOpt = None, end: ToOpt = None,
                 deliver_to: Annotated[str | None, typer.Option(
                     "--deliver", help="'-' (stdout), a file (JSON lines) or an http(s):// webhook")] = None,
                 workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Evaluate every tripwire day by day (default: the workspace's span of dates); store the
    alerts (each once) and deliver new ones. Every watched site also gets "site overrun"."""
    with open_workspace(workspace) as ws:
        days = _days(ws, start, end)
        tws = ws.store.select(TRIPWIRES)
        from basewatch.queries.facts import tripwire_alerts

        alerts = tripwire_alerts(ws, tws, days)
        known = {a.key for a in ws.store.select(ALERTS)}
        new = [a for a in alerts if a.key not in known]
        ws.store.put(ALERTS, new)
    if deliver_to:
        from basewatch.sources.delivery import deliver

        deliver(new, deliver_to)
    if as_json:
        print_json({"alerts": [a.to_dict() for a in alerts], "new": len(new)})
        return
    for a in alerts:
        mark = " (new)" if a.key not in known else ""
        console.print(f"{a.date}  {a.message}: {'; '.join(a.evidence)}{mark}", highlight=False)


@handle_errors
def alerts(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Alerts raised so far, with the evidence that fired them."""
    with open_workspace(workspace) as ws:
        items = ws.store.select(ALERTS, order_by=("date", "tripwire"))
    if as_json:
        print_json([a.to_dict() for a in items])
        return
    for a in items:
        console.print(f"{a.date}  {a.message}: {'; '.join(a.evidence)}", highlight=False)
