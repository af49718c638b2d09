"""`basewatch imagery train-aircraft`: train the aircraft candidates' classifier on the user's
labelled images and write the model file (read, train, write; the work is in
:mod:`basewatch.analysis.aircraft_training`)."""

from __future__ import annotations

from pathlib import Path

from basewatch.cli._common import console

__all__ = ["train_aircraft"]


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
        fit = bar.add_task("training", total=len(data) + 1 if len(data) >= 3 else 1)
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
