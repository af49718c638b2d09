"""Live polling of an aggregator's v2 API (e.g. ``/v2/mil`` or ``/v2/point/{lat}/{lon}/{nm}``)
or of a readsb / tar1090 receiver's ``aircraft.json`` (``/data/aircraft.json``: ``now`` in
seconds, aircraft under ``aircraft``).

Each poll's new positions are appended as one JSON line ``{"now": ms, "ac": [...]}`` to an
output file that ``flights import`` reads (format ``v2-api``). A state file remembers, per
aircraft, the time of the last position kept, so a restarted poller neither repeats nor
loses positions. 429 and 5xx answers and network errors back off exponentially (honouring
``Retry-After``); other 4xx answers stop with an error. HTTP goes through an injected
:class:`httpx.Client`, so tests use a loopback server.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from basewatch.errors import BasewatchError, ImportFormatError

__all__ = ["PollReport", "PollState", "poll"]


@dataclass
class PollState:
    """What survives a restart: last position time kept per aircraft, polls done."""

    last_seen: dict[str, float] = field(default_factory=dict)
    polls: int = 0

    @classmethod
    def load(cls, path: Path) -> PollState:
        if not path.exists():
            return cls()
        try:
            d = json.loads(path.read_text("utf-8"))
            return cls({str(k): float(v) for k, v in d["last_seen"].items()}, int(d["polls"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ImportFormatError(f"{path}: not a poll state file ({exc})") from None

    def save(self, path: Path) -> None:
        # temp file + rename: a kill mid-write leaves the previous state intact
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"last_seen": self.last_seen, "polls": self.polls}, f)
        os.replace(tmp, path)


@dataclass
class PollReport:
    polls: int = 0
    positions: int = 0
    duplicates: int = 0
    retries: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"polls": self.polls, "positions": self.positions, "duplicates": self.duplicates,
                "retries": self.retries}


def _new_positions(resp: Any, state: PollState, report: PollReport) -> tuple[float, list[Any]]:
    key = "ac" if isinstance(resp, dict) and "ac" in resp else "aircraft"
    if not isinstance(resp, dict) or not isinstance(resp.get(key), list) or "now" not in resp:
        raise ImportFormatError("poll: the answer is neither a v2 API response ('now' and "
                                "'ac') nor a readsb aircraft.json ('now' and 'aircraft')")
    now = float(resp["now"])
    now_s = now / 1000.0 if key == "ac" else now  # v2: ms; aircraft.json: s
    keep = []
    for a in resp[key]:
        if not isinstance(a, dict) or a.get("lat") is None or not a.get("hex"):
            continue
        t = now_s - float(a.get("seen_pos", a.get("seen", 0.0)) or 0.0)
        h = str(a["hex"]).lower()
        if t <= state.last_seen.get(h, float("-inf")) + 1e-3:  # already kept this position
            report.duplicates += 1
            continue
        state.last_seen[h] = t
        keep.append(a)
    return now_s * 1000.0, keep  # written as v2 lines: 'now' in ms


def poll(url: str, out: str | Path, state_file: str | Path, *, interval_s: float = 10.0,
         count: int = 1, client: httpx.Client | None = None,
         sleep: Callable[[float], None] = time.sleep, max_backoff_s: float = 300.0,
         max_retries: int = 8, on_poll: Callable[[PollReport], None] | None = None) -> PollReport:
    """Poll ``url`` ``count`` times, ``interval_s`` apart; append new positions to ``out``."""
    out, state_file = Path(out), Path(state_file)
    state = PollState.load(state_file)
    report = PollReport()
    own = client is None
    client = client or httpx.Client(timeout=30.0, headers={"User-Agent": "basewatch"})
    try:
        for i in range(count):
            retries = 0
            while True:
                r: httpx.Response | None
                try:
                    r = client.get(url)
                    status = f"HTTP {r.status_code}"
                except httpx.TransportError as exc:
                    r, status = None, f"network error ({exc.__class__.__name__})"
                if r is not None and r.status_code == 200:
                    break
                if r is not None and 400 <= r.status_code < 500 and r.status_code != 429:
                    raise BasewatchError(f"poll {url}: {status}; stopping")
                retries += 1
                report.retries += 1
                if retries > max_retries:
                    raise BasewatchError(f"poll {url}: {status} after {max_retries} retries")
                wait = min(max_backoff_s, interval_s * 2 ** retries)
                if r is not None and r.headers.get("Retry-After", "").isdigit():
                    wait = min(max_backoff_s, float(r.headers["Retry-After"]))
                sleep(wait)
            assert r is not None  # the loop only breaks on an answer
            try:
                resp = r.json()
            except ValueError:
                raise ImportFormatError(f"poll {url}: answer is not JSON") from None
            now_ms, new = _new_positions(resp, state, report)
            if new:
                with out.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"now": now_ms, "ac": new}) + "\n")
            report.positions += len(new)
            report.polls += 1
            state.polls += 1
            state.save(state_file)
            if on_poll:
                on_poll(report)
            if i + 1 < count:
                sleep(interval_s)
    finally:
        if own:
            client.close()
    return report
