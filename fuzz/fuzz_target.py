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
    # the modules under test, instrumented here before targets.py imports them lazily
    import basewatch.analysis.flights  # noqa: F401
    import basewatch.model._util  # noqa: F401
    import basewatch.sources._common  # noqa: F401
    import basewatch.sources.adsb  # noqa: F401
    import basewatch.sources.aircraftdb  # noqa: F401
    import basewatch.sources.flights_ingest  # noqa: F401
    import basewatch.sources.imagery_counts  # noqa: F401
    import basewatch.sources.reports  # noqa: F401
    import basewatch.sources.telegram  # noqa: F401
    from targets import Target


def main() -> None:
    name = sys.argv.pop(1)
    target = Target(name)
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
