# mypy: disable-error-code="no-untyped-call"
"""Batch runs on ``dask.distributed``: a local cluster or an existing one, one task per unit of
work (a site-date, a partition of positions), failures kept per task.

The driver submits independent tasks, collects them as they finish and reports what failed and
why; it never lets one failed task lose the others' results. A worker process that dies while
running a task (killed, out of memory) is replaced and its task re-run by the scheduler, up to
``distributed.scheduler.allowed-failures`` times (default 3); after that it gets one more run
alone on the cluster (a dying worker also fails the tasks queued on it), and if that fails too
it is reported as failed with the reason. Work functions must be importable by the workers (module-level
functions of the ``basewatch`` package) and take and return picklable values.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from basewatch.errors import BasewatchError, ValidationError

__all__ = ["BatchOutcome", "TaskFailure", "cluster_client", "run_tasks"]

T = TypeVar("T")


@dataclass(frozen=True)
class TaskFailure:
    """A task that did not complete: its key (e.g. ``tartus 2024-12-03``) and the error."""

    key: str
    error: str

    def to_dict(self) -> dict[str, str]:
        return {"task": self.key, "error": self.error}


@dataclass
class BatchOutcome(Generic[T]):
    """Results of the tasks that completed (by key, in submission order) and the failures."""

    results: dict[str, T] = field(default_factory=dict)
    failures: list[TaskFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _worker_died(exc: BaseException | None) -> bool:
    return exc is not None and type(exc).__name__ == "KilledWorker"


def _describe(exc: BaseException) -> str:
    if _worker_died(exc):  # distributed.scheduler.KilledWorker: the worker died every try
        return ("its worker process died each time it ran it (killed or out of memory); "
                "not done")
    if isinstance(exc, BasewatchError):
        return str(exc)
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return last[:500]


@contextmanager
def cluster_client(scheduler: str | None = None, *, workers: int = 2,
                   threads_per_worker: int = 1, connect_timeout_s: float = 10.0) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``scheduler`` (``tcp://host:8786``) if given,
    else to a new LocalCluster of ``workers`` processes, closed on exit."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - the extra is not installed
        raise ValidationError("batch processing needs dask.distributed: "
                              "pip install 'basewatch[batch]'") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{connect_timeout_s}s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ValidationError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    if workers < 1:
        raise ValidationError("--workers must be at least 1")
    import dask

    # processes, not threads: detection and segmentation are CPU-bound numpy and Python loops.
    # Worker saturation 1.0: a worker holds only the tasks it runs, so when a worker dies only
    # those are suspected (and re-run), not tasks merely queued on it.
    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}), \
            LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
                         dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def run_tasks(client: Any, fn: Callable[..., T], tasks: Sequence[tuple[str, tuple[Any, ...]]],
              *, retries: int = 0,
              on_done: Callable[[str, bool, int], None] | None = None) -> BatchOutcome[T]:
    """Run ``fn(*args)`` for each ``(key, args)`` on the cluster; collect results and failures.

    ``retries``: extra attempts of a task that raised (a task whose worker died is re-run by
    the scheduler whatever this says). ``on_done(key, ok, total)`` is called as each task
    finishes (progress). Results come back in the order of ``tasks``, whatever the order of completion.
    """
    from distributed import as_completed

    keys = [k for k, _ in tasks]
    if len(set(keys)) != len(keys):
        raise ValueError("task keys must be unique")
    run = uuid.uuid4().hex[:8]  # keys unique per run: a second run on one cluster recomputes
    futures = {}
    for key, args in tasks:
        fut = client.submit(fn, *args, key=f"basewatch-{run}-{key}", retries=retries)
        futures[fut.key] = (key, fut)
    done: dict[str, T] = {}
    failed: dict[str, str] = {}
    died: list[tuple[str, tuple[Any, ...]]] = []
    by_key = dict(tasks)
    for fut in as_completed([f for _, f in futures.values()]):
        key = futures[fut.key][0]
        # result() rather than the status: a finished result held by a worker that then dies
        # is recomputed, and the future is briefly not "finished" again; result() waits.
        try:
            done[key] = fut.result()
        except Exception as exc:  # noqa: BLE001 - the task's failure is reported, not raised
            failed[key] = _describe(exc)
            if _worker_died(exc):
                died.append((key, by_key[key]))
        fut.release()  # results are in hand: let the workers free them
        if on_done is not None and (not died or died[-1][0] != key):  # those: after the re-run
            on_done(key, key in done, len(keys))
    # A worker that dies takes with it every task it was running or about to run, so a task
    # that kills its worker each time can drag an innocent one down with it. Those tasks get
    # one more run each, alone on the cluster: the innocent complete, the culprit is named.
    for key, args in died:
        fut = client.submit(fn, *args, key=f"basewatch-{run}-{key}-alone", retries=retries)
        try:
            done[key] = fut.result()
            del failed[key]
        except Exception as exc:  # noqa: BLE001 - any failure of the task is reported, not raised
            failed[key] = _describe(exc)
        fut.release()
        if on_done is not None:
            on_done(key, key in done, len(keys))
    return BatchOutcome({k: done[k] for k in keys if k in done},
                        [TaskFailure(k, failed[k]) for k in keys if k in failed])
