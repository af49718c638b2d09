"""`basewatch import KIND FILE...`: every kind of file into the workspace, whole or not at all.

The kinds of the registry (factions, facilities, places, survey, control) and of the weapons
catalog and roads are imported here, with field mapping and series of files. The kinds other
modules own (posts, flights, aircraft, airports, imagery counts and areas, report sources) are
their own commands, loaded from those modules only when run: `import posts F` is `posts import
F` with the same options.
"""

from __future__ import annotations

import glob
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from basewatch.cli import _common
from basewatch.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    handle_errors,
    open_workspace,
    print_json,
)
from basewatch.cli.main import LazyGroup

if TYPE_CHECKING:
    from basewatch.sources.mapping import FieldMapping

__all__ = ["app", "expand_paths"]

#: Kinds other modules import: name -> (module:command function, one-line help).
DELEGATED: dict[str, tuple[str, str]] = {
    "posts": ("basewatch.cli.claims:posts_import", "Posts and articles: RSS, Atom, Telegram "
              "export, JSON lines, text (docs/formats.md)."),
    "sources": ("basewatch.cli.claims:sources_import", "Sources of reports with their grades "
                "(docs/formats.md)."),
    "flights": ("basewatch.cli.flights:flights_import", "ADS-B positions (docs/flights.md)."),
    "aircraft": ("basewatch.cli.flights:aircraft_import", "Aircraft database: tar1090-db, "
                 "OpenSky (docs/flights.md)."),
    "airports": ("basewatch.cli.flights:airports_import", "OurAirports airfields and runways "
                 "(docs/flights.md)."),
    "counts": ("basewatch.cli.imagery:import_counts_cmd", "Analysts' imagery counts, CSV "
               "(docs/imagery.md)."),
    "imagery-counts": ("basewatch.cli.imagery:import_counts_cmd", "Same as `import counts`."),
    "roads": ("basewatch.cli.corridors:roads_import", "Road networks: OSM .osm.pbf/.osm/.osm.bz2/"
              ".osm.gz extracts, Overpass JSON, GeoJSON or GeoPackage lines (docs/formats.md)."),
    "areas": ("basewatch.cli.imagery:import_areas_cmd", "Named areas of sites (apron, harbour "
              "basin), GeoJSON (docs/imagery.md)."),
}


class _ImportGroup(LazyGroup):
    lazy = DELEGATED


app = typer.Typer(help="Import files into the workspace: factions, facilities, places, survey, "
                  "control, weapons, roads, posts, sources, flights, aircraft, airports, counts, "
                  "areas (docs/formats.md).", no_args_is_help=True, cls=_ImportGroup)

FilesArg = Annotated[list[str], typer.Argument(
    help="Files, folders or quoted globs ('snapshots/*.geojson'); several are one series, "
         "imported in one transaction.")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="FIELD=VALUE for every record that lacks FIELD (repeatable).")]
MapOpt = Annotated[list[str] | None, typer.Option(
    "--map", help="FIELD=COLUMN: read FIELD from another column or property (repeatable).")]
FactionOpt = Annotated[str | None, typer.Option(
    "--faction", help="Shortcut for --set faction=... (control).")]
StatusOpt = Annotated[str | None, typer.Option(
    "--status", help="Shortcut for --set status=assessed|claimed (control).")]
DateSetOpt = Annotated[str | None, typer.Option(
    "--date", help="Shortcut for --set of the kind's date (control: date; survey: edition_date; "
                   "facilities, places: source_date).")]
SourceOpt = Annotated[str | None, typer.Option(
    "--source", help="Shortcut for --set source=... (who published the data).")]
DateNameOpt = Annotated[str | None, typer.Option(
    "--date-from-name", help="strptime format of the date in each file's name, e.g. '%Y%m%d' "
                             "for deepstate_20241201.geojson.")]

#: File suffixes a folder is searched for, per kind.
_SUFFIXES = {
    "factions": (".json",),
    "weapons": (".json",),
    "roads": (".pbf", ".osm", ".geojson", ".json", ".gpkg"),
    "survey": (".csv", ".tsv", ".txt", ".xlsx", ".ods"),
}
_LOCATED = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".ods", ".geojson", ".json", ".kml",
            ".kmz", ".gpkg", ".shp", ".zip", ".fgb")


def expand_paths(items: list[str], kind: str) -> list[Path]:
    """Files named, files in named folders (by suffix), and matches of globs; sorted, unique."""
    suffixes = _SUFFIXES.get(kind, _LOCATED)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in suffixes)
            if not found:
                from basewatch.errors import ImportFormatError

                raise ImportFormatError(f"{p}: no {' '.join(suffixes)} files in this folder")
            out += found
        elif any(c in item for c in "*?[") and not p.exists():
            matches = sorted(Path(m) for m in glob.glob(item))
            if not matches:
                from basewatch.errors import ImportFormatError

                raise ImportFormatError(f"{item}: no file matches")
            out += matches
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def _mapping(kind: str, sets: list[str] | None, maps: list[str] | None, faction: str | None,
             status: str | None, date: str | None, source: str | None,
             date_from_name: str | None) -> FieldMapping:
    from basewatch.sources.mapping import DATE_FIELD, FieldMapping, parse_assignments

    given = parse_assignments(sets or [], "--set")
    shortcuts = {"faction": faction, "status": status, "source": source,
                 DATE_FIELD.get(kind, "date"): date}
    for k, v in shortcuts.items():
        if v is not None:
            given.setdefault(k, v)
    return FieldMapping(given, parse_assignments(maps or [], "--map"), date_from_name)


def _run(kind: str, items: list[str], mapping: FieldMapping, workspace: Path | None,
         as_json: bool) -> None:
    from rich.markup import escape

    from basewatch.sources.importing import import_files

    paths = expand_paths(items, kind)
    label = str(paths[0]) if len(paths) == 1 else f"{len(paths)} files"
    with open_workspace(workspace, create=True) as ws, _common.console.status(
            f"importing {kind} from {label}", spinner="dots") if not as_json else nullcontext():
        report = import_files(ws, kind, paths, mapping)
        if report.result.changed:  # the revision moved: keep the new reach histories now
            from basewatch.errors import BasewatchError
            from basewatch.queries.reach_kept import keep_all

            try:
                keep_all(ws)
            except BasewatchError:
                pass  # the import stands; the first question evaluates what it needs
    if as_json:
        print_json(report.to_dict())
        return
    r = report.result
    for n in report.notes:
        _common.console.print(f"[cyan]note:[/] {escape(n)}", highlight=False)
    for w in report.warnings:
        _common.console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    for f in report.files:
        _common.console.print(f"  {escape(f['path'])}: {f['parsed']} records, {f['inserted']} new, "
                      f"{f['updated']} updated", highlight=False)
    if not r.changed:
        _common.console.print(f"{escape(label)}: {report.parsed} {kind} records, all already in the "
                      "workspace; nothing changed", highlight=False)
    else:
        _common.console.print(f"{escape(label)}: {report.parsed} {kind} records: {r.inserted} new, "
                      f"{r.updated} updated, {r.unchanged} unchanged", highlight=False)


def _command(kind: str, help_text: str, mapped: bool) -> None:
    if mapped:
        @app.command(kind, help=help_text)
        @handle_errors
        def cmd(files: FilesArg, set_: SetOpt = None, map_: MapOpt = None,
                faction: FactionOpt = None, status: StatusOpt = None, date: DateSetOpt = None,
                source: SourceOpt = None, date_from_name: DateNameOpt = None,
                workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
            _run(kind, files, _mapping(kind, set_, map_, faction, status, date, source,
                                       date_from_name), workspace, as_json)
    else:
        @app.command(kind, help=help_text)
        @handle_errors
        def plain(files: FilesArg, workspace: WorkspaceOpt = None,
                  as_json: JsonOpt = False) -> None:
            from basewatch.sources.mapping import FieldMapping

            _run(kind, files, FieldMapping(), workspace, as_json)


_LOCATED_HELP = ("CSV (any delimiter, decimal commas), .xlsx/.ods, GeoJSON, KML/KMZ, GeoPackage, "
                 "shapefile (.shp or zipped), FlatGeobuf; any CRS reprojected")
_command("factions", "Factions and relations, JSON (docs/formats.md).", False)
_command("facilities", f"Facilities: {_LOCATED_HELP} (docs/formats.md).", True)
_command("places", f"Named places: {_LOCATED_HELP} (docs/formats.md).", True)
_command("survey", "Survey counts: CSV, .xlsx, .ods (docs/formats.md).", True)
_command("control", "Control snapshots (polygons): GeoJSON, KML/KMZ, GeoPackage, shapefile, "
         "FlatGeobuf, WKT tables; one file per date or many dates per file (docs/formats.md).",
         True)
_command("weapons", "Weapons catalog, JSON (docs/formats.md).", False)
_command("outlines", "Country outlines for one-sided control, GeoJSON (docs/formats.md).", False)
