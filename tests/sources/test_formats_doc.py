"""Every example in docs/formats.md imports, so the documentation stays true."""

import json
import re
import shlex
from pathlib import Path

import pytest

from basewatch.sources.importing import import_file
from basewatch.store import Workspace
from tests.conftest import FORMATS_DOC, doc_examples

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


_CLI_EXAMPLE = re.compile(r"<!-- cli-example: (\S+) -->\s*```\w*\n(.*?)```\s*```sh\n(.*?)```",
                          re.DOTALL)
CLI_EXAMPLES = [(m[1], m[2], m[3].strip()) for m in
                _CLI_EXAMPLE.finditer(FORMATS_DOC.read_text("utf-8"))]


def test_the_doc_shows_field_mapping_and_kml_on_the_command_line():
    assert {"drawn.geojson", "bases.kml"} <= {n for n, _, _ in CLI_EXAMPLES}


@pytest.mark.parametrize("index", range(len(CLI_EXAMPLES)), ids=[e[0] for e in CLI_EXAMPLES])
def test_doc_command_line_example_imports(tmp_path: Path, monkeypatch, index: int):
    from typer.testing import CliRunner

    from basewatch.cli.main import app

    name, text, command = CLI_EXAMPLES[index]
    with Workspace(tmp_path / "ws", create=True) as ws:
        for n, kind, t in EXAMPLES:  # the workspace the doc builds: factions first
            (tmp_path / n).write_text(t, "utf-8")
            import_file(ws, kind, tmp_path / n)
    (tmp_path / name).write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)
    assert args[0] == "basewatch"
    result = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "--json", *args[1:]])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["parsed"] > 0 and report["inserted"] > 0
