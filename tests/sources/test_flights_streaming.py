"""A positions import split into parts by aircraft (spilled to disk) stores the same positions,
events and coverage as one held whole in memory, and as a full refresh over every file."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from basewatch.sources import flights_partition
from basewatch.sources.flights_ingest import import_positions, refresh_events
from basewatch.sources.flights_partition import Partitions
from basewatch.store import Workspace
from tests.sources.flight_layers import stored_layers
from basewatch.store.flights import position_files, read_positions


_layers = stored_layers


def _plain_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table.rename_columns(["track" if c == "track_deg" else c
                                         for c in table.column_names]), path)


def _sorted(table: pa.Table) -> list[dict]:  # type: ignore[type-arg]
    return table.sort_by([("hex", "ascending"), ("time", "ascending")]).to_pylist()


@pytest.fixture()
def empty_demo(demo_ws: Path, tmp_path: Path) -> tuple[Path, pa.Table]:
    """A copy of the demo workspace without its positions (airfields and aircraft kept), and
    those positions shuffled (rows of all aircraft interleaved, as in a feed)."""
    folder = tmp_path / "ws"
    shutil.copytree(demo_ws, folder)
    every = read_positions(folder)
    for f in position_files(folder):
        f.unlink()
    with Workspace(folder) as ws:
        refresh_events(ws)
    order = np.random.default_rng(11).permutation(every.num_rows)
    return folder, every.take(order)


def test_spilled_import_equals_the_one_held_in_memory(empty_demo: tuple[Path, pa.Table],
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folder, every = empty_demo
    shutil.copytree(folder, tmp_path / "spilled")
    cut = every.num_rows // 2
    _plain_parquet(every.slice(0, cut + 700), tmp_path / "a.parquet")  # overlapping halves
    _plain_parquet(every.slice(cut), tmp_path / "b.parquet")
    with Workspace(folder) as ws:
        whole = [import_positions(ws, tmp_path / n, synthetic=True) for n in ("a.parquet",
                                                                          "b.parquet")]
        in_memory = _layers(ws)
        stored_whole = _sorted(read_positions(folder))
    monkeypatch.setattr(flights_partition, "SPILL_ROWS", 5_000)
    monkeypatch.setattr(flights_partition, "PART_ROWS", 20_000)
    with Workspace(tmp_path / "spilled") as ws:
        spilled = [import_positions(ws, tmp_path / n, synthetic=True) for n in ("a.parquet",
                                                                            "b.parquet")]
        incremental = _layers(ws)
        stored_spilled = _sorted(read_positions(tmp_path / "spilled"))
        refresh_events(ws)  # the full refresh over both files
        full = _layers(ws)
    assert [r.parts for r in whole] == [1, 1]
    assert all(r.parts >= 4 for r in spilled)
    assert [r.clean for r in spilled] == [r.clean for r in whole]
    assert stored_spilled == stored_whole
    assert incremental == in_memory == full
    assert len(full[0]) > 100 and len(full[1]) > 30
    assert not list((tmp_path / "spilled" / "flights").glob(".spill-*"))  # scratch removed


def test_parts_hold_whole_aircraft_in_file_order(tmp_path: Path) -> None:
    hexes = np.array(["a00001", "a00002", "3c6444", "a00001", "ffffff", "3c6444", "a00002"])
    batch = pa.table({"hex": hexes, "n": np.arange(len(hexes)),
                      "time": pa.array(np.arange(len(hexes)) * 1_000_000,
                                       pa.timestamp("us", tz="UTC"))})

    def scratch() -> Path:
        (tmp_path / "s").mkdir()
        return tmp_path / "s"

    with Partitions(scratch, spill_rows=3, part_rows=1) as parts:
        parts.add(batch.slice(0, 4))
        parts.add(batch.slice(4))
        got = list(parts.parts())
    assert [n for _, n, _ in got] == [4] * 4  # at least 4 parts
    seen: dict[str, int] = {}
    for b, _, t in got:
        for h, n in zip(t.column("hex").to_pylist(), t.column("n").to_pylist()):
            assert int(h, 16) % 4 == b  # every row of an aircraft in its one part
            assert n > seen.get(h, -1)  # in file order
            seen[h] = n
    assert sum(t.num_rows for _, _, t in got) == len(hexes)
    assert not (tmp_path / "s").exists()


def test_poll_file_read_in_batches_of_lines(tmp_path: Path) -> None:
    import json

    from basewatch.errors import ImportFormatError
    from basewatch.sources.adsb import read_adsb
    from basewatch.sources.adsb_json import parse_json, parse_json_batches

    lines = [json.dumps({"now": 1733306400000 + 10_000 * k, "ac": [
        {"hex": "1533ff", "lat": 35.4 + k * 0.01, "lon": 35.95, "alt_baro": 1000 + k,
         "seen_pos": 0.5}, {"hex": "~2a0001", "lat": 35.0, "lon": 35.0}]}) for k in range(10)]
    data = ("\n".join(lines) + "\n").encode()
    chunks = list(parse_json_batches(data, "poll.jsonl", batch=3))
    assert [len(c) for c in chunks] == [3, 3, 3, 1]
    assert [d for c in chunks for d in c] == parse_json(data, "poll.jsonl") == [
        json.loads(x) for x in lines]
    (tmp_path / "poll.jsonl").write_bytes(data)
    r = read_adsb(tmp_path / "poll.jsonl")
    assert r.table.column("alt_ft").to_pylist() == [1000.0 + k for k in range(10)]
    assert r.dropped == {"bad_address_or_time": 10}  # the ten non-ICAO (~) addresses
    bad = "\n".join(lines[:7] + ['{"now": 1, "ac": [}'] + lines[7:])
    (tmp_path / "bad.jsonl").write_text(bad)
    with pytest.raises(ImportFormatError, match="bad.jsonl line 8 column 19: invalid JSON"):
        read_adsb(tmp_path / "bad.jsonl")  # the line in the file, not within the line
    (tmp_path / "cut.jsonl").write_text("\n".join(lines[:3] + [lines[3][:40]]))
    with pytest.raises(ImportFormatError, match="cut.jsonl line 4 .*truncated"):
        read_adsb(tmp_path / "cut.jsonl")
