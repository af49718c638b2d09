"""Experiment (not in the product): a per-pixel classifier for vessels on Sentinel-2 L2A.

    PYTHONPATH=src python benchmarks/exp_vessel_pixels.py [--held-out] [--within]

What it tries (docs/imagery.md, "Vessels, fourth pass"): instead of a water mask and a land
core, every pixel within ``ZONE_M`` of the harbour's water (ships at quays included, wherever
the water index puts them) gets spectral and local-context features, a gradient-boosted tree
ensemble (histogram boosting written here in numpy: scikit-learn is not a dependency) trained on
the sen2ships masks gives each pixel a vessel probability, and vessels are the connected parts
of the smoothed probability map above a threshold that pass a length test.

Choices are made by leave-one-port-out on the three dev ports (athens, hedland, klang): train on
two, detect on the third, every setting of the grid below; the setting with the best pooled dev
F1 is then trained on the three dev ports and run once on the held-out ports (``--held-out``).
``--within`` adds a check of whether the features separate ships at all: each dev port split
into its left and right halves, trained on one half and tested on the other.

Data: ``$BASEWATCH_SHARED_DATA`` or ``<project root>/../shared/data`` (sen2ships-dev; MIT
licence, GitHub ShipDetectionExperts/sen2ships commit d8e83c1a). No weights are written: the
classifier does not carry from port to port (figures in docs/imagery.md).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
ZONE_M = 100.0      # pixels this close to the harbour's water are classified (and water itself)
EPS = 1e-3
SEED = 0
N_NEG = 60_000      # negatives sampled per port (they stand for all of the port's zone)
GRID_THR = (0.5, 0.7, 0.85)
GRID_MINLEN = (0.0, 40.0, 60.0)
GRID_POSW = (3.0, 10.0)  # positives weighted this many times their share of the zone


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_imagery_real",
                                                  ROOT / "benchmarks" / "bench_imagery_real.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


# --- labels ------------------------------------------------------------------------------------

def rle_mask(seg: dict[str, Any]) -> NDArray[np.bool_]:
    """A COCO uncompressed RLE (counts alternate background/foreground, column-major)."""
    h, w = seg["size"]
    m = np.zeros(h * w, bool)
    pos = 0
    for i, c in enumerate(seg["counts"]):
        if i % 2:
            m[pos:pos + c] = True
        pos += c
    out: NDArray[np.bool_] = m.reshape(w, h).T
    return out


def port_masks(port_dir: Path, shape: tuple[int, int]) -> NDArray[np.bool_]:
    coco = json.loads(next(port_dir.glob("*_coco.json")).read_text("utf-8"))
    out = np.zeros(shape, bool)
    for a in coco["annotations"]:
        seg = a["segmentation"]
        if isinstance(seg, str):
            seg = ast.literal_eval(seg)
        out |= rle_mask(seg)
    return out


# --- features ----------------------------------------------------------------------------------

def _nd(a: NDArray[Any], b: NDArray[Any]) -> NDArray[np.float32]:
    s = a + b
    out: NDArray[np.float32] = np.divide(a - b, s, out=np.zeros_like(s), where=s > 0)
    return out


def _box(x: NDArray[Any], px: float) -> NDArray[Any]:
    from scipy import ndimage

    out: NDArray[Any] = ndimage.uniform_filter(x, max(3, round(px) | 1), mode="reflect")
    return out


def pixel_features(bands: dict[str, NDArray[Any]], res_m: float, *, use_nir: bool = True
                   ) -> tuple[list[str], NDArray[np.float32], NDArray[np.bool_]]:
    """Per-pixel features and the zone classified. Each band is scaled by the port's own water
    and land (``(x - median of the sea) / (median of the land - median of the sea)``) so that
    ports of different turbidity and light share a scale; then local contrast at 30, 100 and
    300 m, white and black top-hats at 60 m, water indices, the texture (30 m deviation), the
    share of sea around at 50, 150 and 500 m, and the distances to the sea and to the land."""
    from scipy import ndimage

    from basewatch.analysis.vessels import VesselParams, _sea, water_mask

    g = {k: v.astype(np.float32) / 10000 for k, v in bands.items()}
    sea = _sea(water_mask(bands), res_m, VesselParams())
    dsea = ndimage.distance_transform_edt(~sea) * res_m
    dland = ndimage.distance_transform_edt(sea) * res_m
    feats: dict[str, NDArray[Any]] = {}
    names = ["B02", "B03", "B11"] + (["B04", "B08"] if use_nir and {"B04", "B08"} <= set(g) else [])
    k60 = max(3, round(60 / res_m) | 1)
    for k in names:
        s = float(np.median(g[k][sea][::7]))
        land = float(np.median(g[k][~sea][::7])) if (~sea).any() else s + 0.1
        z = (g[k] - s) / max(land - s, 1e-3)
        feats["z" + k] = z
        for scale in (30, 100, 300):
            feats[f"c{k}_{scale}"] = z - _box(z, scale / res_m)
        feats[f"wth{k}"] = z - ndimage.grey_opening(z, size=(k60, k60))
        feats[f"bth{k}"] = ndimage.grey_closing(z, size=(k60, k60)) - z
    feats["mndwi"] = _nd(g["B03"], g["B11"])
    feats["blue_green"] = _nd(g["B02"], g["B03"])
    feats["swir_green"] = np.log((g["B11"] + EPS) / (g["B03"] + EPS))
    if "B04" in names:
        feats["ndvi"] = _nd(g["B08"], g["B04"])
        feats["ndwi"] = _nd(g["B03"], g["B08"])
    zg = feats["zB03"]
    m1 = _box(zg, 30 / res_m)
    feats["sd30"] = np.sqrt(np.maximum(_box(zg * zg, 30 / res_m) - m1 * m1, 0))
    sf = sea.astype(np.float32)
    for scale in (50, 150, 500):
        feats[f"sea{scale}"] = _box(sf, scale / res_m)
    feats["dsea"] = np.minimum(dsea, 300)
    feats["dland"] = np.minimum(dland, 300)
    order = list(feats)
    return order, np.stack([feats[n].astype(np.float32) for n in order], -1), dsea <= ZONE_M


# --- gradient boosting (numpy) -----------------------------------------------------------------

class Boosted:
    """Histogram gradient boosting for the log loss: ``n_trees`` full binary trees of ``depth``,
    features cut at ``nbins`` quantile bins, L2 leaf penalty ``lam``."""

    def __init__(self, n_trees: int = 60, depth: int = 4, lr: float = 0.15, nbins: int = 32,
                 lam: float = 1.0, min_h: float = 5.0) -> None:
        self.n_trees, self.depth, self.lr, self.nbins = n_trees, depth, lr, nbins
        self.lam, self.min_h = lam, min_h

    def fit(self, x: NDArray[Any], y: NDArray[Any], w: NDArray[Any]) -> Boosted:
        n, f = x.shape
        nb = self.nbins
        qs = np.linspace(0, 1, nb + 1)[1:-1]
        edges = [np.unique(np.quantile(x[:, j], qs)) for j in range(f)]
        b = np.stack([np.searchsorted(edges[j], x[:, j], side="right") for j in range(f)], 1)
        p0 = float(np.clip(np.average(y, weights=w), 1e-4, 1 - 1e-4))
        self.base = float(np.log(p0 / (1 - p0)))
        score = np.full(n, self.base)
        nn = 2 ** self.depth
        self.feat = np.zeros((self.n_trees, nn - 1), np.int64)
        self.thr = np.full((self.n_trees, nn - 1), np.inf, np.float32)
        self.leaf = np.zeros((self.n_trees, nn), np.float32)
        offs = (np.arange(f) * nb)[None, :]
        rows = np.arange(n)
        for t in range(self.n_trees):
            p = 1 / (1 + np.exp(-score))
            g = (p - y) * w
            h = np.maximum(p * (1 - p), 1e-6) * w
            node = np.zeros(n, np.int64)
            for d in range(self.depth):
                nlev = 2 ** d
                idx = (node[:, None] * f * nb + offs + b).ravel()
                gs = np.bincount(idx, np.repeat(g, f), nlev * f * nb).reshape(nlev, f, nb)
                hs = np.bincount(idx, np.repeat(h, f), nlev * f * nb).reshape(nlev, f, nb)
                gl, hl = np.cumsum(gs, 2)[:, :, :-1], np.cumsum(hs, 2)[:, :, :-1]
                gt, ht = gs.sum(2, keepdims=True), hs.sum(2, keepdims=True)
                gain = (gl**2 / (hl + self.lam) + (gt - gl)**2 / (ht - hl + self.lam)
                        - gt**2 / (ht + self.lam))
                gain[(hl < self.min_h) | (ht - hl < self.min_h)] = -1
                flat = gain.reshape(nlev, -1)
                best = flat.argmax(1)
                cut_bin = np.full(nlev, nb + 1)
                for k in range(nlev):
                    j, bj = divmod(int(best[k]), nb - 1)
                    if flat[k, best[k]] > 0 and bj < len(edges[j]):
                        self.feat[t, nlev - 1 + k] = j
                        self.thr[t, nlev - 1 + k] = edges[j][bj]
                        cut_bin[k] = bj + 1
                fsel = self.feat[t, nlev - 1 + node]
                node = 2 * node + (b[rows, fsel] >= cut_bin[node])
            gl_ = np.bincount(node, g, nn)
            hl_ = np.bincount(node, h, nn)
            self.leaf[t] = -self.lr * gl_ / (hl_ + self.lam)
            score += self.leaf[t][node]
        return self

    def proba(self, x: NDArray[Any]) -> NDArray[np.float32]:
        n = len(x)
        s = np.full(n, self.base, np.float32)
        rows = np.arange(n)
        for t in range(len(self.feat)):
            node = np.zeros(n, np.int64)
            for d in range(self.depth):
                i = 2 ** d - 1 + node
                node = 2 * node + (x[rows, self.feat[t, i]] >= self.thr[t, i])
            s += self.leaf[t][node]
        out: NDArray[np.float32] = 1 / (1 + np.exp(-s))
        return out


# --- ports, training, detection ----------------------------------------------------------------

class Port:
    def __init__(self, root: Path, name: str, use_nir: bool = True) -> None:
        from basewatch.sources.local_scene import open_scene, read_scene

        self.name, self.dir = name, root / "sen2ships-dev" / name
        self.win = read_scene(open_scene(self.dir))
        self.res = self.win.res_m
        t0 = time.process_time()
        self.names, self.x, self.zone = pixel_features(self.win.bands, self.res, use_nir=use_nir)
        self.feature_s = time.process_time() - t0
        self.mask = port_masks(self.dir, self.zone.shape)


def sample(port: Port, posw: float, cols: slice = slice(None)
           ) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """All ship pixels of the zone and a sample of the rest (a one-pixel ring round each ship
    left out: the masks are drawn by hand), weighted so that the negatives stand for the whole
    zone and the positives count ``posw`` times their share."""
    from scipy import ndimage

    keep = np.zeros_like(port.zone)
    keep[:, cols] = True
    zone = port.zone & keep
    ring = ndimage.binary_dilation(port.mask) & ~port.mask
    pos = np.flatnonzero((port.mask & zone).ravel())
    neg_all = np.flatnonzero((~port.mask & ~ring & zone).ravel())
    # Seeded by the port and the columns: the same sample whichever runs came before.
    rng = np.random.default_rng([SEED, sum(map(ord, port.name)), cols.start or 0])
    neg = rng.choice(neg_all, min(N_NEG, len(neg_all)), replace=False)
    x = port.x.reshape(-1, port.x.shape[-1])
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    w = np.where(y == 1, posw, len(neg_all) / max(len(neg), 1))
    return x[np.r_[pos, neg]], y, w / w.sum() * 1e5


def train(samples: list[tuple[NDArray[Any], NDArray[Any], NDArray[Any]]]) -> Boosted:
    x, y, w = (np.concatenate(a) for a in zip(*samples, strict=True))
    return Boosted().fit(x, y, w)


def probability(model: Boosted, port: Port) -> NDArray[np.float32]:
    from scipy import ndimage

    x = port.x.reshape(-1, port.x.shape[-1])
    z = port.zone.ravel()
    p = np.zeros(len(x), np.float32)
    p[z] = model.proba(x[z])
    out: NDArray[np.float32] = ndimage.uniform_filter(p.reshape(port.zone.shape), 3)
    return out


def objects(p: NDArray[Any], port: Port, thr: float, min_len_m: float,
            cols: slice = slice(None)) -> list[tuple[float, float]]:
    """Centres (row, col) of the parts of ``p > thr`` in the zone, 3+ pixels, ``min_len_m`` to
    420 m long (extent along rows or columns), weighted by the probability."""
    from scipy import ndimage

    keep = np.zeros_like(port.zone)
    keep[:, cols] = True
    lab, _ = ndimage.label((p > thr) & port.zone & keep, np.ones((3, 3), bool))
    out = []
    for i, sl in enumerate(ndimage.find_objects(lab), start=1):
        if sl is None:
            continue
        sub = lab[sl] == i
        if sub.sum() < 3:
            continue
        rr, cc = np.nonzero(sub)
        length = (max(np.ptp(rr), np.ptp(cc)) + 1) * port.res
        if not (min_len_m <= length <= 420.0):
            continue
        wts = p[sl][sub]
        out.append((float((rr * wts).sum() / wts.sum() + sl[0].start),
                    float((cc * wts).sum() / wts.sum() + sl[1].start)))
    return out


def score(bench: Any, port: Port, found: list[tuple[float, float]], cols: slice = slice(None)
          ) -> tuple[int, int, int]:
    """(labels, detections, matched): the benchmark's matching (30 m, geodesic, one to one)."""
    w = port.zone.shape[1]
    lo, hi, _ = cols.indices(w)
    truth_rc = [(r, c) for r, c in bench.vessel_labels(port.dir) if lo <= c < hi]
    truth = port.win.lonlat([r - 0.5 for r, _ in truth_rc], [c - 0.5 for _, c in truth_rc])
    dets = port.win.lonlat([r for r, _ in found], [c for _, c in found])
    return len(truth), len(found), bench.match_vessels(dets, truth)


def pixel_ranking(p: NDArray[Any], mask: NDArray[np.bool_]) -> tuple[float, float, float]:
    """(ROC AUC, average precision, share of ship pixels) of the probability over all pixels."""
    s, y = p.ravel(), mask.ravel()
    order = np.argsort(-s, kind="stable")
    yo = y[order]
    tp = np.cumsum(yo)
    ap = float((tp / np.arange(1, len(yo) + 1))[yo].sum() / max(int(y.sum()), 1))
    ranks = np.empty(len(s))
    ranks[np.argsort(s, kind="stable")] = np.arange(len(s))
    npos, nneg = int(y.sum()), int((~y).sum())
    auc = float((ranks[y].sum() - npos * (npos - 1) / 2) / max(npos * nneg, 1))
    return auc, ap, float(y.mean())


def core_minus(port: Port, prob: NDArray[Any], thr: float, grow: int) -> list[tuple[float, float]]:
    """The kept detector with the land core less the pixels the classifier calls ship (``prob >
    thr``, grown by ``grow`` pixels): ships at quays are no longer land core. detect_vessels has
    no hook for it, so its opening is patched for the call."""
    from unittest import mock

    from scipy import ndimage

    from basewatch.analysis import vessels

    ship = prob > thr
    if grow:
        ship = ndimage.binary_dilation(ship, iterations=grow)
    opened = vessels._open_disk
    with mock.patch.object(vessels, "_open_disk", lambda m, r: opened(m, r) & ~ship):
        dets = vessels.detect_vessels(port.win.bands, port.win.inside, res_m=port.res)
    return [(d.row, d.col) for d in dets]


def hybrid(bench: Any, dev: dict[str, Port], probs: dict[str, NDArray[np.float32]]) -> None:
    """The kept detector (analysis.vessels) with the leave-one-port-out probability: as a
    verifier (a detection kept where the probability, 3x3 max, at its centre is >= v), taking
    the classifier's ship pixels out of the land core, or adding
    the probability's objects (mask opened by a 3x3 cross, 40-420 m long, <= 60 m wide, length
    >= 2 widths) farther than 30 m from every detection, everywhere or only in the land core."""
    from scipy import ndimage

    from basewatch.analysis.vessels import _extent, detect_vessels

    kept: dict[str, tuple[list[tuple[float, float]], NDArray[np.bool_]]] = {}
    for n, p in dev.items():
        diag: dict[str, Any] = {}
        dets = detect_vessels(p.win.bands, p.win.inside, res_m=p.res, diagnostics=diag)
        kept[n] = ([(d.row, d.col) for d in dets], diag["land_core"])
    print(_line("kept detector", [(n, *score(bench, p, kept[n][0])) for n, p in dev.items()]))
    for v in (0.3, 0.5, 0.7):
        rows = []
        for n, p in dev.items():
            pm = ndimage.maximum_filter(probs[n], 3)
            found = [(r, c) for r, c in kept[n][0] if pm[round(r), round(c)] >= v]
            rows.append((n, *score(bench, p, found)))
        print(_line(f"kept detector, verified (probability >= {v:g})", rows))
    for t, g in ((0.5, 0), (0.5, 2), (0.7, 2), (0.9, 2)):
        rows = [(n, *score(bench, p, core_minus(p, probs[n], t, g))) for n, p in dev.items()]
        print(_line(f"kept detector, land core minus probability > {t:g} grown {g}", rows))
    cross = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], bool)
    for where in ("land core", "anywhere"):
        for thr in (0.6, 0.75, 0.9):
            rows = []
            for n, p in dev.items():
                base, core = kept[n]
                m = ndimage.binary_opening((probs[n] > thr) & (core if where == "land core" else True), cross)
                lab, _ = ndimage.label(m, np.ones((3, 3), bool))
                add = []
                for i, sl in enumerate(ndimage.find_objects(lab), start=1):
                    rr, cc = np.nonzero(lab[sl] == i)
                    if sl is None or len(rr) < 3:
                        continue
                    length, width, c = _extent(rr + sl[0].start, cc + sl[1].start, p.res)
                    far = all(np.hypot(c[0] - r, c[1] - q) * p.res > 30 for r, q in base)
                    if 40 <= length <= 420 and width <= 60 and length >= 2 * width and far:
                        add.append((float(c[0]), float(c[1])))
                rows.append((n, *score(bench, p, base + add)))
            print(_line(f"kept detector + classifier objects ({where}, thr {thr:g})", rows))


def _line(name: str, rows: list[tuple[str, int, int, int]]) -> str:
    lab = sum(r[1] for r in rows)
    det = sum(r[2] for r in rows)
    hit = sum(r[3] for r in rows)
    rec, pre = hit / max(lab, 1), hit / max(det, 1)
    f1 = 2 * rec * pre / (rec + pre) if rec + pre else 0.0
    per = ", ".join(f"{n} {h}/{lb} of {d}" for n, lb, d, h in rows)
    return f"{name}: R {rec:.2f} P {pre:.2f} F1 {f1:.2f} ({per})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--held-out", action="store_true", help="the chosen setting on the held-out ports")
    ap.add_argument("--within", action="store_true", help="left/right halves of each dev port")
    ap.add_argument("--no-nir", action="store_true", help="B02, B03, B11 only")
    ap.add_argument("--hybrid", action="store_true",
                    help="the kept detector with the classifier as a verifier or as added objects")
    args = ap.parse_args(argv)
    bench = _bench()
    root = bench.shared_data()
    if not (root / "sen2ships-dev").is_dir():
        print(f"no shared data at {root} (set BASEWATCH_SHARED_DATA)", file=sys.stderr)
        return 2
    use_nir = not args.no_nir
    dev = {n: Port(root, n, use_nir) for n in bench.VESSEL_DEV}
    print("features (CPU s):", {n: round(p.feature_s, 2) for n, p in dev.items()},
          "zone share:", {n: round(float(p.zone.mean()), 2) for n, p in dev.items()})
    results: dict[tuple[float, float, float], list[tuple[str, int, int, int]]] = {}
    lopo: dict[float, dict[str, NDArray[np.float32]]] = {}
    for posw in GRID_POSW:
        probs = lopo.setdefault(posw, {})
        for held, port in dev.items():
            model = train([sample(p, posw) for n, p in dev.items() if n != held])
            probs[held] = probability(model, port)
        print(f"pixels, leave-one-port-out, posw {posw:g}: " + ", ".join(
            "{} AUC {:.3f} AP {:.3f} (ships {:.2%} of pixels)".format(n, *pixel_ranking(probs[n], p.mask))
            for n, p in dev.items()))
        for thr in GRID_THR:
            for min_len in GRID_MINLEN:
                rows = [(n, *score(bench, p, objects(probs[n], p, thr, min_len))) for n, p in dev.items()]
                results[(posw, thr, min_len)] = rows
                print(_line(f"leave-one-port-out posw {posw:g} thr {thr:g} min length {min_len:g} m", rows))

    def f1(rows: list[tuple[str, int, int, int]]) -> float:
        lab, det, hit = (sum(r[i] for r in rows) for i in (1, 2, 3))
        return 2 * hit / max(lab + det, 1)

    best = max(results, key=lambda k: f1(results[k]))
    print(_line(f"chosen on dev (best pooled F1): posw {best[0]:g} thr {best[1]:g} "
                f"min length {best[2]:g} m", results[best]))
    if args.hybrid:
        hybrid(bench, dev, lopo[best[0]])
    if args.within:
        rows = []
        for n, p in dev.items():
            half = p.zone.shape[1] // 2
            for tr, te in ((slice(None, half), slice(half, None)), (slice(half, None), slice(None, half))):
                model = train([sample(p, best[0], tr)])
                found = objects(probability(model, p), p, best[1], best[2], te)
                rows.append((f"{n}[{te.start or 0}:{te.stop or ''}]", *score(bench, p, found, te)))
        print(_line("within each dev port (trained on one half, tested on the other)", rows))
    if args.held_out:
        models: dict[tuple[str, ...], Boosted] = {}
        rows: list[tuple[str, int, int, int]] = []
        core_rows: list[tuple[str, int, int, int]] = []
        for n in bench.VESSEL_HELD_OUT:
            p = Port(root, n, use_nir)
            key = tuple(p.names)
            if key not in models:  # san_francisco has no B04/B08: a model without them
                same = dev if key == tuple(next(iter(dev.values())).names) else {
                    m: Port(root, m, use_nir=False) for m in dev}
                models[key] = train([sample(q, best[0]) for q in same.values()])
            prob = probability(models[key], p)
            rows.append((n, *score(bench, p, objects(prob, p, best[1], best[2]))))
            if args.hybrid:  # the variant best on dev: the land core minus P > 0.5 grown by 2
                core_rows.append((n, *score(bench, p, core_minus(p, prob, 0.5, 2))))
        print(_line("held-out (trained on the three dev ports)", rows))
        if core_rows:
            print(_line("held-out, kept detector, land core minus probability > 0.5 grown 2", core_rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
