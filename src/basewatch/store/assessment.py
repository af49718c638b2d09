"""Store layers of the assessment capability: tripwires and the alerts they raised."""

from __future__ import annotations

from basewatch.model.assessment import Alert, Tripwire
from basewatch.store.base import LayerSpec, register_layer

__all__ = ["ALERTS", "TRIPWIRES"]

TRIPWIRES = register_layer(LayerSpec(
    name="tripwires",
    geometry_type=None,
    columns={"id": ("TEXT", lambda d: d["id"]), "site": ("TEXT", lambda d: d["site"]),
             "condition": ("TEXT", lambda d: d["condition"])},
    key=("id",),
    from_dict=Tripwire.from_dict,
    description="User-defined conditions on sites, evaluated per date.",
))

ALERTS = register_layer(LayerSpec(
    name="alerts",
    geometry_type=None,
    columns={"tripwire": ("TEXT", lambda d: d["tripwire"]), "date": ("DATE", lambda d: d["date"]),
             "site": ("TEXT", lambda d: d["site"])},
    key=("tripwire", "date"),
    from_dict=Alert.from_dict,
    indexes=(("date",),),
    description="Alerts raised by tripwires, with the evidence that fired them.",
))
