"""The orchestration: results in submission order, a failing task named with its error."""

from __future__ import annotations

from typing import Any

import pytest

from basewatch.batch import run_tasks
from tests.batch import helpers


def test_failure_is_kept_apart_and_results_come_in_order(client: Any) -> None:
    seen: list[tuple[str, bool, int]] = []
    out = run_tasks(client, helpers.square_or_fail, [(f"n{i}", (i,)) for i in range(6)],
                    on_done=lambda k, ok, n: seen.append((k, ok, n)))
    assert list(out.results.items()) == [("n0", 0), ("n1", 1), ("n2", 4), ("n4", 16), ("n5", 25)]
    assert [(f.key, f.error) for f in out.failures] == [("n3", "ValueError: three is not welcome")]
    assert sorted(seen) == sorted((f"n{i}", i != 3, 6) for i in range(6))


def test_duplicate_keys_are_refused(client: Any) -> None:
    with pytest.raises(ValueError, match="unique"):
        run_tasks(client, helpers.square_or_fail, [("a", (1,)), ("a", (2,))])
