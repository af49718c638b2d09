"""`basewatch db`: set up a PostGIS store, upgrade its schema, copy workspaces between stores."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli._common import JsonOpt, console, handle_errors, print_json
from basewatch.errors import StoreError
from basewatch.store import STORE_ENV, Workspace

app = typer.Typer(help="Database stores: PostGIS set-up, schema upgrades, copying workspaces.",
                  no_args_is_help=True)

UrlOpt = Annotated[str | None, typer.Option(
    "--store", help=f"postgresql://user:password@host:port/database (default: ${STORE_ENV})")]


def _url(store: str | None) -> str:
    import os

    url = store or os.environ.get(STORE_ENV)
    if not url:
        raise StoreError(f"give --store postgresql://... or set {STORE_ENV}")
    return url


@app.command("init")
@handle_errors
def init(store: UrlOpt = None) -> None:
    """Enable PostGIS and create basewatch's tables in a database (safe to repeat)."""
    from basewatch.store.postgis import PostGISStore, redact

    url = _url(store)
    with PostGISStore(url, create=True, upgrading=True) as s:
        version = s.init()
    console.print(f"{redact(url)}: basewatch schema {version} ready", highlight=False)


@app.command("upgrade")
@handle_errors
def upgrade(store: UrlOpt = None) -> None:
    """Bring an older basewatch database to this version's schema."""
    from basewatch.store.postgis import PostGISStore, redact

    url = _url(store)
    with PostGISStore(url, upgrading=True) as s:
        version = s.upgrade()
    console.print(f"{redact(url)}: basewatch schema {version}", highlight=False)


def _open(where: str, create: bool) -> Workspace:
    from basewatch.store.postgis import is_postgres_url

    if is_postgres_url(where):
        return Workspace(Path("."), create=create, store_url=where)
    if not create and not (Path(where) / "basewatch.gpkg").exists():
        raise StoreError(f"{where}: no basewatch workspace here")
    return Workspace(Path(where), create=create, store_url="")


@app.command("copy")
@handle_errors
def copy(
    src: Annotated[str, typer.Option("--from", help="Workspace folder or postgresql:// URL")],
    dst: Annotated[str, typer.Option("--to", help="Workspace folder or postgresql:// URL")],
    json_out: JsonOpt = False,
) -> None:
    """Copy every record from one store to another (all or nothing; identical ones untouched)."""
    from basewatch.store.transfer import copy_store

    with _open(src, False) as a, _open(dst, True) as b:
        results = copy_store(a.store, b.store)
    if json_out:
        print_json({k: {"inserted": r.inserted, "updated": r.updated, "unchanged": r.unchanged}
                    for k, r in results.items()})
        return
    for k, r in results.items():
        console.print(f"{k}: {r.inserted} inserted, {r.updated} updated, {r.unchanged} unchanged",
                      highlight=False)
