# mypy: disable-error-code="import-untyped"
"""Windowed reads of cloud-optimized GeoTIFFs over HTTP: only the pixels of a site's areas.

rasterio (GDAL's GeoTIFF reader) does the decoding; the bytes come through :class:`HttpRangeFile`,
a file-like object that fetches 16 KiB-aligned ranges with HTTP ``Range`` requests (as GDAL's
``/vsicurl/`` does), retries 429/5xx answers, and counts every byte it downloads, so each read
reports what it cost against the asset's full size. The HTTP client is injected (``httpx.Client``).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
import rasterio
from rasterio.abc import FileContainer
from rasterio.errors import RasterioError, WindowError
from rasterio.features import geometry_mask
from rasterio.warp import transform_geom
from rasterio.windows import Window, from_bounds
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from basewatch.errors import BasewatchError

__all__ = ["CHUNK_BYTES", "FetchStats", "HttpRangeFile", "ImageryReadError", "RemoteBlob", "WindowRead",
           "read_window"]

#: Size of one range request, as GDAL's /vsicurl/ (16 KiB); consecutive chunks are merged.
CHUNK_BYTES = 16 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class ImageryReadError(BasewatchError, OSError):
    """A scene asset cannot be read over the site (HTTP error, truncated file, no data)."""


@dataclass
class FetchStats:
    """Bytes and requests of a series of reads, and the full sizes of the files touched."""

    bytes_fetched: int = 0
    requests: int = 0
    retries: int = 0
    full_sizes: dict[str, int] = field(default_factory=dict)

    @property
    def full_bytes(self) -> int:
        return sum(self.full_sizes.values())

    @property
    def share(self) -> float:
        """Bytes fetched as a share of the full size of the files read."""
        return self.bytes_fetched / self.full_bytes if self.full_bytes else 0.0


def _get(client: httpx.Client, url: str, headers: dict[str, str], stats: FetchStats,
         retries: int = 3, backoff_s: float = 0.05) -> httpx.Response:
    """GET with retries on 429/5xx and transport errors (exponential backoff, Retry-After
    honoured up to 2 s)."""
    for attempt in range(retries + 1):
        try:
            resp = client.get(url, headers=headers)
        except httpx.TransportError as exc:
            if attempt == retries:
                raise ImageryReadError(f"{url}: {type(exc).__name__} after {retries + 1} tries") from None
            stats.retries += 1
            time.sleep(backoff_s * 2**attempt)
            continue
        stats.requests += 1
        if resp.status_code in RETRY_STATUSES and attempt < retries:
            stats.retries += 1
            wait = backoff_s * 2**attempt
            ra = resp.headers.get("retry-after", "")
            if ra.isdigit():
                wait = min(float(ra), 2.0)
            time.sleep(wait)
            continue
        if resp.status_code >= 400:
            raise ImageryReadError(f"{url}: HTTP {resp.status_code}")
        return resp
    raise AssertionError("unreachable")


class RemoteBlob:
    """The bytes of one remote file, fetched lazily in aligned chunks and kept for the read."""

    def __init__(self, url: str, client: httpx.Client, stats: FetchStats,
                 chunk: int = CHUNK_BYTES,
                 on_error: Callable[[ImageryReadError], None] | None = None) -> None:
        self.url, self.client, self.stats, self.chunk = url, client, stats, chunk
        self.on_error = on_error
        self.cache: dict[int, bytes] = {}
        self.size = 0
        self.fetch(0, chunk - 1)

    def fetch(self, start: int, end: int) -> None:
        try:
            resp = _get(self.client, self.url, {"Range": f"bytes={start}-{end}"}, self.stats)
        except ImageryReadError as exc:
            if self.on_error:
                self.on_error(exc)
            raise
        body = resp.content
        self.stats.bytes_fetched += len(body)
        if resp.status_code == 200:
            # The server ignored Range and sent the whole file: keep it all, count it all.
            self.size = len(body)
            first = 0
        else:
            cr = resp.headers.get("content-range", "")
            try:
                self.size = int(cr.rsplit("/", 1)[1])
            except (IndexError, ValueError):
                raise ImageryReadError(f"{self.url}: 206 answer without a valid Content-Range "
                                       f"({cr!r})") from None
            first = start
        self.stats.full_sizes[self.url] = self.size
        for i in range(0, len(body), self.chunk):
            self.cache[(first + i) // self.chunk] = body[i:i + self.chunk]

    def read(self, pos: int, size: int) -> bytes:
        end = min(pos + size, self.size)
        if end <= pos:
            return b""
        c0, c1 = pos // self.chunk, (end - 1) // self.chunk
        missing = [c for c in range(c0, c1 + 1) if c not in self.cache]
        # One request per run of consecutive missing chunks.
        while missing:
            run_start = run_end = missing.pop(0)
            while missing and missing[0] == run_end + 1:
                run_end = missing.pop(0)
            self.fetch(run_start * self.chunk, min((run_end + 1) * self.chunk, self.size) - 1)
        data = b"".join(self.cache.get(c, b"") for c in range(c0, c1 + 1))
        off = pos - c0 * self.chunk
        return data[off:off + (end - pos)]


class HttpRangeFile(io.RawIOBase):
    """A read-only, seekable file over a :class:`RemoteBlob` (GDAL may open several)."""

    def __init__(self, blob: RemoteBlob) -> None:
        super().__init__()
        self.blob = blob
        self.size = blob.size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self._pos
        out = self.blob.read(self._pos, size)
        self._pos += len(out)
        return out

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


class _HttpContainer(FileContainer):  # type: ignore[misc]
    """What rasterio's opener machinery asks of a file system, for one remote file.

    A plain callable opener would make rasterio read the whole file to learn its size; this
    answers ``size`` from the Content-Range of the first request instead.
    """

    def __init__(self, url: str, client: httpx.Client, stats: FetchStats) -> None:
        self.url, self.client, self.stats = url, client, stats
        self._blob: RemoteBlob | None = None
        # GDAL turns errors raised in here into a vague I/O error: keep ours to re-raise.
        self.error: ImageryReadError | None = None

    @property
    def blob(self) -> RemoteBlob:
        if self._blob is None:
            try:
                self._blob = RemoteBlob(self.url, self.client, self.stats, on_error=self._keep)
            except ImageryReadError as exc:
                self.error = exc
                raise
        return self._blob

    def _keep(self, exc: ImageryReadError) -> None:
        self.error = exc

    def _mine(self, path: str) -> bool:
        # GDAL also probes siblings (.aux.xml, .ovr, .msk): they do not exist here, which
        # spares a request each and keeps the whole-file PAM read away.
        return self.url.endswith(str(path).split("://")[-1])

    def open(self, path: str, mode: str = "rb", **kwargs: Any) -> HttpRangeFile:
        if not self._mine(path):
            raise FileNotFoundError(path)
        if "r" not in mode:
            raise ImageryReadError(f"{self.url}: read-only")
        return HttpRangeFile(self.blob)

    def isfile(self, path: str) -> bool:
        return self._mine(path)

    def isdir(self, path: str) -> bool:
        return False

    def ls(self, path: str) -> list[str]:
        return []

    def mtime(self, path: str) -> int:
        return 0

    def size(self, path: str) -> int:
        if not self._mine(path):
            raise FileNotFoundError(path)
        return self.blob.size

    def rm(self, path: str) -> None:
        raise ImageryReadError(f"{self.url}: read-only")


@dataclass
class WindowRead:
    """Pixels of one asset over an area: ``data`` (masked outside the area and at nodata)."""

    url: str
    data: np.ma.MaskedArray
    transform: Any
    crs: str
    window: Window
    resolution_m: float
    full_shape: tuple[int, int]
    #: The file's bands: how many, their descriptions and colour interpretations (to name them).
    band_count: int = 1
    descriptions: tuple[str | None, ...] = ()
    colorinterp: tuple[str, ...] = ()

    @property
    def valid_pixels(self) -> int:
        return int(np.ma.count(self.data))


class _GdalNetworkStats:
    """GDAL's own count of /vsicurl/ traffic (``VSINetworkStats*``, GDAL >= 3.2), reached through
    ctypes in the libgdal rasterio loaded, since rasterio does not expose it."""

    def __init__(self) -> None:
        import ctypes

        found: list[str] = []
        try:
            with open("/proc/self/maps", encoding="utf-8") as maps:
                found = sorted({ln.split()[-1] for ln in maps if "libgdal" in ln})
        except OSError:
            pass
        # Other packages (pyogrio) may bundle their own GDAL: take rasterio's.
        ours = [f for f in found if "rasterio" in f] or (found if len(found) == 1 else [])
        path = ours[0] if ours else None
        if path is None:
            raise ImageryReadError("reader 'vsicurl': cannot find the GDAL library to read its "
                                   "network statistics (Linux only); use reader 'python'")
        lib = ctypes.CDLL(path)
        lib.VSINetworkStatsGetAsSerializedJSON.restype = ctypes.c_void_p
        lib.VSINetworkStatsGetAsSerializedJSON.argtypes = [ctypes.c_void_p]
        lib.VSIFree.argtypes = [ctypes.c_void_p]
        self._lib, self._ctypes = lib, ctypes

    def reset(self) -> None:
        self._lib.VSINetworkStatsReset()

    def downloaded(self) -> tuple[int, int]:
        """(bytes downloaded, GET requests) since the last reset."""
        import json

        ptr = self._lib.VSINetworkStatsGetAsSerializedJSON(None)
        try:
            doc = json.loads(self._ctypes.string_at(ptr).decode()) if ptr else {}
        finally:
            if ptr:
                self._lib.VSIFree(ptr)
        get = (doc.get("methods") or {}).get("GET") or {}
        return int(get.get("downloaded_bytes", 0)), int(get.get("count", 0))


_GDAL_STATS: list[_GdalNetworkStats] = []

#: GDAL settings for /vsicurl/: no directory listing on open, retries of 429/5xx like ours.
VSICURL_ENV = {"CPL_VSIL_NETWORK_STATS_ENABLED": "YES", "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
               "GDAL_HTTP_MAX_RETRY": "3", "GDAL_HTTP_RETRY_DELAY": "0.05",
               "GDAL_HTTP_TIMEOUT": "30"}


def _get_head(client: httpx.Client, url: str, stats: FetchStats) -> int | None:
    """The size of a remote file from a HEAD request (None if the server does not say)."""
    try:
        resp = client.head(url)
    except httpx.TransportError:
        return None
    stats.requests += 1
    n = resp.headers.get("content-length", "")
    return int(n) if resp.status_code < 400 and n.isdigit() else None


def _nodata_mask(ds: Any, arr: np.ndarray) -> np.ndarray:
    nodata = ds.nodata
    mask = arr == nodata if nodata is not None else np.zeros(arr.shape, bool)
    if np.issubdtype(arr.dtype, np.floating):
        mask |= ~np.isfinite(arr)
    return np.asarray(mask, bool)


def _read_area(ds: Any, band: int, area_lonlat: BaseGeometry, url: str
               ) -> tuple[np.ndarray, Window, np.ndarray, Any]:
    """The window of ``ds`` around the area (its bounds, no resampling): pixels, window,
    mask (outside the polygon or nodata), transform."""
    geom = shape(transform_geom("EPSG:4326", ds.crs, mapping(area_lonlat)))
    f = from_bounds(*geom.bounds, transform=ds.transform)
    c0, r0 = int(np.floor(f.col_off)), int(np.floor(f.row_off))
    win = Window(c0, r0, int(np.ceil(f.col_off + f.width)) - c0,
                 int(np.ceil(f.row_off + f.height)) - r0)
    try:
        win = win.intersection(Window(0, 0, ds.width, ds.height))
    except WindowError:
        raise ImageryReadError(f"{url}: the area lies outside the raster") from None
    arr = ds.read(band, window=win)
    tr = ds.window_transform(win)
    outside = geometry_mask([mapping(geom)], out_shape=arr.shape, transform=tr)
    return arr, win, outside | _nodata_mask(ds, arr), tr


def _read_like(ds: Any, band: int, like: WindowRead, url: str
               ) -> tuple[np.ndarray, Window, np.ndarray]:
    """The pixels of ``ds`` on the grid of ``like`` (nearest: the source pixel under each
    target pixel's centre); masked where ``like`` is and at this band's nodata."""
    if ds.crs.to_string() != like.crs:
        raise ImageryReadError(f"{url}: CRS {ds.crs.to_string()} differs from the scene's other "
                               f"bands ({like.crs})")
    t, s = like.transform, ds.transform
    if t.b or t.d or s.b or s.d:
        raise ImageryReadError(f"{url}: rotated raster grids are not supported")
    h, w = like.data.shape
    xs = t.c + (np.arange(w) + 0.5) * t.a
    ys = t.f + (np.arange(h) + 0.5) * t.e
    cols = np.floor((xs - s.c) / s.a).astype(np.int64)
    rows = np.floor((ys - s.f) / s.e).astype(np.int64)
    c0, c1 = max(int(cols.min()), 0), min(int(cols.max()) + 1, ds.width)
    r0, r1 = max(int(rows.min()), 0), min(int(rows.max()) + 1, ds.height)
    if c0 >= c1 or r0 >= r1:
        raise ImageryReadError(f"{url}: the area lies outside the raster")
    win = Window(c0, r0, c1 - c0, r1 - r0)
    src = ds.read(band, window=win)
    rin = (rows >= r0) & (rows < r1)
    cin = (cols >= c0) & (cols < c1)
    arr = src[np.clip(rows - r0, 0, r1 - r0 - 1)[:, None], np.clip(cols - c0, 0, c1 - c0 - 1)[None, :]]
    off = ~(rin[:, None] & cin[None, :])
    mask = np.ma.getmaskarray(like.data) | off | _nodata_mask(ds, arr)
    return arr, win, mask


def read_window(url: str, area_lonlat: BaseGeometry, client: httpx.Client,
                stats: FetchStats | None = None, band: int = 1,
                reader: str = "python", like: WindowRead | None = None) -> WindowRead:
    """Read the pixels of ``area_lonlat`` (WGS84 polygon) from the COG at ``url`` (or a local
    GeoTIFF path, read directly and not counted in ``stats``).

    ``reader="python"`` (default) fetches through :class:`HttpRangeFile` with ``client``;
    ``reader="vsicurl"`` lets GDAL's ``/vsicurl/`` fetch (its merged multi-range reads and its
    process-wide cache: a region read before costs nothing) and takes the bytes from GDAL's
    network statistics (not thread-safe: one read at a time); the full size comes from a HEAD.

    The polygon is reprojected to the raster's CRS (no resampling of pixels), the window is its
    bounds, and pixels outside the polygon or at nodata are masked. With ``like`` (a read of
    another band of the same scene) the pixels come on ``like``'s grid instead: same window,
    same mask of the area, each pixel the source pixel under its centre (nearest neighbour, as
    GDAL's nearest resampling does: a 20 m SCL read onto the 10 m grid of the other bands). Raises
    :class:`ImageryReadError` for HTTP errors, unreadable or truncated files, an area outside the
    raster, or an area with nothing but nodata.
    """
    stats = stats if stats is not None else FetchStats()

    opener = _HttpContainer(url, client, stats)

    local = not url.startswith(("http://", "https://"))
    if reader not in ("python", "vsicurl"):
        raise ImageryReadError(f"unknown reader {reader!r} (python or vsicurl)")
    gdal = reader == "vsicurl" and not local
    env = rasterio.Env(**VSICURL_ENV) if gdal else rasterio.Env()
    if gdal and not _GDAL_STATS:
        _GDAL_STATS.append(_GdalNetworkStats())
    try:
        with env:
            if gdal:
                # GDAL reads CPL_VSIL_NETWORK_STATS_ENABLED once, at its first statistics call:
                # the option must be set (inside the Env) before the first reset.
                _GDAL_STATS[0].reset()
            ds = (rasterio.open(url) if local else rasterio.open("/vsicurl/" + url) if gdal
                  else rasterio.open(url, opener=opener))
            with ds:
                if ds.crs is None:
                    raise ImageryReadError(f"{url}: raster has no CRS")
                if like is not None:
                    arr, win, mask = _read_like(ds, band, like, url)
                    tr, res, crs = like.transform, like.resolution_m, like.crs
                    shape_full = (ds.height, ds.width)
                else:
                    arr, win, mask, tr = _read_area(ds, band, area_lonlat, url)
                    res = float(abs(ds.transform.a))
                    crs = ds.crs.to_string()
                    shape_full = (ds.height, ds.width)
                layout = (int(ds.count), tuple(ds.descriptions),
                          tuple(ci.name for ci in ds.colorinterp))
    except ImageryReadError:
        raise
    except (RasterioError, OSError, ValueError) as exc:
        if opener.error is not None:
            raise opener.error from None
        raise ImageryReadError(f"{url}: cannot read ({str(exc).splitlines()[0][:200]})") from None
    finally:
        if gdal:
            got, n_get = _GDAL_STATS[0].downloaded()
            stats.bytes_fetched += got
            stats.requests += n_get
    if gdal:
        size = _get_head(client, url, stats)
        if size is not None:
            stats.full_sizes[url] = size
    data = np.ma.MaskedArray(arr, mask=mask)
    if not np.ma.count(data):
        raise ImageryReadError(f"{url}: all pixels are nodata over the area")
    return WindowRead(url, data, tr, crs, win, res, shape_full, *layout)
