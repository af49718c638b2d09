"""API tokens and roles: the model and the pure checks (no I/O; the store layer keeps them).

A token is shown once as ``bw_<id>.<secret>`` (the secret is 32 random bytes from
:mod:`secrets`); only the SHA-256 of the whole string is kept. A slow password hash buys
nothing here: guessing 256 random bits is out of reach whatever the hash costs, and a fast
hash keeps every request cheap. Lookup is by id, then the hashes are compared in constant
time (:func:`hmac.compare_digest`).

>>> Role.parse("analyst") >= Role.READER
True
>>> token_id_of("bw_0a1b2c3d4e5f.xyz")
'0a1b2c3d4e5f'
>>> token_id_of("Bearer nonsense") is None
True
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any

from basewatch.errors import ValidationError

__all__ = ["PREFIX", "ApiToken", "AuditEntry", "Role", "hash_secret", "issue_token",
           "token_id_of", "verify"]

PREFIX = "bw_"
_SHAPE = re.compile(r"^bw_([0-9a-f]{12})\.([A-Za-z0-9_-]{43,128})$")


class Role(enum.IntEnum):
    """What a token may do; each role can do everything the roles below it can."""

    READER = 1  #: read endpoints (when reads require a token)
    ANALYST = 2  #: imports, source grades, tripwires
    ADMIN = 3  #: token management

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValidationError(
                f"role {text!r}: choose {', '.join(r.label for r in cls)}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class ApiToken:
    """One API token as stored: never the secret, only its SHA-256 (hex)."""

    id: str
    name: str
    role: Role
    sha256: str
    created: dt.datetime
    revoked: dt.datetime | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("token name is empty")
        if not re.fullmatch(r"[0-9a-f]{64}", self.sha256):
            raise ValidationError(f"token {self.id}: stored hash is not a SHA-256 hex digest")

    @property
    def active(self) -> bool:
        return self.revoked is None

    def revoke(self, at: dt.datetime) -> ApiToken:
        return self if self.revoked else replace(self, revoked=at)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role.label, "sha256": self.sha256,
                "created": self.created.isoformat(),
                "revoked": self.revoked.isoformat() if self.revoked else None}

    def public(self) -> dict[str, Any]:
        """What lists show: everything but the hash."""
        d = self.to_dict()
        del d["sha256"]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ApiToken:
        return cls(d["id"], d["name"], Role.parse(d["role"]), d["sha256"],
                   dt.datetime.fromisoformat(d["created"]),
                   dt.datetime.fromisoformat(d["revoked"]) if d.get("revoked") else None)


def hash_secret(presented: str) -> str:
    """SHA-256 (hex) of the full token string."""
    return hashlib.sha256(presented.encode("utf-8")).hexdigest()


def issue_token(name: str, role: Role, now: dt.datetime) -> tuple[ApiToken, str]:
    """A new token record and the token string to show once (``bw_<id>.<secret>``)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tid = secrets.token_hex(6)
    text = f"{PREFIX}{tid}.{secrets.token_urlsafe(32)}"
    return ApiToken(tid, name.strip(), role, hash_secret(text), now.astimezone(dt.UTC)), text


def token_id_of(presented: str) -> str | None:
    """The id part of a well-formed token string, else None."""
    m = _SHAPE.match(presented)
    return m[1] if m else None


def verify(stored: ApiToken | None, presented: str) -> bool:
    """True when ``presented`` is the token ``stored`` was issued for and it is not revoked.

    The comparison runs in constant time, and runs even when there is no stored token, so a
    wrong id and a wrong secret cost the same.
    """
    expected = stored.sha256 if stored is not None else "0" * 64
    same = hmac.compare_digest(hash_secret(presented), expected)
    return same and stored is not None and stored.active


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A write request made with a valid token, whatever became of it: who, what, when, how."""

    at: dt.datetime
    token_id: str
    token_name: str
    role: Role
    method: str
    path: str  # with the query string
    status: int
    client: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "token_id": self.token_id,
                "token_name": self.token_name, "role": self.role.label, "method": self.method,
                "path": self.path, "status": self.status, "client": self.client}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AuditEntry:
        return cls(dt.datetime.fromisoformat(d["at"]), d["token_id"], d["token_name"],
                   Role.parse(d["role"]), d["method"], d["path"], int(d["status"]),
                   d.get("client", ""))
