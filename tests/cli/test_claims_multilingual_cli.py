"""A channel in Ukrainian and Russian through the CLI: claims on a place named in its
dictionary form, `claims unknown-names`, and the claims cache (derived once, derived again
when the gazetteer changes, grades applied on read). Posts written for the test
(synthetic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from basewatch.cli.main import app
from basewatch.queries.claims import derive_claims
from basewatch.store import Workspace

runner = CliRunner()

HEADER = ("id,name,aliases,kind,lon,lat,region,country,source,source_title,location_precision,"
          "notes\n")


def places(tmp: Path, extra: str = "") -> Path:
    p = tmp / "places.csv"
    p.write_text(HEADER +
                 "hostomel,Hostomel,Гостомель,town,30.2,50.6,Kyiv,Ukraine,test,test,approximate,"
                 "synthetic test place\n"
                 f"kharkiv,Kharkiv,Харків|Харьков{extra},city,36.2,50.0,Kharkiv,Ukraine,test,test,"
                 "approximate,synthetic test place\n", "utf-8")
    return p


def export(tmp: Path) -> Path:
    msgs = [
        "Вчора під Гостомелем тривали запеклі бої.",
        "Ворог нібито залишив Гостомель.",
        "Бої під Бучею тривають. Обстріл біля Бучі.",
        "В Харькове этой ночью прогремели взрывы.",
        "Вибухи в Чугуєві. Чугуїв знову під обстрілом, кажуть у Чугуєві.",
    ]
    doc = {"name": "SYNTHETIC Тест Канал", "type": "public_channel", "id": 4242,
           "messages": [{"id": i + 1, "type": "message", "date": "2022-03-05T08:00:00",
                         "date_unixtime": str(1646467200 + i), "text": t}
                        for i, t in enumerate(msgs)]}
    p = tmp / "result.json"
    p.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return p


def run(*args: str) -> object:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    w = tmp_path / "ws"
    run("import", "places", str(places(tmp_path)), "-w", str(w))
    run("posts", "import", str(export(tmp_path)), "--url", "@test_channel", "-w", str(w))
    return w


def test_claims_on_an_inflected_name(ws: Path):
    out = run("claims", "--site", "hostomel", "-w", str(ws))
    got = sorted((c["kind"], c["stance"], c["event_date"]) for c in out["claims"])
    assert got == [("departure", "speculates", "2022-03-05"),
                   ("fighting", "asserts", "2022-03-04")]
    assert {c["url"] for c in out["claims"]} == {"https://t.me/test_channel/1",
                                                 "https://t.me/test_channel/2"}


def test_unknown_names_lists_places_posts_name_often(ws: Path):
    out = run("claims", "unknown-names", "-w", str(ws))
    names = {(u["kind"], u["name"], u["count"]) for u in out}
    assert ("place", "Буча", 2) in names
    assert ("place", "Чугуїв", 2) in names  # "в Чугуєві" twice; "Чугуїв" opens a sentence
    assert not any(u["name"].lower().startswith(("гостомел", "харк")) for u in out)
    bucha = next(u for u in out if u["name"] == "Буча")
    assert bucha["examples"][0]["text"].startswith("Бої під Бучею")


def test_cache_is_derived_once_and_again_when_the_gazetteer_changes(ws: Path, tmp_path: Path):
    w = Workspace(ws)
    try:
        _, n = derive_claims(w)
        assert n == 5  # every report, the first time
        assert derive_claims(w)[1] == 0  # then nothing
    finally:
        w.close()
    before = run("claims", "--site", "kharkiv", "-w", str(ws))
    assert before["claims"] == [] or all(c["subject"]["id"] == "kharkiv"
                                         for c in before["claims"])
    # Grading the source changes credibility without deriving again.
    run("sources", "grade", "SYNTHETIC Тест Канал", "C", "3", "-w", str(ws))
    w = Workspace(ws)
    try:
        assert derive_claims(w)[1] == 0
    finally:
        w.close()
    graded = run("claims", "--site", "hostomel", "-w", str(ws))
    assert {c["credibility"] for c in graded["claims"]} == {3}
    # A new place: the gazetteer's fingerprint changes and every report is derived again.
    run("import", "places", str(places(tmp_path, "|Чугуїв")), "-w", str(ws))
    w = Workspace(ws)
    try:
        assert derive_claims(w)[1] == 5
    finally:
        w.close()
    after = run("claims", "--site", "kharkiv", "-w", str(ws))
    assert ("strike", "asserts") in {(c["kind"], c["stance"]) for c in after["claims"]
                                     if "Чугу" in c["text"]}
