"""`basewatch imagery ...`: counts and their verdicts, manual count imports, scene search,
processing and chips."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.verdicts import Verdict, site_verdicts
from basewatch.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    handle_errors,
    open_workspace,
    print_json,
    synthetic_note,
)
from basewatch.model import Facility
from basewatch.model._util import parse_date
from basewatch.model.imagery import Scene, SiteArea
from basewatch.sources.imagery_counts import import_areas, import_counts
from basewatch.sources.importing import ImportReport
from basewatch.store import Workspace
from basewatch.store.imagery import site_counts

if TYPE_CHECKING:  # rasterio and httpx load only for the commands that read imagery
    from basewatch.sources.imagery_process import SceneResult

app = typer.Typer(help="Imagery: counts judged against each site's history, scenes, chips.",
                  no_args_is_help=True)

SiteOpt = Annotated[str, typer.Option("--site", help="Site: facility id, name or alias")]
FromOpt = Annotated[str | None, typer.Option("--from", help="First date shown (YYYY-MM-DD)")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last date shown (YYYY-MM-DD)")]

_STYLE = {Verdict.ANOMALOUS: "bold red", Verdict.UNUSUAL: "yellow",
          Verdict.NOT_CONCLUSIVE: "cyan", Verdict.NORMAL: "green"}


def _report(report: ImportReport, path: Path, as_json: bool) -> None:
    if as_json:
        print_json(report.to_dict())
        return
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    r = report.result
    console.print(f"{path}: {report.parsed} records: {r.inserted} new, {r.updated} updated, "
                  f"{r.unchanged} unchanged")


@app.command("import-counts")
@handle_errors
def import_counts_cmd(
    path: Annotated[Path, typer.Argument(help="Counts CSV (see docs/imagery.md)")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import analysts' manual counts (CSV): whole or not at all."""
    with open_workspace(workspace, create=True) as ws:
        report = import_counts(ws, path)
    _report(report, path, as_json)


@app.command("import-areas")
@handle_errors
def import_areas_cmd(
    path: Annotated[Path, typer.Argument(help="GeoJSON of named site areas (docs/imagery.md)")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import named areas of sites (apron, harbour basin) from GeoJSON."""
    with open_workspace(workspace, create=True) as ws:
        report = import_areas(ws, path)
    _report(report, path, as_json)


@app.command("counts")
@handle_errors
def counts_cmd(
    site: SiteOpt,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    area: Annotated[str | None, typer.Option(help="Only this named area")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Counts per date and class with their verdict against the site's own history.

    Every count is judged against all earlier dates of the same area and class (see
    docs/imagery.md for the model); --from/--to only choose the dates shown.
    """
    d0 = parse_date(date_from, field="--from") if date_from else None
    d1 = parse_date(date_to, field="--to") if date_to else None
    with open_workspace(workspace) as ws:
        fac = ws.facility(site)
        counts = site_counts(ws.store, fac.id)
    rows = [r for r in site_verdicts(counts)
            if (area is None or r.area == area) and (d0 is None or r.day >= d0)
            and (d1 is None or r.day <= d1)]
    if as_json:
        print_json({"site": fac.id, "name": fac.name, "rows": [r.to_dict() for r in rows]})
        return
    if d0 is None and rows:
        # A table of two years of dates helps nobody: show the last six weeks unless asked.
        last = rows[-1].day
        rows = [r for r in rows if r.day >= last - dt.timedelta(days=42)]
    t = Table(title=f"Imagery counts at {fac.name}", box=box.SIMPLE, pad_edge=False)
    for c in ("date", "area", "class", "count", "verdict", "base rate", "n", "source"):
        t.add_column(c, justify="right" if c in ("count", "n") else "left")
    for r in rows:
        j = r.judgement
        rate = "-" if j.base_rate is None else f"{j.state}: {100 * j.base_rate:.0f} %"
        cls = r.object_class + (f" ({'+'.join(r.classes)})" if r.classes else "")
        count = ("present" if r.count else "empty") if j.presence_only else str(r.count)
        t.add_row(r.day.isoformat(), r.area, cls, count,
                  f"[{_STYLE[j.verdict]}]{j.verdict.value}[/]", rate, str(j.n),
                  "SYNTHETIC" if r.synthetic else ", ".join(r.sources))
    console.print(t)
    for r in rows:
        if r.judgement.verdict in (Verdict.ANOMALOUS, Verdict.UNUSUAL) or (
                not r.synthetic and r.object_class != "total"):
            console.print(f"  {r.day} {escape(r.text)}", highlight=False)
    synthetic_note(any(r.synthetic for r in rows))


# --- scenes: search, process, chips ---------------------------------------------------------

StacOpt = Annotated[str | None, typer.Option(
    "--stac-url", help="STAC API root (default: $BASEWATCH_STAC_URL)")]
ReaderOpt = Annotated[str, typer.Option(
    "--reader", help="python (counted HTTP range reader) or vsicurl (GDAL's /vsicurl/)")]
CollectionOpt = Annotated[list[str] | None, typer.Option(
    "--collection", help="sentinel-2-l2a and/or sentinel-1-grd (default both)")]


def _stac_url(url: str | None) -> str:
    from basewatch.errors import ValidationError
    from basewatch.sources.stac import default_stac_url

    got = url or default_stac_url()
    if not got:
        raise ValidationError("no STAC API: give --stac-url or set BASEWATCH_STAC_URL")
    return got.rstrip("/")


def _site_and_areas(ws: Workspace, site: str) -> tuple[Facility, list[SiteArea], BaseGeometry]:
    from basewatch.analysis.geodesy import geodesic_circle
    from basewatch.store.imagery import site_areas

    fac = ws.facility(site)
    areas = site_areas(ws.store, fac.id)
    if areas:
        foot = areas[0].geometry
        for a in areas[1:]:
            foot = foot.union(a.geometry)
    else:
        foot = fac.footprint or geodesic_circle(fac.lon, fac.lat, 2000.0)
    return fac, areas, foot


@app.command("search")
@handle_errors
def search_cmd(
    site: SiteOpt,
    date_from: Annotated[str, typer.Option("--from", help="First date (YYYY-MM-DD)")],
    date_to: Annotated[str, typer.Option("--to", help="Last date (YYYY-MM-DD)")],
    stac_url: StacOpt = None,
    collection: CollectionOpt = None,
    cloud: Annotated[bool, typer.Option(help="Measure cloud over the site from SCL")] = True,
    reader: ReaderOpt = "python",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find Sentinel-2 L2A / Sentinel-1 GRD scenes over a site; cloud cover over the site itself."""
    import httpx

    from basewatch.sources.cog import FetchStats, ImageryReadError
    from basewatch.sources.stac import COLLECTIONS, cloud_over_site, search_scenes
    from basewatch.store.imagery import IMAGERY_SCENES

    url = _stac_url(stac_url)
    d0, d1 = parse_date(date_from, field="--from"), parse_date(date_to, field="--to")
    assert d0 is not None and d1 is not None
    with open_workspace(workspace) as ws:
        fac, _areas, foot = _site_and_areas(ws, site)
        scenes = search_scenes(url, fac.id, foot, d0, d1,
                               tuple(collection) if collection else COLLECTIONS)
        rows: list[Scene] = []
        errors: dict[str, str] = {}
        stats = FetchStats()
        with httpx.Client(timeout=30.0) as client:
            for s in scenes:
                pct = None
                if cloud and s.collection.startswith("sentinel-2"):
                    try:
                        pct = cloud_over_site(s, foot, client, stats, reader=reader).cloud_pct
                    except ImageryReadError as exc:
                        errors[s.id] = str(exc)
                rows.append(replace_scene(s, pct))
        with ws.store.transaction():
            ws.store.put(IMAGERY_SCENES, rows)
    if as_json:
        print_json({"site": fac.id, "stac_url": url,
                    "scenes": [s.to_dict() for s in rows], "errors": errors,
                    "bytes_fetched": stats.bytes_fetched, "assets_bytes": stats.full_bytes})
        return
    t = Table(title=f"{len(rows)} scenes over {fac.name}", box=box.SIMPLE)
    for c in ("time (UTC)", "collection", "scene", "cloud scene %", "cloud site %"):
        t.add_column(c)
    for s in rows:
        t.add_row(s.time.strftime("%Y-%m-%d %H:%M"), s.collection, s.id,
                  "-" if s.cloud_cover_scene_pct is None else f"{s.cloud_cover_scene_pct:.0f}",
                  "-" if s.cloud_cover_site_pct is None else f"{s.cloud_cover_site_pct:.0f}")
    console.print(t)
    for msg in errors.values():
        console.print(f"[yellow]warning:[/] {escape(msg)}", highlight=False)
    console.print(f"windowed reads: {stats.bytes_fetched:,} bytes of {stats.full_bytes:,} "
                  f"({100 * stats.share:.2f} %)")
    synthetic_note(any(s.provenance.synthetic for s in rows))


def replace_scene(scene: Scene, cloud_pct: float | None) -> Scene:
    return replace(scene, cloud_cover_site_pct=cloud_pct)


def _process(site: str, date: str, stac_url: str | None, workspace: Path | None,
             reader: str = "python") -> tuple[Facility, list[SceneResult]]:
    import httpx

    from basewatch.errors import NotFoundError
    from basewatch.sources.imagery_process import (
        history_pixels,
        keep_history,
        process_scenes,
        scene_with_results,
    )
    from basewatch.sources.stac import search_scenes
    from basewatch.store.imagery import IMAGERY_COUNTS, IMAGERY_SCENES

    url = _stac_url(stac_url)
    day = parse_date(date, field="--date")
    assert day is not None
    with open_workspace(workspace) as ws:
        fac, areas, foot = _site_and_areas(ws, site)
        if not areas:
            raise NotFoundError(f"site {fac.id} has no named areas (apron, harbour basin): "
                                "import some with `basewatch imagery import-areas`")
        scenes = search_scenes(url, fac.id, foot, day, day)
        if not scenes:
            raise NotFoundError(f"no scene over {fac.id} on {day} at {url}")
        with httpx.Client(timeout=30.0) as client:
            results = process_scenes(scenes, areas, client, reader=reader,
                                     workspace_folder=ws.folder)
        with ws.store.transaction():
            ws.store.put(IMAGERY_SCENES, [scene_with_results(r) for r in results])
            ws.store.put(IMAGERY_COUNTS, [c for r in results for c in r.counts])
        keep_history(ws.folder, history_pixels(results))
    return fac, list(results)


SceneOpt = Annotated[Path | None, typer.Option(
    "--scene", help="A local scene: GeoTIFF/COG, folder of band files, SAFE folder or zip, "
                    "Sentinel-1 GeoTIFF, JPEG/PNG (see docs/imagery.md)")]
OptDayOpt = Annotated[str | None, typer.Option(
    "--date", help="Acquisition date (YYYY-MM-DD); with --scene only when the file has none")]
BandsOpt = Annotated[str | None, typer.Option(
    "--bands", help="Band names of a GeoTIFF in order, e.g. B02,B03,B04,B08")]
PixelOpt = Annotated[float | None, typer.Option(
    "--pixel-size", help="Pixel size in metres of an image without georeferencing")]


def _need_date(date: str | None) -> str:
    from basewatch.errors import ValidationError

    if not date:
        raise ValidationError("give --date (a STAC search) or --scene PATH (a local scene)")
    return date


@app.command("process")
@handle_errors
def process_cmd(
    site: SiteOpt,
    date: OptDayOpt = None,
    scene: SceneOpt = None,
    bands: BandsOpt = None,
    pixel_size: PixelOpt = None,
    stac_url: StacOpt = None,
    reader: ReaderOpt = "python",
    aircraft_model: Annotated[Path | None, typer.Option(
        "--aircraft-model", help="With --scene: count aircraft with a model you trained "
                                 "(imagery train-aircraft)")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read the site's areas in a scene (a STAC search by --date, or a local --scene), detect
    vessels/aircraft, store the counts, judge them."""
    if scene is not None:
        from basewatch.cli.imagery_local import process_local_scene

        process_local_scene(site, scene, date, bands, pixel_size, workspace, as_json,
                            aircraft_model)
        return
    if aircraft_model is not None:
        from basewatch.errors import ValidationError

        raise ValidationError("--aircraft-model needs --scene (a local high-resolution image)")
    date = _need_date(date)
    fac, results = _process(site, date, stac_url, workspace, reader)
    with open_workspace(workspace) as ws:
        rows = [r for r in site_verdicts(site_counts(ws.store, fac.id))
                if r.day.isoformat() == date and r.method == "detector"]
    if as_json:
        print_json({"site": fac.id, "date": date,
                    "scenes": [r.to_dict() for r in results],
                    "verdicts": [r.to_dict() for r in rows]})
        return
    for r in results:
        d = r.to_dict()
        head = f"{d['time'][:16]} {d['collection']} {d['scene']}"
        if d["error"]:
            console.print(f"[yellow]{escape(head)}: {escape(d['error'])}[/]", highlight=False)
            continue
        cloud = "" if d["cloud_over_site_pct"] is None else f", cloud over site {d['cloud_over_site_pct']} %"
        console.print(f"{head}{cloud}; read {d['bytes_fetched']:,} of {d['assets_bytes']:,} bytes",
                      highlight=False)
        if not d["usable"]:
            console.print("   not usable (cloud over the site)")
        for a in d["areas"]:
            found = ", ".join(f"{x['kind']} {x['length_m']:g} m" for x in a["detections"])
            hist = (f"; history of {a['history_scenes']} earlier scenes"
                    if a["history_scenes"] else "")
            console.print(f"   {escape(a['area'])} ({escape(a['method'])}{hist}): "
                          f"{a['n_detections']} detections"
                          + (f" ({found})" if found else ""), highlight=False)
    for row in rows:
        console.print(f"  {escape(row.text)}", highlight=False)
    synthetic_note(any(r.scene.provenance.synthetic for r in results))


@app.command("chips")
@handle_errors
def chips_cmd(
    site: SiteOpt,
    out: Annotated[Path, typer.Option("--out", help="Folder for the PNG chips")],
    date: OptDayOpt = None,
    scene: SceneOpt = None,
    bands: BandsOpt = None,
    pixel_size: PixelOpt = None,
    stac_url: StacOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """PNG chips of each area of each scene of a date (or of a local --scene), detections boxed
    in red."""
    from basewatch.sources.chips import write_png

    written: list[str] = []
    if scene is not None:
        from basewatch.cli.imagery_local import chips_local

        written = chips_local(site, scene, date, bands, pixel_size, out, workspace)
        results: list[SceneResult] = []
        fac = None
    else:
        fac, results = _process(site, _need_date(date), stac_url, workspace)
    for r in results:
        for a in r.areas:
            mark = "SYNTHETIC_" if r.scene.provenance.synthetic else ""
            assert fac is not None
            name = f"{mark}{fac.id}_{a.area.replace(' ', '-')}_{r.scene.id}.png"
            written.append(str(write_png(out / name, a.chip)))
    if as_json:
        print_json({"chips": written})
        return
    for w in written:
        console.print(escape(w), highlight=False)
    if not written:
        console.print("no chip: no usable scene on that date")


def print_demo_claims(findings: dict[str, Any]) -> None:
    """Claims E and F of the demo (``demo_findings`` rows) as a few lines of text."""
    for key, title in (("E_imagery_tartus", "E. Tartus, 3 Dec 2024 imagery"),
                       ("F_imagery_khmeimim", "F. Khmeimim, 3 Dec 2024 imagery")):
        rows = findings.get(key) or []
        if not rows:
            continue
        console.print(f"[bold]{title}[/] ({escape(rows[0]['source'])})", highlight=False)
        for r in rows:
            style = _STYLE[Verdict(r["verdict"])]
            console.print(f"   [{style}]{r['verdict']}[/]  {escape(r['text'])}", highlight=False)


@app.command("count-aircraft")
@handle_errors
def count_aircraft_cmd(
    site: SiteOpt,
    image: Annotated[str, typer.Option("--image", help="High-resolution GeoTIFF (path or URL)")],
    time: Annotated[str, typer.Option("--time", help="Acquisition time, ISO (UTC)")],
    source: Annotated[str, typer.Option("--source", help="Who supplied the image")],
    area: Annotated[str, typer.Option("--area", help="Named area of the site")] = "apron",
    sensor: Annotated[str, typer.Option("--sensor", help="Sensor label")] = "high-resolution image",
    chip: Annotated[Path | None, typer.Option("--chip", help="Write a PNG chip here")] = None,
    bands: Annotated[str | None, typer.Option(
        "--bands", help="Band names of the image in order where the file has none, "
                        "e.g. red,green,blue")] = None,
    model: Annotated[Path | None, typer.Option(
        "--model", help="Count with a model you trained (imagery train-aircraft) instead of "
                        "the classical counter")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Count aircraft in a named area of a high-resolution image (<= 1 m), store the count
    (method detector) and judge it against the site's history. The detector is the one of
    `imagery process --scene` (same pixels, same detections)."""
    from basewatch.errors import NotFoundError, ValidationError
    from basewatch.model import Provenance, Source
    from basewatch.model._util import parse_datetime
    from basewatch.model.imagery import CountMethod, ImageryCount, normalize_area
    from basewatch.sources.area_detect import AIRCRAFT_MAX_RES_M, detect_area, read_image_area
    from basewatch.sources.chips import render_chip, write_png
    from basewatch.store.imagery import IMAGERY_COUNTS

    t = parse_datetime(time, field="--time")
    trained = None
    if model is not None:
        from basewatch.sources.aircraft_training import read_model

        trained = read_model(model)
    with open_workspace(workspace) as ws:
        fac, areas, _ = _site_and_areas(ws, site)
        hit = [a for a in areas if a.name == normalize_area(area)]
        if not hit:
            raise NotFoundError(f"site {fac.id} has no area {area!r} "
                                f"(has: {', '.join(a.name for a in areas) or 'none'})")
        names = [b.strip() for b in bands.split(",") if b.strip()] if bands else None
        pixels, inside, res_m, lonlat = read_image_area(image, hit[0].geometry, names)
        if res_m > AIRCRAFT_MAX_RES_M:
            raise ValidationError(f"{image}: {res_m:g} m pixels; aircraft counting needs "
                                  f"<= {AIRCRAFT_MAX_RES_M:g} m (use presence on Sentinel-2 instead)")
        got = detect_area(pixels, inside, res_m=res_m, kind="apron", scene_kind="image",
                          aircraft_model=trained)
        dets = got.detections
        rec = ImageryCount(fac.id, hit[0].name, t, "aircraft", len(dets), sensor,
                           Provenance(Source(source, "", image)), resolution_m=round(res_m, 3),
                           method=CountMethod.DETECTOR)
        with ws.store.transaction():
            ws.store.put(IMAGERY_COUNTS, [rec])
        rows = [r for r in site_verdicts(site_counts(ws.store, fac.id))
                if r.area == rec.area and r.object_class == "aircraft" and r.day == rec.day]
    chip_path = None
    if chip is not None:
        chip_path = str(write_png(chip, render_chip(got.chip, inside, dets, scale=1, res_m=res_m)))
    if as_json:
        where = lonlat([d.row for d in dets], [d.col for d in dets])
        print_json({"site": fac.id, "area": rec.area, "count": len(dets), "method": got.method,
                    "resolution_m": round(res_m, 3),
                    "detections": [{**d.to_dict(), "lon": round(lo, 6), "lat": round(la, 6)}
                                   for d, (lo, la) in zip(dets, where, strict=True)],
                    "chip": chip_path, "verdicts": [r.to_dict() for r in rows]})
        return
    console.print(f"{fac.name}, {rec.area}: {len(dets)} aircraft "
                  f"({', '.join(f'{d.length_m:.0f} m' for d in dets)})", highlight=False)
    for r in rows:
        console.print(f"  {escape(r.text)}", highlight=False)


def _register_more() -> None:
    from basewatch.cli.imagery_demo import register as register_demo
    from basewatch.cli.imagery_train import register

    register(app)
    register_demo(app)


_register_more()
