"""The Crimea workspace, built once per session through the CLI (tests/theatre/crimea.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.theatre.crimea import build_crimea


@pytest.fixture(scope="session")
def crimea_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_crimea(tmp_path_factory.mktemp("crimea"))
