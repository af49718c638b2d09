"""A seeded synthetic country extract of realistic road density, written with osmium's writer
(OPL text made with numpy, turned into PBF by libosmium's ``WriteHandler``).

Assumptions (from the make-up of real Geofabrik country extracts; nothing is tuned on a file):

- about 60 % of the ways are buildings (closed rings of 4 nodes), 1/6 other lines and areas
  (streams, farmland and forest polygons of ~20 nodes: areas libosmium must assemble), and
  ~20 % highways; of the highways ~1/6 (3 % of all ways; Liechtenstein 2015: 2.2 %) are of
  the classes an import keeps by default (motorway to tertiary and their links, ways of 8-20
  nodes chained from town to town and sharing their end nodes), the rest minor roads
  (residential, service, track, footway: short ways branching off the main roads);
- most nodes are untagged way nodes, ~1 % carry tags (shops, trees...); towns are
  ``place=town`` nodes, each with a ``landuse=residential`` ring, a few with a military area
  across a main road;
- the nodes lie along their features (as in a real extract, where ids follow the mapping), so
  the file compresses about as a real one (~9-10 bytes per node, way references included).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import numpy as np

MAJOR = (("motorway", 0.03), ("trunk", 0.07), ("primary", 0.2), ("secondary", 0.3),
         ("tertiary", 0.33), ("primary_link", 0.03), ("secondary_link", 0.02), ("tertiary_link", 0.02))
MINOR = ("residential", "residential", "service", "service", "track", "unclassified", "footway", "path")


class _Out:
    def __init__(self, folder: Path, rng: np.random.Generator) -> None:
        self.rng = rng
        self.nodes = (folder / "n.opl").open("w")
        self.ways = (folder / "w.opl").open("w")
        self.nid = 0
        self.wid = 0
        self.n_nodes = self.n_ways = 0

    def add_nodes(self, xy: np.ndarray, tags: list[str] | None = None) -> np.ndarray:
        ids = np.arange(self.nid + 1, self.nid + 1 + len(xy))
        self.nid += len(xy)
        t = tags or [""] * len(xy)
        # metadata as in a Geofabrik extract: one edit (changeset, user, time) per feature,
        # a few later edits of single nodes
        m = self._meta()
        edit = self.rng.random(len(xy)) < 0.1
        self.nodes.write("".join(f"n{i} {self._meta() if e else m} T{tg} x{x:.7f} y{y:.7f}\n" for i, e, tg, (x, y)
                                 in zip(ids.tolist(), edit.tolist(), t, xy.tolist(), strict=True)))
        self.n_nodes += len(xy)
        return ids

    def _meta(self) -> str:
        r = self.rng
        u = int(r.integers(1, 20000))
        t = int(r.integers(1_200_000_000, 1_730_000_000))
        ts = dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"v{int(r.integers(1, 6))} dV c{int(r.integers(1, 150_000_000))} t{ts} i{u} uuser{u}"

    def add_way(self, tags: str, refs: list[int]) -> None:
        self.wid += 1
        self.n_ways += 1
        self.ways.write(f"w{self.wid} {self._meta()} T{tags} N{','.join(f'n{r}' for r in refs)}\n")


def country_pbf(path: Path, mb: float, seed: int = 0) -> dict[str, int]:
    """Write about ``mb`` MB of PBF to ``path``; returns counts (nodes, ways, kept roads)."""
    import osmium

    rng = np.random.default_rng(seed)
    scale = mb / 137.0  # measured: 137 units of this scale make 150 MB
    n_towns = max(8, int(3000 * scale))
    w, h = 6.0 * scale ** 0.5, 4.0 * scale ** 0.5  # degrees: ~500 x 440 km at 150 MB
    tmp = Path(tempfile.mkdtemp(prefix="country-pbf-"))
    out = _Out(tmp, rng)
    towns = np.column_stack([20.0 + rng.uniform(0, w, n_towns), 40.0 + rng.uniform(0, h, n_towns)])
    town_ids = out.add_nodes(towns, [f"place=town,name=Town{k}" for k in range(n_towns)])
    kept = 0
    major_nodes: list[np.ndarray] = []
    # Main roads: each town to its 3 nearest, a jittered line every ~150 m, ways of ~25 nodes.
    classes, probs = zip(*MAJOR, strict=True)
    done: set[tuple[int, int]] = set()
    d2 = ((towns[:, None, :] - towns[None, :, :]) ** 2).sum(-1)
    for a in range(n_towns):
        for b in np.argsort(d2[a])[1:5].tolist():
            if (min(a, b), max(a, b)) in done:
                continue
            done.add((min(a, b), max(a, b)))
            (x0, y0), (x1, y1) = towns[a], towns[b]
            n = max(4, int(np.hypot(x1 - x0, y1 - y0) / 0.001))
            t = np.linspace(0, 1, n)[1:-1]
            wob = np.cumsum(rng.normal(0, 0.0004, size=(len(t), 2)), axis=0)
            wob -= np.outer(t, wob[-1])  # ends back on the towns
            ids = out.add_nodes(np.column_stack([x0 + t * (x1 - x0), y0 + t * (y1 - y0)]) + wob)
            major_nodes.append(ids)
            chain = [int(town_ids[a]), *ids.tolist(), int(town_ids[b])]
            cls = rng.choice(classes, p=np.array(probs) / sum(probs))
            ref = f",ref={cls[0].upper()}{len(done)}" if rng.random() < 0.6 else ""
            name = f",name=Road{len(done)}" if rng.random() < 0.5 else ""
            step = int(rng.integers(8, 20))
            for i in range(0, len(chain) - 1, step):
                extra = ",oneway=yes" if cls.startswith("motorway") else ""
                extra += ",bridge=yes" if rng.random() < 0.03 else ""
                out.add_way(f"highway={cls}{ref}{name}{extra}", chain[i:i + step + 1])
                kept += 1
    allmajor = np.concatenate(major_nodes)
    # Per town: residential land, buildings, minor roads off the main roads, other features.
    n_build = int(1_000_000 * scale / n_towns)
    n_minor = int(300_000 * scale / n_towns)
    n_other = int(300_000 * scale / n_towns)
    for k in range(n_towns):
        cx, cy = towns[k]
        ang = np.linspace(0, 2 * np.pi, 13)[:-1]
        ring = out.add_nodes(np.column_stack([cx + 0.012 * np.cos(ang), cy + 0.009 * np.sin(ang)]))
        out.add_way(f"landuse=residential,name=Town{k}", [*ring.tolist(), int(ring[0])])
        if k % 40 == 0:  # a military area across the town's first road
            x, y = cx + 0.02, cy
            sq = out.add_nodes(np.array([[x - .01, y - .01], [x + .01, y - .01], [x + .01, y + .01],
                                         [x - .01, y + .01]]))
            out.add_way("landuse=military", [*sq.tolist(), int(sq[0])])
        # buildings: squares of ~12 m around the town, 4 nodes each, ~1 % of nodes tagged
        c = np.column_stack([cx + rng.normal(0, 0.01, n_build), cy + rng.normal(0, 0.007, n_build)])
        corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1]]) * 0.00012
        xy = (c[:, None, :] + corners[None]).reshape(-1, 2)
        tags = ["shop=bakery" if r < 0.01 else "" for r in rng.random(len(xy)).tolist()]
        ids = out.add_nodes(xy, tags).reshape(-1, 4).tolist()
        for b in ids:
            out.add_way("building=yes", [*b, b[0]])
        # minor roads: ~8 nodes off a random main-road node
        starts = rng.choice(allmajor, n_minor)
        for s in starts.tolist():
            x0, y0 = (cx, cy) if rng.random() < 0.5 else (cx + rng.normal(0, 0.02), cy + rng.normal(0, 0.02))
            walk = np.array([x0, y0]) + np.cumsum(rng.normal(0, 0.0008, size=(7, 2)), axis=0)
            ids = out.add_nodes(walk)
            out.add_way(f"highway={MINOR[int(rng.integers(len(MINOR)))]}", [s, *ids.tolist()])
        # other lines and areas: streams, farmland and forest polygons of ~20 nodes
        for j in range(n_other):
            x0, y0 = cx + rng.normal(0, 0.05), cy + rng.normal(0, 0.04)
            if j % 2:
                walk = np.array([x0, y0]) + np.cumsum(rng.normal(0, 0.001, size=(20, 2)), axis=0)
                out.add_way("waterway=stream", out.add_nodes(walk).tolist())
            else:
                a = np.linspace(0, 2 * np.pi, 20)[:-1]
                r = 0.003 * (1 + 0.3 * rng.random(19))
                ids = out.add_nodes(np.column_stack([x0 + r * np.cos(a), y0 + r * np.sin(a)]))
                out.add_way("landuse=" + ("farmland" if j % 4 else "forest"), [*ids.tolist(), int(ids[0])])
    out.nodes.close()
    out.ways.close()
    both = tmp / "all.opl"
    with both.open("wb") as f:
        for part in ("n.opl", "w.opl"):
            with (tmp / part).open("rb") as g:
                while chunk := g.read(1 << 24):
                    f.write(chunk)
            os.remove(tmp / part)
    if path.exists():
        path.unlink()
    osmium.apply(str(both), osmium.WriteHandler(str(path)))
    os.remove(both)
    tmp.rmdir()
    return {"nodes": out.n_nodes, "ways": out.n_ways, "kept_roads": kept}
