"""An import's positions split by aircraft, so that a file of any size is cleaned, stored and
searched for events a part at a time.

Cleaning and detection work per aircraft (a track is one aircraft's positions in time order;
nothing in either looks across aircraft), so the positions of a file can be split into parts
by aircraft address and each part handled alone with the same result. Up to ``spill_rows``
positions the parts stay one table in memory; beyond, every batch read is split into
``buckets`` parts by address (``int(hex, 16) % buckets``) and appended to that part's Arrow
IPC file in a scratch folder (LZ4), so memory holds one batch while reading and one part
while cleaning and detecting. Within a part, rows keep the file's order (duplicates keep the
first row, as in one table).
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.analysis.arrow_np import arrow_of, numpy_of

__all__ = ["SPILL_ROWS", "Partitions", "bucket_of"]

#: Positions held in memory as one part before an import spills to parts on disk (~70 bytes
#: a position in Arrow; the cleaning and detection of a part need about 3-4 times that).
SPILL_ROWS = 2_000_000
#: Positions aimed at per part once spilling (the number of parts follows from the estimate).
PART_ROWS = 1_000_000


def bucket_of(hexes: pa.Array | pa.ChunkedArray, buckets: int) -> np.ndarray:
    """Part number of each position: its ICAO address (6 hex digits, as read) modulo
    ``buckets``; computed once per distinct address."""
    enc = pc.dictionary_encode(hexes)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    per = np.array([int(h, 16) % buckets for h in enc.dictionary.to_pylist()], np.int32)
    codes = np.asarray(numpy_of(enc.indices), np.int64)
    return per[codes] if len(per) else np.zeros(len(codes), np.int32)


class Partitions:
    """Collect an import's position batches (:meth:`add`), then iterate its parts (each a
    table of whole aircraft). ``estimated_rows`` sizes the parts when spilling. Use as a
    context manager: the scratch folder is removed on exit."""

    def __init__(self, scratch: Any, *, estimated_rows: int = 0,
                 spill_rows: int | None = None, part_rows: int | None = None) -> None:
        self._scratch_factory = scratch  # called when the first spill happens
        self.spill_rows = SPILL_ROWS if spill_rows is None else spill_rows
        part_rows = PART_ROWS if part_rows is None else part_rows
        self.buckets = max(4, min(1024, math.ceil(max(estimated_rows, self.spill_rows)
                                                   / part_rows)))
        self._mem: list[pa.Table] = []
        self._rows = 0
        self._dir: Path | None = None
        self._writers: list[Any] = []
        self._files: list[Any] = []
        self.rows = 0
        self.first: Any = None  # earliest and latest time read (datetime, UTC)
        self.last: Any = None

    @property
    def spilled(self) -> bool:
        return self._dir is not None

    def add(self, table: pa.Table) -> None:
        self.rows += table.num_rows
        if table.num_rows:  # the span of days read (for the coverage of those days)
            mm = pc.min_max(table.column("time").cast(pa.int64()))  # microseconds
            lo, hi = (dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
                      + dt.timedelta(microseconds=mm[k].as_py()) for k in ("min", "max"))
            self.first = lo if self.first is None else min(self.first, lo)
            self.last = hi if self.last is None else max(self.last, hi)
        if self._dir is None:
            self._mem.append(table)
            self._rows += table.num_rows
            if self._rows > self.spill_rows:
                self._start_spill(table.schema)
                mem, self._mem = self._mem, []
                for t in mem:
                    self._spill(t)
            return
        self._spill(table)

    def _start_spill(self, schema: pa.Schema) -> None:
        self._dir = Path(self._scratch_factory())
        opts = pa.ipc.IpcWriteOptions(compression="lz4")
        for b in range(self.buckets):
            f = pa.OSFile(str(self._dir / f"part-{b:04d}.arrows"), "wb")
            self._files.append(f)
            self._writers.append(pa.ipc.new_stream(f, schema, options=opts))

    def _spill(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        b = bucket_of(table.column("hex"), self.buckets)
        # at most 1,024 parts: as 16-bit keys numpy's stable sort is a radix sort (15x faster)
        order = np.argsort(b.astype(np.int16), kind="stable")
        counts = np.bincount(b, minlength=self.buckets)
        sorted_t = table.take(arrow_of(order))
        at = 0
        for k in np.flatnonzero(counts).tolist():
            self._writers[k].write_table(sorted_t.slice(at, int(counts[k])))
            at += int(counts[k])

    def parts(self) -> Iterator[tuple[int, int, pa.Table]]:
        """(part number, number of parts, table) of every part, empty ones too; each holds
        every position read of its aircraft, in file order. Held in memory: one part."""
        # (each part is handed over without a reference kept here: the caller frees it once
        # cleaned, before detection, instead of when the next part is read)
        if self._dir is None:
            if self._mem:
                yield 0, 1, self._take_mem()
            return
        for w, f in zip(self._writers, self._files):
            w.close()
            f.close()
        self._writers, self._files = [], []
        for b in range(self.buckets):
            yield b, self.buckets, self._read_part(self._dir / f"part-{b:04d}.arrows")

    def _take_mem(self) -> pa.Table:
        mem, self._mem = self._mem, []
        return pa.concat_tables(mem)

    @staticmethod
    def _read_part(path: Path) -> pa.Table:
        with pa.OSFile(str(path), "rb") as src:
            table = pa.ipc.open_stream(src).read_all()
        path.unlink()
        return table

    def close(self) -> None:
        for w, f in zip(self._writers, self._files):
            try:
                w.close()
            finally:
                f.close()
        self._writers, self._files, self._mem = [], [], []
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> Partitions:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
