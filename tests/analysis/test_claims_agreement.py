"""benchmarks/claims_agreement.py on small made-up label files whose figures were worked out
by hand (the comments give the arithmetic)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module():
    spec = importlib.util.spec_from_file_location("claims_agreement", ROOT / "benchmarks" /
                                                  "claims_agreement.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["claims_agreement"] = mod
    spec.loader.exec_module(mod)
    return mod


def _write(path: Path, rows: list[dict]) -> Path:
    head = {"source": {"repository": "someone/posts"}, "gazetteer": "g.json"}
    path.write_text("\n".join(json.dumps(x) for x in [head, *rows]) + "\n", "utf-8")
    return path


def _post(i: int, *gold: tuple[str, str, str]) -> dict:
    return {"chat": "77", "id": i, "split": "held-out", "gold": [list(g) for g in gold]}


A_ROWS = [
    _post(1, ("kyiv", "strike", "asserts")),
    _post(2, ("kyiv", "strike", "speculates"), ("odesa", "strike", "asserts")),
    _post(3),
    _post(4, ("sumy", "fighting", "asserts")),
    _post(5, ("dnipro", "strike", "asserts")),  # not in B's sample: not counted
]
B_ROWS = [
    _post(1, ("kyiv", "strike", "asserts")),  # full agreement
    _post(2, ("kyiv", "strike", "asserts"), ("kharkiv", "strike", "asserts")),
    _post(3),  # full agreement (both: nothing)
    # the second claim on the same place is ignored (first by position)
    _post(4, ("sumy", "capture", "asserts"), ("sumy", "strike", "speculates")),
]


def test_figures_worked_out_by_hand(tmp_path: Path) -> None:
    m = _module()
    r = m.agreement(_write(tmp_path / "a.jsonl", A_ROWS), _write(tmp_path / "b.jsonl", B_ROWS))
    assert r["posts"] == 4 and r["posts_agreeing_fully"] == 2  # posts 1 and 3
    # A on B's posts: 1 + 2 + 0 + 1 = 4 claims; B: 1 + 2 + 0 + 1 = 4; matched kyiv (1),
    # kyiv (2), sumy (4) = 3
    assert (r["claims_a"], r["claims_b"], r["matched"]) == (4, 4, 3)
    assert r["precision_b"] == pytest.approx(0.75)
    assert r["recall_b"] == pytest.approx(0.75)
    assert r["f1"] == pytest.approx(0.75)  # 2*3 / (4+4)
    # kinds (A, B): strike/strike, strike/strike, fighting/capture: 2/3 agree;
    # chance: A strike 2/3, B strike 2/3 -> 4/9; kappa = (2/3 - 4/9) / (1 - 4/9) = 0.4
    assert r["kind_agreement"] == pytest.approx(2 / 3)
    assert r["kind_kappa"] == pytest.approx(0.4)
    # stances: asserts/asserts, speculates/asserts, asserts/asserts: 2/3 agree;
    # chance: A asserts 2/3 x B asserts 3/3 = 2/3 -> kappa 0 (no better than chance)
    assert r["stance_agreement"] == pytest.approx(2 / 3)
    assert r["stance_kappa"] == pytest.approx(0.0)
    d = {x["post"]: x["differs"] for x in r["disagreements"]}
    assert set(d) == {"77:2", "77:4"}
    assert sorted(d["77:2"]) == sorted(["only A: odesa", "only B: kharkiv",
                                        "stance of kyiv: A speculates, B asserts"])
    assert d["77:4"] == ["kind of sumy: A fighting, B capture"]
    text = m.report(r)
    assert "precision 0.75 (3/4), recall 0.75 (3/4), F1 0.75" in text
    assert "both agree fully on 2 (0.50)" in text


def test_kappa_of_a_textbook_table() -> None:
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15. p_o = 35/50 = 0.7;
    # A yes 25/50, B yes 30/50 -> p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    pairs = ([("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15)
    assert _module().cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_undefined_when_both_use_one_category() -> None:
    m = _module()
    assert m.cohen_kappa([("strike", "strike")] * 3) is None
    assert m.cohen_kappa([]) is None


def test_posts_keyed_by_id_alone_and_a_post_missing_from_a(tmp_path: Path) -> None:
    m = _module()
    a = _write(tmp_path / "a.jsonl", [{"id": "u1", "split": "h", "gold": []},
                                      {"id": "u2", "split": "h",
                                       "gold": [["kyiv", "strike", "asserts"]]}])
    b = _write(tmp_path / "b.jsonl", [{"id": "u2", "split": "h", "gold": []}])
    r = m.agreement(a, b)
    assert (r["posts"], r["posts_agreeing_fully"], r["claims_a"], r["claims_b"]) == (1, 0, 1, 0)
    assert r["recall_b"] == 0.0 and r["precision_b"] is None and r["kind_kappa"] is None
    assert r["disagreements"][0]["differs"] == ["only A: kyiv"]
    c = _write(tmp_path / "c.jsonl", [{"id": "u9", "split": "h", "gold": []}])
    with pytest.raises(ValueError, match="u9"):
        m.agreement(a, c)


def test_a_malformed_claim_names_file_and_line(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.jsonl", [{"id": 1, "split": "h", "gold": [["kyiv", "strike"]]}])
    with pytest.raises(ValueError, match=r"bad\.jsonl: line 2"):
        _module().read_labels(bad)
