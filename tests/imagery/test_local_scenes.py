"""`imagery process --scene`: scenes an analyst downloaded, with targets planted at known places
(positions checked with pyproj.Geod), their provenance (file name, SHA-256), the site's history,
and one-line errors that store nothing."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pyproj import Geod
from typer.testing import CliRunner

from basewatch.analysis.vessels import detect_vessels, noise_floor, water_mask
from basewatch.cli.main import app
from basewatch.sources.local_scene import band_name, open_scene, parse_time
from basewatch.store import Workspace
from basewatch.store.imagery import IMAGERY_COUNTS, IMAGERY_SCENES

from . import local_scenes as ls

runner = CliRunner()
GEOD = Geod(ellps="WGS84")
S2_BANDS = ["B02", "B03", "B04", "B08", "B11"]


def _invoke(*args: str) -> Any:
    return runner.invoke(app, ["imagery", *args], env={"COLUMNS": "200"})


def _ok(*args: str) -> Any:
    res = _invoke(*args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout) if "--json" in args else res.output


@pytest.fixture
def harbour_ws(sites_ws: Workspace, tmp_path: Path) -> str:
    """The demo's sites with a rough 'harbour' water area at Tartus over the synthetic scene."""
    w = str(sites_ws.folder)
    sites_ws.close()
    _ok("import-areas", str(ls.area_geojson(tmp_path / "areas.geojson", "tartus")), "-w", w)
    return w


def _stored(w: str) -> tuple[int, int]:
    with Workspace(Path(w)) as ws:
        return len(ws.store.select(IMAGERY_SCENES, None)), len(ws.store.select(IMAGERY_COUNTS, None))


def _matched(dets: list[dict[str, Any]], planted: list[ls.Planted], max_m: float = 30.0) -> int:
    got = 0
    for p in ls.positions(planted):
        d = [GEOD.inv(p.lon, p.lat, x["lon"], x["lat"])[2] for x in dets]
        got += bool(d) and min(d) <= max_m
    return got


def test_band_names_and_dates_from_export_names() -> None:
    assert band_name("2023-08-18-0000_2023-08-18-2359_Sentinel-2_L2A_B8A_(Raw).tiff") == "B8A"
    assert band_name("T37SBU_20241128T082259_B02_10m.jp2") == "B02"
    assert band_name("swir16") == "B11" and band_name("True_color.tiff") is None
    assert parse_time("S1A_IW_GRDH_1SDV_20241130T154512_20241130T154537_056800.tif").hour == 15
    assert parse_time("no date here.tif") is None


def test_noise_floor_holds_when_water_is_clipped_to_zero() -> None:
    assert noise_floor(np.zeros(1000), 2800.0, 0.04) == pytest.approx(112.0)
    b = {"B03": np.array([[650, 1100]]), "B08": np.array([[0, 2800]]), "B11": np.array([[150, 3200]])}
    assert water_mask(b).tolist() == [[True, False]]


def test_vessels_at_anchor_and_at_quays_not_the_breakwater() -> None:
    bands, planted = ls.harbour_bands(hulk=False)
    dets = detect_vessels(bands, np.ones(ls.SHAPE, bool), res_m=10.0)
    assert len(dets) == len(planted) == 5
    for p in planted:
        d = min(dets, key=lambda x: np.hypot(x.row - p.row, x.col - p.col))
        assert np.hypot(d.row - p.row, d.col - p.col) <= 1.0
        assert d.length_m == pytest.approx(p.length_m, abs=20)
    empty, _ = ls.harbour_bands(ships=False, hulk=False)
    assert detect_vessels(empty, np.ones(ls.SHAPE, bool), res_m=10.0) == []


def test_diagnostics_say_why_the_breakwater_is_not_a_ship() -> None:
    bands, planted = ls.harbour_bands(hulk=False)
    diag: dict[str, object] = {}
    dets = detect_vessels(bands, np.ones(ls.SHAPE, bool), res_m=10.0, diagnostics=diag)
    cands = diag["candidates"]
    assert isinstance(cands, list)
    assert len([c for c in cands if not c["rejected"]]) == len(dets) == 5
    # The breakwater (rows 40-41, columns 60-149: 900 m x 20 m) is one object, too long.
    (bw,) = [c for c in cands if 39 <= c["row"] <= 42 and 60 <= c["col"] <= 150]
    assert bw["rejected"] == ["size"] and bw["length_m"] == pytest.approx(900, abs=10)
    core = diag["land_core"]
    assert isinstance(core, np.ndarray)
    assert core[:, 320:].all() and not core[100, 87]  # the land east of x=300; a ship at anchor

def test_geotiff_with_band_descriptions_through_the_cli(harbour_ws: str, tmp_path: Path) -> None:
    bands, planted = ls.harbour_bands(hulk=False)
    tif = ls.write_multiband(tmp_path / "S2B_MSIL2A_20241128T082259_harbour.tif", bands, S2_BANDS)
    out = _ok("process", "--site", "tartus", "--scene", str(tif), "-w", harbour_ws, "--json")
    assert out["sha256"] == hashlib.sha256(tif.read_bytes()).hexdigest()
    assert out["time"] == "2024-11-28T08:22:59+00:00" and out["kind"] == "sentinel-2-l2a"
    (area,) = out["areas"]
    assert area["count"] == 5 and _matched(area["detections"], planted) == 5
    assert {"lon", "lat", "length_m", "class", "score"} <= set(area["detections"][0])
    counts = {c["class"]: c["count"] for c in out["counts"]}
    assert counts["vessel_any"] == 5 and counts["vessel_large"] == 5
    with Workspace(Path(harbour_ws)) as ws:
        (scene,) = ws.store.select(IMAGERY_SCENES, None)
        stored = ws.store.select(IMAGERY_COUNTS, None)
    assert scene.assets["sha256"] == out["sha256"] and scene.collection == "local:sentinel-2-l2a"
    assert all(tif.name in c.provenance.label for c in stored)  # every face shows the label


def test_bands_option_names_an_undescribed_geotiff(harbour_ws: str, tmp_path: Path) -> None:
    bands, planted = ls.harbour_bands(hulk=False)
    tif = ls.write_multiband(tmp_path / "colleague.tif", bands, ["B03", "B08", "B11"],
                             describe=False)
    res = _invoke("process", "--site", "tartus", "--scene", str(tif), "--date", "2024-11-28",
                  "-w", harbour_ws)
    assert res.exit_code == 2 and "colleague.tif" in res.output and "--bands" in res.output
    out = _ok("process", "--site", "tartus", "--scene", str(tif), "--bands", "B03,B08,B11",
              "--date", "2024-11-28", "-w", harbour_ws, "--json")
    assert _matched(out["areas"][0]["detections"], planted) == 5


def test_band_folder_as_exported_and_safe_zip(harbour_ws: str, tmp_path: Path) -> None:
    bands, planted = ls.harbour_bands(hulk=False)
    folder = ls.write_band_folder(tmp_path / "export", bands)
    out = _ok("process", "--site", "tartus", "--scene", str(folder), "-w", harbour_ws, "--json")
    assert out["time"].startswith("2024-11-28") and out["bands"] == S2_BANDS
    assert _matched(out["areas"][0]["detections"], planted) == 5
    (tmp_path / "jp2").mkdir()
    z = ls.write_safe_zip(tmp_path / "S2B_MSIL2A_20241128T082259.zip", bands, tmp_path / "jp2")
    out = _ok("process", "--site", "tartus", "--scene", str(z), "-w", harbour_ws, "--json")
    assert out["time"] == "2024-11-28T08:22:59+00:00"
    assert _matched(out["areas"][0]["detections"], planted) == 5


def test_history_tells_a_moored_hulk_from_a_ship_that_came(harbour_ws: str, tmp_path: Path) -> None:
    for i, day in enumerate(("2024-11-03", "2024-11-08", "2024-11-13")):
        bands, _ = ls.harbour_bands(seed=20 + i, ships=False)
        out = _ok("process", "--site", "tartus", "--scene",
                  str(ls.write_band_folder(tmp_path / day, bands, day)), "-w", harbour_ws, "--json")
        assert out["areas"][0]["count"] == 1  # the hulk, while there is no history
    bands, planted = ls.harbour_bands(seed=30)
    out = _ok("process", "--site", "tartus", "--scene",
              str(ls.write_band_folder(tmp_path / "now", bands)), "-w", harbour_ws, "--json")
    area = out["areas"][0]
    assert area["history_scenes"] == 3
    assert area["count"] == 5 and _matched(area["detections"], planted) == 5


def test_sentinel1_geotiff_linear_and_db(harbour_ws: str, tmp_path: Path) -> None:
    for db in (False, True):
        tif, planted = ls.write_s1(tmp_path / f"S1A_IW_GRDH_1SDV_20241130T154512_VV_{db}.tif", db=db)
        out = _ok("process", "--site", "tartus", "--scene", str(tif), "-w", harbour_ws, "--json")
        assert out["kind"] == "sentinel-1-grd"
        dets = out["areas"][0]["detections"]
        assert _matched(dets, planted) == 3 and len(dets) <= 4


def test_sentinel1_grd_in_radar_geometry_placed_by_gcps(harbour_ws: str, tmp_path: Path) -> None:
    tif, planted = ls.write_s1_gcps(tmp_path / "s1a-iw-grd-vv-20241130t154512-20241130t154537-001.tiff")
    out = _ok("process", "--site", "tartus", "--scene", str(tif), "-w", harbour_ws, "--json")
    assert out["kind"] == "sentinel-1-grd" and out["time"].startswith("2024-11-30T15:45:12")
    dets = out["areas"][0]["detections"]
    assert _matched(dets, planted) == 3 and len(dets) <= 4


def test_aircraft_on_a_plain_jpeg_with_pixel_size_or_world_file(harbour_ws: str,
                                                                tmp_path: Path) -> None:
    rgb, centres = ls.aircraft_image(n=6)
    jpg = ls.write_jpeg(tmp_path / "apron screenshot.jpg", rgb)
    res = _invoke("process", "--site", "khmeimim", "--scene", str(jpg), "--date", "2024-12-03",
                  "-w", harbour_ws)
    assert res.exit_code == 2
    assert "apron screenshot.jpg" in res.output and "--pixel-size" in res.output
    out = _ok("process", "--site", "khmeimim", "--scene", str(jpg), "--date", "2024-12-03",
              "--pixel-size", "0.5", "-w", harbour_ws, "--json")
    (area,) = out["areas"]
    assert area["area"] == "whole image" and "whole image" in out["notes"][0]
    assert area["count"] == 6
    for r, c in centres:
        assert min(np.hypot(d["row"] - r, d["col"] - c) for d in area["detections"]) < 10
    jpg2 = ls.write_jpeg(tmp_path / "with_world.jpg", rgb, world_res_m=0.5)
    out = _ok("process", "--site", "khmeimim", "--scene", str(jpg2), "--date", "2024-12-03",
              "-w", harbour_ws, "--json")
    assert out["areas"][0]["count"] == 6 and out["areas"][0]["resolution_m"] == 0.5


def test_chips_of_a_local_scene_box_each_detection(harbour_ws: str, tmp_path: Path) -> None:
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    bands, _ = ls.harbour_bands(hulk=False)
    tif = ls.write_multiband(tmp_path / "S2B_MSIL2A_20241128T082259_h.tif", bands, S2_BANDS)
    out = _ok("chips", "--site", "tartus", "--scene", str(tif), "--out", str(tmp_path / "chips"),
              "-w", harbour_ws, "--json")
    (png,) = out["chips"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(png) as ds:
            img = ds.read()
    red = (img[0] == 255) & (img[1] == 40)
    assert red.sum() > 5 * 4 * 20  # five boxes of at least 20 red pixels a side


# --- bad inputs: one line naming the file and the fault, nothing stored ----------------------

def _refused(w: str, *args: str, expect: tuple[str, ...]) -> None:
    before = _stored(w)
    res = _invoke("process", "--site", "tartus", *args, "-w", w)
    assert res.exit_code == 2, res.output
    msg = " ".join(res.output.split())
    assert msg.startswith("error:") and all(e in msg for e in expect), msg
    assert "Traceback" not in res.output
    assert _stored(w) == before


def test_truncated_tiff(harbour_ws: str, tmp_path: Path) -> None:
    bands, _ = ls.harbour_bands()
    tif = ls.write_multiband(tmp_path / "cut.tif", bands, S2_BANDS)
    data = tif.read_bytes()
    tif.write_bytes(data[: len(data) * 2 // 3])
    _refused(harbour_ws, "--scene", str(tif), "--date", "2024-11-28", expect=("cut.tif", "cannot read"))


def test_scene_that_misses_the_sites_area(sites_ws: Workspace, tmp_path: Path) -> None:
    w = str(sites_ws.folder)
    sites_ws.close()
    _ok("import-areas", str(ls.area_geojson(tmp_path / "a.geojson", "khmeimim", "apron", "apron")),
        "-w", w)
    bands, _ = ls.harbour_bands()
    tif = ls.write_multiband(tmp_path / "elsewhere.tif", bands, S2_BANDS)
    # Tartus has no area at all; an area 1 000 km away from a scene is a different fault:
    _refused(w, "--scene", str(tif), "--date", "2024-11-28", expect=("elsewhere.tif", "no water"))
    far = ls.area_geojson(tmp_path / "far.geojson", "tartus")
    doc = json.loads(far.read_text())
    doc["features"][0]["geometry"]["coordinates"] = [[[30, 30], [30.1, 30], [30.1, 30.1], [30, 30]]]
    far.write_text(json.dumps(doc))
    _ok("import-areas", str(far), "-w", w)
    _refused(w, "--scene", str(tif), "--date", "2024-11-28", expect=("elsewhere.tif", "outside the scene"))


def test_band_missing_for_the_method(harbour_ws: str, tmp_path: Path) -> None:
    bands, _ = ls.harbour_bands()
    tif = ls.write_multiband(tmp_path / "rgb_only.tif", bands, ["B02", "B03", "B04"])
    _refused(harbour_ws, "--scene", str(tif), "--date", "2024-11-28",
             expect=("rgb_only.tif", "band is missing", "B08"))


def test_image_without_georeferencing_and_no_pixel_size(harbour_ws: str, tmp_path: Path) -> None:
    rgb, _ = ls.aircraft_image(n=2)
    jpg = ls.write_jpeg(tmp_path / "nogeo.jpg", rgb)
    _refused(harbour_ws, "--scene", str(jpg), "--date", "2024-12-03",
             expect=("nogeo.jpg", "no georeferencing", "--pixel-size"))


def test_corrupt_safe_zip(harbour_ws: str, tmp_path: Path) -> None:
    bands, _ = ls.harbour_bands()
    (tmp_path / "jp2").mkdir()
    z = ls.write_safe_zip(tmp_path / "S2B_MSIL2A_20241128T082259.zip", bands, tmp_path / "jp2")
    data = bytearray(z.read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = b"\0" * 64  # damage a band's compressed bytes
    z.write_bytes(bytes(data))
    _refused(harbour_ws, "--scene", str(z), expect=("S2B_MSIL2A_20241128T082259.zip", "corrupt"))
    z.write_bytes(bytes(data[: len(data) // 3]))  # truncated: no central directory
    _refused(harbour_ws, "--scene", str(z), expect=("S2B_MSIL2A_20241128T082259.zip", "zip"))


def test_open_scene_names_a_missing_path(tmp_path: Path) -> None:
    from basewatch.sources.local_scene import SceneReadError

    with pytest.raises(SceneReadError, match=r"nothing\.tif: no such file"):
        open_scene(tmp_path / "nothing.tif")


def test_aircraft_counted_in_the_apron_of_a_georeferenced_50cm_geotiff(sites_ws: Workspace,
                                                                       tmp_path: Path) -> None:
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.warp import transform as warp

    rgb, centres = ls.aircraft_image(n=6, size=600)
    x0, y0 = 622_000.0, 3_867_000.0  # UTM 37N, near Khmeimim
    tif = tmp_path / "pleiades_20241203T081500_apron.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=600, height=600, count=3, dtype="uint8",
                       crs=ls.CRS, transform=from_origin(x0, y0, 0.5, 0.5)) as ds:
        ds.write(rgb)
    xs = [x0 + 10, x0 + 290, x0 + 290, x0 + 10, x0 + 10]
    ys = [y0 - 10, y0 - 10, y0 - 290, y0 - 290, y0 - 10]
    lons, lats = warp(ls.CRS, "EPSG:4326", xs, ys)
    areas = tmp_path / "apron.geojson"
    areas.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"site": "khmeimim", "name": "apron", "kind": "apron",
                                          "source": "test"},
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in zip(lons, lats)]]}}]}))
    w = str(sites_ws.folder)
    sites_ws.close()
    _ok("import-areas", str(areas), "-w", w)
    out = _ok("process", "--site", "khmeimim", "--scene", str(tif), "-w", w, "--json")
    assert out["time"] == "2024-12-03T08:15:00+00:00"
    (area,) = out["areas"]
    assert area["area"] == "apron" and area["georeferenced"] and area["count"] == 6
    counts = {c["class"]: c for c in out["counts"]}
    assert counts["aircraft"]["count"] == 6 and not counts["aircraft"]["presence_only"]
    for r, c in centres:  # positions: the planted centres, on the ellipsoid
        lon, lat = warp(ls.CRS, "EPSG:4326", [x0 + (c + 0.5) * 0.5], [y0 - (r + 0.5) * 0.5])
        d = min(GEOD.inv(lon[0], lat[0], x["lon"], x["lat"])[2] for x in area["detections"])
        assert d < 5.0
