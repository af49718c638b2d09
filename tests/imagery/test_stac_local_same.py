"""One scene, two ways in: the same Sentinel-2 band files read through a loopback STAC API
(windowed COG reads) and as a local band folder (`--scene`) give the same detections on the same
pixels, the same counts and the same use of the site's history; a band the method needs and the
item lacks is one clear error naming the scene and the band."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.warp import transform_bounds
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.store import Workspace
from basewatch.store.imagery import IMAGERY_COUNTS

from . import local_scenes as ls

runner = CliRunner()
#: Asset keys of the two public catalogues' Sentinel-2 L2A items (Earth Search, Planetary Computer).
EARTH_SEARCH = {"B02": "blue", "B03": "green", "B04": "red", "B08": "nir", "B11": "swir16",
                "SCL": "scl"}
PLANETARY = {b: b for b in EARTH_SEARCH}
#: A cloud (SCL 9) over the ship at anchor at rows 230-232, cols 150-169 (10 m grid).
CLOUD_20M = (slice(112, 119), slice(72, 88))


def _ok(*args: str) -> Any:
    res = runner.invoke(app, ["imagery", *args], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout) if "--json" in args else res.output


def _ws(tmp: Path, name: str) -> str:
    """A workspace with the demo's sites and a rough 'harbour' water area at Tartus."""
    from importlib import resources

    from basewatch.sources.importing import import_file

    with Workspace(tmp / name, create=True) as w:
        data = resources.files("basewatch.demo").joinpath("data")
        for kind, fn in (("factions", "factions.json"), ("facilities", "facilities.csv")):
            with resources.as_file(data.joinpath(fn)) as p:
                import_file(w, kind, p)
    _ok("import-areas", str(ls.area_geojson(tmp / f"{name}-areas.geojson", "tartus")),
        "-w", str(tmp / name))
    return str(tmp / name)


def _write_scene(folder: Path, stamp: str, bands: dict[str, np.ndarray],
                 cloud: bool = True) -> Path:
    """The scene's bands as COGs named like a SAFE's band files (so that the folder is also a
    local scene): 10 m B02-B08, 20 m B11 and SCL (water 6, land 5, cloud 9)."""
    folder.mkdir(parents=True)
    b = dict(bands)
    b["B11"] = b["B11"][::2, ::2].copy()
    scl = np.where(bands["B08"] > 1000, 5, 6).astype(np.uint8)[::2, ::2].copy()
    if cloud:
        scl[CLOUD_20M] = 9
    b["SCL"] = scl
    for name, arr in b.items():
        res = ls.RES * ls.SHAPE[0] / arr.shape[0]
        prof = {"driver": "COG", "width": arr.shape[1], "height": arr.shape[0], "count": 1,
                "dtype": arr.dtype.name, "crs": ls.CRS, "nodata": 0 if name == "SCL" else None,
                "transform": from_origin(*ls.ORIGIN, res, res), "blocksize": 128,
                "compress": "deflate"}
        with rasterio.open(folder / f"T37SBU_{stamp}_{name}.tif", "w", **prof) as ds:
            ds.write(arr, 1)
    return folder


def _item(scene_id: str, folder: Path, root: Path, base_url: str, stamp: str,
          keys: dict[str, str], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """A STAC item of collection sentinel-2-l2a for the files in ``folder``."""
    w, s, e, n = transform_bounds(ls.CRS, "EPSG:4326", ls.ORIGIN[0],
                                  ls.ORIGIN[1] - ls.SHAPE[0] * ls.RES,
                                  ls.ORIGIN[0] + ls.SHAPE[1] * ls.RES, ls.ORIGIN[1])
    when = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
    rel = folder.relative_to(root).as_posix()
    return {"type": "Feature", "stac_version": "1.0.0", "id": scene_id,
            "collection": "sentinel-2-l2a", "bbox": [w, s, e, n],
            "geometry": {"type": "Polygon",
                         "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]},
            "properties": {"datetime": when.isoformat().replace("+00:00", "Z"),
                           "platform": "sentinel-2b", "eo:cloud_cover": 1.0},
            "links": [],
            "assets": {keys[b]: {"href": f"{base_url}/{rel}/T37SBU_{stamp}_{b}.tif",
                                 "type": "image/tiff; application=geotiff; profile=cloud-optimized",
                                 "roles": ["data"]}
                       for b in keys if b not in drop}}


def _same(stac_area: dict[str, Any], local_area: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The detections of both paths as comparable rows (asserting they are the same)."""
    win = stac_area["window"]
    a = sorted((round(d["row"] + win["row_off"], 1), round(d["col"] + win["col_off"], 1),
                d["lon"], d["lat"], d["class"], d["length_m"], d["width_m"], d["score"])
               for d in stac_area["detections"])
    b = sorted((d["row"], d["col"], d["lon"], d["lat"], d["class"], d["length_m"], d["width_m"],
                d["score"]) for d in local_area["detections"])
    assert a == b
    return a


@pytest.mark.parametrize("keys", [EARTH_SEARCH, PLANETARY], ids=["earth-search", "planetary"])
def test_stac_and_local_give_the_same_detections(tmp_path: Path, keys: dict[str, str]) -> None:
    from basewatch.demo.stac_server import LoopbackStac

    bands, planted = ls.harbour_bands(seed=11, hulk=False)
    root = tmp_path / "objects"
    stamp = "20241128T082259"
    folder = _write_scene(root / "S2B_T37SBU_20241128", stamp, bands)
    w_stac, w_local = _ws(tmp_path, "stac"), _ws(tmp_path, "local")
    srv = LoopbackStac(root)
    srv.items = [_item("S2B_37SBU_20241128_0_L2A", folder, root, srv.url, stamp, keys)]
    with srv:
        stac = _ok("process", "--site", "tartus", "--date", "2024-11-28", "--stac-url", srv.url,
                   "-w", w_stac, "--json")
    local = _ok("process", "--site", "tartus", "--scene", str(folder), "-w", w_local, "--json")
    (scene,) = stac["scenes"]
    assert scene["error"] is None and scene["usable"]
    assert local["bands"] == ["B02", "B03", "B04", "B08", "B11", "SCL"]
    rows = _same(scene["areas"][0], local["areas"][0])
    # Independently of either path: the four ships in the clear are found, the one under the
    # cloud (SCL 9 at 20 m, resampled to 10 m) is not.
    under_cloud = [p for p in planted if 225 <= p.row <= 236 and 144 <= p.col <= 175]
    assert len(under_cloud) == 1 and len(rows) == 4
    assert all(min(abs(r[0] - p.row) + abs(r[1] - p.col) for r in rows) > 5 for p in under_cloud)
    assert scene["areas"][0]["method"] == local["areas"][0]["method"]
    counts = {(c["class"], c["count"]) for c in scene["counts"]}
    assert counts == {(c["class"], c["count"]) for c in local["counts"]}
    assert ("vessel_any", 4) in counts
    # only windows of the files were fetched
    assert 0 < scene["bytes_fetched"] <= scene["assets_bytes"]


def test_history_of_earlier_scenes_is_used_the_same_way(tmp_path: Path) -> None:
    """Three earlier scenes with a hulk always at the quay: both paths keep their pixels, and
    the fourth scene's ships are found without the hulk, by the same history."""
    from basewatch.demo.stac_server import LoopbackStac

    root = tmp_path / "objects"
    w_stac, w_local = _ws(tmp_path, "stac"), _ws(tmp_path, "local")
    srv = LoopbackStac(root)
    scenes = []
    for i, stamp in enumerate(("20241103T082259", "20241108T082259", "20241113T082259",
                               "20241128T082259")):
        bands, _ = ls.harbour_bands(seed=40 + i, ships=i == 3)
        folder = _write_scene(root / f"S2B_{stamp}", stamp, bands, cloud=False)
        srv.items.append(_item(f"S2B_37SBU_{stamp[:8]}_0_L2A", folder, root, srv.url, stamp,
                               EARTH_SEARCH))
        scenes.append((f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}", folder))
    with srv:
        for day, folder in scenes:
            stac = _ok("process", "--site", "tartus", "--date", day, "--stac-url", srv.url,
                       "-w", w_stac, "--json")["scenes"][0]["areas"][0]
            local = _ok("process", "--site", "tartus", "--scene", str(folder), "-w", w_local,
                        "--json")["areas"][0]
            rows = _same(stac, local)
            assert stac["history_scenes"] == local["history_scenes"]
    assert stac["history_scenes"] == 3 and len(rows) == 5  # the five ships, not the hulk
    for w in (w_stac, w_local):
        assert len(list((Path(w) / "imagery-history" / "tartus" / "harbour").glob("*.npz"))) == 4


def test_missing_band_is_named_with_the_scene(tmp_path: Path) -> None:
    from basewatch.demo.stac_server import LoopbackStac

    bands, _ = ls.harbour_bands(seed=11, hulk=False)
    root = tmp_path / "objects"
    stamp = "20241128T082259"
    folder = _write_scene(root / "S2B_T37SBU_20241128", stamp, bands)
    w = _ws(tmp_path, "stac")
    srv = LoopbackStac(root)
    srv.items = [_item("S2B_37SBU_20241128_0_L2A", folder, root, srv.url, stamp, EARTH_SEARCH,
                       drop=("B03",))]
    with srv:
        out = _ok("process", "--site", "tartus", "--date", "2024-11-28", "--stac-url", srv.url,
                  "-w", w, "--json")
        text = _ok("process", "--site", "tartus", "--date", "2024-11-28", "--stac-url", srv.url,
                   "-w", w)
    err = out["scenes"][0]["error"]
    assert err.startswith("scene S2B_37SBU_20241128_0_L2A: band B03 missing (asset 'green' or "
                          "'B03'): vessels need B03 for the water")
    assert "S2B_37SBU_20241128_0_L2A: band B03 missing" in text and "Traceback" not in text
    assert out["scenes"][0]["counts"] == []
    with Workspace(Path(w)) as ws:
        assert ws.store.select(IMAGERY_COUNTS, None) == []
    assert not (Path(w) / "imagery-history").exists()
