"""Store layers of the assessment capability: tripwires and the alerts they raised."""

from __future__ import annotations

import datetime as dt

from basewatch.analysis.tripwires import parse_condition, tripwire_id
from basewatch.model.assessment import Alert, Tripwire
from basewatch.store.base import LayerSpec, Store, register_layer

__all__ = ["ALERTS", "TRIPWIRES", "add_tripwire"]

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


def add_tripwire(store: Store, site_id: str, condition: str) -> tuple[Tripwire, bool]:
    """Set ``condition`` (checked) on a site; (the tripwire, True if new). The same condition
    on the same site again changes nothing: it keeps its first creation time."""
    cond = parse_condition(condition)
    t = Tripwire(tripwire_id(site_id, cond.text), cond.text, site_id, dt.datetime.now(dt.UTC))
    existing = store.select(TRIPWIRES, {"id": t.id})
    if existing:
        return existing[0], False
    with store.transaction():
        store.put(TRIPWIRES, [t])
    return t, True
