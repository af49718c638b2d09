"""The embedded store survives a killed import and a full disk: before or after, never between."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from basewatch.errors import StoreError
from basewatch.sources.importing import import_file
from basewatch.store import Workspace

N = 20_000
IMPORT = ("import sys; from basewatch.store import Workspace; "
          "from basewatch.sources.importing import import_file; "
          "ws = Workspace(sys.argv[1]); import_file(ws, 'facilities', sys.argv[2]); "
          "print('done', flush=True)")


@pytest.fixture
def big_csv(tmp_path):
    path = tmp_path / "many.csv"
    rows = "".join(f"f{i},Site {i},russia,point,{36 + (i % 500) / 1000},{35 + i / N},Syria,W\n"
                   for i in range(N))
    path.write_text("id,name,operator,type,lon,lat,country,source\n" + rows, "utf-8")
    return path


def count(folder) -> int:
    with Workspace(folder) as ws:
        return len(ws.facility_rows())


def test_an_import_killed_at_any_point_leaves_before_or_after(ws, big_csv, tmp_path):
    base = ws.folder
    ws.close()
    # How long a whole import takes here, to spread the kills across it.
    t0 = time.perf_counter()
    copy0 = tmp_path / "timing"
    copy0.mkdir()
    (copy0 / "basewatch.gpkg").write_bytes((base / "basewatch.gpkg").read_bytes())
    subprocess.run([sys.executable, "-c", IMPORT, str(copy0), str(big_csv)], check=True,
                   capture_output=True)
    total = time.perf_counter() - t0
    assert count(copy0) == N
    outcomes = set()
    for k in range(8):
        folder = tmp_path / f"kill{k}"
        folder.mkdir()
        (folder / "basewatch.gpkg").write_bytes((base / "basewatch.gpkg").read_bytes())
        proc = subprocess.Popen([sys.executable, "-c", IMPORT, str(folder), str(big_csv)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(total * (0.3 + 0.1 * k))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        n = count(folder)  # opening rolls back a hot journal if the kill came mid-commit
        assert n in (0, N), f"kill {k}: {n} facilities, neither before nor after"
        outcomes.add(n)
        with sqlite3.connect(folder / "basewatch.gpkg") as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert 0 in outcomes  # at least one kill landed mid-import


def test_a_full_disk_mid_import_is_our_error_and_changes_nothing(ws, big_csv):
    before = (ws.folder / "basewatch.gpkg").read_bytes()
    pages = len(before) // 4096
    # SQLite's page limit stands in for a full disk: writes fail with SQLITE_FULL halfway.
    ws.gpkg._con.execute(f"PRAGMA max_page_count = {pages + 20}")
    with pytest.raises(StoreError, match="write failed, nothing was changed \\(database or disk is full\\)"):
        import_file(ws, "facilities", big_csv)
    assert (ws.folder / "basewatch.gpkg").read_bytes() == before
    assert ws.facility_rows() == []
