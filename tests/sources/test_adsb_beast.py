"""Beast binary frames with the textbook ADS-B messages of Junzi Sun's "The 1090 MHz Riddle"
(an even/odd airborne position pair of 40621D, whose decoded position the book gives: odd
frame latest: 52.26578 N, 3.93891 E at 38,000 ft; a velocity message of 485020: 159 kt,
track 182.88 deg; an identification of 4840D6: KLM1023)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from basewatch.sources.adsb import read_adsb
from basewatch.sources.adsb_beast import beast_frames

EVEN = "8D40621D58C382D690C8AC2863A7"
ODD = "8D40621D58C386435CC412692AD6"
VEL = "8D485020994409940838175B284F"
IDENT = "8D4840D6202CC371C32CE0576098"


def _frame(msg: str, counter: int) -> bytes:
    body = counter.to_bytes(6, "big") + bytes([0x80]) + bytes.fromhex(msg)
    return b"\x1a3" + body.replace(b"\x1a", b"\x1a\x1a")  # 0x1a inside a frame is doubled


def test_beast_recording_decodes_the_books_position(tmp_path: Path) -> None:
    data = (_frame(IDENT, 0) + _frame(EVEN, 12_000_000) + _frame(VEL, 18_000_000)
            + _frame(ODD, 24_000_000))
    p = tmp_path / "rec.beast"
    p.write_bytes(data)
    os.utime(p, (1_457_996_412, 1_457_996_412))  # recording ended at the last frame
    r = read_adsb(p)
    assert r.format == "beast"
    rows = [x for x in r.table.to_pylist() if x["hex"] == "40621d"]
    assert rows, r.table.to_pylist()
    last = rows[-1]
    assert last["lat"] == pytest.approx(52.26578, abs=1e-4)
    assert last["lon"] == pytest.approx(3.93891, abs=1e-4)
    assert last["alt_ft"] == 38000.0 and last["on_ground"] is False
    assert last["time"].timestamp() == pytest.approx(1_457_996_412)  # anchored at the end
    assert any("modification time" in w for w in r.warnings)


def test_escaped_bytes_and_cut_frames() -> None:
    dropped: dict[str, int] = {}
    counter = 0x1A1A1A  # escapes inside the counter
    frames = list(beast_frames(_frame(EVEN, counter) + _frame(ODD, 5)[:9], dropped))
    assert frames == [(counter, bytes.fromhex(EVEN))]
    assert dropped == {"beast_frames_cut": 1}


def test_beast_times_from_a_given_start(tmp_path: Path) -> None:
    # the odd frame is 2 s of the 12 MHz counter after the first one: 24,000,000 ticks
    data = (_frame(IDENT, 1_000) + _frame(EVEN, 12_001_000) + _frame(VEL, 18_001_000)
            + _frame(ODD, 24_001_000))
    p = tmp_path / "rec.beast"
    p.write_bytes(data)
    os.utime(p, (1_700_000_000, 1_700_000_000))  # a copy's mtime: not the recording's end
    start = 1_457_996_400.0
    r = read_adsb(p, start=start)
    last = [x for x in r.table.to_pylist() if x["hex"] == "40621d"][-1]
    assert last["time"].timestamp() == pytest.approx(start + 2.0)
    assert any("first frame falls at the given start, 2016-03-14T23:00:00Z" in w
               for w in r.warnings)


def test_cli_start_needs_a_zone(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from basewatch.cli.main import app

    p = tmp_path / "rec.beast"
    p.write_bytes(_frame(EVEN, 0) + _frame(ODD, 12_000_000))
    res = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "flights", "import", str(p),
                                   "--start", "2016-03-14T23:00:00"])
    assert res.exit_code == 2
    assert "give a time zone" in res.output
    res = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "flights", "import", str(p),
                                   "--start", "2016-03-14T23:00:00Z", "--json"])
    assert res.exit_code == 0, res.output
    assert "given start, 2016-03-14T23:00:00Z" in res.output
