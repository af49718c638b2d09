"""Reports and claims commands: posts import, feeds poll, sources, claims, export stix."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from basewatch.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    handle_errors,
    open_workspace,
    print_json,
)
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model._util import parse_date, parse_datetime
from basewatch.model.reports import RELIABILITY, Report, ReportSource
from basewatch.sources.posts_common import POST_FORMATS, PostDefaults
from basewatch.store.reports import SOURCES, find_source

posts_app = typer.Typer(help="Posts and articles: import them with their sources.",
                        no_args_is_help=True)
feeds_app = typer.Typer(help="RSS/Atom feeds: poll them (conditional GET, back-off).",
                        no_args_is_help=True)
sources_app = typer.Typer(help="Sources of reports and their Admiralty grades.",
                          no_args_is_help=True)
export_app = typer.Typer(help="Export the workspace to other tools.", no_args_is_help=True)

SilenceWindowOpt = Annotated[int, typer.Option("--window", help="Days after a claim group in "
                                               "which official sources are looked for")]


# --- posts, feeds ----------------------------------------------------------------------------

@posts_app.command("import")
@handle_errors
def posts_import(
    path: Annotated[Path, typer.Argument(help="File of posts (see docs/formats.md)")],
    fmt: Annotated[str | None, typer.Option("--format", help=f"{'|'.join(POST_FORMATS)} "
                                            "(default: from the file)")] = None,
    source: Annotated[str, typer.Option(help="Source, if the file does not say")] = "",
    date: Annotated[str | None, typer.Option("--date", help="Published time (text files)")] = None,
    url: Annotated[str, typer.Option(help="Link of the article, or a Telegram channel's base "
                                     "URL")] = "",
    language: Annotated[str, typer.Option(help="Language code, e.g. en, ru (default: "
                                          "detected per post)")] = "",
    chat: Annotated[str, typer.Option("--chat", help="Only this chat (name or id) of a "
                                      "whole-account Telegram export")] = "",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import posts from RSS, Atom, a Telegram export (one chat or a whole account), Telethon
    or snscrape JSON, an X/Twitter archive's tweets.js, JSON lines or a text article."""
    if fmt is not None and fmt not in POST_FORMATS:
        raise ValidationError(f"--format {fmt!r}: choose from {', '.join(POST_FORMATS)}")
    defaults = PostDefaults(source=source, url=url, language=language, chat=chat,
                            published=parse_datetime(date, field="--date") if date else None)
    with open_workspace(workspace, create=True) as ws:
        from basewatch.sources.reports import import_posts  # numpy, shapely, feedparser

        parsed, result = import_posts(ws, path, fmt, defaults)
    n_reports = sum(1 for r in parsed.records if isinstance(r, Report))
    if as_json:
        print_json({"path": str(path), "kind": parsed.kind, "reports": n_reports,
                    "inserted": result.inserted, "updated": result.updated,
                    "unchanged": result.unchanged, "warnings": parsed.warnings})
        return
    for w in parsed.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    console.print(f"{path}: {n_reports} reports; {result.inserted} new, {result.updated} updated, "
                  f"{result.unchanged} unchanged", highlight=False)


@feeds_app.command("poll")
@handle_errors
def feeds_poll(
    url: Annotated[str, typer.Argument(help="Feed URL")],
    source: Annotated[str, typer.Option(help="Source name (default: the feed's title)")] = "",
    timeout: Annotated[float, typer.Option(help="HTTP timeout, seconds")] = 20.0,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fetch a feed (sending ETag/Last-Modified) and import new entries."""
    import httpx

    from basewatch.sources.feeds import poll_into

    with open_workspace(workspace, create=True) as ws, \
            httpx.Client(timeout=timeout, follow_redirects=True) as client:
        res, put, parsed = poll_into(ws, url, client, source=source)
    out = {"url": url, "status": res.status, "not_modified": res.not_modified,
           "inserted": put.inserted, "waits_s": res.waits_s,
           "warnings": parsed.warnings if parsed else []}
    if as_json:
        print_json(out)
        return
    if res.not_modified:
        console.print(f"{url}: not modified since the last poll")
    else:
        console.print(f"{url}: {put.inserted} new reports", highlight=False)


# --- sources ---------------------------------------------------------------------------------

@sources_app.command("import")
@handle_errors
def sources_import(path: Annotated[Path, typer.Argument(help="sources.json")],
                   workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Register sources (and the analyst's grades) from a JSON file."""
    with open_workspace(workspace, create=True) as ws:
        from basewatch.sources.reports import import_sources

        parsed, result = import_sources(ws, path)
    if as_json:
        print_json({"sources": len(parsed.records), "inserted": result.inserted,
                    "updated": result.updated})
        return
    console.print(f"{path}: {len(parsed.records)} sources; {result.inserted} new, "
                  f"{result.updated} updated")


@sources_app.command("grade")
@handle_errors
def sources_grade(
    name: Annotated[str, typer.Argument(help="Source id, name or handle")],
    reliability: Annotated[str, typer.Argument(help="Admiralty reliability A-F")],
    credibility: Annotated[int, typer.Argument(help="Default information credibility 1-6")],
    by: Annotated[str, typer.Option("--by", help="Who grades (kept with the grade)")] = "analyst",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Grade a source: reliability A-F and the default credibility 1-6 of its claims."""
    with open_workspace(workspace) as ws:
        src = find_source(ws.store, name)
        graded = replace(src, reliability=reliability, default_credibility=credibility,
                         graded_by=by, graded_on=dt.datetime.now(dt.UTC).date())
        graded = ReportSource.from_dict(graded.to_dict())  # validates the grade
        with ws.store.transaction():
            ws.store.put(SOURCES, [graded])
    if as_json:
        print_json(graded.to_dict())
        return
    console.print(f"{graded.id}: graded {graded.grade} "
                  f"({RELIABILITY[graded.reliability]}) by {by}", highlight=False)


@sources_app.command("list")
@handle_errors
def sources_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Registered sources with their grades; ungraded ones say so."""
    with open_workspace(workspace) as ws:
        items: list[ReportSource] = ws.store.select(SOURCES, order_by=("id",))
    if as_json:
        print_json([{**s.to_dict(), "grade": s.grade} for s in items])
        return
    t = Table(title="Sources")
    for c in ("id", "name", "kind", "grade", "graded by", "affiliation"):
        t.add_column(c)
    for s in items:
        t.add_row(s.id, s.name, s.kind.value, s.grade, s.graded_by or "-", s.affiliation)
    console.print(t)


# --- claims ----------------------------------------------------------------------------------

claims_app = typer.Typer(help="Claims extracted from reports; `claims unknown-names` lists "
                         "names the gazetteer lacks.", invoke_without_command=True)


@claims_app.command("unknown-names")
@handle_errors
def claims_unknown_names(
    min_count: Annotated[int, typer.Option("--min", help="Only names posts use at least this "
                                           "often")] = 2,
    limit: Annotated[int, typer.Option(help="At most this many names")] = 50,
    since: Annotated[str | None, typer.Option("--from", help="Only posts published from this "
                                              "date (YYYY-MM-DD)")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Places and units that posts name often and the workspace does not know, with counts
    and examples: add them as places or aliases."""
    from basewatch.analysis.claims import Gazetteer
    from basewatch.analysis.unknown_names import unknown_names
    from basewatch.store.reports import iter_reports

    day = parse_date(since, field="--from") if since else None
    start = dt.datetime.combine(day, dt.time(), dt.UTC) if day else None
    with open_workspace(workspace) as ws:
        gaz = Gazetteer.build(ws.facilities(), ws.places())
        found = unknown_names(iter_reports(ws.store, start), gaz,
                              min_count=min_count)[:limit]
    if as_json:
        print_json([u.to_dict() for u in found])
        return
    t = Table(title=f"Names posts use that the workspace does not know ({len(found)})")
    for c in ("kind", "name", "count", "sources", "forms", "example"):
        t.add_column(c)
    for u in found:
        forms = ", ".join(f for f, _ in sorted(u.forms.items(), key=lambda x: -x[1])[:4])
        t.add_row(u.kind, escape(u.name), str(u.count), str(len(u.sources)), escape(forms),
                  escape(u.examples[0]["text"] if u.examples else ""))
    console.print(t)


ClaimSiteOpt = Annotated[str | None, typer.Option(
    "--site", help="Only claims on or tied to this site or place")]
ClaimFromOpt = Annotated[str | None, typer.Option("--from", help="Event date from (YYYY-MM-DD)")]
ClaimToOpt = Annotated[str | None, typer.Option("--to", help="Event date to (YYYY-MM-DD)")]
ClaimKindOpt = Annotated[str | None, typer.Option("--kind", help="Only this claim kind")]


@handle_errors
def claims(
    site: ClaimSiteOpt = None,
    start: ClaimFromOpt = None,
    end: ClaimToOpt = None,
    kind: ClaimKindOpt = None,
    window: SilenceWindowOpt = 3,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Claims extracted from reports: subject, kind, stance, date, source grade, span,
    corroboration and official silence."""
    d0 = parse_date(start, field="--from") if start else None
    d1 = parse_date(end, field="--to") if end else None
    with open_workspace(workspace) as ws:
        ids: set[str] = set()
        if site:
            try:
                ids.add(ws.facility(site).id)
            except NotFoundError:
                pass
            try:
                ids.add(ws.place(site).id)
            except NotFoundError:
                if not ids:
                    raise
        from basewatch.queries.claims import claim_rows, load_claimset

        cs = load_claimset(ws, window_days=window, as_of=d1, site_ids=ids or None)
    out = claim_rows(cs, ids, d0, d1, kind)
    if as_json:
        keys = {r["group"] for r in out}
        print_json({"site": site, "claims": out,
                    "groups": [g.to_dict() for g in cs.groups if g.key in keys]})
        return
    console.print(f"[bold]Claims{' on ' + site if site else ''}[/]: {len(out)}")
    for r in out:
        subj = r["subject"]["label"] + (f" @{r['site']}" if r["site"] else "")
        subj += f" -> {r['destination']}" if r["destination"] else ""
        mark = "[bold magenta]SYNTHETIC[/] " if r["synthetic"] else ""
        corr = f"corroboration {r['corroboration']}" + (" [red]CONFLICT[/]" if r["conflict"]
                                                       else "")
        console.print(f"{mark}{r['event_date']}  [bold]{subj}[/] {r['kind']} ({r['stance']})  "
                      f"{escape(r['source']['name'])} {escape('[' + r['source']['grade'] + ']')}  {corr}", highlight=False,
                      soft_wrap=True)
        console.print(f"    [dim]\"{escape(r['text'][:100])}\"[/]", highlight=False, soft_wrap=True,
                      markup=True)
    seen: set[tuple[str, str]] = set()
    for r in out:
        for s in r["silence"]:
            if (s["group"], s["source_id"]) not in seen:
                seen.add((s["group"], s["source_id"]))
                console.print(f"[dim]silence:[/] {s['statement']}", highlight=False)


@claims_app.callback()
def _claims_default(
    ctx: typer.Context,
    site: ClaimSiteOpt = None,
    start: ClaimFromOpt = None,
    end: ClaimToOpt = None,
    kind: ClaimKindOpt = None,
    window: SilenceWindowOpt = 3,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Claims extracted from reports: subject, kind, stance, date, source grade, span,
    corroboration and official silence."""
    if ctx.invoked_subcommand is None:
        claims(site, start, end, kind, window, workspace, as_json)


@export_app.command("stix")
@handle_errors
def export_stix(
    out: Annotated[Path, typer.Option("--out", help="STIX 2.1 bundle file to write (JSON)")],
    analyst: Annotated[str, typer.Option(help="Name of the exporting analyst")] =
    "basewatch analyst",
    workspace: WorkspaceOpt = None,
) -> None:
    """Export sources, reports, claims, sites and silences as a STIX 2.1 bundle."""
    with open_workspace(workspace) as ws:
        from basewatch.queries.claims import load_claimset
        from basewatch.sources.stix import stix_bundle

        cs = load_claimset(ws)
    bundle = stix_bundle(list(cs.sources.values()), list(cs.reports.values()), cs.claims,
                         cs.groups, cs.sites, analyst=analyst)
    text = bundle.serialize(pretty=True)
    json.loads(text)  # never write a file that is not JSON
    out.write_text(text + "\n", "utf-8")
    console.print(f"{out}: {len(bundle.objects)} STIX objects", highlight=False)
