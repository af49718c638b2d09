"""Delivering alerts: to stdout, to a JSON-lines file, or to a webhook (HTTP POST)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from basewatch.errors import BasewatchError
from basewatch.model.assessment import Alert

__all__ = ["DeliveryError", "deliver"]


class DeliveryError(BasewatchError, OSError):
    """An alert could not be delivered."""


def deliver(alerts: Sequence[Alert], target: str, *, client: httpx.Client | None = None,
            retries: int = 3, backoff_s: float = 0.5) -> int:
    """Send alerts to ``target``: ``-`` (stdout), a file path (appended as JSON lines) or an
    ``http(s)://`` webhook (one POST of ``{"alerts": [...]}``, retried on 5xx/429 and network
    errors with exponential back-off). Returns how many were delivered."""
    if not alerts:
        return 0
    payload = [a.to_dict() for a in alerts]
    if target == "-":
        for p in payload:
            sys.stdout.write(json.dumps(p, ensure_ascii=False) + "\n")
        return len(payload)
    if target.startswith(("http://", "https://")):
        own = client is None
        c = client or httpx.Client(timeout=10.0)
        try:
            for attempt in range(retries + 1):
                try:
                    r = c.post(target, json={"alerts": payload})
                except httpx.HTTPError as exc:
                    err = f"{type(exc).__name__}: {exc}"
                else:
                    if r.status_code < 300:
                        return len(payload)
                    err = f"HTTP {r.status_code}"
                    if r.status_code < 500 and r.status_code != 429:
                        raise DeliveryError(f"webhook {target} refused the alerts ({err})")
                if attempt < retries:
                    time.sleep(backoff_s * 2**attempt)
            raise DeliveryError(f"webhook {target}: gave up after {retries + 1} tries ({err})")
        finally:
            if own:
                c.close()
    path = Path(target)
    try:
        with path.open("a", encoding="utf-8") as fh:
            for p in payload:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise DeliveryError(f"{path}: cannot write alerts ({exc.strerror})") from None
    return len(payload)
