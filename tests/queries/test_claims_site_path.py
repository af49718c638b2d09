"""The claims of one site read from the claim cache give the same rows and groups as the
claims of the whole workspace filtered to that site. A seeded export of two channels written
for the test (synthetic): Ukrainian and Russian posts on three places over three weeks, the
second channel forwarding and reposting some of the first's posts, one channel graded; on
the embedded store and on PostGIS."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from basewatch.model import Place, Provenance, Source
from basewatch.queries.claims import claim_rows, load_claimset
from basewatch.sources.reports import import_posts
from basewatch.store import PLACES, Workspace
from basewatch.store.reports import SOURCES
from tests.store.conftest import pg_server, pg_url  # noqa: F401  (the PostGIS fixtures)

FORMS = {"hostomel": ["Гостомелем", "Гостомеля", "Гостомелі"],
         "kharkiv": ["Харкові", "Харькове", "Харькова"],
         "bakhmut": ["Бахмута", "Бахмуті"]}
TEMPLATES = ["Вчора під {p} тривали запеклі бої.", "За інформацією Генштабу, ворог обстріляв {p}.",
             "Окупанти нібито залишили {p}.", "В {p} этой ночью прогремели взрывы.",
             "Информация о захвате {p} не подтверждается.", "ВСУ не покидали {p}.",
             "Збір на дрони триває."]


def _export(tmp: Path, name: str, chat_id: int, msgs: list[dict[str, object]]) -> Path:
    p = tmp / f"{chat_id}.json"
    p.write_text(json.dumps({"name": name, "type": "public_channel", "id": chat_id,
                             "messages": msgs}, ensure_ascii=False), "utf-8")
    return p


def _msg(i: int, t: int, text: str, **extra: object) -> dict[str, object]:
    return {"id": i, "type": "message", "date": dt.datetime.fromtimestamp(t, dt.UTC)
            .strftime("%Y-%m-%dT%H:%M:%S"), "date_unixtime": str(t), "text": text, **extra}


@pytest.fixture(params=["gpkg", "postgis"])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    if request.param == "postgis":  # the claim cache is a layer of the store: PostGIS too
        w = Workspace(store_url=request.getfixturevalue("pg_url"), create=True)
    else:
        w = Workspace(tmp_path / "ws", create=True)
    prov = Provenance(Source("test"), synthetic=True, generator="this test")
    w.store.put(PLACES, [
        Place(id="hostomel", name="Hostomel", lon=30.2, lat=50.6, aliases=("Гостомель",),
              provenance=prov),
        Place(id="kharkiv", name="Kharkiv", lon=36.2, lat=50.0, aliases=("Харків", "Харьков"),
              provenance=prov),
        Place(id="bakhmut", name="Bakhmut", lon=38.0, lat=48.6, aliases=("Бахмут",),
              provenance=prov)])
    rng = random.Random(20220305)
    t0 = 1_646_092_800
    a, b = [], []
    for i in range(1, 301):
        site = rng.choice(sorted(FORMS))
        text = rng.choice(TEMPLATES).format(p=rng.choice(FORMS[site]))
        t = t0 + i * 5400  # every 1.5 hours: about 19 days
        a.append(_msg(i, t, text))
        r = rng.random()
        if r < 0.15:  # forwarded by the second channel
            b.append(_msg(len(b) + 1, t + 600, text, forwarded_from="SYNTHETIC Канал А"))
        elif r < 0.25:  # reposted without saying so: the same text
            b.append(_msg(len(b) + 1, t + 900, text))
        elif r < 0.45:  # its own post
            site = rng.choice(sorted(FORMS))
            b.append(_msg(len(b) + 1, t + 1200,
                          rng.choice(TEMPLATES).format(p=rng.choice(FORMS[site]))))
    import_posts(w, _export(tmp_path, "SYNTHETIC Канал А", 5001, a))
    import_posts(w, _export(tmp_path, "SYNTHETIC Канал Б", 5002, b))
    src = next(s for s in w.store.select(SOURCES) if s.name == "SYNTHETIC Канал А")
    with w.store.transaction():
        w.store.put(SOURCES, [replace(src, reliability="B", default_credibility=2,
                                            graded_by="this test")])
    yield w
    w.close()


@pytest.mark.parametrize("site", ["hostomel", "kharkiv", "bakhmut"])
def test_one_sites_claims_from_the_cache_equal_the_whole_workspaces(ws: Workspace, site: str):
    whole = load_claimset(ws)
    one = load_claimset(ws, site_ids={site})
    expected = claim_rows(whole, {site})
    got = claim_rows(one, {site})
    assert len(expected) > 20  # the data give the site many claims, in several groups
    assert len({r["group"] for r in expected}) > 3
    assert any(len(r["corroborating_sources"]) == 2 for r in expected)  # both channels
    assert {r["credibility"] for r in expected} == {2, 6}  # the grade applied on read
    assert got == expected
    keys = {r["group"] for r in expected}
    assert [g.to_dict() for g in one.groups if g.key in keys] == \
        [g.to_dict() for g in whole.groups if g.key in keys]
