"""Stores: the Store interface and its back ends. ``open_workspace`` picks the one to use."""

from __future__ import annotations

import os
from pathlib import Path

from basewatch.store.base import (
    CONTROL,
    FACILITIES,
    FACTIONS,
    IMPORTS,
    LAYERS,
    PLACES,
    RELATIONS,
    SURVEY,
    LayerSpec,
    PutResult,
    Store,
    StoreOps,
    register_layer,
)
from basewatch.store.gpkg import GeoPackageStore

__all__ = [
    "CONTROL",
    "FACILITIES",
    "FACTIONS",
    "IMPORTS",
    "LAYERS",
    "PLACES",
    "RELATIONS",
    "STORE_FILENAME",
    "SURVEY",
    "GeoPackageStore",
    "LayerSpec",
    "PutResult",
    "Store",
    "StoreOps",
    "Workspace",
    "default_workspace",
    "register_layer",
]

STORE_FILENAME = "basewatch.gpkg"
WORKSPACE_ENV = "BASEWATCH_WORKSPACE"


def default_workspace() -> Path:
    """The workspace folder: $BASEWATCH_WORKSPACE, else the current folder."""
    return Path(os.environ.get(WORKSPACE_ENV) or ".")


class Workspace(StoreOps):
    """A workspace folder and its store (``basewatch.gpkg`` inside it)."""

    def __init__(self, folder: str | Path | None = None, *, create: bool = False) -> None:
        self.folder = Path(folder) if folder is not None else default_workspace()
        if create:
            self.folder.mkdir(parents=True, exist_ok=True)
        self.gpkg = GeoPackageStore(self.folder / STORE_FILENAME, create=create)
        super().__init__(self.gpkg)

    def close(self) -> None:
        self.gpkg.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
