"""Claim extraction throughput: basewatch's token-trie gazetteer vs a regex search per name.

Seeded synthetic posts (default 20,000; ``python benchmarks/bench_claims.py 100000``) written
from templates with site names, aircraft registrations and dates, against a gazetteer of
10,000 names (the demo's real sites plus seeded made-up ones). The baseline is what a user
would write by hand: for each post, ``re.search`` of every name's compiled pattern, then the
same cue rules. Both sides are run on the same posts and must find the same mentions in a
sample (checked before timing). Prints posts per second and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from basewatch.analysis.claims import GazEntry, Gazetteer, extract_claims
from basewatch.model import Provenance, Source
from basewatch.model.reports import Report, SubjectKind

SEED = 20241205
P = Provenance(Source("bench_claims (synthetic)"), synthetic=True,
               generator="benchmarks/bench_claims.py", seed=SEED)
REAL = ["Khmeimim", "Hmeimim", "Humaymim", "Tartus", "Tartous", "Latakia", "Hama", "Homs",
        "Aleppo", "Damascus", "Qamishli", "Palmyra", "Jableh", "Baniyas"]
TEMPLATES = [
    "Russian Navy ships left {site} on {day} December, per imagery.",
    "Il-76MD {reg} from {site} returning to {site2}.",
    "The apron at {site} looks empty; not conclusive of an evacuation yet.",
    "Reportedly the garrison is vacating {site} two days after {day} November.",
    "Rebels captured a depot near {site} yesterday while {reg} was leaving {site2}.",
    "No change seen at {site}. Weather clear, {n} aircraft visible on the apron.",
    "Just a long thread about logistics, fuel and spare parts with no names at all here.",
]


def names(n: int, rng: random.Random) -> list[str]:
    syll = ["ka", "ra", "mi", "tal", "bu", "sha", "dar", "zor", "qa", "lin", "ha", "rem", "sul"]
    out = list(REAL)
    seen = {x.lower() for x in out}
    while len(out) < n:
        w = "".join(rng.choice(syll) for _ in range(rng.randint(2, 4))).capitalize()
        if rng.random() < 0.3:
            w += " " + rng.choice(["Air Base", "Port", "Camp", "Hill"])
        if w.lower() not in seen:
            seen.add(w.lower())
            out.append(w)
    return out


def posts(n: int, gaz_names: list[str], rng: random.Random) -> list[Report]:
    base = dt.datetime(2024, 12, 1, tzinfo=dt.UTC)
    out = []
    for i in range(n):
        parts = []
        for _ in range(rng.randint(1, 3)):
            parts.append(rng.choice(TEMPLATES).format(
                site=rng.choice(gaz_names), site2=rng.choice(gaz_names),
                reg=f"RA-{rng.randint(10000, 99999)}", day=rng.randint(1, 28),
                n=rng.randint(0, 9)))
        text = " ".join(parts)
        published = base + dt.timedelta(minutes=i)
        out.append(Report(f"r{i}", "bench", published, text, P))
    return out


def naive_mentions(patterns: list[tuple[re.Pattern[str], str]], text: str) -> set[tuple[int, int]]:
    found = set()
    for pat, _ in patterns:
        for m in pat.finditer(text):
            found.add((m.start(), m.end()))
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("posts", nargs="?", type=int, default=20_000)
    ap.add_argument("--names", type=int, default=10_000)
    ap.add_argument("--naive-sample", type=int, default=500,
                    help="posts timed for the naive loop (it is slow; the rate is per post)")
    args = ap.parse_args()
    rng = random.Random(SEED)
    gaz_names = names(args.names, rng)
    gaz = Gazetteer()
    for n in gaz_names:
        gaz.add(n, GazEntry(SubjectKind.PLACE, n.lower().replace(" ", "-"), n))
    reps = posts(args.posts, gaz_names, rng)
    patterns = [(re.compile(rf"\b{re.escape(n)}\b", re.IGNORECASE), n) for n in gaz_names]

    # Same mentions on a sample, where no name sits inside a longer one.
    for r in reps[:200]:
        trie = {(m.start, m.end) for m in gaz.find(r.text)}
        naive = naive_mentions(patterns, r.text)
        longest = {s for s in naive if not any(o != s and o[0] <= s[0] and s[1] <= o[1]
                                               for o in naive)}
        assert trie == longest, (r.text, trie, longest)

    t0 = time.perf_counter()
    n_claims = sum(len(extract_claims(r, gaz)) for r in reps)
    fast = time.perf_counter() - t0
    sample = reps[: args.naive_sample]
    t0 = time.perf_counter()
    for r in sample:
        naive_mentions(patterns, r.text)
    naive = time.perf_counter() - t0
    fast_rate = len(reps) / fast
    naive_rate = len(sample) / naive
    print(f"posts: {len(reps):,}  gazetteer names: {len(gaz_names):,}  claims: {n_claims:,}")
    print(f"basewatch extract_claims (trie + rules): {fast:8.2f} s  {fast_rate:10,.0f} posts/s")
    print(f"naive re.search per name (mentions only): {naive:8.2f} s on {len(sample):,} posts  "
          f"{naive_rate:10,.0f} posts/s")
    print(f"ratio: {fast_rate / naive_rate:,.0f}x faster (and the naive side does not even "
          "extract claims)")


if __name__ == "__main__":
    main()
