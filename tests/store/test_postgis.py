"""PostGIS-only behaviour: clear errors, schema versions, concurrent writers, moving workspaces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.demo.build import build_demo
from basewatch.errors import StoreError
from basewatch.model import Faction
from basewatch.store import FACILITIES, FACTIONS, IMPORTS, LAYERS, Workspace
from basewatch.store.postgis import SCHEMA_VERSION, PostGISStore
from basewatch.store.transfer import copy_store, layer_tables

SRC = Path(__file__).resolve().parents[2] / "src"


def test_a_server_that_is_down_is_one_clear_error(pg_server):
    url = f"postgresql://postgres@127.0.0.1:{pg_server.port + 1 if pg_server.port < 65535 else 1}/x"
    with pytest.raises(StoreError, match="cannot connect to .*is the server running"):
        Workspace(store_url=url)


def test_a_wrong_connection_string_is_one_clear_error():
    with pytest.raises(StoreError, match="not a database URL"):
        PostGISStore("postgresql://user@host:notaport/db")
    with pytest.raises(StoreError, match="cannot connect to postgresql://bob:\\*\\*\\*@") as e:
        Workspace(store_url="postgresql://bob:s3cret@127.0.0.1:1/db")
    assert "s3cret" not in str(e.value)  # the message never shows the password


def test_a_database_without_postgis_says_how_to_enable_it(pg_server):
    with pytest.raises(StoreError, match="CREATE EXTENSION postgis"):
        Workspace(store_url=pg_server.url("bw_plain"))


def test_an_uninitialised_database_says_to_run_db_init(pg_url):
    with pytest.raises(StoreError, match="basewatch db init"):
        Workspace(store_url=pg_url)
    result = CliRunner().invoke(app, ["db", "init", "--store", pg_url])
    assert result.exit_code == 0, result.output
    Workspace(store_url=pg_url).close()


def test_an_older_schema_says_to_upgrade_and_upgrade_fixes_it(pg_url, pg_server):
    PostGISStore(pg_url, create=True).close()
    db = pg_url.rsplit("/", 1)[1]
    pg_server.psql(db, f"UPDATE basewatch_meta SET value = '{SCHEMA_VERSION - 1}' "
                       "WHERE key = 'schema_version'")
    result = CliRunner().invoke(app, ["db", "copy", "--from", pg_url, "--to", "/nonexistent/x"])
    assert result.exit_code == 2
    assert "run basewatch db upgrade" in result.output and "Traceback" not in result.output
    assert CliRunner().invoke(app, ["db", "upgrade", "--store", pg_url]).exit_code == 0
    with PostGISStore(pg_url) as s:
        assert s.schema_version() == SCHEMA_VERSION


_WRITER = """
import sys
from basewatch.model import Facility, FacilityType, Provenance, Source
from basewatch.store import FACILITIES, Workspace
who, n, shared = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
p = Provenance(Source("concurrency test"))
ids = [f"shared{i}" for i in range(shared)] + [f"{who}{i}" for i in range(n)]
recs = [Facility(i, i, "russia", FacilityType.AIRBASE, 35 + k * 1e-4, 35.0, p) for k, i in enumerate(ids)]
with Workspace(store_url=sys.argv[4], create=True) as ws:
    total = 0
    for start in range(0, len(recs), 100):  # many small transactions interleave with the other writer
        total += ws.store.put(FACILITIES, recs[start:start + 100]).inserted
print(total)
"""


def test_two_writers_at_once_lose_nothing(pg_url):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, who, "1500", "500", pg_url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for who in ("a", "b")]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    inserted = sum(int(o[0]) for o in outs)
    with Workspace(store_url=pg_url) as ws:
        ids = {f.id for f in ws.facilities()}
    expected = {f"shared{i}" for i in range(500)} | {f"{w}{i}" for w in "ab" for i in range(1500)}
    assert ids == expected
    assert inserted == len(expected)  # each shared record counted as inserted by exactly one writer


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    build_demo(folder)
    return folder


def _everything(ws: Workspace) -> dict[str, list[str]]:
    out = {}
    for name in layer_tables(ws.store):
        recs = ws.store.select(LAYERS[name])
        out[name] = sorted(json.dumps(r.to_dict(), sort_keys=True, default=_wkb) for r in recs)
    return out


def _wkb(o):
    return o.wkb_hex  # geometries compared bit for bit


def test_a_workspace_moves_to_postgis_and_back_losslessly(demo_folder, pg_url, tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["db", "copy", "--from", str(demo_folder), "--to", pg_url, "--json"])
    assert r.exit_code == 0, r.output
    first = json.loads(r.output)
    back = tmp_path / "back"
    r = runner.invoke(app, ["db", "copy", "--from", pg_url, "--to", str(back)])
    assert r.exit_code == 0, r.output
    with Workspace(demo_folder) as a, Workspace(store_url=pg_url) as b, Workspace(back) as c:
        ea, eb, ec = _everything(a), _everything(b), _everything(c)
        assert ea["control"] and ea["facilities"] and ea[IMPORTS.name]
        assert ea == eb == ec
        assert sum(r["inserted"] for r in first.values()) == sum(len(v) for v in ea.values())
        # copying again changes nothing
        again = copy_store(a.store, b.store)
        assert all(r.changed == 0 for r in again.values())
        # and the analyses read the same answers from both stores
        assert a.facility("Hmeimim") == b.facility("Hmeimim")
        d = a.control_dates()[3]
        assert [x.to_dict()["faction"] for x in a.control_on(d)] == \
            [x.to_dict()["faction"] for x in b.control_on(d)]
        assert sorted(a.facility_rows()) == sorted(b.facility_rows())
        assert FACILITIES.name in b.store.layer_names()


def test_the_demo_finds_the_same_on_postgis_as_on_the_embedded_store(demo_folder, pg_url,
                                                                      tmp_path, monkeypatch):
    runner = CliRunner()
    embedded = runner.invoke(app, ["demo", "-w", str(demo_folder), "--json"])
    monkeypatch.setenv("BASEWATCH_STORE", pg_url)
    on_pg = runner.invoke(app, ["demo", "-w", str(tmp_path / "pg"), "--json"])
    assert embedded.exit_code == 0 and on_pg.exit_code == 0, on_pg.output
    a, b = json.loads(embedded.output), json.loads(on_pg.output)
    assert [i["inserted"] for i in b["imports"]] == [i["parsed"] for i in b["imports"]]
    assert "imports" in a and a["A_inventory"]["total"] > 0
    for d in (a, b):
        d.pop("imports"), d.pop("workspace", None)
    assert a == b
    assert not (tmp_path / "pg" / "basewatch.gpkg").exists()  # the records went to PostGIS
    with Workspace(store_url=pg_url) as ws:
        assert ws.facility("khmeimim").operator == "russia"


def test_the_global_store_option_reaches_every_command(pg_url, monkeypatch):
    monkeypatch.setenv("BASEWATCH_STORE", "")  # restored after the test
    r = CliRunner().invoke(app, ["--store", "postgresql://u:pw@127.0.0.1:1/x", "facilities"])
    assert r.exit_code == 2 and "cannot connect to postgresql://u:***@127.0.0.1:1/x" in r.output
    assert CliRunner().invoke(app, ["--store", pg_url, "db", "init"]).exit_code == 0
    r = CliRunner().invoke(app, ["--store", pg_url, "facilities", "--json"])
    assert r.exit_code == 0 and json.loads(r.output) == []


def _facilities_csv(path: Path, prefix: str, n: int) -> None:
    head = ("id,name,aliases,operator,type,lon,lat,region,country,valid_from,valid_to,source,"
            "source_title,source_url,source_date,location_precision,date_precision,notes\n")
    rows = [f"{prefix}{i},{prefix.upper()} site {i},,russia,airbase,{35 + i * 1e-3:.3f},35.1,"
            f"Latakia,Syria,2015-09-01,,test,,,2024-12-05,exact,day,\n" for i in range(n)]
    path.write_text(head + "".join(rows), encoding="utf-8")


def test_two_analysts_importing_at_once_lose_nothing(pg_url, tmp_path, prov):
    with Workspace(store_url=pg_url, create=True) as ws:
        ws.store.put(FACTIONS, [Faction("russia", "Russia", prov, "state")])
    files = []
    for who in ("a", "b"):
        _facilities_csv(tmp_path / f"{who}.csv", who, 800)
        files.append(tmp_path / f"{who}.csv")
    env = {**os.environ, "PYTHONPATH": str(SRC), "BASEWATCH_STORE": pg_url}
    cmd = [sys.executable, "-c", "from basewatch.cli.main import main; main()", "import", "facilities"]
    procs = [subprocess.Popen([*cmd, str(f), "-w", str(tmp_path)], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for f in files]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    with Workspace(store_url=pg_url) as ws:
        ids = {f.id for f in ws.facilities()}
        log = ws.imports()
    assert ids == {f"{w}{i}" for w in "ab" for i in range(800)}
    assert sorted(Path(r.path).name for r in log) == ["a.csv", "b.csv"]
    assert all(r.inserted == 800 for r in log)
    assert not (tmp_path / "basewatch.gpkg").exists()
