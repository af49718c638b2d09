"""Freed heap memory kept in the process while a positions import runs (glibc only).

An import allocates and frees numpy arrays of a part's size (8 MB a column per million
positions) over and over. glibc's malloc serves such blocks by ``mmap`` and unmaps them
when freed (or trims the top of the heap), so the next array of that size is faulted in
again page by page: at 10 M positions ~650,000 page faults, ~2 s of kernel time of ~11 s.
Raising the mmap threshold to 32 MiB (glibc's maximum) and the trim threshold to 1 GiB for
the length of the import lets freed blocks be reused instead (~130,000 faults, the CPU time
down by ~10 %); the heap is trimmed when the import ends. Peak memory (VmHWM) rises a little
(588 -> ~625 MiB at 10 M positions, measured once).

Process-wide while it lasts. Afterwards both thresholds are glibc's defaults (128 KiB) but
fixed: glibc's own adjustment of the mmap threshold stays off once it has been set, which
only matters to a long-lived process (the API server) that imports. Elsewhere (musl, macOS,
Windows) a no-op.
"""

from __future__ import annotations

import ctypes
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

M_TRIM_THRESHOLD = -1  # mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
DEFAULT_THRESHOLD = 128 * 1024  # glibc's default for both


def _glibc() -> Any:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


@contextmanager
def heap_kept(mmap_threshold: int = 32 << 20, trim_threshold: int = 1 << 30) -> Iterator[bool]:
    """Keep freed blocks up to ``mmap_threshold`` bytes on the heap, and up to
    ``trim_threshold`` bytes of free heap, until the block ends (then trimmed). Yields whether
    the setting applies (glibc)."""
    libc = _glibc()
    if libc is None:
        yield False
        return
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    applied = bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold)) & bool(
        libc.mallopt(M_TRIM_THRESHOLD, trim_threshold))
    try:
        yield applied
    finally:
        libc.mallopt(M_MMAP_THRESHOLD, DEFAULT_THRESHOLD)
        libc.mallopt(M_TRIM_THRESHOLD, DEFAULT_THRESHOLD)
        libc.malloc_trim(0)
