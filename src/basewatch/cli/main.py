"""The `basewatch` command: a thin group; each family of commands lives in its own module."""

from __future__ import annotations

import typer

from basewatch import __version__
from basewatch.cli import assess, control, corridors, db, demo, exposure, imports, registry

app = typer.Typer(
    name="basewatch",
    help="Watch military installations in a moving conflict from open sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

app.command("demo")(demo.demo)
app.add_typer(imports.app, name="import")
app.command("inventory")(registry.inventory)
app.add_typer(registry.survey_app, name="survey")
app.command("facilities")(registry.facilities)
app.command("places")(registry.places)
app.command("distance")(registry.distance)
app.add_typer(control.app, name="control")
app.command("front")(control.front)

from basewatch.cli import imagery as _imagery

app.add_typer(_imagery.app, name="imagery")


# reports and claims (issue 7)
from basewatch.cli import claims as _claims

app.add_typer(_claims.posts_app, name="posts")
app.add_typer(_claims.feeds_app, name="feeds")
app.add_typer(_claims.sources_app, name="sources")
app.add_typer(_claims.claims_app, name="claims")
app.add_typer(_claims.export_app, name="export")


# exposure (issue 3)
app.add_typer(exposure.app, name="exposure")
app.add_typer(exposure.weapons_app, name="weapons")
app.command("rings")(exposure.rings)

# corridors (issue 4)
app.add_typer(corridors.app, name="corridor")
app.add_typer(corridors.roads_app, name="roads")

# assessment (issue 8)
app.add_typer(assess.app, name="assess")
app.add_typer(assess.tripwires_app, name="tripwires")
app.command("alerts")(assess.alerts)

from basewatch.cli import flights as _flights  # noqa: E402  (flights, claim G)

app.add_typer(_flights.app, name="flights")
app.add_typer(_flights.aircraft_app, name="aircraft")
app.add_typer(_flights.airports_app, name="airports")

# faces (issue 9): the API and dashboard, reports, exports (in the `export` group)
from basewatch.cli import faces  # noqa: E402

app.command("serve")(faces.serve)
app.add_typer(faces.report_app, name="report")
for _fmt in ("geojson", "kml", "gpkg", "csv"):
    _claims.export_app.command(_fmt, help=f"Export a layer as {_fmt}; synthetic records "
                               "carry the mark.")(faces.export_as(_fmt))


@app.command("version")
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    app()


app.add_typer(db.app, name="db")
app.callback()(db.global_store)  # global --store postgresql://...

# API tokens (issue 11)
from basewatch.cli import tokens as _tokens  # noqa: E402

app.add_typer(_tokens.app, name="tokens")

# batch processing on Dask (issue 10)
from basewatch.cli import batch as _batch  # noqa: E402

app.add_typer(_batch.app, name="batch")
