"""Importer of the weapons catalog (JSON): systems with sourced ranges, and holdings."""

from __future__ import annotations

from pathlib import Path

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model.weapons import Holding, Munition, WeaponSystem
from basewatch.sources._common import (
    Parsed,
    check_date,
    decode_text,
    load_json,
    provenance_from,
    read_limited,
)
from basewatch.sources.registry import OperatorResolver

__all__ = ["parse_weapons"]


def parse_weapons(path: str | Path, resolve_faction: OperatorResolver,
                  known_systems: dict[str, WeaponSystem] | None = None) -> Parsed:
    """``{"systems": [...], "holdings": [...]}``; holdings may name systems of the file or of
    the workspace (``known_systems``)."""
    p = Path(path)
    data, digest = read_limited(p)
    doc = load_json(p, decode_text(data, p))
    if not isinstance(doc, dict) or not isinstance(doc.get("systems", []), list) \
            or not isinstance(doc.get("holdings", []), list):
        raise ImportFormatError(f"{p.name}: expected an object with 'systems' and 'holdings' lists")
    systems: dict[str, WeaponSystem] = dict(known_systems or {})
    records: list[WeaponSystem | Holding] = []
    new_ids: set[str] = set()
    for i, d in enumerate(doc.get("systems", [])):
        where = f"{p.name} systems[{i}]"
        if not isinstance(d, dict):
            raise ImportFormatError(f"{where}: not an object")
        try:
            munitions = []
            for j, m in enumerate(d.get("munitions") or []):
                mw = f"{where} munitions[{j}]"
                if not isinstance(m, dict):
                    raise ImportFormatError(f"{mw}: not an object")
                if not m.get("source"):
                    raise ImportFormatError(f"{mw} ({m.get('name')}): a range without a source is "
                                            "not allowed")
                try:
                    munitions.append(Munition.from_dict(m))
                except (KeyError, TypeError, ValueError) as exc:
                    raise ImportFormatError(f"{mw}: {_why(exc)}") from None
            system = WeaponSystem.from_dict({**d, "munitions": [m.to_dict() for m in munitions],
                                             "provenance": provenance_from(d.get, where).to_dict()})
        except ImportFormatError:
            raise
        except KeyError as exc:
            raise ImportFormatError(f"{where}: missing field {exc}") from None
        except (BasewatchError, ValueError, TypeError) as exc:
            raise ImportFormatError(f"{where}: {exc}") from None
        if system.id in new_ids:
            raise ImportFormatError(f"{where}: duplicate system id {system.id!r}")
        new_ids.add(system.id)
        systems[system.id] = system
        records.append(system)
    seen: set[tuple[str, str, str]] = set()
    for i, d in enumerate(doc.get("holdings", [])):
        where = f"{p.name} holdings[{i}]"
        if not isinstance(d, dict):
            raise ImportFormatError(f"{where}: not an object")
        sys_name = str(d.get("system") or "")
        match = [s for s in systems.values() if s.matches(sys_name)]
        if not match:
            raise ImportFormatError(f"{where}: unknown system {sys_name!r} (known: "
                                    f"{', '.join(sorted(systems)) or 'none'})")
        try:
            faction = resolve_faction(str(d.get("faction") or ""))
            h = Holding(faction, match[0].id, provenance_from(d.get, where),
                        check_date(d.get("valid_from"), f"{where}: valid_from"),
                        check_date(d.get("valid_to"), f"{where}: valid_to"),
                        bool(d.get("captured", False)), str(d.get("notes") or ""))
        except ImportFormatError:
            raise
        except BasewatchError as exc:
            raise ImportFormatError(f"{where}: {exc}") from None
        if h.key in seen:
            raise ImportFormatError(f"{where}: duplicate holding {h.key}")
        seen.add(h.key)
        records.append(h)
    if not records:
        raise ImportFormatError(f"{p.name}: no systems or holdings")
    return Parsed(p, "weapons", digest, records)


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc}"
    return str(exc)
