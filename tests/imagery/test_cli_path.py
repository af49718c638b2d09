"""The whole path on the loopback server, through the CLI: search, read, detect, count,
verdict, chip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import rasterio
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.store import Workspace

from .conftest import AREAS_FILE, SceneSet

runner = CliRunner()


def _run(*args: str) -> Any:
    res = runner.invoke(app, ["imagery", *args], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout) if "--json" in args else res.output


def test_search_process_count_verdict_chip(sites_ws: Workspace, stac: Any, scene_set: SceneSet,
                                           tmp_path: Path) -> None:
    w = str(sites_ws.folder)
    sites_ws.close()
    _run("import-areas", str(AREAS_FILE), "-w", w)
    found = _run("search", "--site", "Tartus", "--from", "2024-11-15", "--to", "2024-12-08",
                 "--stac-url", stac.url, "-w", w, "--json")
    assert len(found["scenes"]) == 6 and found["errors"] == {}
    cloud = {s["time"][:10]: s["cloud_cover_site_pct"] for s in found["scenes"]
             if s["collection"] == "sentinel-2-l2a"}
    assert cloud["2024-11-23"] == 100.0 and cloud["2024-11-28"] == 0.0
    assert 0 < found["bytes_fetched"] <= found["assets_bytes"]

    before = _run("process", "--site", "tartus", "--date", "2024-11-30", "--stac-url", stac.url,
                  "-w", w, "--json")
    (s1,) = before["scenes"]
    counts = {c["class"]: c["count"] for c in s1["counts"]}
    assert counts == {"vessel_any": 4, "vessel_large": 2, "vessel_medium": 1, "vessel_small": 1}
    assert all(c["method"] == "detector" and c["provenance"]["synthetic"] for c in s1["counts"])
    assert s1["bytes_fetched"] < s1["assets_bytes"]

    after = _run("process", "--site", "tartus", "--date", "2024-12-03", "--stac-url", stac.url,
                 "-w", w, "--json")
    assert {s["collection"] for s in after["scenes"]} == {"sentinel-1-grd", "sentinel-2-l2a"}
    for s in after["scenes"]:
        assert s["error"] is None
        assert {c["class"]: c["count"] for c in s["counts"]}["vessel_any"] == 0
    # verdicts were made against the stored history of the same area and class
    v = next(r for r in after["verdicts"] if r["class"] == "vessel_any")
    assert v["n_history"] == 1 and v["verdict"] == "not conclusive"

    cloudy = _run("process", "--site", "tartus", "--date", "2024-11-23", "--stac-url", stac.url,
                  "-w", w, "--json")
    assert cloudy["scenes"][0]["usable"] is False and cloudy["scenes"][0]["counts"] == []

    out = tmp_path / "chips"
    chips = _run("chips", "--site", "tartus", "--date", "2024-11-30", "--out", str(out),
                 "--stac-url", stac.url, "-w", w, "--json")["chips"]
    assert len(chips) == 1 and Path(chips[0]).name.startswith("SYNTHETIC_tartus_harbour-basin_S1A")
    assert Path(chips[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with rasterio.open(chips[0]) as ds:
        rgb = ds.read()
    red = (rgb[0] == 255) & (rgb[1] == 40) & (rgb[2] == 40)
    assert red.sum() > 100  # four boxes drawn

    table = _run("counts", "--site", "tartus", "-w", w)
    assert "vessel_any" in table


def test_process_without_stac_url_is_a_clear_error(sites_ws: Workspace, monkeypatch: Any) -> None:
    monkeypatch.delenv("BASEWATCH_STAC_URL", raising=False)
    res = runner.invoke(app, ["imagery", "process", "--site", "tartus", "--date", "2024-12-03",
                              "-w", str(sites_ws.folder)])
    assert res.exit_code == 2 and "no STAC API" in res.output


def _apron_image(sites_ws: Workspace, tmp_path: Path, *, rgb: bool = False
                 ) -> tuple[str, list[tuple[float, float, float]]]:
    """A georeferenced synthetic 50 cm image over a square test apron at Khmeimim; returns the
    workspace and the planted aircraft as (lon, lat, length_m).

    ``rgb``: an 8-bit RGB COG instead of one float band, the aircraft painted cyan (bright in
    green and blue, as bright as the concrete in red): the red band alone shows none of them."""
    import numpy as np
    from rasterio.transform import from_origin, xy
    from rasterio.warp import transform as warp_transform

    from basewatch.demo.imagery_scenes import generate_apron_image

    img, truth = generate_apron_image(((22.0, 17.6), (46.6, 50.5), (23.3, 14.7)), 3, seed=7,
                                      size=400, tone=0.85 if rgb else 0.35)
    assert len(truth) == 3
    (x,), (y,) = warp_transform("EPSG:4326", "EPSG:32636", [35.9480], [35.4050])
    tr = from_origin(x, y, 0.5, 0.5)
    if rgb:
        red = 0.60 + np.random.default_rng(8).normal(0, 0.02, img.shape)  # bare concrete
        rgb8 = np.clip(np.round(np.stack([red, img, 0.95 * img]) * 255), 0, 255).astype("uint8")
        from rasterio.shutil import copy

        # an RGB GeoTIFF made a COG (as gdal_translate -of COG does): the bands keep their
        # colour interpretation red, green, blue
        with rasterio.open(tmp_path / "rgb.tif", "w", driver="GTiff", width=400, height=400,
                           count=3, dtype="uint8", crs="EPSG:32636", transform=tr,
                           photometric="RGB") as ds:
            ds.write(rgb8)
        copy(tmp_path / "rgb.tif", tmp_path / "hr.tif", driver="COG", blocksize=128,
             compress="deflate")
    else:
        with rasterio.open(tmp_path / "hr.tif", "w", driver="GTiff", width=400, height=400,
                           count=1, dtype="float32", crs="EPSG:32636", transform=tr) as ds:
            ds.write(img.astype("float32"), 1)
    # the test apron: the image's footprint shrunk by 10 m, in lon/lat
    xs = [x + 10, x + 190, x + 190, x + 10]
    ys = [y - 10, y - 10, y - 190, y - 190]
    lons, lats = warp_transform("EPSG:32636", "EPSG:4326", xs, ys)
    ring = [[lo, la] for lo, la in zip(lons, lats, strict=True)]
    areas = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"site": "khmeimim", "name": "test apron", "kind": "apron",
                                          "source": "test"},
        "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}}]}
    (tmp_path / "a.geojson").write_text(json.dumps(areas), "utf-8")
    w = str(sites_ws.folder)
    sites_ws.close()
    _run("import-areas", str(tmp_path / "a.geojson"), "-w", w)
    px, py = xy(tr, [r for r, _, _ in truth], [c for _, c, _ in truth])
    tlon, tlat = warp_transform("EPSG:32636", "EPSG:4326", list(px), list(py))
    return w, [(lo, la, n) for lo, la, (_, _, n) in zip(tlon, tlat, truth, strict=True)]


def _matched(dets: list[dict[str, Any]], truth: list[tuple[float, float, float]]) -> int:
    """Planted aircraft with a detection within 10 m of their centre, one to one."""
    from pyproj import Geod

    geod, used = Geod(ellps="WGS84"), set()
    for lon, lat, _ in truth:
        near = sorted((geod.inv(lon, lat, d["lon"], d["lat"])[2], i) for i, d in enumerate(dets)
                      if i not in used)
        if near and near[0][0] <= 10.0:
            used.add(near[0][1])
    return len(used)


def test_count_aircraft_on_a_local_50cm_image(sites_ws: Workspace, tmp_path: Path) -> None:
    w, truth = _apron_image(sites_ws, tmp_path)
    out = _run("count-aircraft", "--site", "Hmeimim", "--area", "test apron", "--image",
               str(tmp_path / "hr.tif"), "--time", "2024-12-03T09:00:00Z", "--source", "test",
               "--chip", str(tmp_path / "chip.png"), "-w", w, "--json")
    assert out["count"] == 3 and _matched(out["detections"], truth) == 3
    # each aircraft measured at its planted size (the larger of length and span, within 25 %)
    spans = {22.0: 22.0, 46.6: 50.5, 23.3: 23.3}
    for lon, lat, n in truth:
        d = min(out["detections"], key=lambda d: (d["lon"] - lon) ** 2 + (d["lat"] - lat) ** 2)
        assert abs(d["length_m"] - spans[n]) <= 0.25 * spans[n], (n, d["length_m"])
    assert out["verdicts"][0]["method"] == "detector"
    assert (tmp_path / "chip.png").read_bytes()[:4] == b"\x89PNG"


def test_count_aircraft_and_process_scene_give_the_same_detections(sites_ws: Workspace,
                                                                    tmp_path: Path) -> None:
    """One detector for one concept: the same pixels give the same aircraft either way."""
    w, truth = _apron_image(sites_ws, tmp_path)
    counted = _run("count-aircraft", "--site", "khmeimim", "--area", "test apron", "--image",
                   str(tmp_path / "hr.tif"), "--time", "2024-12-03T09:00:00Z", "--source", "test",
                   "-w", w, "--json")
    processed = _run("process", "--site", "khmeimim", "--scene", str(tmp_path / "hr.tif"),
                     "--date", "2024-12-04", "-w", w, "--json")
    area = next(a for a in processed["areas"] if a["area"] == "test apron")

    def key(d: dict[str, Any]) -> tuple[float, float, float]:
        return (round(d["lon"], 6), round(d["lat"], 6), round(d["length_m"], 1))

    assert sorted(map(key, counted["detections"])) == sorted(map(key, area["detections"]))
    assert area["count"] == counted["count"] == 3 and _matched(area["detections"], truth) == 3


def test_count_aircraft_reads_an_rgb_cog_by_url_as_a_local_file(sites_ws: Workspace,
                                                                 tmp_path: Path) -> None:
    """An RGB COG over HTTP is read like the same file on disk: all three bands, one
    brightness. The aircraft are cyan, invisible in the red (first) band alone."""
    from basewatch.demo.stac_server import LoopbackStac

    w, truth = _apron_image(sites_ws, tmp_path, rgb=True)
    with rasterio.open(tmp_path / "hr.tif") as ds:
        assert ds.count == 3 and ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        red = ds.read(1).astype(float)
    assert red.max() - red.min() < 0.3 * 255  # nothing stands out in red
    common = ["--site", "khmeimim", "--area", "test apron", "--time", "2024-12-03T09:00:00Z",
              "--source", "test", "-w", w, "--json"]
    local = _run("count-aircraft", "--image", str(tmp_path / "hr.tif"), *common)
    with LoopbackStac(tmp_path) as srv:
        remote = _run("count-aircraft", "--image", f"{srv.url}/hr.tif", *common)
        assert srv.requests["/hr.tif"] > 0  # really read over HTTP

    def key(d: dict[str, Any]) -> tuple[float, float, float, float]:
        return (round(d["lon"], 7), round(d["lat"], 7), round(d["length_m"], 2),
                round(d["width_m"], 2))

    assert local["count"] == remote["count"] == 3
    assert _matched(local["detections"], truth) == 3
    assert sorted(map(key, remote["detections"])) == sorted(map(key, local["detections"]))
    assert remote["resolution_m"] == local["resolution_m"]


def test_count_aircraft_names_unnamed_bands_with_bands_option(sites_ws: Workspace,
                                                              tmp_path: Path) -> None:
    """A three-band GeoTIFF whose bands carry neither descriptions nor an RGB colour
    interpretation: refused with a line naming the file and ``--bands``; named with
    ``--bands red,green,blue`` it counts what the RGB file counts."""
    import numpy as np
    from rasterio.enums import ColorInterp

    w, truth = _apron_image(sites_ws, tmp_path, rgb=True)
    with rasterio.open(tmp_path / "hr.tif") as ds:
        data, profile = ds.read(), ds.profile
    profile.update(driver="GTiff", photometric="MINISBLACK")
    for k in ("tiled", "blockxsize", "blockysize", "layout"):
        profile.pop(k, None)
    with rasterio.open(tmp_path / "plain.tif", "w", **profile) as ds:
        ds.write(np.asarray(data))
        ds.colorinterp = [ColorInterp.gray, ColorInterp.undefined, ColorInterp.undefined]
    common = ["--site", "khmeimim", "--area", "test apron", "--time", "2024-12-03T09:00:00Z",
              "--source", "test", "-w", w]
    res = runner.invoke(app, ["imagery", "count-aircraft", "--image", str(tmp_path / "plain.tif"),
                              *common], env={"COLUMNS": "200"})
    assert res.exit_code != 0 and "Traceback" not in res.output
    assert "plain.tif" in res.output and "--bands" in res.output
    named = _run("count-aircraft", "--image", str(tmp_path / "plain.tif"), "--bands",
                 "red,green,blue", *common, "--json")
    rgb = _run("count-aircraft", "--image", str(tmp_path / "hr.tif"), *common, "--json")
    assert named["count"] == rgb["count"] == 3 and _matched(named["detections"], truth) == 3


def test_search_failure_is_one_red_line(sites_ws: Workspace, stac: Any) -> None:
    stac.faults["/search"] = ["malformed"]
    res = runner.invoke(app, ["imagery", "search", "--site", "tartus", "--from", "2024-11-01",
                              "--to", "2024-12-08", "--stac-url", stac.url,
                              "-w", str(sites_ws.folder)])
    assert res.exit_code == 2
    assert "STAC search at http://127.0.0.1" in res.output and "Traceback" not in res.output


def test_demo_catalog_shows_the_flotilla_leaving(demo_imagery_ws: Path, tmp_path: Path) -> None:
    """The offline demo scenes (serve-synthetic): 4 vessels on 30 Nov, none on 3 Dec."""
    import shutil

    from basewatch.demo.imagery_scenes import demo_catalog
    from basewatch.demo.stac_server import LoopbackStac
    from basewatch.store.imagery import site_areas

    ws_copy = tmp_path / "ws"  # the session's demo workspace stays as built
    shutil.copytree(demo_imagery_ws, ws_copy)
    with Workspace(ws_copy) as ws:
        basin = next(a for a in site_areas(ws.store, "tartus") if a.kind == "water")
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    srv = LoopbackStac(scenes)
    srv.items = demo_catalog(scenes, basin.geometry, srv.url)
    with srv:
        counts = {}
        for day in ("2024-11-30", "2024-12-03"):
            out = _run("process", "--site", "tartus", "--date", day, "--stac-url", srv.url,
                       "-w", str(ws_copy), "--json")
            counts[day] = [c["count"] for s in out["scenes"] for c in s["counts"]
                           if c["class"] == "vessel_any"]
    assert counts == {"2024-11-30": [4], "2024-12-03": [0]}
