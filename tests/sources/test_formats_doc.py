"""Every example in docs/formats.md imports, so the documentation stays true."""

from pathlib import Path

import pytest

from basewatch.sources.importing import import_file
from basewatch.store import Workspace
from tests.conftest import doc_examples

EXAMPLES = doc_examples()


def test_the_doc_has_an_example_of_every_foundation_format():
    names = {n for n, _, _ in EXAMPLES}
    assert {"factions.json", "facilities.csv", "facilities.geojson", "places.csv", "survey.csv",
            "control.geojson"} <= names


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[e[0] for e in EXAMPLES])
def test_doc_example_imports(tmp_path: Path, index: int):
    # Import every example up to this one, in order (factions first: others refer to them).
    with Workspace(tmp_path / "ws", create=True) as ws:
        for name, kind, text in EXAMPLES[: index + 1]:
            path = tmp_path / name
            path.write_text(text, "utf-8")
            report = import_file(ws, kind, path)
        assert report.parsed > 0
        assert report.result.inserted + report.result.updated > 0
