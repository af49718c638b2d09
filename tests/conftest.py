"""Shared fixtures: provenance, empty and demo workspaces, the formats doc's examples."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import settings

from basewatch.model import Provenance, Source
from basewatch.store import Workspace

# The suite is repeatable by default: every property test draws the same examples on every
# run, so CI fails only on a change, never on a new random draw. Random exploration is a
# separate run: HYPOTHESIS_PROFILE=explore bash scripts/test.sh (and the atheris campaigns).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parents[1]
FORMATS_DOC = ROOT / "docs" / "formats.md"

_EXAMPLE = re.compile(r"<!-- example: (\S+) kind=(\w+) -->\s*```\w*\n(.*?)```", re.DOTALL)


def doc_examples() -> list[tuple[str, str, str]]:
    """(file name, import kind, text) of every example in docs/formats.md, in order."""
    return [(m[1], m[2], m[3]) for m in _EXAMPLE.finditer(FORMATS_DOC.read_text("utf-8"))]


@pytest.fixture
def prov() -> Provenance:
    return Provenance(Source("test fixture"))


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """An empty workspace with the factions example of docs/formats.md imported."""
    from basewatch.sources.importing import import_file

    w = Workspace(tmp_path / "ws", create=True)
    name, kind, text = next(e for e in doc_examples() if e[1] == "factions")
    path = tmp_path / name
    path.write_text(text, "utf-8")
    import_file(w, kind, path)
    yield w
    w.close()


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, built once per test session through `build_demo`."""
    from basewatch.demo.build import build_demo

    folder = tmp_path_factory.mktemp("demo")
    build_demo(folder)
    return folder
