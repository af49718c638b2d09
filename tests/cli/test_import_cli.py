"""`basewatch import KIND FILE...`: one command for every kind, global options anywhere, a lazy
start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from basewatch.cli.main import COMMANDS, app
from basewatch.store import Workspace
from tests.cli.fresh import run_fresh
from tests.conftest import doc_examples

runner = CliRunner()
EXAMPLES = {name: (kind, text) for name, kind, text in doc_examples()}


def example(tmp_path: Path, name: str) -> Path:
    p = tmp_path / name
    p.write_text(EXAMPLES[name][1], "utf-8")
    return p


def run(*args: object, ok: bool = True):
    result = runner.invoke(app, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output + result.stderr
    return result


def test_workspace_and_json_before_the_command(tmp_path):
    ws = tmp_path / "ws"
    result = run("-w", ws, "--json", "import", "factions", example(tmp_path, "factions.json"))
    assert json.loads(result.stdout)["inserted"] == 6
    # ... and after it, as before.
    result = run("import", "places", example(tmp_path, "places.csv"), "-w", ws, "--json")
    assert json.loads(result.stdout)["inserted"] == 2
    with Workspace(ws) as w:
        assert {p.id for p in w.places()} == {"hama", "homs"}


def test_weapons_and_roads_import_under_both_spellings(tmp_path):
    ws = tmp_path / "ws"
    run("-w", ws, "import", "factions", example(tmp_path, "factions.json"))
    run("-w", ws, "import", "weapons", example(tmp_path, "weapons.json"))
    again = run("weapons", "import", example(tmp_path, "weapons.json"), "-w", ws)
    assert "0 new, 0 updated" in again.stdout
    run("-w", ws, "import", "roads", example(tmp_path, "roads.overpass.json"))
    out = run("roads", "import", example(tmp_path, "roads.geojson"), "-w", ws, "--json")
    assert json.loads(out.stdout)["inserted"] == 1


def test_import_posts_is_posts_import(tmp_path):
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"source": "Example Daily", "published": "2024-12-05T06:00:00Z", '
                     '"text": "The fleet has left Tartus."}\n', "utf-8")
    result = run("-w", tmp_path / "ws", "--json", "import", "posts", posts)
    assert json.loads(result.stdout)["reports"] == 1


@pytest.mark.parametrize("kind", ["posts", "sources", "flights", "aircraft", "airports", "counts",
                                  "imagery-counts", "areas"])
def test_every_delegated_kind_has_its_help(kind):
    assert "Usage:" in run("import", kind, "--help").stdout


def test_a_glob_of_daily_files_is_one_series(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    run("-w", ws, "import", "factions", example(tmp_path, "factions.json"))
    square = {"type": "Polygon", "coordinates": [[[36.2, 35.6], [36.9, 35.6], [36.9, 36.3],
                                                  [36.2, 36.3], [36.2, 35.6]]]}
    for day in ("2024-11-30", "2024-12-01"):
        (tmp_path / f"ds-{day}.geojson").write_text(json.dumps(
            {"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"id": 7}, "geometry": square}]}), "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("-w", ws, "--json", "import", "control", "ds-*.geojson", "--date-from-name",
                 "%Y-%m-%d", "--faction", "HTS", "--source", "DeepStateMap")
    report = json.loads(result.stdout)
    assert report["inserted"] == 2 and len(report["files"]) == 2
    with Workspace(ws) as w:
        assert [str(d) for d in w.control_dates()] == ["2024-11-30", "2024-12-01"]


def test_an_unsafe_kml_is_one_line_exit_2_and_nothing_stored(tmp_path):
    ws = tmp_path / "ws"
    run("-w", ws, "import", "factions", example(tmp_path, "factions.json"))
    before = (ws / "basewatch.gpkg").read_bytes()
    bad = tmp_path / "lol.kml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE k [<!ENTITY a "aaaa">]>'
                   '<kml><Placemark><name>&a;</name></Placemark></kml>', "utf-8")
    result = run("import", "places", bad, "-w", ws, ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: lol.kml: refused unsafe XML")
    assert len(result.stderr.strip().splitlines()) == 1
    assert (ws / "basewatch.gpkg").read_bytes() == before


def test_a_bad_set_option_is_a_user_error(tmp_path):
    result = run("import", "control", tmp_path / "x.geojson", "--set", "faction", "-w",
                 tmp_path / "ws", ok=False)
    assert result.exit_code == 2 and "--set 'faction': expected FIELD=VALUE" in result.stderr


HEAVY = ("shapely", "pyproj", "rasterio", "pyarrow", "networkx", "fastapi", "stix2", "osmium")


def loaded_after(*args: str) -> set[str]:
    """Heavy libraries in sys.modules after running `basewatch ARGS` in a fresh interpreter."""
    return run_fresh(list(args), HEAVY)[1]


def test_help_loads_no_heavy_library():
    assert loaded_after("--help") == set()
    assert loaded_after("version") == set()


def test_import_help_loads_only_what_importing_needs():
    assert loaded_after("import", "facilities", "--help") == set()


def test_every_command_in_the_table_loads():
    from basewatch.cli.main import load_command

    for name, (target, _help) in COMMANDS.items():
        assert load_command(target, name).name == name


@pytest.mark.parametrize("args,expected", [
    (["import", "facilities", "f.csv", "--store", "postgresql://x/y"],
     ["--store", "postgresql://x/y", "import", "facilities", "f.csv"]),
    (["-w", "ws", "inventory", "--store=postgresql://x/y", "--json"],
     ["-w", "ws", "--store=postgresql://x/y", "inventory", "--json"]),
    (["db", "init", "--store", "postgresql://x/y"], ["db", "init", "--store", "postgresql://x/y"]),
])
def test_a_store_after_the_command_is_read_as_the_global_one(args, expected):
    from basewatch.cli.main import hoist_store

    assert hoist_store(args) == expected


def test_a_store_after_the_command_reaches_it(tmp_path, monkeypatch):
    from basewatch.store import STORE_ENV

    # The group sets the variable for this process; monkeypatch restores it afterwards.
    monkeypatch.setenv(STORE_ENV, "")
    # An unreachable database: the command must try it (and fail cleanly), not the folder.
    result = run("inventory", "-w", tmp_path, "--store", "postgresql://u:p@127.0.0.1:9/none",
                 ok=False)
    assert result.exit_code == 2 and "127.0.0.1" in result.stderr
