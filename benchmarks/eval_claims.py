"""Recall and precision of site-mention linking, and claim kind and stance accuracy, on a
held-out labelled set of posts.

``benchmarks/data/claims_eval.jsonl``: 40 posts in Ukrainian, Russian, Arabic and English,
written for this evaluation (synthetic, marked so) in the style of war channels, each with its
gold claims ``[site, kind, stance]`` written by hand *before* the extractor was first run on
them, and never used to tune a rule (the rules were written against the posts of
``tests/analysis/data``). The gazetteer (``claims_eval_gazetteer.json``) holds real place
names with aliases in dictionary form. Labels are the engineer's (a reader of the four
languages), not an independent annotator's: treat the figures as indicative.

A predicted pair (post, site) is a claim of the extractor on that site; gold pairs come from
the labels. Kind and stance are scored on the pairs found in both, against the first claim of
the pair (by position in the post).

    python benchmarks/eval_claims.py [--show] [--set claims_eval2.jsonl]

A second set, ``claims_eval2.jsonl`` (30 posts), was written and labelled after the first set
had been used to widen the lexicons: it is the held-out measure of the current rules.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from basewatch.analysis.claims import Gazetteer, extract_claims
from basewatch.analysis.gazetteer import GazEntry
from basewatch.model import Provenance, Source
from basewatch.model.reports import Report, SubjectKind

DATA = Path(__file__).parent / "data"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", action="store_true", help="print every miss")
    ap.add_argument("--set", default="claims_eval.jsonl",
                    help="labelled posts under benchmarks/data (claims_eval2.jsonl: the second "
                         "set, written after the lexicons were last changed)")
    a = ap.parse_args()
    g = Gazetteer()
    for p in json.loads((DATA / "claims_eval_gazetteer.json").read_text("utf-8"))["places"]:
        e = GazEntry(SubjectKind.PLACE, p["id"], p["name"])
        for n in (p["name"], *p["aliases"]):
            g.add(n, e)
    prov = Provenance(Source("eval_claims"), synthetic=True,
                      generator="benchmarks/data/claims_eval.jsonl (hand-written)")
    tp = fp = fn = kind_ok = stance_ok = 0
    for i, line in enumerate((DATA / a.set).read_text("utf-8").splitlines()):
        post = json.loads(line)
        r = Report(id=f"e{i}", source_id="eval", text=post["text"], provenance=prov,
                   published=dt.datetime.fromisoformat(post["published"]))
        pred: dict[str, tuple[str, str]] = {}
        for c in sorted(extract_claims(r, g), key=lambda c: c.span):
            pred.setdefault(c.tied_site or c.subject_id, (c.kind.value, c.stance.value))
        gold = {s: (k, st) for s, k, st in post["gold"]}
        for s in gold.keys() & pred.keys():
            tp += 1
            kind_ok += gold[s][0] == pred[s][0]
            stance_ok += gold[s][1] == pred[s][1]
            if a.show and gold[s] != pred[s]:
                print(f"  wrong {s}: gold {gold[s]} got {pred[s]}: {post['text']}")
        fp += len(pred.keys() - gold.keys())
        fn += len(gold.keys() - pred.keys())
        if a.show and pred.keys() != gold.keys():
            print(f"  sites gold {sorted(gold)} got {sorted(pred)}: {post['text']}")
    print(f"site links: recall {tp / (tp + fn):.2f} ({tp}/{tp + fn}), "
          f"precision {tp / (tp + fp):.2f} ({tp}/{tp + fp})")
    print(f"of the {tp} linked: kind right {kind_ok / tp:.2f}, stance right {stance_ok / tp:.2f}")


if __name__ == "__main__":
    main()
