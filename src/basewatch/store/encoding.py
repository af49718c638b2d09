"""Helpers for a layer's bulk encoder (``LayerSpec.encode_rows``): the parts every record of
an import shares, encoded once."""

from __future__ import annotations

from typing import Any

from basewatch.store.base import PROVENANCE_COLUMNS, dumps

__all__ = ["ProvenanceCells"]


class ProvenanceCells:
    """A provenance's stored JSON and its provenance column values (those not among the
    layer's own ``columns``, in :data:`PROVENANCE_COLUMNS` order), computed once per
    provenance for one batch: an import's records share one provenance object, and equal
    provenances encode alike. Keep one instance for one batch only (it keys on ``id``, which
    holds while the batch's records are alive)."""

    def __init__(self, own_columns: Any = ()) -> None:
        self._getters = [g for n, (_, g) in PROVENANCE_COLUMNS.items() if n not in own_columns]
        self._seen: dict[Any, tuple[str, list[Any]]] = {}

    def __call__(self, p: Any) -> tuple[str, list[Any]]:
        got = self._seen.get(id(p))
        if got is None:
            # equal provenances encode alike; one with ``extra`` (a dict) goes by identity
            pk: Any = ("id", id(p)) if p.extra else p
            got = self._seen.get(pk)
            if got is None:
                d = {"provenance": p.to_dict()}
                got = self._seen[pk] = (dumps(d["provenance"]), [g(d) for g in self._getters])
            self._seen[id(p)] = got
        return got
