"""Arrow arrays to numpy and back through their buffers, without pyarrow's pandas shim.

pyarrow imports pandas (~0.2 s of CPU) the first time ``pa.array``, ``pa.scalar`` (and so any
compute call given a Python value) or ``Array.to_numpy`` runs, even on plain numeric arrays,
whether or not anything uses pandas. The positions path needs none of it: its columns are
fixed-width numbers, timestamps and booleans, which map to numpy memory directly. These
helpers do that mapping (zero-copy where the layouts agree) and give the same values as
``to_numpy(zero_copy_only=False)`` and ``pa.array`` (tested against them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

__all__ = ["arrow_of", "numpy_of", "scalar_of", "strings_of", "take_column"]


def _one(arr: Any) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    return arr


def _valid(arr: pa.Array) -> NDArray[np.bool_]:
    bits = np.frombuffer(arr.buffers()[0], np.uint8)
    return np.unpackbits(bits, count=arr.offset + len(arr), bitorder="little")[arr.offset:] \
        .astype(bool)


def numpy_of(arr: pa.Array | pa.ChunkedArray, *, null: bool | None = None) -> NDArray[Any]:
    """The values of an Arrow array as numpy, as ``to_numpy(zero_copy_only=False)`` gives
    them: numbers (null: NaN, as float64 for integers with nulls), timestamps as
    ``datetime64`` of their unit, booleans (a null is ``null``, as ``fill_null(null)`` then
    ``to_numpy`` gives; refused when not given), text and other types as an object array of
    Python values. Read-only when zero-copy."""
    a = _one(arr)
    n = len(a)
    t = a.type
    if pa.types.is_boolean(t):
        if n == 0:
            return np.zeros(0, bool)
        bits = np.frombuffer(a.buffers()[1], np.uint8)
        out = np.unpackbits(bits, count=a.offset + n, bitorder="little")[a.offset:] \
            .astype(bool)
        if a.null_count:
            if null is None:
                raise ValueError("numpy_of: a boolean array with nulls (say what a null is)")
            out = np.where(_valid(a), out, null)
        return out
    if pa.types.is_timestamp(t):
        dtype: Any = np.dtype(f"datetime64[{t.unit}]")
    elif pa.types.is_integer(t) or pa.types.is_floating(t):
        dtype = np.dtype(t.to_pandas_dtype())
    else:
        return np.array(a.to_pylist(), dtype=object)
    if n == 0:
        return np.zeros(0, dtype)
    out = np.frombuffer(a.buffers()[1], dtype, count=n, offset=a.offset * dtype.itemsize)
    if a.null_count:
        if dtype.kind == "M":
            out = np.where(_valid(a), out, np.datetime64("NaT"))
        else:
            out = np.where(_valid(a), out, np.nan)  # ints with nulls: float64, as pyarrow does
    return out


def arrow_of(x: Any, type: pa.DataType | None = None, *, nan_is_null: bool = False
             ) -> pa.Array:
    """A numpy array (numbers or booleans, 1-d) as an Arrow array of ``type`` (default: the
    matching one; a timestamp type takes int64 values of its unit), sharing its memory where
    the layouts agree; with ``nan_is_null`` NaN becomes null, as ``pa.array(...,
    from_pandas=True)`` does."""
    x = np.ascontiguousarray(x)
    if x.dtype == bool:
        ty = pa.bool_() if type is None else type
        data = pa.py_buffer(np.packbits(x, bitorder="little"))
        return pa.Array.from_buffers(ty, len(x), [None, data], null_count=0)
    if type is None:
        type = pa.from_numpy_dtype(x.dtype)
    elif pa.types.is_timestamp(type):
        x = x.astype(np.int64, copy=False)
    else:
        x = x.astype(type.to_pandas_dtype(), copy=False)
    validity = None
    nulls = 0
    if nan_is_null and x.dtype.kind == "f":
        bad = np.isnan(x)
        nulls = int(bad.sum())
        if nulls:
            validity = pa.py_buffer(np.packbits(~bad, bitorder="little"))
    return pa.Array.from_buffers(type, len(x), [validity, pa.py_buffer(x)], null_count=nulls)


def strings_of(values: list[str], type: pa.DataType | None = None) -> pa.Array:
    """Python strings as an Arrow string (or large string) array, without nulls."""
    type = pa.string() if type is None else type
    data = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(data) + 1, np.int64 if pa.types.is_large_string(type) else np.int32)
    offsets[1:] = np.cumsum([len(d) for d in data])
    return pa.Array.from_buffers(type, len(data), [None, pa.py_buffer(offsets),
                                                   pa.py_buffer(b"".join(data))], null_count=0)


def scalar_of(value: Any, type: pa.DataType) -> pa.Scalar:
    """An Arrow scalar of ``type``: a number, a boolean, a string or None (null), made
    without ``pa.scalar`` (which goes through the pandas shim)."""
    if value is None:
        return pa.nulls(1, type)[0]
    if isinstance(value, str):
        return strings_of([value], type)[0]
    return arrow_of(np.array([value]), type)[0]


def take_column(table: pa.Table, name: str, idx: NDArray[Any]) -> NDArray[Any]:
    """Column ``name`` of ``table`` at rows ``idx``, as float64 (nulls NaN)."""
    return np.asarray(numpy_of(table.column(name).take(arrow_of(idx))), dtype=float)
