"""An OSM extract imported streamed (sources/roads_import.py): written in chunks as parsed, in
one transaction; the same roads as the whole-file parse, military areas that come after the
roads still close them, a re-import changes nothing, a failure mid-file leaves nothing."""

import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.errors import ImportFormatError
from basewatch.sources.osm import parse_osm
from basewatch.sources.roads_import import import_osm_streamed
from basewatch.store import IMPORTS, Workspace
from basewatch.store.roads import EXTENTS, ROADS
from tests.sources.test_osm_import import N, W, roads_of, write


def stored(ws):
    return {r.id: r.to_dict() for r in ws.store.select(ROADS)}


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_streamed_import_stores_what_the_whole_parse_gives(tmp_path, chunk):
    p = tmp_path / "x.osm.pbf"
    write(p)  # the military area (way 200) comes after every road of the file
    whole = {k: v.to_dict() for k, v in roads_of(parse_osm(p)).items()}
    ws = Workspace(tmp_path / "ws", create=True)
    s, result, n, _ = import_osm_streamed(ws, p, chunk=chunk)
    assert stored(ws) == whole
    assert stored(ws)["osm-way-102"]["access"] == "military"  # closed after the fact
    assert result.inserted == n == len(whole) + 1 and result.updated == 0  # + the military extent
    again = import_osm_streamed(ws, p, chunk=chunk)[1]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, n)
    assert len(ws.store.select(IMPORTS)) == 1  # nothing changed: no second import record


def test_a_road_no_longer_in_a_military_area_is_opened_again(tmp_path):
    p, q = tmp_path / "a.osm.pbf", tmp_path / "b.osm.pbf"
    write(p)
    write(q, ways={k: v for k, v in W.items() if k != 200})  # the same roads, no military area
    ws = Workspace(tmp_path / "ws", create=True)
    import_osm_streamed(ws, p, chunk=2)
    assert stored(ws)["osm-way-109"]["access"] == "military"
    import_osm_streamed(ws, q, chunk=2)
    assert stored(ws)["osm-way-109"]["access"] == ""  # q's own areas decide
    assert stored(ws) == {k: v.to_dict() for k, v in roads_of(parse_osm(q)).items()}
    assert [e.id for e in ws.store.select(EXTENTS)] == ["osm-way-200"]  # extents are kept


def test_a_failure_after_some_chunks_leaves_nothing(tmp_path):
    p = tmp_path / "bad.osm.pbf"
    write(p, ways={**W, 999: ([5], {"highway": "primary"})})  # last way: one node
    with pytest.raises(ImportFormatError, match="bad.osm.pbf way 999: fewer than two nodes"):
        parse_osm(p)
    ws = Workspace(tmp_path / "ws", create=True)
    good = tmp_path / "good.osm.pbf"
    write(good, ways={100: W[100]})
    import_osm_streamed(ws, good)
    before = stored(ws)
    with pytest.raises(ImportFormatError, match="way 999"):
        import_osm_streamed(ws, p, chunk=1)  # chunks of one road were written before the error
    assert stored(ws) == before and len(ws.store.select(IMPORTS)) == 1
    ws.close()
    new = tmp_path / "new-ws"
    r = CliRunner().invoke(app, ["roads", "import", str(p), "-w", str(new)])
    assert r.exit_code == 2 and "way 999: fewer than two nodes" in r.stderr
    assert not new.exists()


def test_cli_import_reports_roads_places_and_areas(tmp_path):
    p = tmp_path / "x.osm.pbf"
    write(p, places=[(1, "Vaduz", "town", 5229)])
    r = CliRunner().invoke(app, ["roads", "import", str(p), "--places", "-w", str(tmp_path / "ws")])
    assert r.exit_code == 0, r.output
    assert "9 roads, 1 places and 1 areas: 11 new" in " ".join(r.output.split())
    assert N  # the fixture's nodes are those of test_osm_import



NO_BASE = {k: v for k, v in W.items() if k != 200}  # the same nine roads, no military area


@pytest.mark.parametrize(("first", "then", "expected"), [
    # another file's name: every road's provenance changes, each road is updated once
    (("a.osm.pbf", W), ("b.osm.pbf", NO_BASE), (0, 9, 0)),
    # the same file re-read without the base: the roads it closed open again
    (("a.osm.pbf", W), ("a.osm.pbf", NO_BASE), None),
    # the same file re-read with the base: those roads closed again, its area (stored from
    # base.osm.pbf) now from a.osm.pbf
    (("a.osm.pbf", NO_BASE), ("a.osm.pbf", W), None),
    # a file without the base read again while the base's area stays stored: nothing changes
    (("b.osm.pbf", NO_BASE), ("b.osm.pbf", NO_BASE), (0, 0, 9)),
])
def test_each_road_is_counted_once_when_the_stored_military_areas_differ(
        tmp_path, first, then, expected):
    """Importing over roads whose military areas differ from the file's: every road (and area)
    of the file is counted once, as inserted, updated or unchanged against what was stored
    before the import (docs/corridors.md, "Military areas after the roads"). The expected
    counts compare the whole-file parse (parse_osm) with the rows stored before."""
    ws = Workspace(tmp_path / "ws", create=True)
    write(tmp_path / "base.osm.pbf")  # its military area (way 200) is stored and stays stored
    import_osm_streamed(ws, tmp_path / "base.osm.pbf", chunk=2)
    name, ways = first
    write(tmp_path / name, ways=ways)
    import_osm_streamed(ws, tmp_path / name, chunk=2)
    name, ways = then
    (tmp_path / name).unlink(missing_ok=True)  # the extract downloaded again
    write(tmp_path / name, ways=ways)
    before = {**stored(ws), **{e.id: e.to_dict() for e in ws.store.select(EXTENTS)}}
    imports = ws.store.select(IMPORTS)
    parsed = {r.id: r.to_dict() for r in parse_osm(tmp_path / name).records}
    want = (sum(k not in before for k in parsed),
            sum(k in before and before[k] != v for k, v in parsed.items()),
            sum(before.get(k) == v for k, v in parsed.items()))
    assert want == (expected or want)
    if expected is None:  # the roads the base closes change, the others stay
        closed = {k for k, v in parsed.items() if v.get("access") == "military"} | {
            k for k, v in before.items() if v.get("access") == "military"}
        assert closed >= {"osm-way-102", "osm-way-109"}
        assert want == (0, len(closed) + (200 in ways), 9 - len(closed))
    s, result, n, _ = import_osm_streamed(ws, tmp_path / name, chunk=2)
    assert n == len(parsed) == 9 + (200 in ways)
    assert (result.inserted, result.updated, result.unchanged) == want
    assert stored(ws) == {k: v.to_dict() for k, v in roads_of(parse_osm(tmp_path / name)).items()}
    if result.changed:  # the import's record gives the same counts
        assert {(i.inserted, i.updated) for i in ws.store.select(IMPORTS)
                if i.sha256 == s.sha256} == {want[:2]}
    else:
        assert ws.store.select(IMPORTS) == imports  # nothing changed: no import record
