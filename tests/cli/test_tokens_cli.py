"""`basewatch tokens create|list|revoke` and the warnings of `serve` off loopback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.cli.tokens import serve_warnings
from basewatch.store import Workspace
from basewatch.store.tokens import authenticate

runner = CliRunner()


@pytest.fixture
def folder(demo_ws: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "ws"
    shutil.copytree(demo_ws, dst)
    return dst


def test_create_list_revoke(folder: Path) -> None:
    r = runner.invoke(app, ["tokens", "create", "--name", "desk", "--role", "admin", "--json",
                            "-w", str(folder)])
    assert r.exit_code == 0, r.output
    made = json.loads(r.stdout)
    with Workspace(folder) as ws:
        assert authenticate(ws.store, made["token"]).id == made["id"]  # type: ignore[union-attr]
    listed = runner.invoke(app, ["tokens", "list", "--json", "-w", str(folder)])
    rows = json.loads(listed.stdout)
    assert [(t["id"], t["role"], t["revoked"]) for t in rows] == [(made["id"], "admin", None)]
    assert made["token"] not in listed.stdout and "sha256" not in listed.stdout
    r = runner.invoke(app, ["tokens", "revoke", made["id"], "-w", str(folder)])
    assert r.exit_code == 0 and "revoked" in r.stdout
    with Workspace(folder) as ws:
        assert authenticate(ws.store, made["token"]) is None


def test_bad_role_and_unknown_id_exit_2(folder: Path) -> None:
    r = runner.invoke(app, ["tokens", "create", "--name", "x", "--role", "root", "-w", str(folder)])
    assert r.exit_code == 2 and "role 'root'" in r.output
    r = runner.invoke(app, ["tokens", "revoke", "feedfeedfeed", "-w", str(folder)])
    assert r.exit_code == 2 and "no token with id 'feedfeedfeed'" in r.output


def test_serve_warns_off_loopback_without_tokens(folder: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    serve_warnings(folder, "127.0.0.1", False)
    assert capsys.readouterr().err == ""
    serve_warnings(folder, "0.0.0.0", False)
    err = capsys.readouterr().err
    assert "reachable from other machines" in err and "reads need no token" in err
    assert "no active API token" in err
    runner.invoke(app, ["tokens", "create", "--name", "x", "-w", str(folder)])
    serve_warnings(folder, "0.0.0.0", True)
    err = capsys.readouterr().err
    assert "reachable from other machines" in err
    assert "reads need no token" not in err and "no active API token" not in err
