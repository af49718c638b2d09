"""The api_tokens layer on both back ends: issue, authenticate, revoke; only hashes kept."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from basewatch.errors import NotFoundError, ValidationError
from basewatch.security import ApiToken, Role
from basewatch.store.tokens import TOKENS, authenticate, create_token, list_tokens, revoke_token


def test_issue_authenticate_revoke(backend: Callable[..., object]) -> None:
    ws = backend(create=True)
    try:
        tok, text = create_token(ws.store, "alice", Role.ANALYST)  # type: ignore[attr-defined]
        other, other_text = create_token(ws.store, "bob", Role.READER)  # type: ignore[attr-defined]
        assert text.startswith(f"bw_{tok.id}.") and len(text.split(".", 1)[1]) >= 43
        assert authenticate(ws.store, text) == tok  # type: ignore[attr-defined]
        assert authenticate(ws.store, other_text).role is Role.READER  # type: ignore[attr-defined,union-attr]
        # the right id with another token's secret is refused
        forged = f"bw_{tok.id}.{other_text.split('.', 1)[1]}"
        assert authenticate(ws.store, forged) is None  # type: ignore[attr-defined]
        stored = ws.store.select(TOKENS, {"id": tok.id})[0]  # type: ignore[attr-defined]
        assert stored.sha256 == hashlib.sha256(text.encode()).hexdigest()
        assert text.split(".", 1)[1] not in repr(stored.to_dict())
        done = revoke_token(ws.store, tok.id)  # type: ignore[attr-defined]
        assert done.revoked is not None and not done.active
        assert authenticate(ws.store, text) is None  # type: ignore[attr-defined]
        assert revoke_token(ws.store, tok.id).revoked == done.revoked  # idempotent
        assert [t.id for t in list_tokens(ws.store)] == [tok.id, other.id]  # type: ignore[attr-defined]
        with pytest.raises(NotFoundError, match="no token with id 'nope'"):
            revoke_token(ws.store, "nope")  # type: ignore[attr-defined]
    finally:
        ws.close()  # type: ignore[attr-defined]


def test_roles_are_ordered_and_parsed_strictly() -> None:
    assert Role.READER < Role.ANALYST < Role.ADMIN
    assert Role.parse(" Admin ") is Role.ADMIN
    with pytest.raises(ValidationError, match="role 'root': choose reader, analyst, admin"):
        Role.parse("root")


def test_token_record_round_trips_and_refuses_a_non_hash() -> None:
    import datetime as dt

    t = ApiToken("0123456789ab", "ci", Role.READER, "a" * 64,
                 dt.datetime(2024, 12, 5, tzinfo=dt.UTC))
    assert ApiToken.from_dict(t.to_dict()) == t
    with pytest.raises(ValidationError, match="not a SHA-256"):
        ApiToken("0123456789ab", "ci", Role.READER, "bw_plaintext", t.created)
