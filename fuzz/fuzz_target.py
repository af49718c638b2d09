"""Coverage-guided fuzzing of one target of fuzz/targets.py with atheris.

Run: bash scripts/fuzz.sh TARGET [SECONDS]   (corpus: fuzz/corpus/TARGET, kept in the repository)
Direct: python fuzz/fuzz_target.py TARGET fuzz/corpus/TARGET -max_total_time=60
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports():
    # targets.py imports basewatch lazily: the modules under test are imported (and so
    # instrumented) here
    from targets import Target

    import basewatch.analysis.flights
    import basewatch.model._util
    import basewatch.sources._common
    import basewatch.sources.adsb
    import basewatch.sources.aircraftdb
    import basewatch.sources.flights_ingest
    import basewatch.sources.imagery_counts
    import basewatch.sources.reports
    import basewatch.sources.telegram  # noqa: F401


def main() -> None:
    name = sys.argv.pop(1)
    target = Target(name)
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
