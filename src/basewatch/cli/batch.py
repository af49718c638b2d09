"""`basewatch batch imagery|flights`: the single-process work, spread over a Dask cluster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from basewatch.batch import TaskFailure, cluster_client
from basewatch.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    handle_errors,
    open_workspace,
    print_json,
)
from basewatch.errors import ValidationError
from basewatch.model._util import parse_date

app = typer.Typer(help="Batch processing on Dask: imagery over sites x dates, flights over "
                  "partitions of positions, exposure distances over sites x control snapshots. "
                  "A local cluster by default.", no_args_is_help=True)

#: Exit code of a batch in which some tasks failed (the others' results are stored).
EXIT_PARTIAL = 1

SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Address of a running Dask scheduler (tcp://host:8786); "
    "default: a local cluster")]
WorkersOpt = Annotated[int, typer.Option(
    "--workers", help="Worker processes of the local cluster (ignored with --scheduler)")]
TimeoutOpt = Annotated[float, typer.Option(
    "--connect-timeout", help="Seconds to wait for the --scheduler")]
RetriesOpt = Annotated[int, typer.Option(
    "--retries", help="Extra attempts of a task that raised (a task whose worker died is "
    "re-run anyway)")]


@contextmanager
def _progress(what: str, quiet: bool) -> Iterator[Callable[[str, bool, int], None]]:
    """A progress bar on stderr (stdout stays clean for --json); yields the on_done callback."""
    bar = Progress(TextColumn(f"{what}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("{task.fields[last]}"), console=err_console, transient=True,
                   disable=quiet)
    state: dict[str, Any] = {}

    def done(key: str, ok: bool, total: int) -> None:
        if "id" not in state:
            state["id"] = bar.add_task(what, total=total, last="")
        bar.update(state["id"], advance=1, last=("" if ok else "failed: ") + key)

    with bar:
        yield done


def _failures(failures: list[TaskFailure], what: str) -> None:
    for f in failures:
        err_console.print(f"[bold red]failed:[/] {escape(what)} {escape(f.key)}: "
                          f"{escape(f.error)}", highlight=False, soft_wrap=True)


def _days(date_from: str | None, date_to: str | None, dates: list[str] | None) -> list[dt.date]:
    out = [d for d in (parse_date(x, field="--date") for x in dates or []) if d is not None]
    if date_from or date_to:
        d0 = parse_date(date_from, field="--from") if date_from else None
        d1 = parse_date(date_to, field="--to") if date_to else None
        if d0 is None or d1 is None:
            raise ValidationError("give both --from and --to (or --date, repeated)")
        if d1 < d0:
            raise ValidationError(f"--to {d1} is before --from {d0}")
        out += [d0 + dt.timedelta(days=i) for i in range((d1 - d0).days + 1)]
    if not out:
        raise ValidationError("no dates: give --from and --to, or --date (repeated)")
    return sorted(set(out))


@app.command("imagery")
@handle_errors
def imagery(
    site: Annotated[list[str], typer.Option("--site", help="Site (repeat for several)")],
    date_from: Annotated[str | None, typer.Option("--from", help="First date (YYYY-MM-DD)")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD)")] = None,
    date: Annotated[list[str] | None, typer.Option("--date", help="A date (repeatable)")] = None,
    stac_url: Annotated[str | None, typer.Option(
        "--stac-url", help="STAC API root (default: $BASEWATCH_STAC_URL)")] = None,
    reader: Annotated[str, typer.Option("--reader", help="python or vsicurl")] = "python",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = 2,
    retries: RetriesOpt = 1,
    connect_timeout: TimeoutOpt = 10.0,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """`imagery process` for every site x date, one Dask task each; all counts stored in one
    transaction. Exit 1 if any site-date failed (the others are stored), 2 on bad input."""
    from basewatch.cli.imagery import _stac_url
    from basewatch.sources.batch_jobs import batch_imagery

    url = _stac_url(stac_url)
    days = _days(date_from, date_to, date)
    with open_workspace(workspace) as ws, cluster_client(
            scheduler, workers=workers, connect_timeout_s=connect_timeout) as client, \
            _progress("site-dates", as_json) as on_done:
        res = batch_imagery(ws, client, site, days, url, reader=reader, retries=retries,
                            on_done=on_done)
    out = res.outcome
    scene_errors = [{"task": k, "scene": s, "error": e} for k, r in out.results.items()
                    for s, e in r.scene_errors]
    if as_json:
        print_json({"tasks": len(out.results) + len(out.failures), "done": len(out.results),
                    "failed": [f.to_dict() for f in out.failures], "scene_errors": scene_errors,
                    "results": [r.to_dict() for r in out.results.values()],
                    "scenes": asdict(res.scenes), "counts": asdict(res.counts),
                    "seconds": res.seconds, "ok": res.ok})
    else:
        with_scenes = sum(1 for r in out.results.values() if r.scenes)
        console.print(f"{len(out.results)} of {len(out.results) + len(out.failures)} site-dates "
                      f"done ({with_scenes} with scenes); scenes: {res.scenes.inserted} new, "
                      f"{res.scenes.updated} updated; counts: {res.counts.inserted} new, "
                      f"{res.counts.updated} updated, {res.counts.unchanged} unchanged",
                      highlight=False)
        for e in scene_errors:
            err_console.print(f"[yellow]scene error:[/] {escape(e['task'])} {escape(e['scene'])}: "
                              f"{escape(e['error'])}", highlight=False, soft_wrap=True)
        _failures(out.failures, "site-date")
    if not res.ok:
        raise typer.Exit(EXIT_PARTIAL)


@app.command("flights")
@handle_errors
def flights(
    partitions: Annotated[int, typer.Option(
        "--partitions", help="Partitions of the positions, by aircraft")] = 8,
    partitions_dir: Annotated[Path | None, typer.Option(
        "--partitions-dir", help="Where the Parquet partitions go; every worker must read it "
        "(default: <workspace>/flights-partitions)")] = None,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = 2,
    retries: RetriesOpt = 1,
    connect_timeout: TimeoutOpt = 10.0,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take-offs and landings in all the workspace's positions, one Dask task per partition
    (by aircraft, so tracks stay whole); the events layer replaced in one transaction. If a
    partition fails, its aircraft keep their earlier events and the command exits 1."""
    from basewatch.sources.batch_jobs import batch_flights

    with open_workspace(workspace) as ws, cluster_client(
            scheduler, workers=workers, connect_timeout_s=connect_timeout) as client, \
            _progress("partitions", as_json) as on_done:
        res = batch_flights(ws, client, partitions=partitions, partitions_dir=partitions_dir,
                            retries=retries, on_done=on_done)
    out = res.outcome
    if as_json:
        print_json({"partitions": res.partitions, "done": len(out.results),
                    "failed": [f.to_dict() for f in out.failures], "events": res.events,
                    "kept_from_before": res.kept_from_before, "seconds": res.seconds,
                    "ok": res.ok})
    else:
        console.print(f"{len(out.results)} of {res.partitions} partitions done; {res.events} "
                      "take-offs/landings detected and stored"
                      + (f"; {res.kept_from_before} earlier events kept for the aircraft of "
                         "failed partitions" if out.failures else ""), highlight=False)
        _failures(out.failures, "partition")
    if not res.ok:
        raise typer.Exit(EXIT_PARTIAL)


@app.command("distances")
@handle_errors
def distances(
    site: Annotated[list[str] | None, typer.Option(
        "--site", help="Site (repeat for several; default: every facility)")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First snapshot date")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last snapshot date")] = None,
    chunk: Annotated[int, typer.Option("--chunk", help="Sites per task")] = 5000,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = 2,
    retries: RetriesOpt = 1,
    connect_timeout: TimeoutOpt = 10.0,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Exposure distances of many sites to every control snapshot's grounds, one Dask task per
    distinct ground lacking rows; stored in one transaction (docs/exposure.md). Exit 1 if
    any task failed (the others are stored), 2 on bad input."""
    from basewatch.sources.batch_distances import batch_distances

    d0 = parse_date(date_from, field="--from") if date_from else None
    d1 = parse_date(date_to, field="--to") if date_to else None
    if chunk < 1:
        raise ValidationError("--chunk must be at least 1")
    with open_workspace(workspace) as ws, cluster_client(
            scheduler, workers=workers, connect_timeout_s=connect_timeout) as client, \
            _progress("grounds", as_json) as on_done:
        facs = [ws.facility(s) for s in site] if site else ws.facilities()
        res = batch_distances(ws, client, facs, d0, d1, chunk_sites=chunk, retries=retries,
                              on_done=on_done)
    out = res.outcome
    if as_json:
        print_json({"grounds": res.grounds, "tasks": len(out.results) + len(out.failures),
                    "done": len(out.results), "failed": [f.to_dict() for f in out.failures],
                    "rows": res.rows, "seconds": res.seconds, "ok": res.ok})
    else:
        console.print(f"{len(out.results)} of {len(out.results) + len(out.failures)} tasks done "
                      f"over {res.grounds} grounds lacking rows; {res.rows} distances stored",
                      highlight=False)
        _failures(out.failures, "ground")
    if not res.ok:
        raise typer.Exit(EXIT_PARTIAL)
