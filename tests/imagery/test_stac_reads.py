"""Scene search and windowed reads against the loopback STAC API and object store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import rasterio
from rasterio.features import geometry_mask
from rasterio.warp import transform_geom
from shapely.geometry import mapping

from basewatch.sources.cog import FetchStats, ImageryReadError, read_window
from basewatch.sources.stac import (
    SceneSearchError,
    asset_href,
    cloud_over_site,
    clouds_over_site,
    search_scenes,
)

from .conftest import SceneSet

D0, D1 = dt.date(2024, 11, 15), dt.date(2024, 12, 8)


def _search(stac: Any, scene_set: SceneSet, **kw: Any) -> list[Any]:
    return search_scenes(stac.url, "tartus", scene_set.basin, kw.pop("start", D0),
                         kw.pop("end", D1), **kw)


def test_search_finds_both_collections_in_date_order(stac: Any, scene_set: SceneSet) -> None:
    scenes = _search(stac, scene_set)
    assert len(scenes) == 6
    assert [s.time for s in scenes] == sorted(s.time for s in scenes)
    assert {s.collection for s in scenes} == {"sentinel-2-l2a", "sentinel-1-grd"}
    assert all(s.provenance.synthetic for s in scenes)
    s2 = _search(stac, scene_set, collections=("sentinel-2-l2a",), start=dt.date(2024, 11, 20),
                 end=dt.date(2024, 11, 30))
    assert [s.time.day for s in s2] == [23, 28]
    assert s2[0].cloud_cover_scene_pct == 100.0


def _scl_cloud_by_full_read(path: Path, basin: Any) -> float:
    """Independent answer: read the whole SCL file locally and mask the basin."""
    with rasterio.open(path) as ds:
        arr = ds.read(1)
        geom = transform_geom("EPSG:4326", ds.crs, mapping(basin))
        inside = ~geometry_mask([geom], arr.shape, ds.transform)
    vals = arr[inside & (arr > 1)]
    return 100.0 * float(np.isin(vals, [3, 8, 9, 10]).mean())


def test_cloud_over_site_matches_a_full_local_read(stac: Any, scene_set: SceneSet) -> None:
    scenes = _search(stac, scene_set, collections=("sentinel-2-l2a",))
    with httpx.Client() as client:
        result = clouds_over_site(scenes, scene_set.basin, client)
    assert result.errors == {}
    by_day = {next(s for s in scenes if s.id == r.scene_id).time.day: r for r in result.done}
    assert by_day[28].cloud_pct == 0.0 and by_day[23].cloud_pct == 100.0
    half = by_day[18]
    expect = _scl_cloud_by_full_read(scene_set.root / Path(asset_href(
        next(s for s in scenes if s.time.day == 18), "scl")).name, scene_set.basin)
    assert half.cloud_pct == pytest.approx(expect)
    assert 5 < half.cloud_pct < 95  # the cloud edge crosses the basin
    # every byte the client counted is a byte the server sent
    scl_paths = [p for p in stac.bytes_served if p.endswith("_scl.tif")]
    assert result.stats.bytes_fetched == sum(stac.bytes_served[p] for p in scl_paths)


def test_windowed_read_fetches_less_than_the_file(stac: Any, scene_set: SceneSet) -> None:
    s1 = next(s for s in _search(stac, scene_set) if s.collection == "sentinel-1-grd")
    stats = FetchStats()
    with httpx.Client() as client:
        wr = read_window(asset_href(s1, "vv"), scene_set.basin, client, stats)
    assert wr.resolution_m == 10.0 and wr.crs == "EPSG:32636"
    assert wr.valid_pixels > 3000  # ~0.4 km² basin at 100 m² per pixel
    assert stats.bytes_fetched < stats.full_bytes
    assert stats.requests == stac.requests["/" + asset_href(s1, "vv").rsplit("/", 1)[1]]


def test_server_ignoring_range_costs_the_whole_file(scene_set: SceneSet) -> None:
    from basewatch.demo.stac_server import LoopbackStac

    from .conftest import items_for

    srv = LoopbackStac(scene_set.root, honour_range=False)
    srv.items = items_for(scene_set, srv.url)
    with srv, httpx.Client() as client:
        s1 = next(s for s in _search(srv, scene_set) if s.collection == "sentinel-1-grd")
        stats = FetchStats()
        read_window(asset_href(s1, "vv"), scene_set.basin, client, stats)
    assert stats.bytes_fetched == stats.full_bytes


def test_search_retries_500_and_429(stac: Any, scene_set: SceneSet) -> None:
    stac.faults["/search"] = [500, 429]
    assert len(_search(stac, scene_set)) == 6
    assert stac.faults["/search"] == []


def test_search_gives_up_with_a_clear_message(stac: Any, scene_set: SceneSet) -> None:
    stac.faults["/search"] = [503] * 10
    with pytest.raises(SceneSearchError, match=r"STAC search at http://127\.0\.0\.1:\d+ failed"):
        _search(stac, scene_set, retries=2)


def test_malformed_search_answer_is_a_clear_error(stac: Any, scene_set: SceneSet) -> None:
    stac.faults["/search"] = ["malformed"]
    with pytest.raises(SceneSearchError, match="failed: .*JSON|failed: .*Decode"):
        _search(stac, scene_set)


def test_cog_500_is_retried(stac: Any, scene_set: SceneSet) -> None:
    s2 = _search(stac, scene_set, collections=("sentinel-2-l2a",))[-1]
    stac.faults["/" + asset_href(s2, "scl").rsplit("/", 1)[1]] = [500]
    stats = FetchStats()
    with httpx.Client() as client:
        cloud_over_site(s2, scene_set.basin, client, stats)
    assert stats.retries == 1


def test_bad_scenes_are_reported_and_the_batch_goes_on(stac: Any, scene_set: SceneSet) -> None:
    from dataclasses import replace

    scenes = _search(stac, scene_set, collections=("sentinel-2-l2a",))
    no_scl = replace(scenes[0], assets={k: v for k, v in scenes[0].assets.items() if k != "scl"})
    truncated = scenes[1]
    stac.faults["/" + asset_href(truncated, "scl").rsplit("/", 1)[1]] = ["truncate"] * 5
    with httpx.Client() as client:
        result = clouds_over_site([no_scl, truncated, *scenes[2:]], scene_set.basin, client)
    assert result.errors[no_scl.id] == f"scene {no_scl.id}: no asset 'scl' (has: blue, green, nir, red)"
    assert "cannot read" in result.errors[truncated.id]
    assert len(result.done) == len(scenes) - 2


def test_all_nodata_over_the_site_is_named(tmp_path: Path, scene_set: SceneSet) -> None:
    from basewatch.demo.stac_server import LoopbackStac

    with rasterio.open(next(scene_set.root.glob("*_scl.tif"))) as ds:
        profile = ds.profile
    profile.update(driver="GTiff", tiled=False)  # also: a striped, not tiled, GeoTIFF
    with rasterio.open(tmp_path / "nodata.tif", "w", **profile) as ds:
        ds.write(np.zeros((1, profile["height"], profile["width"]), "uint8"))
    with LoopbackStac(tmp_path) as srv, httpx.Client() as client:
        with pytest.raises(ImageryReadError, match="all pixels are nodata over the area"):
            read_window(f"{srv.url}/nodata.tif", scene_set.basin, client)
        with pytest.raises(ImageryReadError, match="HTTP 404"):
            read_window(f"{srv.url}/missing.tif", scene_set.basin, client)


def test_cog_in_another_crs_is_read_by_reprojecting_the_area(tmp_path: Path,
                                                             scene_set: SceneSet) -> None:
    """A Web Mercator COG: the basin's pixel count matches its geodesic area (pyproj.Geod)."""
    from rasterio.transform import from_origin
    from rasterio.warp import transform as warp_transform

    from basewatch.analysis.geodesy import area_km2
    from basewatch.demo.stac_server import LoopbackStac

    c = scene_set.basin.centroid
    (x,), (y,) = warp_transform("EPSG:4326", "EPSG:3857", [c.x], [c.y])
    step = 5.0  # metres of Web Mercator; about 4.1 m on the ground at 34.9 N
    with rasterio.open(tmp_path / "merc.tif", "w", driver="COG", width=512, height=512, count=1,
                       dtype="uint8", crs="EPSG:3857", nodata=0, blocksize=128,
                       transform=from_origin(x - 256 * step, y + 256 * step, step, step)) as ds:
        ds.write(np.full((1, 512, 512), 7, "uint8"))
    with LoopbackStac(tmp_path) as srv, httpx.Client() as client:
        wr = read_window(f"{srv.url}/merc.tif", scene_set.basin, client)
    assert wr.crs == "EPSG:3857"
    k = 1 / np.cos(np.radians(c.y))  # Mercator scale factor at the basin's latitude
    ground_px_m2 = (step / k) ** 2
    expected = area_km2(scene_set.basin) * 1e6 / ground_px_m2
    assert wr.valid_pixels == pytest.approx(expected, rel=0.02)


def test_hanging_server_times_out_with_a_clear_message(stac: Any, scene_set: SceneSet) -> None:
    s2 = _search(stac, scene_set, collections=("sentinel-2-l2a",))[-1]
    href = asset_href(s2, "scl")
    stac.faults["/" + href.rsplit("/", 1)[1]] = ["hang"] * 4
    with httpx.Client(timeout=0.2) as client, pytest.raises(
            ImageryReadError, match=r"ReadTimeout after 4 tries"):
        read_window(href, scene_set.basin, client)


def test_gdal_vsicurl_reader_gives_the_same_pixels_and_counts_its_bytes(
        stac: Any, scene_set: SceneSet) -> None:
    s1 = next(s for s in _search(stac, scene_set) if s.collection == "sentinel-1-grd")
    href = asset_href(s1, "vh")  # an asset no other test reads: GDAL's cache is process-wide
    path = "/" + href.rsplit("/", 1)[1]
    with httpx.Client() as client:
        ours = read_window(href, scene_set.basin, client, FetchStats())
        served_before = stac.bytes_served[path]
        stats = FetchStats()
        gdal = read_window(href, scene_set.basin, client, stats, reader="vsicurl")
    assert np.array_equal(np.ma.getdata(ours.data), np.ma.getdata(gdal.data))
    assert stats.bytes_fetched == stac.bytes_served[path] - served_before > 0
    assert stats.bytes_fetched < stats.full_bytes
