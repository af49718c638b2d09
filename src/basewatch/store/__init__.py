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
    "STORE_ENV",
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
STORE_ENV = "BASEWATCH_STORE"  # postgresql://... : use a PostGIS server instead of the folder's file


def default_workspace() -> Path:
    """The workspace folder: $BASEWATCH_WORKSPACE, else the current folder."""
    return Path(os.environ.get(WORKSPACE_ENV) or ".")


class Workspace(StoreOps):
    """A workspace folder and its store (``basewatch.gpkg`` inside it).

    With ``store_url`` (or $BASEWATCH_STORE) set to a ``postgresql://`` URL the records live in
    that PostGIS database instead (see :mod:`basewatch.store.postgis`); the folder stays.
    """

    gpkg: GeoPackageStore  # only for the embedded store

    def __init__(self, folder: str | Path | None = None, *, create: bool = False,
                 store_url: str | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_workspace()
        url = os.environ.get(STORE_ENV) if store_url is None else store_url
        if url:
            from basewatch.store.postgis import PostGISStore  # SQLAlchemy only when used

            super().__init__(PostGISStore(url, create=create))
            return
        if create:
            self.folder.mkdir(parents=True, exist_ok=True)
        self.gpkg = GeoPackageStore(self.folder / STORE_FILENAME, create=create)
        super().__init__(self.gpkg)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
