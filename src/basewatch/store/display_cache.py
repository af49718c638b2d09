"""Control outlines simplified for the dashboard, stored once per distinct ground.

The time slider draws one snapshot per date; a daily series repeats its grounds, so the
simplified outline of each ground (key from :func:`~basewatch.store.exposure_cache.
snapshot_grounds`) is computed once per tolerance, stored, and read back for every date that
shares it. Derived data: missing rows are computed on demand, and a replaced snapshot has a
new key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import area_km2
from basewatch.analysis.ground import simplify_for_display
from basewatch.model._util import geom_from_json, geom_to_json
from basewatch.store.base import CONTROL, LayerSpec, Store, register_layer
from basewatch.store.exposure_cache import ground_geometry, snapshot_grounds, write_rows

__all__ = ["DISPLAY_GROUNDS", "DisplayGround", "display_layer"]


@dataclass(frozen=True)
class DisplayGround:
    """One ground's outline simplified at ``tolerance_m``, with its exact area and sizes."""

    ground: str
    tolerance_m: float
    faction: str
    geometry: BaseGeometry
    area_km2: float
    vertices: int
    source_vertices: int

    def to_dict(self) -> dict[str, Any]:
        return {"ground": self.ground, "tolerance_m": self.tolerance_m, "faction": self.faction,
                "geometry": geom_to_json(self.geometry), "area_km2": self.area_km2,
                "vertices": self.vertices, "source_vertices": self.source_vertices}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DisplayGround:
        geom = geom_from_json(d["geometry"])
        assert geom is not None
        return cls(str(d["ground"]), float(d["tolerance_m"]), str(d["faction"]), geom,
                   float(d["area_km2"]), int(d["vertices"]), int(d["source_vertices"]))


def _multi(g: BaseGeometry) -> BaseGeometry:
    if isinstance(g, Polygon):
        return MultiPolygon([g])
    if isinstance(g, MultiPolygon):
        return g
    polys = [p for p in shapely.get_parts(g) if isinstance(p, (Polygon, MultiPolygon))]
    return MultiPolygon([q for p in polys for q in getattr(p, "geoms", [p])])


DISPLAY_GROUNDS = register_layer(LayerSpec(
    name="control_display",
    geometry_type="MULTIPOLYGON",
    columns={"ground": ("TEXT", lambda d: d["ground"]),
             "tolerance_m": ("REAL", lambda d: d["tolerance_m"]),
             "faction": ("TEXT", lambda d: d["faction"])},
    key=("ground", "tolerance_m"),
    from_dict=DisplayGround.from_dict,
    geometry=lambda r: _multi(r.geometry),
    geometry_field="geometry",
    description="Cache: control outlines simplified for display, once per distinct ground.",
    derived=True,
))


def display_layer(store: Store, snapshot: dt.date, tolerance_m: float,
                  ) -> tuple[list[DisplayGround], dict[str, tuple[str, bool]]]:
    """The simplified grounds of one snapshot and each faction's (source, synthetic mark);
    missing outlines are computed and stored."""
    grounds = snapshot_grounds(store, snapshot, snapshot).get(snapshot)
    if grounds is None:
        return [], {}
    out: list[DisplayGround] = []
    new: list[DisplayGround] = []
    for faction, key in sorted(grounds.grounds.items()):
        rows = store.select(DISPLAY_GROUNDS, {"ground": key, "tolerance_m": float(tolerance_m)})
        if rows:
            out.append(rows[0])
            continue
        full = ground_geometry(store, snapshot, faction)
        simple = simplify_for_display(full, tolerance_m)
        row = DisplayGround(key, float(tolerance_m), faction, simple, area_km2(full),
                            int(shapely.get_num_coordinates(simple)),
                            int(shapely.get_num_coordinates(full)))
        out.append(row)
        new.append(row)
    write_rows(store, new, DISPLAY_GROUNDS)
    marks: dict[str, tuple[str, bool]] = {}
    for faction, source, synthetic in store.select_columns(
            CONTROL, ("faction", "source", "synthetic"), {"date": snapshot.isoformat()}):
        was = marks.get(faction, ("", False))
        marks[faction] = (was[0] or source or "", was[1] or bool(synthetic))
    return out, marks
