"""Running a `basewatch` command in a fresh interpreter and seeing which modules it loaded:
the tests of lazy start-up (a command must not pay for libraries it does not use)."""

from __future__ import annotations

import subprocess
import sys


def run_fresh(args: list[str], watched: tuple[str, ...], prelude: str = "") -> tuple[str, set[str]]:
    """(stdout, the ``watched`` modules in ``sys.modules`` afterwards) of ``basewatch ARGS`` in
    a new Python process; ``prelude`` runs first (e.g. to make a path fail if taken)."""
    code = ("import sys\nfrom basewatch.cli.main import main\n" + prelude
            + "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print('LOADED=' + ','.join(m for m in {watched!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True).stdout
    body, _, loaded = out.rpartition("LOADED=")
    return body, set(filter(None, loaded.strip().split(",")))
