"""The `basewatch` command: a thin group; each family of commands lives in its own module."""

from __future__ import annotations

import typer

from basewatch import __version__
from basewatch.cli import control, demo, imports, registry

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

from basewatch.cli import faces

app.command("serve")(faces.serve)
app.command("export")(faces.export)
app.command("report")(faces.report)


@app.command("version")
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    app()
