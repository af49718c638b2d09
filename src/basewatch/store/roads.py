"""Store layer of the road network."""

from __future__ import annotations

from basewatch.model.roads import RoadSegment
from basewatch.store.base import LayerSpec, register_layer

__all__ = ["ROADS"]

ROADS = register_layer(LayerSpec(
    name="roads",
    geometry_type="LINESTRING",
    columns={"id": ("TEXT", lambda d: d["id"]), "road_class": ("TEXT", lambda d: d["road_class"]),
             "ref": ("TEXT", lambda d: d["ref"]), "name": ("TEXT", lambda d: d["name"])},
    key=("id",),
    from_dict=RoadSegment.from_dict,
    geometry=lambda r: r.geometry,
    geometry_field="geometry",
    description="Road network (OSM ways or road lines).",
))
