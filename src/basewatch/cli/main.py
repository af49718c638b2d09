"""The `basewatch` command: a thin group whose commands load only when they are run.

Each family of commands lives in its own module; this group names them in one table and
imports a module only when its command is run (or asked for ``--help``), so that
``basewatch --help`` and every command start without loading shapely, pyproj, rasterio,
networkx, pyarrow or fastapi for nothing (``benchmarks/bench_startup.py``).
"""

from __future__ import annotations

import importlib
import os
import re
from typing import Annotated, Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from basewatch import __version__

__all__ = ["COMMANDS", "LazyGroup", "app", "main"]

#: name -> (module:attribute, one-line help). The attribute is a Typer app, a command
#: function, or (for "export", which two modules fill) a function that builds the Typer app.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("basewatch.cli.demo:demo", "Build the demo workspace (Syria, 27 Nov - 8 Dec 2024) "
             "and show the article's claims, each computed from the data."),
    "import": ("basewatch.cli.imports:app", "Import files of any kind into the workspace: "
               "factions, facilities, places, survey, control, weapons, roads, posts, flights, "
               "aircraft, airports, counts."),
    "inventory": ("basewatch.cli.registry:inventory", "Counts of facilities by operator x type x "
                  "region on a date, with the change since the previous survey edition."),
    "survey": ("basewatch.cli.registry:survey_app",
               "Survey editions: counts published by surveys."),
    "facilities": ("basewatch.cli.registry:facilities",
                   "List the registry's facilities with their sources."),
    "places": ("basewatch.cli.registry:places", "List the named places."),
    "distance": ("basewatch.cli.registry:distance",
                 "Geodesic distance (WGS84) between two places or facilities."),
    "control": ("basewatch.cli.control:app", "Territorial control: who holds what, and what "
                "changed."),
    "front": ("basewatch.cli.control:front", "The front line (shared boundaries of hostile "
              "factions) and its advance since the previous snapshot."),
    "imagery": ("basewatch.cli.imagery:app", "Imagery: counts judged against each site's "
                "history, scenes, chips."),
    "posts": ("basewatch.cli.claims:posts_app", "Posts and articles: import them with their "
              "sources."),
    "feeds": ("basewatch.cli.claims:feeds_app", "RSS/Atom feeds: poll them (conditional GET, "
              "back-off)."),
    "sources": ("basewatch.cli.claims:sources_app", "Sources of reports and their Admiralty "
                "grades."),
    "claims": ("basewatch.cli.claims:claims_app", "Claims extracted from reports: subject, kind, "
               "stance, date, source grade, span, corroboration and official silence."),
    "export": ("basewatch.cli.main:_export_app", "Export the workspace to other tools."),
    "exposure": ("basewatch.cli.exposure:app", "Distance to hostile ground and the weapons that "
                 "reach each site."),
    "weapons": ("basewatch.cli.exposure:weapons_app", "The weapons catalog: systems, ranges, "
                "holdings."),
    "rings": ("basewatch.cli.exposure:rings", "Range rings (true geodesic circles) of a system's "
              "munitions around a site."),
    "corridor": ("basewatch.cli.corridors:app", "Is a site still connected by road to a place "
                 "through friendly ground?"),
    "roads": ("basewatch.cli.corridors:roads_app", "Road networks (OpenStreetMap extracts, line "
              "layers)."),
    "assess": ("basewatch.cli.assess:app", "Per-site probabilities of competing hypotheses, with "
               "the evidence."),
    "tripwires": ("basewatch.cli.assess:tripwires_app", "Conditions on sites that raise alerts."),
    "alerts": ("basewatch.cli.assess:alerts", "Alerts raised so far, with the evidence that "
               "fired them."),
    "flights": ("basewatch.cli.flights:app", "ADS-B positions, take-offs and landings, sorties "
                "per day."),
    "aircraft": ("basewatch.cli.flights:aircraft_app", "Aircraft database (tar1090-db, OpenSky)."),
    "airports": ("basewatch.cli.flights:airports_app", "Airfields and runways (OurAirports)."),
    "serve": ("basewatch.cli.faces:serve", "Serve the HTTP API and dashboard (OpenAPI at "
              "/openapi.json); writes need a token."),
    "report": ("basewatch.cli.faces:report_app", "Situation report for a date (HTML or PDF), "
               "optionally as a bundle with its data and SHA-256 manifest."),
    "db": ("basewatch.cli.db:app", "Database stores: PostGIS set-up, schema upgrades, copying "
           "workspaces."),
    "tokens": ("basewatch.cli.tokens:app", "API tokens (reader < analyst < admin); only their "
               "hashes are stored."),
    "batch": ("basewatch.cli.batch:app", "Batch processing on Dask: imagery over sites x dates, "
              "flights over partitions of positions."),
}


def load_command(target: str, name: str) -> _click.Command:
    """The click command for ``module:attribute``, importing the module now."""
    module, attr = target.split(":")
    obj: Any = getattr(importlib.import_module(module), attr)
    if not isinstance(obj, typer.Typer) and getattr(obj, "_builds_typer", False):
        obj = obj()
    cmd: _click.Command
    if isinstance(obj, typer.Typer):  # a group, even of one command (`roads import`)
        cmd = typer.main.get_group(obj)
    else:  # a command function: wrap it in a one-command app
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name)(obj)
        cmd = typer.main.get_command(single)
    cmd.name = name
    plain_coercion(cmd)
    return cmd


#: Numbers written plainly, which ``int()``/``float()`` read as typer's coercion does; any other
#: spelling goes to typer's.
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def plain_coercion(cmd: _click.Command) -> None:
    """Give the command's text, path, flag, number and text-list options a coercion that needs
    no pydantic.

    Typer converts every parameter's value through a pydantic ``TypeAdapter`` built on first
    use (even a ``None`` default, even ``--help``'s), so every command imported pydantic
    (~40-50 ms of CPU here, a quarter of an ``exposure timeline`` on stored distances). A
    ``str`` needs no conversion, a ``Path`` only ``Path(value)`` before typer's own checks
    (exists, resolve...), which are kept, a flag is already a bool. An ``int`` or ``float``
    written plainly (ASCII digits, sign, point, exponent) is what ``int()``/``float()`` make of
    it; a list of ``str`` (``multiple``, or an argument taking many) is the list of its values.
    Any other type or value (a bad number, ``1_000``, ``inf``, a range, a choice...) keeps
    typer's coercion, so its result and error message (exit 2) are typer's own; with a typer
    whose internals differ nothing is changed."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer._param_types import coerce_cli_path, routes_to_path
        from typer.core import _TyperParameter
    except ImportError:  # pragma: no cover - another typer: its own coercion
        return
    from pathlib import Path

    def typers(value: Any, param: Any, ctx: Any) -> Any:
        return build_runtime_param(param.type_descriptor)._coerce_value(value, param, ctx)

    class _Text(RuntimeParam):  # type: ignore[misc]
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return value if isinstance(value, str) else str(value)

    class _Path(RuntimeParam):  # type: ignore[misc]
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            value = value if isinstance(value, Path) else Path(value)
            return coerce_cli_path(value, self.parameter_info, path_type=Path, param=param,
                                   ctx=ctx)

    class _Flag(RuntimeParam):  # type: ignore[misc]
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return value if isinstance(value, bool) else typers(value, param, ctx)

    class _Int(RuntimeParam):  # type: ignore[misc]
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if type(value) is int:
                return value
            if type(value) is str and _INT.fullmatch(value):
                return int(value)
            return typers(value, param, ctx)

    class _Float(RuntimeParam):  # type: ignore[misc]
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if type(value) is float or type(value) is int:
                return float(value)
            if type(value) is str and _FLOAT.fullmatch(value):
                return float(value)
            return typers(value, param, ctx)

    class _Texts(RuntimeParam):  # type: ignore[misc]
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if type(value) in (list, tuple) and all(type(v) is str for v in value):
                return list(value)
            return typers(value, param, ctx)

    plain_types: dict[Any, type] = {bool: _Flag, int: _Int, float: _Float}

    def plain(p: Any) -> Any:
        desc = getattr(p, "type_descriptor", None)
        if not isinstance(p, _TyperParameter) or desc is None \
                or getattr(p, "_runtime_param", 1) is not None or desc.file_annotation \
                or desc.parameter_info.parser is not None or desc.is_ranged or desc.is_choice:
            return p
        many = p.multiple or p.nargs == -1
        ann = desc.annotation
        if ann == list[str] and many and not routes_to_path(str, desc.parameter_info):
            p._runtime_param = _Texts(desc.parameter_info, ann)
        elif many:
            return p
        elif ann is str and not routes_to_path(str, desc.parameter_info):
            p._runtime_param = _Text(desc.parameter_info, ann)
        elif ann is Path:
            p._runtime_param = _Path(desc.parameter_info, ann)
        elif ann in (bool, int, float):
            p._runtime_param = plain_types[ann](desc.parameter_info, ann)
        return p

    def walk(c: _click.Command) -> None:
        for p in c.params:
            plain(p)
        make_help = c.get_help_option  # made anew per context

        def help_option(ctx: _click.Context) -> Any:
            return plain(make_help(ctx))

        c.get_help_option = help_option  # type: ignore[method-assign]
        for sub in getattr(c, "commands", {}).values():
            walk(sub)

    walk(cmd)


#: Set by :func:`main`: this process runs one command and exits.
_PROCESS = {"freeze": False}


class LazyGroup(TyperGroup):
    """A group that lists its commands from a table and imports each only when it runs.

    ``lazy`` maps a command name to (``module:attribute``, one-line help). Listing commands
    (``--help``, suggestions of close names) reads only the table.
    """

    lazy: dict[str, tuple[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        plain_coercion(self)  # the group's own options (-w, --store) too

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*(c for c in self.commands if c not in self.lazy), *self.lazy]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        spec = self.lazy.get(cmd_name)
        if spec is None:
            return None
        if self._listing:  # help text only: do not import the module
            return TyperCommand(cmd_name, help=spec[1], short_help=spec[1])
        cmd = load_command(spec[0], cmd_name)
        self.commands[cmd_name] = cmd
        if _PROCESS["freeze"]:
            # A command process: everything imported lives until it exits, so it is put out
            # of the cyclic garbage collector's sight; its full passes over the modules cost a
            # command on years of history ~15 % of its time (docs/exposure.md). Not in tests,
            # which run many commands in one process (main() sets the flag).
            import gc

            gc.freeze()
        return cmd

    def format_help(self, ctx: _click.Context, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


#: Commands with a --store of their own (the database to set up), not the global one.
_OWN_STORE = ("db",)


def hoist_store(args: list[str]) -> list[str]:
    """Move a ``--store URL`` given after the command to before it, where the group reads it.

    ``-w`` and ``--json`` need no such help: every command that can use them declares them.
    """
    cmd = next((i for i, a in enumerate(args) if not a.startswith("-")
                and (i == 0 or args[i - 1] not in ("-w", "--workspace", "--store"))), None)
    if cmd is None or args[cmd] in _OWN_STORE:
        return args
    head, tail, moved = args[:cmd], [], []
    rest = args[cmd:]
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "--":
            tail += rest[i:]
            break
        if a == "--store" and i + 1 < len(rest):
            moved += rest[i:i + 2]
            i += 2
            continue
        if a.startswith("--store="):
            moved.append(a)
        else:
            tail.append(a)
        i += 1
    return head + moved + tail


class _MainGroup(LazyGroup):
    lazy = COMMANDS

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_store(list(args)))


app = typer.Typer(
    name="basewatch",
    help="Watch military installations in a moving conflict from open sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=_MainGroup,
)


def _export_app() -> typer.Typer:
    """The `export` group: STIX from the claims module, layers from the faces module."""
    from basewatch.cli import claims, faces

    if not getattr(claims.export_app, "_layers_added", False):
        for fmt in ("geojson", "kml", "gpkg", "csv"):
            claims.export_app.command(fmt, help=f"Export a layer as {fmt}; synthetic records "
                                      "carry the mark.")(faces.export_as(fmt))
        claims.export_app._layers_added = True  # type: ignore[attr-defined]
    return claims.export_app


_export_app._builds_typer = True  # type: ignore[attr-defined]


@app.command("version")
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.callback()
def global_options(
    ctx: typer.Context,
    workspace: Annotated[str | None, typer.Option(
        "--workspace", "-w", help="Workspace folder for the command (default: "
        "$BASEWATCH_WORKSPACE or .); also accepted after the command")] = None,
    store: Annotated[str | None, typer.Option(
        "--store", help="Use this PostGIS database (postgresql://...) instead of the workspace "
                        "file; default $BASEWATCH_STORE; also accepted after the command")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print JSON for scripts (commands that can); also accepted after the "
        "command")] = False,
) -> None:
    """Watch military installations in a moving conflict from open sources."""
    # Commands read these through the shared -w/--json options (cli/_common.py) when they are
    # not given after the command; ctx.meta is shared by every context of this invocation.
    ctx.meta["basewatch.workspace"] = workspace
    ctx.meta["basewatch.json"] = as_json
    if store:
        import os

        from basewatch.store import STORE_ENV

        # Every command opens its Workspace later in this process; the variable reaches them all
        # without a --store parameter on each command.
        os.environ[STORE_ENV] = store


def main() -> None:
    _PROCESS["freeze"] = True
    # One BLAS thread: a command's arrays are small or its work is not linear algebra, and
    # OpenBLAS starting a thread per core on numpy's import cost each command ~0.1 s of CPU
    # (more than the rest of a warm corridor question). An analyst's own setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    app()


if __name__ == "__main__":  # python -m basewatch.cli.main, as python -m basewatch
    main()
