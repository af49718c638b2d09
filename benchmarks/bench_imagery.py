"""Benchmark of the imagery path on the loopback server (run alone: python benchmarks/bench_imagery.py).

1. Per site-date: bytes fetched by the windowed reads as a share of the assets' full sizes,
   against downloading the whole bands as many users still do; time from search to verdict.
2. Detector throughput in megapixels per second (CFAR on Sentinel-1; on Sentinel-2 the vessel
   detector of the product path, ``analysis.vessels.detect_vessels``, on four bands).

Scenes are synthetic (basewatch.demo.imagery_scenes) at --size pixels a side with 512-pixel
tiles, like real products; a real Sentinel-2 tile is 10 980 pixels a side, so the shares
measured here are upper bounds of what a real tile costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shapely.geometry import shape

from basewatch.analysis.detect import cfar_vessels
from basewatch.analysis.verdicts import judge_count
from basewatch.analysis.vessels import detect_vessels
from basewatch.demo.imagery_scenes import SceneSpec, generate_scene
from basewatch.demo.stac_server import LoopbackStac
from basewatch.model import Provenance, Source
from basewatch.model.imagery import SiteArea
from basewatch.sources.imagery_process import process_scenes
from basewatch.sources.stac import search_scenes

AREAS = ROOT / "src" / "basewatch" / "demo" / "data" / "imagery" / "areas.geojson"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=4096, help="scene side in pixels (10 m)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    doc = json.loads(AREAS.read_text("utf-8"))
    basin = shape(next(f for f in doc["features"] if f["id"] == "tartus-harbour-basin")["geometry"])
    area = SiteArea("tartus", "harbour basin", basin, Provenance(Source("bench")), kind="water")
    t = dt.datetime(2024, 11, 30, 8, 25, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        srv = LoopbackStac(root)
        t0 = time.perf_counter()
        for i, coll in enumerate(("sentinel-2-l2a", "sentinel-1-grd")):
            item, _ = generate_scene(SceneSpec(coll, t, size=args.size, blocksize=512), basin,
                                     root, srv.url, seed=i)
            srv.items.append(item)
        print(f"generated 2 scenes of {args.size}x{args.size} px in {time.perf_counter() - t0:.1f} s")
        with srv, httpx.Client(timeout=60) as client:
            times, shares, fetched, full = [], [], 0, 0
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                scenes = search_scenes(srv.url, "tartus", basin, t.date(), t.date())
                results = process_scenes(scenes, [area], client)
                for r in results:
                    n = next(c.count for c in r.counts if c.object_class == "vessel_any")
                    judge_count(n, [4] * 50)
                times.append(time.perf_counter() - t0)
                fetched = sum(r.stats.bytes_fetched for r in results)
                full = sum(r.stats.full_bytes for r in results)
                shares.append(fetched / full)
            t0 = time.perf_counter()
            vsi = process_scenes(search_scenes(srv.url, "tartus", basin, t.date(), t.date()),
                                 [area], client, reader="vsicurl")
            t_vsi = time.perf_counter() - t0
            v_fetched = sum(r.stats.bytes_fetched for r in vsi)
            # what a user downloading the whole bands would fetch and wait for
            t0 = time.perf_counter()
            whole = 0
            for r in results:
                for url in r.stats.full_sizes:
                    whole += len(client.get(url).content)
            t_whole = time.perf_counter() - t0
        print(f"windowed: {fetched:,} bytes of {full:,} ({100 * fetched / full:.2f} %); "
              f"search -> verdict {np.median(times):.3f} s (median of {args.repeat})")
        print(f"GDAL /vsicurl/ reader: {v_fetched:,} bytes ({100 * v_fetched / full:.2f} %), "
              f"search -> verdict {t_vsi:.3f} s")
        print(f"whole bands: {whole:,} bytes in {t_whole:.3f} s download alone; "
              f"ratio {whole / max(fetched, 1):.0f}x more bytes")
    precision_recall(basin)
    rng = np.random.default_rng(0)
    n = 1024
    water = np.ones((n, n), bool)
    s1 = rng.gamma(4, 0.25 * 0.01, (n, n))
    s2 = _s2_bands(rng, n)

    def vessels(bands: dict[str, np.ndarray], area: np.ndarray) -> object:
        return detect_vessels(bands, area, res_m=10.0)

    for name, fn, arr in (("CFAR (S1)", cfar_vessels, s1), ("vessels (S2, 4 bands)", vessels, s2)):
        best = min(_timed(fn, arr, water) for _ in range(3))
        print(f"detector {name}: {n * n / 1e6 / best:.1f} MP/s ({n}x{n} in {best * 1000:.0f} ms)")


def _s2_bands(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """A SYNTHETIC four-band L2A harbour (x 10 000): sea on the west 60 %, land east of it,
    40 vessels of 3 to 20 pixels on the sea."""
    sea = np.zeros((n, n), bool)
    sea[:, : int(0.6 * n)] = True
    ships = np.zeros((n, n), bool)
    for _ in range(40):
        r, c, k = int(rng.integers(10, n - 30)), int(rng.integers(10, int(0.6 * n) - 30)), int(rng.integers(3, 20))
        ships[r:r + 2, c:c + k] = True
    out = {}
    for band, (w, land, ship) in {"B02": (300, 1200, 1500), "B03": (350, 1300, 1600),
                                  "B04": (250, 1400, 1600), "B08": (200, 2500, 1800)}.items():
        arr = np.where(sea, w, land) + rng.normal(0, 30, (n, n))
        out[band] = np.clip(np.where(ships, ship, arr), 1, 10000).astype("uint16")
    return out


def precision_recall(basin: object, seeds: int = 16) -> None:
    """Precision and recall of the CFAR detector against planted vessels at stated SNRs."""
    import rasterio
    from rasterio.features import geometry_mask
    from rasterio.transform import xy
    from rasterio.warp import transform, transform_geom
    from shapely.geometry import mapping

    from basewatch.analysis.geodesy import distance_m

    t = dt.datetime(2024, 11, 30, 3, 45, tzinfo=dt.UTC)
    print(f"CFAR on Sentinel-1 (pfa 1e-4 per pixel, 4 looks), 4 vessels x {seeds} scenes:")
    with tempfile.TemporaryDirectory() as tmp:
        for snr in (3.0, 5.0, 8.0, 10.0, 15.0):
            tp = fp = fn = 0
            for seed in range(seeds):
                item, truth = generate_scene(SceneSpec("sentinel-1-grd", t, snr_db=snr), basin,
                                             Path(tmp), "x", seed=seed)
                with rasterio.open(Path(tmp) / Path(item["assets"]["vv"]["href"]).name) as ds:
                    arr = ds.read(1)
                    g = transform_geom("EPSG:4326", ds.crs, mapping(basin))
                    inside = ~geometry_mask([g], arr.shape, ds.transform)
                    dets = cfar_vessels(arr, inside)
                    pos = [transform(ds.crs, "EPSG:4326", *[[v] for v in xy(ds.transform, d.row, d.col)])
                           for d in dets]
                used: set[int] = set()
                for (lon,), (lat,) in pos:
                    free = [(float(distance_m(lon, lat, v.lon, v.lat)), j)
                            for j, v in enumerate(truth) if j not in used]
                    best = min(free) if free else (1e9, -1)
                    if best[0] <= 40:
                        used.add(best[1])
                        tp += 1
                    else:
                        fp += 1
                fn += len(truth) - len(used)
            print(f"  SNR {snr:4.1f} dB: precision {tp / max(tp + fp, 1):.3f}, "
                  f"recall {tp / (tp + fn):.3f} (tp {tp}, fp {fp}, fn {fn})")


def _timed(fn: object, arr: object, water: np.ndarray) -> float:
    t0 = time.perf_counter()
    fn(arr, water)  # type: ignore[operator]
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
