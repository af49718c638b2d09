"""Coverage-guided fuzzing of the importers with atheris.

Contract: any input ends in success or in basewatch's own error (BasewatchError), never another
exception, a hang or unbounded memory. The first byte picks the importer and file suffix.

Run: bash scripts/fuzz.sh [SECONDS]   (corpus: fuzz/corpus/importers, kept in the repository)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from basewatch.errors import BasewatchError
    from basewatch.sources.importing import import_file
    from basewatch.store import Workspace

KINDS = [("facilities", ".csv"), ("facilities", ".geojson"), ("places", ".csv"),
         ("places", ".geojson"), ("survey", ".csv"), ("control", ".geojson"), ("factions", ".json"),
         ("weapons", ".json"), ("roads", ".geojson"), ("roads", ".osm")]
TMP = Path(tempfile.mkdtemp(prefix="bw-fuzz-"))
FACTIONS = Path(__file__).resolve().parents[1] / "src/basewatch/demo/data/factions.json"
WS = Workspace(TMP / "ws", create=True)
import_file(WS, "factions", FACTIONS)


def one_input(data: bytes) -> None:
    if not data:
        return
    kind, suffix = KINDS[data[0] % len(KINDS)]
    path = TMP / f"input{suffix}"
    path.write_bytes(data[1:])
    try:
        import_file(WS, kind, path)
    except BasewatchError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
