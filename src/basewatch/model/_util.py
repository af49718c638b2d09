"""Small shared helpers of the model: dates, geometry (de)serialization."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # shapely is imported where a geometry is made: a reader of stored
    # numbers (exposure timelines) never loads it
    from shapely.geometry.base import BaseGeometry

from basewatch.errors import ValidationError

__all__ = [
    "EARLIEST_DATE",
    "as_utc",
    "geom_from_json",
    "geom_to_json",
    "parse_date",
    "parse_datetime",
]

EARLIEST_DATE = dt.date(1900, 1, 1)


def parse_date(value: str | dt.date | None, *, field: str = "date") -> dt.date | None:
    """Parse an ISO date (``2024-12-05``); a datetime is cut to its UTC day. Empty gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return as_utc(value).date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) > 10:
            return as_utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00"))).date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{field} {text!r} is not an ISO date (YYYY-MM-DD)") from None


def parse_datetime(value: str | dt.datetime, *, field: str = "time") -> dt.datetime:
    """Parse an ISO timestamp; naive values are taken as UTC, aware ones converted to UTC."""
    if isinstance(value, dt.datetime):
        return as_utc(value)
    text = str(value).strip()
    try:
        return as_utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except (ValueError, OverflowError):  # overflow: year 1 or 9999 shifted out of range by UTC
        raise ValidationError(f"{field} {text!r} is not an ISO timestamp") from None


def as_utc(value: dt.datetime) -> dt.datetime:
    """Return ``value`` as an aware UTC datetime (naive input is taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def geom_to_json(geom: BaseGeometry | None) -> dict[str, Any] | None:
    """GeoJSON mapping of a shapely geometry (None stays None)."""
    if geom is None:
        return None
    from shapely.geometry import mapping

    return dict(mapping(geom))


def geom_from_json(value: Any) -> BaseGeometry | None:
    """A shapely geometry from a GeoJSON mapping, WKT string or geometry (None stays None)."""
    if value is None or value == "":
        return None
    import shapely
    from shapely.geometry import shape
    from shapely.geometry.base import BaseGeometry

    if isinstance(value, BaseGeometry):
        return value
    if isinstance(value, str):
        return shapely.from_wkt(value)
    return shape(value)


def check_lon_lat(lon: float, lat: float, *, what: str = "location") -> None:
    """Raise ValidationError unless (lon, lat) is a finite WGS84 position."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValidationError(f"{what}: coordinates must be finite numbers, got ({lon}, {lat})")
    if not -90.0 <= lat <= 90.0:
        raise ValidationError(f"{what}: latitude {lat} outside [-90, 90]")
    if not -180.0 <= lon <= 180.0:
        raise ValidationError(f"{what}: longitude {lon} outside [-180, 180]")


def finite_dumps(v: Any, **kwargs: Any) -> str:
    """``json.dumps`` of :func:`finite_json` of ``v``, walking ``v`` only when it holds a
    non-finite number (most payloads hold none: a 769-date timeline is dumped without the
    walk, ~30 % of its CLI time)."""
    import json

    try:
        return json.dumps(v, allow_nan=False, **kwargs)
    except ValueError:
        return json.dumps(finite_json(v), allow_nan=False, **kwargs)


def finite_json(v: Any) -> Any:
    """``v`` with NaN and infinities as None, for JSON: a rate with no baseline yet is NaN,
    which JSON cannot hold (browsers and ``jq`` refuse a body that contains one)."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: finite_json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [finite_json(x) for x in v]
    return v
