"""Fixtures of the imagery tests: a workspace with the demo's factions and facilities, and the
examples of docs/imagery.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from basewatch.sources.importing import import_file
from basewatch.store import Workspace

ROOT = Path(__file__).resolve().parents[2]
IMAGERY_DOC = ROOT / "docs" / "imagery.md"
_EXAMPLE = re.compile(r"<!-- example: (\S+) kind=([\w-]+) -->\s*```\w*\n(.*?)```", re.DOTALL)


def doc_example(kind: str) -> tuple[str, str]:
    """(file name, text) of the first example of ``kind`` in docs/imagery.md."""
    for m in _EXAMPLE.finditer(IMAGERY_DOC.read_text("utf-8")):
        if m[2] == kind:
            return m[1], m[3]
    raise LookupError(kind)


@pytest.fixture
def sites_ws(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace holding the demo's factions and facilities (Khmeimim, Tartus...)."""
    w = Workspace(tmp_path / "ws", create=True)
    data = resources.files("basewatch.demo").joinpath("data")
    for kind, name in (("factions", "factions.json"), ("facilities", "facilities.csv")):
        with resources.as_file(data.joinpath(name)) as p:
            import_file(w, kind, p)
    yield w
    w.close()


@pytest.fixture(scope="session")
def demo_imagery_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, built once per session (includes the imagery demo)."""
    from basewatch.demo.build import build_demo

    folder = tmp_path_factory.mktemp("demo-imagery")
    build_demo(folder)
    return folder
