"""Arrow <-> numpy through buffers give what pyarrow's own conversions give (``to_numpy``,
``pa.array``, ``pa.scalar``), on sliced, chunked and null-holding arrays."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from basewatch.analysis.arrow_np import arrow_of, numpy_of, scalar_of, strings_of

_RNG = np.random.default_rng(5)


def _same(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == want.dtype
    assert np.array_equal(got, want, equal_nan=want.dtype.kind in "fc") \
        if want.dtype.kind != "M" else np.array_equal(got.view(np.int64), want.view(np.int64))


@pytest.mark.parametrize("kind", ["float64", "int32", "int64", "ts_us", "ts_ns"])
@pytest.mark.parametrize("nulls", [False, True])
def test_numbers_as_to_numpy_gives_them(kind: str, nulls: bool) -> None:
    n = 1000
    vals = _RNG.integers(-10**6, 10**6, n)
    mask = _RNG.random(n) < 0.2 if nulls else None
    ty = {"float64": pa.float64(), "int32": pa.int32(), "int64": pa.int64(),
          "ts_us": pa.timestamp("us", tz="UTC"), "ts_ns": pa.timestamp("ns")}[kind]
    arr = pa.array(vals.astype(float) / 7 if kind == "float64" else vals, ty, mask=mask)
    for a in (arr, arr.slice(13, 700), pa.chunked_array([arr.slice(0, 300), arr.slice(300)]),
              arr.slice(0, 0)):
        want = a.to_numpy(zero_copy_only=False) if isinstance(a, pa.Array) else a.to_numpy()
        _same(numpy_of(a), want)


@pytest.mark.parametrize("nulls", [False, True])
def test_booleans_with_nulls_as_filled(nulls: bool) -> None:
    n = 999
    arr = pa.array(_RNG.random(n) < 0.5, mask=(_RNG.random(n) < 0.3) if nulls else None)
    for a in (arr, arr.slice(5, 500), arr.slice(9, 1)):
        for fill in (False, True):
            want = a.fill_null(fill).to_numpy(zero_copy_only=False)
            _same(numpy_of(a, null=fill), want)
        if nulls and a.null_count:
            with pytest.raises(ValueError, match="nulls"):
                numpy_of(a)


def test_text_as_python_objects() -> None:
    a = pa.array(["4b1805", None, "x"]).slice(1)
    assert numpy_of(a).tolist() == [None, "x"]
    assert numpy_of(pa.array(["a", "b"]).dictionary_encode()).tolist() == ["a", "b"]


def test_arrow_of_equals_pa_array() -> None:
    x = _RNG.normal(size=777)
    x[_RNG.random(777) < 0.1] = np.nan
    assert arrow_of(x, pa.float64(), nan_is_null=True).equals(
        pa.array(x, pa.float64(), from_pandas=True))
    y = np.nan_to_num(x)  # (NaN is not equal to itself: compared without)
    assert arrow_of(y).equals(pa.array(y))
    b = _RNG.random(77) < 0.5
    assert arrow_of(b).equals(pa.array(b))
    i = _RNG.integers(0, 10**15, 50)
    ts = pa.timestamp("us", tz="UTC")
    assert arrow_of(i, ts).equals(pa.array(i, pa.int64()).cast(ts))
    assert arrow_of(i.astype(np.int32), pa.int64()).equals(pa.array(i.astype(np.int32), pa.int64()))


def test_scalars_and_strings() -> None:
    for v, ty in ((False, pa.bool_()), (-1, pa.int32()), (2.5, pa.float64()), ("", pa.string()),
                  ("ü", pa.large_string()), (None, pa.bool_())):
        assert scalar_of(v, ty).equals(pa.scalar(v, ty))
    assert strings_of(["true", "", "Z\u00fcrich"]).equals(pa.array(["true", "", "Z\u00fcrich"]))
    assert pc.is_in(pa.array(["t", "x"]), strings_of(["t"])).to_pylist() == [True, False]
