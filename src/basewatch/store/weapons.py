"""Store layers of the weapons catalog: systems and holdings."""

from __future__ import annotations

from basewatch.model.weapons import Holding, WeaponSystem
from basewatch.store.base import LayerSpec, register_layer

__all__ = ["HOLDINGS", "WEAPON_SYSTEMS"]

WEAPON_SYSTEMS = register_layer(LayerSpec(
    name="weapon_systems",
    geometry_type=None,
    columns={"id": ("TEXT", lambda d: d["id"]), "name": ("TEXT", lambda d: d["name"]),
             "class": ("TEXT", lambda d: d["class"])},
    key=("id",),
    from_dict=WeaponSystem.from_dict,
    description="Weapon systems and their munitions' ranges, each with a source.",
))

HOLDINGS = register_layer(LayerSpec(
    name="weapon_holdings",
    geometry_type=None,
    columns={"faction": ("TEXT", lambda d: d["faction"]), "system": ("TEXT", lambda d: d["system"]),
             "valid_from": ("DATE", lambda d: d["valid_from"] or "")},
    key=("faction", "system", "valid_from"),
    from_dict=Holding.from_dict,
    description="Which faction holds which weapon system, from when (captured stocks too).",
))
