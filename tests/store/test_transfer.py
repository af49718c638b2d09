"""`db copy` must know every layer, also in a fresh process where commands import the store's
layer modules lazily (a full workspace was refused: "layers this basewatch does not know")."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import basewatch.store as store_pkg
from basewatch.store.transfer import LAYER_MODULES


def test_layer_modules_are_every_store_module_that_registers_a_layer() -> None:
    folder = Path(store_pkg.__file__).parent
    registering = {p.stem for p in folder.glob("*.py")
                   if p.stem != "base" and re.search(r"^\s*\w+\s*=\s*register_layer\(|register_layer\(",
                                                     p.read_text("utf-8"), re.M)}
    assert registering == set(LAYER_MODULES)


def _counts(gpkg: Path) -> dict[str, int]:
    con = sqlite3.connect(gpkg)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM gpkg_contents WHERE table_name != 'basewatch_meta'")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def test_db_copy_of_a_full_workspace_in_a_fresh_process(demo_ws: Path, tmp_path: Path) -> None:
    dst = tmp_path / "copy"
    r = subprocess.run([sys.executable, "-m", "basewatch", "db", "copy", "--from", str(demo_ws),
                        "--to", str(dst), "--json"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    src, out = _counts(demo_ws / "basewatch.gpkg"), _counts(dst / "basewatch.gpkg")
    assert len(src) > 20 and src["flight_events"] > 0 and src["reports"] > 0
    assert {k: v for k, v in out.items() if k in src} == src
