"""Helpers of the fuzz property tests: seeds from the kept corpus, structured mutations, and
the store's state to compare before and after a refused import."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from basewatch.errors import BasewatchError
from basewatch.sources.importing import import_file
from basewatch.store import Workspace

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fuzz" / "corpus"
DEMO = ROOT / "src" / "basewatch" / "demo" / "data"

#: Bounded: the four fuzz property files together run in well under a minute.
FUZZ_SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.too_slow,
                                                HealthCheck.data_too_large])


def seeds(target: str, variant: int) -> list[bytes]:
    """The seed files of fuzz/corpus/<target> for one variant (their first byte), without it."""
    out = [p.read_bytes() for p in sorted((CORPUS / target).glob("seed-*"))]
    return [d[1:] for d in out if d and d[0] == variant]


#: Values that broke parsers somewhere: overflowing years, huge and non-finite numbers,
#: separators, deep nesting, a line over the csv module's field limit, bytes that are not UTF-8.
NASTY = [b"", b"-1", b"0", b"1e309", b"NaN", b"-Infinity", b"9" * 40, b"\x00", b"\xff\xfe",
         b'"', b",", b";", b"{", b"[", b"]}", b"null", b"true", b"[]", b"{}", b'"x"',
         b"0001-01-01T00:00:00+01:00", b"9999-12-31T23:59:59-05:00", b"2999-01-01",
         b"\n", b"\r\n", b"<", b"&x;", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"[" * 3000,
         b"a" * 140_000, b"1533ff", b"ground", b"\xe2\x80\xae"]

_TOKEN = re.compile(rb"[^\s,;:{}\[\]\"<>=]+")


@st.composite
def mutated(draw: st.DrawFn, valid: list[bytes]) -> bytes:
    """A valid file with one to four structured edits: a token replaced by a nasty value, a
    slice deleted or duplicated, random bytes inserted, the file cut short, lines swapped."""
    data = draw(st.sampled_from(valid))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["token", "token", "delete", "insert", "truncate", "lines",
                                   "duplicate"]))
        n = len(data)
        i = draw(st.integers(0, max(n - 1, 0)))
        j = draw(st.integers(i, min(n, i + 64)))
        if op == "token":
            spans = [m.span() for m in _TOKEN.finditer(data)]
            if spans:
                a, b = draw(st.sampled_from(spans))
                data = data[:a] + draw(st.sampled_from(NASTY)) + data[b:]
        elif op == "delete":
            data = data[:i] + data[j:]
        elif op == "insert":
            data = data[:i] + draw(st.binary(min_size=1, max_size=16)) + data[i:]
        elif op == "truncate":
            data = data[:i]
        elif op == "duplicate":
            data = data[:j] + data[i:j] + data[j:]
        else:
            lines = data.split(b"\n")
            if len(lines) > 1:
                a = draw(st.integers(0, len(lines) - 1))
                b = draw(st.integers(0, len(lines) - 1))
                lines[a], lines[b] = lines[b], lines[a]
                data = b"\n".join(lines)
    return data


def state(ws: Workspace) -> tuple[str, tuple[str, ...]]:
    """What a refused import must leave alone: the store file's bytes and the folder's files."""
    gpkg = ws.folder / "basewatch.gpkg"
    files = tuple(sorted(str(p.relative_to(ws.folder)) for p in ws.folder.rglob("*")
                         if p.is_file() and "-journal" not in p.name and "-wal" not in p.name))
    return hashlib.sha256(gpkg.read_bytes()).hexdigest(), files


def demo_workspace(folder: Path) -> Workspace:
    """A workspace with the demo factions and facilities (imagery counts name those sites)."""
    ws = Workspace(folder, create=True)
    import_file(ws, "factions", DEMO / "factions.json")
    import_file(ws, "facilities", DEMO / "facilities.csv")
    return ws


def check(ws: Workspace, path: Path, data: bytes, call: Callable[[Workspace, Path], object]
          ) -> BasewatchError | None:
    """Write ``data`` to ``path`` and import it: success, or our error with the store unchanged
    and a message that names the file."""
    path.write_bytes(data)
    before = state(ws)
    try:
        call(ws, path)
    except BasewatchError as exc:
        assert state(ws) == before, f"refused import changed the store: {exc}"
        assert path.name in str(exc), f"message does not name the file: {exc}"
        return exc
    return None
