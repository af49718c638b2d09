"""The PostGIS store survives an importer killed at any point, or cut off by the server mid-
transaction: the database holds exactly the state before or after the import, never between,
and a later import still works."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from basewatch.errors import StoreError
from basewatch.sources.importing import import_file, parse_for, write_parsed
from basewatch.store import Workspace
from tests.conftest import doc_examples

N = 1_500  # the write phase then lasts about a second here: room for several kills in it
#: The child parses first, says so, then writes in one transaction: kills can aim at the write.
CHILD = ("import sys; from basewatch.store import Workspace; "
         "from basewatch.sources.importing import parse_for, write_parsed; "
         "ws = Workspace(sys.argv[1], store_url=sys.argv[2]); "
         "parsed = parse_for(ws, 'facilities', sys.argv[3]); print('writing', flush=True); "
         "write_parsed(ws, parsed); print('done', flush=True)")


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pgcrash") / "many.csv"
    rows = "".join(f"f{i},Site {i},russia,point,{36 + (i % 500) / 1000},{35 + i / N},Syria,W\n"
                   for i in range(N))
    path.write_text("id,name,operator,type,lon,lat,country,source\n" + rows, "utf-8")
    return path


def start_state(pg_server, tmp_path: Path, big_csv: Path) -> str:
    """A new database holding what a workspace has before the big import: the factions (from
    one file next to the CSV, so that the import logs of all databases agree)."""
    url = pg_server.new_database()
    name, kind, body = next(e for e in doc_examples() if e[1] == "factions")
    factions = big_csv.parent / name
    factions.write_text(body, "utf-8")
    with Workspace(tmp_path / "ws", create=True, store_url=url) as ws:
        import_file(ws, kind, factions)
    return url


def dump(url: str) -> dict[str, list[str]]:
    """Every row of every basewatch table, as sorted JSON; the serial fid and the import log's
    wall-clock time left out (they differ between two runs of the same import)."""
    out: dict[str, list[str]] = {}
    with psycopg.connect(url) as con:
        tables = [r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND "
            "tablename <> 'spatial_ref_sys' ORDER BY 1")]
        for t in tables:
            rows = []
            for (row,) in con.execute(f'SELECT to_jsonb(x) - \'fid\' FROM "{t}" x'):
                if t == "imports":
                    row.pop("at")
                    row["record"] = {k: v for k, v in json.loads(row["record"]).items()
                                     if k != "at"}
                rows.append(json.dumps(row, sort_keys=True))
            out[t] = sorted(rows)
    return out


class Child:
    """The importer in its own process; a thread notes when it starts writing."""

    def __init__(self, folder: Path, url: str, csv: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), url, str(csv)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.writing = threading.Event()
        self.done = threading.Event()
        self.t_writing = self.t_done = 0.0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip() == "writing":
                self.t_writing = time.perf_counter()
                self.writing.set()
            elif line.strip() == "done":
                self.t_done = time.perf_counter()
                self.done.set()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def test_a_killed_postgis_import_leaves_before_or_after(pg_server, big_csv, tmp_path):
    # Reference run: the state before and after, and how long the write phase takes here.
    ref = start_state(pg_server, tmp_path / "ref", big_csv)
    before = dump(ref)
    child = Child(tmp_path / "ref" / "ws", ref, big_csv)
    assert child.proc.wait(timeout=120) == 0, child.proc.stderr.read()
    child.done.wait(5)
    write_s = child.t_done - child.t_writing
    after = dump(ref)
    assert len(after["facilities"]) == N and before != after
    # Kills while it connects and parses, then across the write (its transaction) and beyond.
    plans = [("start", 0.5)] + [("write", f) for f in (0.05, 0.35, 0.65, 1.5)]
    outcomes = []
    for k, (phase, frac) in enumerate(plans):
        url = start_state(pg_server, tmp_path / f"k{k}", big_csv)
        child = Child(tmp_path / f"k{k}" / "ws", url, big_csv)
        if phase == "start":
            time.sleep(frac)
        else:
            assert child.writing.wait(60), child.proc.stderr.read()
            time.sleep(write_s * frac)
        child.kill()
        state = dump(url)  # the server aborts the dead client's transaction
        assert state in (before, after), f"kill {k} ({phase} {frac}): neither before nor after"
        outcomes.append((phase, state == after, child.done.is_set()))
        # The store opens and a later import completes the work.
        with Workspace(tmp_path / f"k{k}" / "ws", store_url=url) as ws:
            import_file(ws, "facilities", big_csv)
        assert dump(url) == after
    # At least one kill landed inside the open write transaction and it was rolled back.
    assert any(p == "write" and not landed and not done for p, landed, done in outcomes)
    # A kill after 'done' (if any) kept the import: committed means kept.
    assert all(landed for _, landed, done in outcomes if done)


def test_a_connection_cut_mid_transaction_is_our_error_and_changes_nothing(pg_server, big_csv,
                                                                           tmp_path):
    url = start_state(pg_server, tmp_path, big_csv)
    before = dump(url)
    ws = Workspace(tmp_path / "ws", store_url=url)
    parsed = parse_for(ws, "facilities", big_csv)
    pid = ws.store._con.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    ws.store._con.rollback()
    # The server terminates the importer's backend after its first chunk of rows is written.
    real_execute = ws.store._con.execute
    calls = []

    def execute(stmt, params=None, *a, **kw):
        result = real_execute(stmt, params, *a, **kw)
        if str(stmt).startswith('INSERT INTO "facilities"'):
            calls.append(1)
            if len(calls) == 2:
                with psycopg.connect(url, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return result

    ws.store._con.execute = execute
    with pytest.raises(StoreError, match=r"write failed, nothing was changed \(.*terminat"):
        write_parsed(ws, parsed)
    ws.close()
    assert len(calls) >= 2  # the cut came mid-transaction, after rows were sent
    assert dump(url) == before
    with Workspace(tmp_path / "ws", store_url=url) as again:
        import_file(again, "facilities", big_csv)
        assert len(again.facility_rows()) == N


def test_a_full_disk_mid_import_is_our_error_and_changes_nothing(pg_server, big_csv, tmp_path):
    """The server's 'disk full' (SQLSTATE 53100) in the third chunk of rows: raised by a trigger,
    since the tests cannot mount a small file system for a tablespace; the client sees the same
    error a full disk gives, mid-transaction."""
    url = start_state(pg_server, tmp_path, big_csv)
    one = big_csv.parent / "one.csv"
    one.write_text(big_csv.read_text("utf-8").splitlines()[0] + "\nf0,Site 0,russia,point,36,35,"
                   "Syria,W\n", "utf-8")
    with Workspace(tmp_path / "ws", store_url=url) as ws:  # the layer exists before the trigger
        import_file(ws, "facilities", one)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                      "IF NEW.id = 'f1200' THEN RAISE EXCEPTION 'could not extend file: No space "
                      "left on device' USING ERRCODE = 'disk_full'; END IF; RETURN NEW; END $$")
        admin.execute("CREATE TRIGGER full_disk BEFORE INSERT ON facilities FOR EACH ROW "
                      "EXECUTE FUNCTION full_disk()")
    before = dump(url)
    with Workspace(tmp_path / "ws", store_url=url) as ws:
        with pytest.raises(StoreError, match=r"write failed, nothing was changed \(could not "
                                             r"extend file: No space left on device\)"):
            import_file(ws, "facilities", big_csv)
        assert len(ws.facility_rows()) == 1  # the same connection goes on after the error
    assert dump(url) == before
