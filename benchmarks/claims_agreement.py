"""Agreement of two readers' hand labels of the same posts (inter-annotator agreement).

Both files are labels files of ``eval_claims.py`` (a header line, then one object a message:
``{"id", "chat"?, "split", "gold": [[place, kind, stance], ...]}``). Posts are paired by
``(chat, id)``; every post of reader B's file must be in reader A's (B labels a sample of A's
set). Gold claims are matched by place: one claim per place and post, the first by position
(as the scorer reads them; a later claim on the same place is ignored here too).

Figures, with reader A as the reference:

* posts on which both agree fully (the same places, and on each the same kind and stance);
* claim level: a place both link in a post is a match; precision of B = matches / B's claims,
  recall of B = matches / A's claims, F1 = 2 matches / (A's + B's claims) (symmetric);
* on the matched claims: plain agreement and Cohen's kappa on kind and on stance (kappa is
  undefined, printed ``n/a``, when both readers use one and the same category throughout);
* every post with a disagreement: its id, both readers' labels and what differs.

    python benchmarks/claims_agreement.py benchmarks/data/claims_real_labels8.jsonl \\
        benchmarks/data/claims_real_labels8b.jsonl [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

Claim = tuple[str, str]  # (kind, stance)


def read_labels(path: Path) -> dict[str, dict[str, Any]]:
    """``{post key: {"gold": [[place, kind, stance]...], "claims": {place: (kind, stance)}}}``
    in file order; the key is ``chat:id`` (or ``id`` when the line has no chat)."""
    out: dict[str, dict[str, Any]] = {}
    lines = path.read_text("utf-8").splitlines()
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            gold = row["gold"]
            key = f"{row['chat']}:{row['id']}" if row.get("chat") is not None else str(row["id"])
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path}: line {n}: not a labelled message ({e})") from None
        if key in out:
            raise ValueError(f"{path}: line {n}: post {key} labelled twice")
        claims: dict[str, Claim] = {}
        for g in gold:
            if not (isinstance(g, list) and len(g) == 3 and all(isinstance(x, str) for x in g)):
                raise ValueError(f"{path}: line {n}: gold claim {g!r} is not [place, kind, stance]")
            claims.setdefault(g[0], (g[1], g[2]))
        out[key] = {"gold": gold, "claims": claims}
    return out


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' categories on the same items; ``None`` when chance
    agreement is 1 (both use one and the same category throughout) or there are no items."""
    n = len(pairs)
    if n == 0:
        return None
    p_o = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    p_e = sum(ca[c] * cb[c] for c in ca) / (n * n)
    if p_e == 1.0:
        return None
    return (p_o - p_e) / (1 - p_e)


def agreement(a_path: Path, b_path: Path) -> dict[str, Any]:
    """The figures of the module's docstring for reader B's posts, reader A as reference."""
    a, b = read_labels(a_path), read_labels(b_path)
    missing = [k for k in b if k not in a]
    if missing:
        raise ValueError(f"{b_path}: posts not in {a_path}: {', '.join(missing[:5])}"
                         + (" ..." if len(missing) > 5 else ""))
    n_a = n_b = matched = full = 0
    kinds: list[tuple[str, str]] = []
    stances: list[tuple[str, str]] = []
    disagreements = []
    for key, pb in b.items():
        ca, cb = a[key]["claims"], pb["claims"]
        n_a += len(ca)
        n_b += len(cb)
        diffs = []
        for place in ca:
            if place not in cb:
                diffs.append(f"only A: {place}")
        for place in cb:
            if place not in ca:
                diffs.append(f"only B: {place}")
                continue
            matched += 1
            (ka, sa), (kb, sb) = ca[place], cb[place]
            kinds.append((ka, kb))
            stances.append((sa, sb))
            if ka != kb:
                diffs.append(f"kind of {place}: A {ka}, B {kb}")
            if sa != sb:
                diffs.append(f"stance of {place}: A {sa}, B {sb}")
        if diffs:
            disagreements.append({"post": key, "a": a[key]["gold"], "b": pb["gold"],
                                  "differs": diffs})
        else:
            full += 1

    def ratio(x: int, y: int) -> float | None:
        return x / y if y else None

    return {
        "posts": len(b), "posts_agreeing_fully": full,
        "claims_a": n_a, "claims_b": n_b, "matched": matched,
        "precision_b": ratio(matched, n_b), "recall_b": ratio(matched, n_a),
        "f1": ratio(2 * matched, n_a + n_b),
        "kind_agreement": ratio(sum(x == y for x, y in kinds), len(kinds)),
        "kind_kappa": cohen_kappa(kinds),
        "stance_agreement": ratio(sum(x == y for x, y in stances), len(stances)),
        "stance_kappa": cohen_kappa(stances),
        "disagreements": disagreements,
    }


def report(r: dict[str, Any]) -> str:
    def f(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.2f}"

    m = r["matched"]
    lines = [
        f"posts: {r['posts']}, both agree fully on {r['posts_agreeing_fully']} "
        f"({f(r['posts_agreeing_fully'] / r['posts'] if r['posts'] else None)})",
        f"claims: A {r['claims_a']}, B {r['claims_b']}, matched by place {m}",
        f"B against A: precision {f(r['precision_b'])} ({m}/{r['claims_b']}), "
        f"recall {f(r['recall_b'])} ({m}/{r['claims_a']}), F1 {f(r['f1'])}",
        f"on the {m} matched claims: kind agreement {f(r['kind_agreement'])}, "
        f"kappa {f(r['kind_kappa'])}; stance agreement {f(r['stance_agreement'])}, "
        f"kappa {f(r['stance_kappa'])}",
        f"disagreements ({len(r['disagreements'])} posts):",
    ]
    for d in r["disagreements"]:
        lines.append(f"  {d['post']}: {'; '.join(d['differs'])}")
        lines.append(f"    A {json.dumps(d['a'], ensure_ascii=False)}")
        lines.append(f"    B {json.dumps(d['b'], ensure_ascii=False)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path, help="reader A's labels (the reference)")
    ap.add_argument("b", type=Path, help="reader B's labels (a sample of A's posts)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    try:
        r = agreement(args.a, args.b)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(r, ensure_ascii=False, indent=1) if args.json else report(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
