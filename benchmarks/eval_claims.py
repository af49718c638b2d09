"""Recall and precision of site-mention linking, and claim kind and stance accuracy, on
labelled posts: the project's own sets, or messages of a real channel export read in place.

**Own sets** (``benchmarks/data/claims_eval*.jsonl``): posts in Ukrainian, Russian, Arabic and
English, written for this evaluation (synthetic, marked so) in the style of war channels, each
with its gold claims ``[site, kind, stance]`` written by hand *before* the extractor was first
run on them. The gazetteer (``claims_eval_gazetteer.json``) holds real place names with
aliases in dictionary form. Labels are the engineer's (a reader of the four languages), not an
independent annotator's: treat the figures as indicative.

    python benchmarks/eval_claims.py [--show] [--set claims_eval3.jsonl]

**A real export** (``--export result.json --labels LABELS.jsonl``): the labels file names the
public repository the export was read from (never copied here), the gazetteer to use, and for
each labelled message its id in the export, its split (``dev``: misses may be used to improve
the rules; ``held-out``: never looked at for that) and its gold claims. The export is read with
basewatch's own Telegram reader, so the text scored is the text basewatch imports. Without the
export the run is skipped with the reason (exit status 0).

    python benchmarks/eval_claims.py --export PATH/result.json --labels benchmarks/data/X.jsonl

Labels file: first line a header object ``{"source": {"repository", "path" or "paths",
"commit"}, "format": "telegram" | "telethon" | ..., "gazetteer": "<file under
benchmarks/data>", "labelled_by": ..., "notes": ...}``; then one object a message: ``{"id":
123, "chat": "<channel id, when the export holds several>", "split": "dev" | "held-out",
"gold": [[site, kind, stance]...]}`` (an empty ``gold``: the message names no known site, or
claims nothing about it). ``--export`` is the export file, or a directory holding the files
the header names (the fetched repository's checkout, or the files by their names).
``"format": "records"`` is a table of posts without channel or time (Parquet or JSON lines;
``"fields"`` names the id, text and language columns, ``"published"`` stands for every post's
time): ``id`` is then the row's id.

    python benchmarks/eval_claims.py --export CHECKOUT --labels benchmarks/data/claims_real_labels.jsonl

A predicted pair (post, site) is a claim of the extractor on that site; gold pairs come from
the labels. Kind and stance are scored on the pairs found in both, against the first claim of
the pair (by position in the post).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from basewatch.analysis.claims import Gazetteer, extract_claims
from basewatch.analysis.gazetteer import GazEntry
from basewatch.model import Provenance, Source
from basewatch.model.reports import Report, SubjectKind

DATA = Path(__file__).parent / "data"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    kind_ok: int = 0
    stance_ok: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, text: str, gold: dict[str, tuple[str, str]],
            pred: dict[str, tuple[str, str]]) -> None:
        for s in gold.keys() & pred.keys():
            self.tp += 1
            self.kind_ok += gold[s][0] == pred[s][0]
            self.stance_ok += gold[s][1] == pred[s][1]
            if gold[s] != pred[s]:
                self.misses.append(f"  wrong {s}: gold {gold[s]} got {pred[s]}: {text}")
        self.fp += len(pred.keys() - gold.keys())
        self.fn += len(gold.keys() - pred.keys())
        if pred.keys() != gold.keys():
            self.misses.append(f"  sites gold {sorted(gold)} got {sorted(pred)}: {text}")

    def lines(self) -> list[str]:
        def r(a: int, b: int) -> str:
            return f"{a / b:.2f} ({a}/{b})" if b else "n/a (0/0)"
        return [f"site links: recall {r(self.tp, self.tp + self.fn)}, "
                f"precision {r(self.tp, self.tp + self.fp)}",
                f"of the {self.tp} linked: kind right {r(self.kind_ok, self.tp)}, "
                f"stance right {r(self.stance_ok, self.tp)}"]


def gazetteer(path: Path) -> Gazetteer:
    g = Gazetteer()
    for p in json.loads(path.read_text("utf-8"))["places"]:
        e = GazEntry(SubjectKind.PLACE, p["id"], p["name"])
        for n in (p["name"], *p["aliases"]):
            g.add(n, e)
    return g


def predict(r: Report, g: Gazetteer) -> dict[str, tuple[str, str]]:
    pred: dict[str, tuple[str, str]] = {}
    for c in sorted(extract_claims(r, g), key=lambda c: c.span):
        pred.setdefault(c.tied_site or c.subject_id, (c.kind.value, c.stance.value))
    return pred


def own_set(name: str) -> Score:
    g = gazetteer(DATA / "claims_eval_gazetteer.json")
    prov = Provenance(Source("eval_claims"), synthetic=True,
                      generator="benchmarks/data/claims_eval.jsonl (hand-written)")
    score = Score()
    for i, line in enumerate((DATA / name).read_text("utf-8").splitlines()):
        post = json.loads(line)
        r = Report(id=f"e{i}", source_id="eval", text=post["text"], provenance=prov,
                   published=dt.datetime.fromisoformat(post["published"]))
        score.add(post["text"], {s: (k, st) for s, k, st in post["gold"]}, predict(r, g))
    return score


def _export_files(export: Path, where: dict) -> list[Path]:
    """The export files the labels name: ``export`` itself, or under a directory (the
    fetched repository's checkout, or a folder holding the files by their names)."""
    paths = where.get("paths") or [where.get("path", "")]
    if not export.is_dir():
        return [export]
    out = []
    for rel in paths:
        for cand in (export / rel, export / Path(rel).name):
            if cand.is_file():
                out.append(cand)
                break
    return out


def _records(files: list[Path], head: dict) -> dict[str, Report]:
    """Posts of a table of records (``"format": "records"``): a Parquet or JSON-lines file whose
    rows give a post's id, text and language (``"fields"`` names those columns), without a
    channel or a time. ``"published"`` in the header stands for every post's time (the latest
    it can be: relative dates are then wrong, and dates are not scored here)."""
    f = {"id": "id", "text": "text", "language": "language", **head.get("fields", {})}
    when = dt.datetime.fromisoformat(head["published"])
    prov = Provenance(Source(head["source"].get("repository", "records")))
    out: dict[str, Report] = {}
    for path in files:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            rows = pq.read_table(path, columns=[f["id"], f["text"], f["language"]]).to_pylist()
        else:
            rows = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
        for row in rows:
            rid, text = str(row[f["id"]]), row.get(f["text"]) or ""
            if text.strip():
                out[rid] = Report(id=f"r-{rid}", source_id="records", published=when, text=text,
                                  provenance=prov, language=row.get(f["language"]) or "", ref=rid)
    return out


def real_export(export: Path, labels: Path) -> dict[str, Score] | str:
    """Scores per split, or why the run is skipped."""
    lines = labels.read_text("utf-8").splitlines()
    head = json.loads(lines[0])
    where = head.get("source", {})
    files = _export_files(export, where) if export.exists() else []
    if not files or len(files) < len(where.get("paths") or [1]):
        return (f"skipped: no export at {export} (the labels are of "
                f"{where.get('repository', '?')}:"
                f"{', '.join(where.get('paths') or [where.get('path', '?')])} at commit "
                f"{where.get('commit', '?')}; fetch that repository and pass --export)")
    from basewatch.sources.reports import parse_posts

    by_id: dict[str, Report] = _records(files, head) if head.get("format") == "records" else {}
    for f in files if head.get("format") != "records" else []:
        parsed = parse_posts(f, [], head.get("format", "telegram"))
        for r in parsed.records:
            if isinstance(r, Report):
                chat, _, mid = r.ref.removeprefix("telegram:").rpartition("/")
                by_id[mid] = by_id.get(mid, r)
                by_id[f"{chat}/{mid}"] = r
    g = gazetteer(DATA / head["gazetteer"])
    scores: dict[str, Score] = {}
    for line in lines[1:]:
        lab = json.loads(line)
        key = f"{lab['chat']}/{lab['id']}" if lab.get("chat") else str(lab["id"])
        r = by_id.get(key)
        if r is None:
            return f"labels name message {key}, which {export} does not hold as a post"
        gold = {s: (k, st) for s, k, st in lab["gold"]}
        scores.setdefault(lab["split"], Score()).add(f"[{key}] " + r.text.replace("\n", " ")[:300],
                                                     gold, predict(r, g))
    return scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print every miss")
    ap.add_argument("--set", default="claims_eval.jsonl",
                    help="one of the own labelled sets under benchmarks/data")
    ap.add_argument("--export", type=Path, help="a real export (result.json), or a directory of the files the labels name")
    ap.add_argument("--labels", type=Path, help="labels of messages of that export")
    a = ap.parse_args()
    if a.labels or a.export:
        if not (a.labels and a.export):
            ap.error("--export and --labels go together")
        out = real_export(a.export, a.labels)
        if isinstance(out, str):
            print(out)
            return
        for split in sorted(out):
            sc = out[split]
            print(f"[{split}]")
            print("\n".join(sc.lines()))
            if a.show:
                print("\n".join(sc.misses))
        return
    sc = own_set(a.set)
    if a.show:
        print("\n".join(sc.misses))
    print("\n".join(sc.lines()))


if __name__ == "__main__":
    main()
