"""The ``api_tokens`` layer: API tokens by id, role and hash (never the secret)."""

from __future__ import annotations

import datetime as dt

from basewatch.errors import NotFoundError
from basewatch.security import ApiToken, AuditEntry, Role, issue_token, token_id_of, verify
from basewatch.store.base import LayerSpec, Store, register_layer

__all__ = ["AUDIT", "TOKENS", "authenticate", "create_token", "list_tokens", "revoke_token"]

TOKENS = register_layer(LayerSpec(
    name="api_tokens",
    geometry_type=None,
    columns={"id": ("TEXT", lambda d: d["id"]), "name": ("TEXT", lambda d: d["name"]),
             "role": ("TEXT", lambda d: d["role"]),
             "revoked": ("INTEGER", lambda d: 1 if d["revoked"] else 0)},
    key=("id",),
    from_dict=ApiToken.from_dict,
    description="API tokens: id, name, role, SHA-256 of the token, created and revoked times.",
))


AUDIT = register_layer(LayerSpec(
    name="api_audit",
    geometry_type=None,
    columns={"at": ("DATETIME", lambda d: d["at"]), "token_id": ("TEXT", lambda d: d["token_id"]),
             "method": ("TEXT", lambda d: d["method"]), "path": ("TEXT", lambda d: d["path"]),
             "status": ("INTEGER", lambda d: d["status"])},
    key=("at", "token_id", "method", "path"),
    from_dict=AuditEntry.from_dict,
    description="Write requests made with a valid API token: who, what, when, the answer.",
    log=True,
))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_token(store: Store, name: str, role: Role) -> tuple[ApiToken, str]:
    """Issue and store a token; returns the record and the token string (shown once)."""
    token, text = issue_token(name, role, _now())
    with store.transaction():
        store.put(TOKENS, [token])
    return token, text


def list_tokens(store: Store) -> list[ApiToken]:
    """Every token, revoked ones too, oldest first."""
    return sorted(store.select(TOKENS), key=lambda t: (t.created, t.id))


def revoke_token(store: Store, token_id: str) -> ApiToken:
    """Mark a token revoked (idempotent); unknown ids raise NotFoundError."""
    hits: list[ApiToken] = store.select(TOKENS, {"id": token_id})
    if not hits:
        raise NotFoundError(f"no token with id {token_id!r} (see `basewatch tokens list`)")
    done = hits[0].revoke(_now())
    with store.transaction():
        store.put(TOKENS, [done])
    return done


def authenticate(store: Store, presented: str) -> ApiToken | None:
    """The active token ``presented`` stands for, or None (unknown, malformed or revoked)."""
    tid = token_id_of(presented)
    hits: list[ApiToken] = store.select(TOKENS, {"id": tid}) if tid else []
    stored = hits[0] if hits else None
    return stored if verify(stored, presented) else None
