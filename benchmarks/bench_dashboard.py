"""Dashboard speed in real Chromium: load to first map render, and one time-slider step,
against reloading the page for another date (what a user without a slider would do).

Builds the demo workspace, starts `basewatch serve` (uvicorn) on 127.0.0.1, drives Debian's
Chromium with Playwright (software WebGL), and times inside the page with performance.now():
- load: navigation start to the first `idle` of the map after every layer has its data;
- step: from setting the slider to the map's next `idle` with the new date drawn (all seven
  layers fetched, set and rendered);
- reload: a full page reload to the same drawn state.
Prints median and p95 and the reload/step ratio. Run: python benchmarks/bench_dashboard.py
[--steps 22] [--reloads 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import CLI, ENV, serving

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]

IDLE = """() => new Promise((ok) => {
  const m = window.bwMap;
  if (m.loaded() && m.areTilesLoaded() && !m.isMoving()) { ok(performance.now()); return; }
  m.once("idle", () => ok(performance.now()));
})"""

STEP = """async (i) => {
  const s = document.getElementById("slider");
  const t0 = performance.now();
  s.value = String(i);
  s.dispatchEvent(new Event("input"));
  await new Promise((ok) => {
    const poll = () => (document.body.dataset.date === s.getAttribute("aria-valuetext")
      ? ok() : requestAnimationFrame(poll));
    poll();
  });
  const m = window.bwMap;
  await new Promise((ok) => {
    // setData is asynchronous (a worker parses it); wait until the map has drawn it all.
    const check = () => (m.loaded() && m.areTilesLoaded() ? ok() : m.once("idle", check));
    requestAnimationFrame(check);
  });
  return performance.now() - t0;
}"""


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=22)
    ap.add_argument("--reloads", type=int, default=5)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        subprocess.run(CLI + ["demo", "-w", str(ws)], env=ENV, check=True, capture_output=True)
        with serving(ws) as (base, _srv), sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = b.new_page(viewport={"width": 1200, "height": 800})
            loads: list[float] = []
            for k in range(a.reloads + 1):
                if k == 0:
                    page.goto(base + "/")
                else:
                    page.reload()
                page.wait_for_selector("body[data-ready='1']", timeout=60_000)
                t = page.evaluate(IDLE)
                if k:  # the first load also warms caches and the server
                    loads.append(t)
            n = page.evaluate("() => Number(document.getElementById('slider').max) + 1")
            steps = [page.evaluate(STEP, i % n) for i in range(a.steps)]
            b.close()
    print(f"load to first map render: median {statistics.median(loads):.0f} ms, "
          f"p95 {_pct(loads, 0.95):.0f} ms ({len(loads)} reloads)")
    print(f"slider step (7 layers fetched and drawn): median {statistics.median(steps):.0f} ms, "
          f"p95 {_pct(steps, 0.95):.0f} ms ({len(steps)} steps)")
    print(f"reload / step: {statistics.median(loads) / statistics.median(steps):.1f}x")


if __name__ == "__main__":
    main()
