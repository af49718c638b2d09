"""`basewatch imagery process|chips --scene PATH`: scenes an analyst downloaded (GeoTIFF, band
folder, SAFE folder or zip, Sentinel-1 GeoTIFF, JPEG/PNG with a pixel size or a world file)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from basewatch.cli._common import console, open_workspace, print_json, synthetic_note

if TYPE_CHECKING:
    from basewatch.sources.local_process import LocalResult

__all__ = ["chips_local", "process_local_scene", "run_local"]


def run_local(site: str, scene_path: Path, date: str | None, bands: str | None,
              pixel_size: float | None, workspace: Path | None,
              aircraft_model: Path | None = None) -> tuple[Any, LocalResult, list[Any]]:
    """Open, process and store one local scene (all or nothing); returns (facility, result,
    verdict rows of the scene's date). ``aircraft_model``: a model file (train-aircraft) to
    count aircraft with instead of the classical counter."""
    import datetime as dt

    from basewatch.analysis.verdicts import site_verdicts
    from basewatch.errors import ValidationError
    from basewatch.model._util import parse_date
    from basewatch.sources.local_process import process_local
    from basewatch.sources.local_scene import open_scene
    from basewatch.store.imagery import (
        IMAGERY_COUNTS,
        IMAGERY_SCENES,
        save_area_pixels,
        site_areas,
        site_counts,
    )

    if pixel_size is not None and not (0 < pixel_size <= 1000):
        raise ValidationError(f"--pixel-size {pixel_size:g} outside (0, 1000] m")
    day = parse_date(date, field="--date") if date else None
    when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None
    names = [b.strip() for b in bands.split(",") if b.strip()] if bands else None
    trained = None
    if aircraft_model is not None:
        from basewatch.sources.aircraft_training import read_model

        trained = read_model(aircraft_model)
    scene = open_scene(scene_path, bands=names, pixel_size_m=pixel_size)
    with open_workspace(workspace) as ws:
        fac = ws.facility(site)
        result = process_local(scene, fac.id, site_areas(ws.store, fac.id), time=when,
                               workspace_folder=ws.folder, aircraft_model=trained)
        with ws.store.transaction():
            ws.store.put(IMAGERY_SCENES, [result.scene])
            ws.store.put(IMAGERY_COUNTS, result.counts)
        for area, values, transform, crs in result.keep:
            save_area_pixels(ws.folder, fac.id, area, result.scene.time, scene.sha256, values,
                             transform, crs)
        rows = [r for r in site_verdicts(site_counts(ws.store, fac.id))
                if r.day == result.scene.time.date() and r.method == "detector"]
    return fac, result, rows


def process_local_scene(site: str, scene_path: Path, date: str | None, bands: str | None,
                        pixel_size: float | None, workspace: Path | None, as_json: bool,
                        aircraft_model: Path | None = None) -> None:
    fac, result, rows = run_local(site, scene_path, date, bands, pixel_size, workspace,
                                  aircraft_model)
    if as_json:
        print_json({"site": fac.id, **result.to_dict(),
                    "verdicts": [r.to_dict() for r in rows]})
        return
    loc = result.local
    console.print(f"{escape(loc.name)} ({loc.kind}, {result.scene.time:%Y-%m-%d %H:%M} UTC, "
                  f"sha256 {loc.sha256[:16]}…): bands {', '.join(sorted(loc.bands))}",
                  highlight=False)
    for note in result.notes:
        console.print(f"   [yellow]{escape(note)}[/]", highlight=False)
    for a in result.areas:
        sizes = ", ".join(f"{d.kind} {d.length_m:.0f} m" for d in a.detections[:12])
        more = f" … and {len(a.detections) - 12} more" if len(a.detections) > 12 else ""
        hist = f"; history of {a.history_scenes} earlier scenes" if a.history_scenes else ""
        console.print(f"   {escape(a.area)} ({a.method}, {a.window.res_m:.2g} m{hist}): "
                      f"{len(a.detections)} detections" + (f" ({sizes}{more})" if sizes else ""),
                      highlight=False)
    for row in rows:
        console.print(f"  {escape(row.text)}", highlight=False)
    synthetic_note(False)


def chips_local(site: str, scene_path: Path, date: str | None, bands: str | None,
                pixel_size: float | None, out: Path, workspace: Path | None) -> list[str]:
    """Process the scene (stored as by `process`) and write one PNG per area, detections boxed."""
    from basewatch.sources.chips import render_chip, write_png

    fac, result, _ = run_local(site, scene_path, date, bands, pixel_size, workspace)
    written = []
    for a in result.areas:
        h, w = a.chip_values.shape
        scale = max(1, min(4, 1200 // max(h, w, 1)))
        rgb = render_chip(a.chip_values, a.window.inside, a.detections, scale=scale,
                          res_m=a.window.res_m)
        stem = Path(result.local.name).stem.replace(" ", "_")[:60]
        name = f"{fac.id}_{a.area.replace(' ', '-')}_{stem}_{result.local.sha256[:8]}.png"
        written.append(str(write_png(out / name, rgb)))
    return written
