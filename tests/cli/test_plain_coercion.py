"""Options coerced without pydantic (cli/main.py: plain_coercion) give what typer's own
coercion gives: the same values (and types) for every spelling, the same error otherwise."""

from __future__ import annotations

import contextlib
import io
import itertools
from pathlib import Path
from typing import Annotated

import pytest
import typer

from basewatch.cli.main import plain_coercion


def _app(plain: bool) -> object:
    app = typer.Typer()

    @app.command()
    def show(n: Annotated[int, typer.Option("--n")] = 3,
             x: Annotated[float | None, typer.Option("--x")] = None,
             tag: Annotated[list[str] | None, typer.Option("--tag")] = None,
             name: Annotated[str | None, typer.Option("--name")] = None,
             where: Annotated[Path | None, typer.Option("--where")] = None,
             files: Annotated[list[str] | None, typer.Argument()] = None) -> None:
        print(repr((n, type(n).__name__, x, type(x).__name__, tag, name, where, files)))

    cmd = typer.main.get_command(app)
    if plain:
        plain_coercion(cmd)
    return cmd


_SPELLINGS = ["0", "7", "-3", "+12", "007", "1.5", "-0.25", ".5", "3.", "1e3", "2E-2", "-0",
              "99999999999999999999999", "1e400", "1_000", "1.0", " 4 ", "inf", "nan", "abc",
              "", "0x10", "\u0661\u0662", "1,5", "--"]


def _run(cmd: object, args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            cmd.main(args, prog_name="show", standalone_mode=True)  # type: ignore[attr-defined]
            code = 0
        except SystemExit as e:
            code = int(e.code or 0)
    return code, out.getvalue()


@pytest.mark.parametrize("opt", ["--n", "--x"])
def test_numbers_coerce_as_typer_does(opt: str) -> None:
    plain, typers = _app(True), _app(False)
    for s in _SPELLINGS:
        got, want = _run(plain, [opt, s]), _run(typers, [opt, s])
        if "nan" in want[1]:  # nan != nan: compare the text
            assert got[1] == want[1]
        assert got == want, (opt, s)


def test_defaults_lists_text_and_paths_coerce_as_typer_does() -> None:
    plain, typers = _app(True), _app(False)
    cases: list[list[str]] = [[], ["--tag", "a", "--tag", "b\u00e9"], ["a", "b", "c"],
                              ["--name", "x", "--where", "some/dir"], ["--tag", ""]]
    for args in cases + [a + b for a, b in itertools.combinations(cases, 2)]:
        assert _run(plain, args) == _run(typers, args), args


def test_a_bad_number_is_exit_2_with_typers_message() -> None:
    code, out = _run(_app(True), ["--n", "1.5"])
    assert code == 2
    assert "Invalid value for '--n'" in out and "valid integer" in out


_RECHECK = ("plain_coercion (cli/main.py) reaches into typer's private coercion (typer._coercion."
            "RuntimeParam/build_runtime_param, typer._param_types.coerce_cli_path/routes_to_path, "
            "typer.core._TyperParameter, a parameter's type_descriptor and _runtime_param) and "
            "changes nothing when they differ. typer {v}: {what}. Re-check plain_coercion against "
            "this typer (or drop it), then the start-up figures of docs/faces.md and "
            "docs/exposure.md and tests/cli/test_corridor_cli.py's pydantic-free question.")


def _recheck(what: str) -> str:
    return _RECHECK.format(v=typer.__version__, what=what)


def test_the_shortcut_is_active_on_every_plain_option() -> None:
    """Every text, number, path and text-list option of a command gets plain_coercion's
    coercer: a typer upgrade that moves the private names makes this fail, saying why."""
    try:
        from typer._coercion import RuntimeParam  # noqa: F401
        from typer._param_types import coerce_cli_path, routes_to_path  # noqa: F401
        from typer.core import _TyperParameter  # noqa: F401
    except ImportError as exc:
        pytest.fail(_recheck(f"a private name is gone ({exc})"))
    cmd = _app(True)
    for p in cmd.params:  # type: ignore[attr-defined]
        coercer = getattr(p, "_runtime_param", None)
        owner = getattr(type(coercer), "__qualname__", "")
        assert owner.startswith("plain_coercion.<locals>."), _recheck(
            f"option {p.name!r} keeps typer's coercion ({owner or coercer!r})")


_SUBPROCESS = '''
import sys
from pathlib import Path
from typing import Annotated
import typer
from basewatch.cli.main import plain_coercion
app = typer.Typer()
@app.command()
def show(n: Annotated[int, typer.Option("--n")] = 3,
         x: Annotated[float | None, typer.Option("--x")] = None,
         tag: Annotated[list[str] | None, typer.Option("--tag")] = None,
         name: Annotated[str | None, typer.Option("--name")] = None,
         where: Annotated[Path | None, typer.Option("--where")] = None,
         files: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    print(repr((n, x, tag, name, where, files)))
cmd = typer.main.get_command(app)
if sys.argv[1] == "plain":
    plain_coercion(cmd)
cmd.main(["--n", "7", "--x", "1.5", "--tag", "a", "--name", "b", "--where", "c", "d"],
         standalone_mode=False)
print("PYDANTIC=" + str("pydantic" in sys.modules))
'''


def test_plain_options_load_no_pydantic_in_a_fresh_interpreter() -> None:
    """The point of the shortcut, end to end: typer's own coercion imports pydantic, the plain
    one does not (whatever typer's internals are called)."""
    import subprocess
    import sys

    def loads_pydantic(mode: str) -> bool:
        out = subprocess.run([sys.executable, "-c", _SUBPROCESS, mode], capture_output=True,
                             text=True, check=True).stdout
        assert "(7, 1.5, ['a'], 'b', PosixPath('c'), ['d'])" in out, out
        return out.strip().endswith("PYDANTIC=True")

    assert not loads_pydantic("plain"), _recheck("plain options loaded pydantic")
    assert loads_pydantic("typer"), _recheck(
        "its own coercion no longer loads pydantic: the shortcut may be dead code")
