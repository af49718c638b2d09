"""GeoPackage binary geometry (header + WKB, EPSG:4326), one at a time or many at once."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # shapely is imported where a geometry is (de)coded
    from shapely.geometry.base import BaseGeometry

__all__ = ["decode_gpkg_geometry", "encode_gpkg_geometry"]

_SRS_ID = 4326
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def encode_gpkg_geometry(geom: BaseGeometry | None) -> bytes | None:
    """GeoPackage binary of a geometry: 'GP', version, flags, srs id, xy envelope, WKB."""
    if geom is None:
        return None
    import shapely

    if geom.is_empty:
        return b"GP\x00\x11" + struct.pack("<i", _SRS_ID) + bytes(shapely.to_wkb(geom, byte_order=1))
    minx, miny, maxx, maxy = geom.bounds
    header = b"GP\x00\x03" + struct.pack("<i4d", _SRS_ID, minx, maxx, miny, maxy)
    return header + bytes(shapely.to_wkb(geom, byte_order=1))


def _wkb_offset(blob: bytes) -> int:
    flags = blob[3]
    return 8 + _ENVELOPE_BYTES[(flags >> 1) & 0x07]


def decode_gpkg_geometry(blob: bytes | None) -> BaseGeometry | None:
    """A shapely geometry from GeoPackage binary."""
    if blob is None:
        return None
    import shapely

    geom: BaseGeometry = shapely.from_wkb(blob[_wkb_offset(blob):])
    return geom


def from_wkb(blobs: Sequence[bytes]) -> Any:
    """Shapely geometries of many WKB blobs at once."""
    import shapely

    return shapely.from_wkb(blobs)


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    if blob is None:
        return None
    flags = blob[3]
    if (flags >> 1) & 0x07:
        endian = "<" if flags & 1 else ">"
        minx, maxx, miny, maxy = struct.unpack(endian + "4d", blob[8:40])
        return minx, maxx, miny, maxy
    geom = decode_gpkg_geometry(blob)
    if geom is None or geom.is_empty:
        return None
    x0, y0, x1, y1 = geom.bounds
    return x0, x1, y0, y1


def _encode_many(geoms: Sequence[BaseGeometry | None]) -> list[bytes | None]:
    """:func:`encode_gpkg_geometry` of many geometries at once (same bytes, vectorized)."""
    import numpy as np
    import shapely

    out: list[bytes | None] = [None] * len(geoms)
    idx = [i for i, g in enumerate(geoms) if g is not None]
    if not idx:
        return out
    arr = np.empty(len(idx), dtype=object)
    arr[:] = [geoms[i] for i in idx]
    wkb = shapely.to_wkb(arr, byte_order=1)
    empty = shapely.is_empty(arr).tolist()
    bounds = shapely.bounds(arr).tolist()
    for j, i in enumerate(idx):
        if empty[j]:
            out[i] = b"GP\x00\x11" + struct.pack("<i", _SRS_ID) + bytes(wkb[j])
        else:
            minx, miny, maxx, maxy = bounds[j]
            out[i] = (b"GP\x00\x03" + struct.pack("<i4d", _SRS_ID, minx, maxx, miny, maxy)
                      + bytes(wkb[j]))
    return out
