"""`basewatch imagery train-aircraft`: train the aircraft candidates' classifier on the user's
labelled images and write the model file (read, train, write; the work is in
:mod:`basewatch.analysis.aircraft_training`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli._common import console, handle_errors

__all__ = ["register", "train_aircraft"]


def register(app: typer.Typer) -> None:
    """Add ``train-aircraft`` to the ``imagery`` commands."""

    @app.command("train-aircraft")
    @handle_errors
    def train_aircraft_cmd(
        images: Annotated[Path, typer.Option("--images", help="Folder of labelled images")],
        labels: Annotated[Path, typer.Option("--labels", help="CSV: image_id, geometry (pixels)")],
        out: Annotated[Path, typer.Option("--out", help="Model file to write (JSON)")],
        pixel_size: Annotated[float | None, typer.Option(
            "--pixel-size", help="Metres per pixel, for images without georeferencing")] = None,
        trees: Annotated[int, typer.Option("--trees", help="Boosted trees")] = 150,
    ) -> None:
        """Train the aircraft candidates' classifier on your labelled images (its threshold by
        cross-validation over the images) and write it to --out, for `count-aircraft --model`."""
        train_aircraft(images, labels, out, pixel_size, trees)


def train_aircraft(images: Path, labels: Path, out: Path, pixel_size_m: float | None,
                   trees: int) -> None:
    from dataclasses import replace

    from rich.progress import Progress

    from basewatch.analysis.aircraft_model import BoostParams
    from basewatch.analysis.aircraft_training import train_counter
    from basewatch.errors import ValidationError
    from basewatch.sources.aircraft_training import load_labelled_images, write_model

    if trees < 1:
        raise ValidationError(f"--trees {trees}: at least 1")
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("candidates", total=None)
        data = load_labelled_images(images, labels, pixel_size_m=pixel_size_m,
                                    progress=lambda name: bar.advance(task))
        fit = bar.add_task("training", total=min(5, len(data)) + 1 if len(data) >= 3 else 1)
        try:
            model = train_counter(data, replace(BoostParams(), trees=trees),
                                  progress=lambda i, n: bar.update(fit, completed=i))
        except ValueError as exc:
            raise ValidationError(f"{labels}: {exc}") from None
    write_model(out, model)
    n = sum(len(d.boxes) for d in data)
    console.print(f"{out}: trained on {n} aircraft in {len(data)} images "
                  f"({model.info['samples']} candidates); threshold {model.threshold:g} "
                  f"({model.info['threshold_by']})", highlight=False)
