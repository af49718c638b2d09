"""Any input file as features: properties, a WGS84 geometry (or a table row), where it came from.

One reader per family (``tabular``, ``kml``, ``vector``) turns a file into :class:`Feature`s;
importers of located records (facilities, places, control) read only features, so every
family works for every kind. Field mapping is applied by :func:`read_features`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basewatch.errors import ImportFormatError
from basewatch.sources._common import CsvRow, read_limited

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from basewatch.sources.mapping import FieldMapping

__all__ = ["Feature", "FeatureFile", "location_of", "read_features"]


@dataclass
class Feature:
    """One record of a file: ``where`` names it in messages (``f.kml placemark 3 (Hama)``)."""

    where: str
    props: dict[str, Any]
    geometry: BaseGeometry | None = None
    #: The table row, for records of a CSV or spreadsheet (geometry then comes from columns).
    row: CsvRow | None = None


@dataclass
class FeatureFile:
    path: Path
    sha256: str
    features: list[Feature]
    #: Columns or property names found in the file, in order (for "found: ..." and unknowns).
    columns: list[str]
    tabular: bool
    notes: list[str] = field(default_factory=list)


def normal_name(column: str) -> str:
    """``"Source URL"`` -> ``"source_url"``: how a header is matched to a field."""
    return "_".join(str(column).strip().lower().replace("-", " ").split())


def _columns(features: list[Feature]) -> list[str]:
    return list(dict.fromkeys(k for f in features for k in f.props))


def read_features(path: str | Path, kind: str, mapping: FieldMapping | None = None) -> FeatureFile:
    """The features of ``path`` (format from its suffix), with ``mapping`` applied."""
    from basewatch.sources.mapping import FieldMapping

    p = Path(path)
    data, digest = read_limited(p)
    suffix = p.suffix.lower()
    notes: list[str] = []
    tabular = False
    if suffix in (".kml", ".kmz"):
        from basewatch.sources.kml import read_kml

        feats = read_kml(p, data)
        columns = _columns(feats)
    elif suffix in (".gpkg", ".shp", ".zip", ".fgb"):
        from basewatch.sources.vector import read_vector

        feats, notes = read_vector(p)
        columns = _columns(feats)
    elif suffix in (".geojson", ".json"):
        from basewatch.sources.vector import read_geojson

        feats, notes = read_geojson(p, data)
        columns = _columns(feats)
    else:
        from basewatch.sources.tabular import read_table

        table = read_table(p, data)
        notes = table.notes
        columns = table.columns
        tabular = True
        feats = [Feature(r.where, dict(r.values), None, r) for r in table.rows]
    # Headers as people type them ("Name", "Source URL") name basewatch's fields too.
    for f in feats:
        for k in list(f.props):
            n = normal_name(k)
            if n != k and n not in f.props:
                f.props[n] = f.props[k]
    mapping = mapping or FieldMapping()
    missing_maps = [f"{ours}={theirs}" for ours, theirs in mapping.renames.items()
                    if theirs not in columns]
    if missing_maps:
        raise ImportFormatError(f"{p.name}: --map {', '.join(missing_maps)}: no such column "
                                f"(found: {', '.join(columns) or 'none'})")
    if not mapping.empty:
        for f in feats:
            f.props = mapping.apply(f.props, p, kind)
            if f.row is not None:
                f.row = replace(f.row, values={k: "" if v is None else str(v)
                                               for k, v in f.props.items()})
    return FeatureFile(p, digest, feats, columns, tabular, notes)


def location_of(ff: FeatureFile, f: Feature, read: set[str]) -> BaseGeometry:
    """The geometry of a table row: a WKT column, else lon/lat columns (any usual names).

    ``read`` collects the columns used, so they are not reported as unknown.
    """
    from basewatch.sources.mapping import LAT_NAMES, LON_NAMES, WKT_NAMES, find_column

    if f.geometry is not None or f.row is None:
        if f.geometry is None:
            raise ImportFormatError(f"{f.where}: no geometry")
        # lon/lat properties beside a geometry repeat the location: known, not unknown.
        read.update(c for c in (find_column(f.props, LON_NAMES), find_column(f.props, LAT_NAMES))
                    if c)
        return f.geometry
    row = f.row
    cols = list(row.values)
    lon_c, lat_c = find_column(cols, LON_NAMES), find_column(cols, LAT_NAMES)
    if lon_c and lat_c and (row.get(lon_c) or row.get(lat_c) or not find_column(cols, WKT_NAMES)):
        read.update((lon_c, lat_c))
        where = f.where
        lon = _number(row, lon_c, where, -180, 180)
        lat = _number(row, lat_c, where, -90, 90)
        from shapely.geometry import Point

        return Point(lon, lat)
    wkt_c = find_column(cols, WKT_NAMES)
    if wkt_c:
        read.add(wkt_c)
        text = row.get(wkt_c)
        if not text:
            raise ImportFormatError(f"{f.where}: {wkt_c} is empty")
        import shapely

        try:
            return shapely.from_wkt(text)
        except Exception as exc:  # GEOS: ParseException and friends
            raise ImportFormatError(f"{f.where}: {wkt_c} {text[:40]!r} is not WKT ({exc})") \
                from None
    raise ImportFormatError(missing_location(ff))


def _number(row: CsvRow, col: str, where: str, lo: float, hi: float) -> float:
    v = row.number(col, lo=lo, hi=hi)
    assert v is not None
    return v


def missing_location(ff: FeatureFile) -> str:
    from basewatch.sources.mapping import LAT_NAMES, LON_NAMES, find_column

    missing = [n for n, names in (("lon", LON_NAMES), ("lat", LAT_NAMES))
               if not find_column(ff.columns, names)]
    what = f"missing column {' and '.join(missing)}" if missing else "no location columns"
    return (f"{ff.path.name} line 1: {what} (found: {', '.join(ff.columns) or 'nothing'}); "
            f"give lon/lat (or longitude/latitude, lng, x/y) or a WKT column, or "
            f"--map lat=COLUMN --map lon=COLUMN")


def has_location(ff: FeatureFile) -> bool:
    """Whether a table names where its rows are (lon/lat or WKT)."""
    from basewatch.sources.mapping import LAT_NAMES, LON_NAMES, WKT_NAMES, find_column

    if not ff.tabular:
        return True
    cols = set(ff.columns) | {k for f in ff.features[:1] for k in f.props}
    return bool((find_column(cols, LON_NAMES) and find_column(cols, LAT_NAMES))
                or find_column(cols, WKT_NAMES))
