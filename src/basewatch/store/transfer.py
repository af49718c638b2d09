"""Moving a workspace's records between stores (embedded GeoPackage <-> PostGIS), losslessly."""

from __future__ import annotations

from typing import Any

from basewatch.errors import StoreError
from basewatch.store.base import LAYERS, PutResult, Store

__all__ = ["LAYER_MODULES", "copy_store", "known_layers", "layer_tables"]

#: The store modules that register layers. Commands import them lazily, only when they use
#: them, so a copy (which must know every layer) imports them all first.
LAYER_MODULES = ("assessment", "display_cache", "exposure_cache", "flights", "imagery",
                 "reach_cache", "reports", "roads", "tokens", "weapons")


def known_layers() -> dict[str, Any]:
    """Every layer this basewatch knows, with its module imported."""
    import importlib

    for m in LAYER_MODULES:
        importlib.import_module(f"basewatch.store.{m}")
    return LAYERS


def layer_tables(store: Any) -> list[str]:
    """The layer tables a store holds, whether or not this basewatch knows them."""
    if hasattr(store, "layer_names"):
        return list(store.layer_names())
    rows = store.execute("SELECT table_name FROM gpkg_contents WHERE table_name != 'basewatch_meta'")
    return sorted(r[0] for r in rows)


def copy_store(src: Store, dst: Store) -> dict[str, PutResult]:
    """Copy every layer of ``src`` into ``dst`` in one transaction; returns what each put did.

    Refuses (before writing anything) when ``src`` holds a layer this basewatch does not know,
    since copying the others only would silently lose it.
    """
    names = layer_tables(src)
    known = known_layers()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise StoreError(f"the source holds layers this basewatch does not know: "
                         f"{', '.join(unknown)}; nothing copied")
    results: dict[str, PutResult] = {}
    with dst.transaction():
        for name in names:
            spec = known[name]
            results[name] = dst.put(spec, src.select(spec))
    return results
