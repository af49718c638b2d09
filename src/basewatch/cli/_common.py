"""What every command shares: the workspace option, JSON output, errors as exit codes."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from basewatch.errors import BasewatchError

if TYPE_CHECKING:  # the store and model load shapely: only when a command opens them
    from rich.console import Console

    from basewatch.store import Workspace

    console: Console
    err_console: Console

P = ParamSpec("P")
T = TypeVar("T")


def __getattr__(name: str) -> Any:
    """``console`` and ``err_console`` (rich), made when first used: a command that answers
    in JSON, or only writes, never loads rich (``benchmarks/bench_startup.py``)."""
    if name in ("console", "err_console"):
        return _rich(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _rich(name: str) -> Console:
    made: Console | None = globals().get(name)
    if made is None:
        from rich.console import Console

        made = Console(stderr=name == "err_console")
        globals()[name] = made
    return made



def global_workspace(ctx: typer.Context, value: Path | None) -> Path | None:
    """-w after the command wins; else the one given before it (`basewatch -w DIR CMD`)."""
    if value is None:
        given = ctx.meta.get("basewatch.workspace")
        return Path(given) if given else None
    return value


def global_json(ctx: typer.Context, value: bool) -> bool:
    return bool(value or ctx.meta.get("basewatch.json"))


WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder (default: $BASEWATCH_WORKSPACE or .)",
                 callback=global_workspace),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.",
                                       callback=global_json)]
DateOpt = Annotated[str | None, typer.Option("--date", help="Date (YYYY-MM-DD); default: today.")]

EXIT_USER_ERROR = 2


def handle_errors(fn: Callable[P, T]) -> Callable[P, T]:
    """Turn basewatch errors into one red line and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except BasewatchError as exc:
            _rich("err_console").print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_USER_ERROR) from None

    return wrapper


def open_workspace(folder: Path | None, *, create: bool = False) -> Workspace:
    from basewatch.store import Workspace, default_workspace

    return Workspace(folder if folder is not None else default_workspace(), create=create)


def date_or_today(text: str | None, field: str = "--date") -> dt.date:
    from basewatch.model._util import parse_date

    if not text:
        return dt.datetime.now(dt.UTC).date()
    d = parse_date(text, field=field)
    assert d is not None
    return d


def print_json(obj: Any) -> None:
    from basewatch.model._util import finite_dumps

    sys.stdout.write(finite_dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def synthetic_note(synthetic: bool) -> None:
    if synthetic:
        _rich("console").print("[bold magenta]SYNTHETIC[/] some records shown were made by a seeded "
                      "generator to fill a gap; see their provenance.", highlight=False)
