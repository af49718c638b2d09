"""`basewatch tokens create|list|revoke|audit`: API tokens for the write endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from basewatch.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    handle_errors,
    open_workspace,
    print_json,
)
from basewatch.security import Role
from basewatch.store.tokens import AUDIT, create_token, list_tokens, revoke_token

app = typer.Typer(help="API tokens (reader < analyst < admin); only their hashes are stored.",
                  no_args_is_help=True)


@app.command("create")
@handle_errors
def create(name: Annotated[str, typer.Option("--name", help="Who or what uses the token")],
           role: Annotated[str, typer.Option("--role", help="reader, analyst or admin")]
           = "analyst",
           workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Issue a token. The token is printed once: it cannot be shown again."""
    r = Role.parse(role)
    with open_workspace(workspace) as ws:
        token, text = create_token(ws.store, name, r)
    if as_json:
        print_json({**token.public(), "token": text})
        return
    console.print(f"token {token.id} ({token.role.label}) for {token.name}:", highlight=False)
    typer.echo(text)
    console.print("[yellow]Keep it now: only its hash is stored, it cannot be shown again.[/]")


@app.command("list")
@handle_errors
def list_cmd(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Tokens with role and state (never the token itself)."""
    with open_workspace(workspace) as ws:
        items = list_tokens(ws.store)
    if as_json:
        print_json([t.public() for t in items])
        return
    t = Table(title="API tokens")
    for c in ("id", "name", "role", "created", "revoked"):
        t.add_column(c)
    for k in items:
        t.add_row(k.id, k.name, k.role.label, k.created.isoformat(timespec="seconds"),
                  k.revoked.isoformat(timespec="seconds") if k.revoked else "-")
    console.print(t)


@app.command("audit")
@handle_errors
def audit(last: Annotated[int, typer.Option("--last", help="How many, newest first")] = 50,
          workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Write requests made through the API with a token: who, what, when, the answer."""
    with open_workspace(workspace) as ws:
        items = ws.store.select(AUDIT, order_by=("at",))[::-1][:last]
    if as_json:
        print_json([e.to_dict() for e in items])
        return
    t = Table(title="API writes (newest first)")
    for c in ("at", "token", "role", "request", "status", "client"):
        t.add_column(c)
    for e in items:
        t.add_row(e.at.isoformat(timespec="seconds"), f"{e.token_id} ({e.token_name})",
                  e.role.label, f"{e.method} {e.path}", str(e.status), e.client)
    console.print(t)


@app.command("revoke")
@handle_errors
def revoke(token_id: Annotated[str, typer.Argument(help="Token id (see `tokens list`)")],
           workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Revoke a token: the API refuses it from the next request on."""
    with open_workspace(workspace) as ws:
        done = revoke_token(ws.store, token_id)
    if as_json:
        print_json(done.public())
        return
    assert done.revoked is not None
    console.print(f"token {done.id} ({done.name}) revoked at "
                  f"{done.revoked.isoformat(timespec='seconds')}", highlight=False)


_LOOPBACK = ("127.", "::1", "localhost")


def serve_warnings(folder: Path, host: str, require_token_for_reads: bool) -> None:
    """Warn loudly when `serve` listens beyond this machine without tokens to guard it."""
    if host.startswith(_LOOPBACK):
        return
    with open_workspace(folder) as ws:
        active = [t for t in list_tokens(ws.store) if t.active]
    err_console.print(f"[bold red]WARNING:[/] listening on {host}, reachable from other "
                      "machines. Put it behind a TLS reverse proxy (docs/security.md).",
                      highlight=False)
    if not require_token_for_reads:
        err_console.print("[bold red]WARNING:[/] reads need no token: anyone who reaches "
                          "this address reads the workspace (--require-token-for-reads).",
                          highlight=False)
    if not active:
        err_console.print("[bold red]WARNING:[/] this workspace has no active API token: "
                          "create one with `basewatch tokens create --name N --role R`.",
                          highlight=False)


def allowed_hosts_for(host: str, given: list[str] | None) -> list[str] | None:
    """Host headers `serve` answers: those given, else loopback names when bound to loopback
    (a DNS-rebinding page then gets 400), else any (behind a proxy, set --allowed-host)."""
    if given:
        return given
    return ["127.0.0.1", "localhost"] if host.startswith("127.") or host == "localhost" else None
