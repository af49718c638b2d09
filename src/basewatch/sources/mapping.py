"""Field mapping for imports: fill or rename fields of files not written for basewatch.

``--set faction=russia`` supplies a field to every record that lacks it, ``--map name=NAME_EN``
reads a field from another column, ``--date-from-name %Y%m%d`` takes a date from each file's
name. Faults are collected (every fault of a record at once, the first few records of a file
together) so that a user fixes a file in one pass, not one error at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from basewatch.errors import ImportFormatError

__all__ = [
    "DATE_FIELD",
    "LAT_NAMES",
    "LON_NAMES",
    "MAX_FAULTS",
    "WKT_NAMES",
    "Faults",
    "FieldMapping",
    "TrackedProps",
    "date_from_name",
    "find_column",
    "parse_assignments",
]

#: How many faulty records of a file are reported together before the rest is summarised.
MAX_FAULTS = 10

#: The field a --date (or --date-from-name) fills, per import kind.
DATE_FIELD = {"control": "date", "survey": "edition_date", "facilities": "source_date",
              "places": "source_date"}

# Column synonyms, compared case-insensitively; the first match wins.
LON_NAMES = ("lon", "longitude", "lng", "long", "x", "lon_dd", "longitude_dd")
LAT_NAMES = ("lat", "latitude", "y", "lat_dd", "latitude_dd")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape")


def parse_assignments(items: Iterable[str], option: str) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` -> ``{"a": "1", "b": "x=y"}``; a missing ``=`` is a user error."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ImportFormatError(f"{option} {item!r}: expected FIELD=VALUE")
        out[key.strip()] = value.strip()
    return out


def _strptime_regex(fmt: str) -> re.Pattern[str]:
    parts = {"%Y": r"\d{4}", "%m": r"\d{2}", "%d": r"\d{2}", "%y": r"\d{2}", "%j": r"\d{3}",
             "%H": r"\d{2}", "%M": r"\d{2}", "%S": r"\d{2}", "%b": r"[A-Za-z]{3}",
             "%B": r"[A-Za-z]+"}
    out, i = "", 0
    while i < len(fmt):
        tok = fmt[i:i + 2]
        if tok in parts:
            out, i = out + parts[tok], i + 2
        elif tok == "%%":
            out, i = out + "%", i + 2
        else:
            out, i = out + re.escape(fmt[i]), i + 1
    return re.compile(out)


def date_from_name(path: Path, fmt: str) -> dt.date:
    """The date in a file's name, e.g. ``deepstate_20241201.geojson`` with ``%Y%m%d``."""
    m = _strptime_regex(fmt).search(path.name)
    if m is None:
        raise ImportFormatError(f"{path.name}: no date of the form {fmt!r} in the file name")
    try:
        return dt.datetime.strptime(m.group(0), fmt).date()
    except ValueError as exc:
        raise ImportFormatError(f"{path.name}: {m.group(0)!r} is not a date of the form "
                                f"{fmt!r} ({exc})") from None


@dataclass(frozen=True)
class FieldMapping:
    """How to read basewatch's fields from a file that names them otherwise.

    ``values`` (``--set``) gives values to records that lack a field; ``renames`` (``--map``)
    reads a field from another column/property (``{"name": "NAME_EN"}``); ``date_format``
    takes the kind's date field (``DATE_FIELD``) from the file name.
    """

    values: dict[str, str] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.values or self.renames or self.date_format)

    def provides(self, name: str, columns: Iterable[str]) -> bool:
        """Whether ``name`` will have a value source: a column, a --map, a --set."""
        cols = set(columns)
        return name in cols or name in self.values or self.renames.get(name) in cols

    def apply(self, props: dict[str, Any], path: Path, kind: str) -> dict[str, Any]:
        """A copy of ``props`` with mapped fields read, and defaults set where empty."""
        out = dict(props)
        for ours, theirs in self.renames.items():
            if theirs in props:
                out[ours] = props[theirs]
        defaults = dict(self.values)
        if self.date_format and kind in DATE_FIELD:
            defaults.setdefault(DATE_FIELD[kind], date_from_name(path, self.date_format)
                                .isoformat())
        for k, v in defaults.items():
            if out.get(k) in (None, ""):
                out[k] = v
        return out

    def used_columns(self) -> set[str]:
        return set(self.renames.values())


class TrackedProps(dict[str, Any]):
    """A dict that remembers which keys were read: what no record read is an unknown column."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read.add(key)
        return super().__contains__(key)


def unknown_columns_warning(name: str, columns: Iterable[str], read: set[str]) -> list[str]:
    """A warning naming the columns no record used (known fields grow as importers read more)."""
    from basewatch.sources.features import normal_name

    unused = [c for c in dict.fromkeys(columns) if c and c not in read
              and normal_name(c) not in read]
    if not unused:
        return []
    return [f"{name}: column{'s' if len(unused) > 1 else ''} {', '.join(unused)} not used "
            "(unknown to this import kind; --map FIELD=COLUMN reads one as a field)"]


def find_column(columns: Iterable[str], names: tuple[str, ...]) -> str | None:
    """The first column (case-insensitive) among ``names``, in the order of ``names``."""
    by_lower = {c.strip().lower(): c for c in columns}
    for n in names:
        if n in by_lower:
            return by_lower[n]
    return None


class Faults:
    """Faults of one file: each record's faults at once, the first ``limit`` records together."""

    def __init__(self, limit: int = MAX_FAULTS) -> None:
        self.limit = limit
        self.messages: list[str] = []
        self.count = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.messages) < self.limit:
            self.messages.append(message)

    def check(self) -> None:
        """Raise one ImportFormatError with every fault collected (the first line names one)."""
        if not self.messages:
            return
        more = self.count - len(self.messages)
        tail = [f"... and {more} more faulty record{'s' if more > 1 else ''}"] if more else []
        raise ImportFormatError("\n".join(self.messages + tail))

    def guard(self, fn: Any, *args: Any) -> Any:
        """``fn(*args)``, or None with its ImportFormatError recorded."""
        try:
            return fn(*args)
        except ImportFormatError as exc:
            self.add(str(exc))
            return None


def missing_fields(props: dict[str, Any], required: Iterable[str], where: str) -> str | None:
    """One message naming every required field that is empty, or None."""
    missing = [f for f in required if props.get(f) in (None, "")]
    if not missing:
        return None
    verb = "is" if len(missing) == 1 else "are"
    hint = "" if len(missing) == 1 else " (--set FIELD=VALUE gives all records a value)"
    return f"{where}: {', '.join(missing)} {verb} empty{hint}"
