"""Telegram exports in full, and sources that are never re-attributed. The exports here are
written for the tests (synthetic), in the shape Telegram Desktop writes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from basewatch.errors import ImportFormatError
from basewatch.model.reports import Report, ReportSource
from basewatch.sources.reports import PostDefaults, import_posts, import_sources, parse_posts
from basewatch.store import Workspace
from basewatch.store.reports import REPORTS, SOURCES

UTC = dt.UTC


@pytest.fixture
def ws(tmp_path: Path):
    w = Workspace(tmp_path / "ws", create=True)
    yield w
    w.close()


def chat(name: str, cid: int, messages: list[dict], typ: str = "public_channel") -> dict:
    return {"name": name, "type": typ, "id": cid, "messages": messages}


def msg(mid: int, text, t: int = 1_646_467_200, **kw) -> dict:
    return {"id": mid, "type": "message", "date": "2022-03-05T10:00:00",
            "date_unixtime": str(t + mid), "from": "x", "text": text, **kw}


def write(tmp_path: Path, name: str, doc: dict) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return p


def by_source(ws: Workspace) -> dict[str, list[Report]]:
    out: dict[str, list[Report]] = {}
    for r in ws.store.select(REPORTS):
        out.setdefault(r.source_id, []).append(r)
    return out


def test_cyrillic_names_are_kept_and_ids_never_collide(ws: Workspace, tmp_path: Path):
    # The case: two channels whose names share only "24".
    a = write(tmp_path, "a.json", chat("Україна 24 🇺🇦 - ВІЙНА", 1001,
                                       [msg(1, "Вибухи у Харкові"), msg(2, "Тиша")]))
    b = write(tmp_path, "b.json", chat("Россия 24", 2002, [msg(1, "Новости дня")]))
    import_posts(ws, a)
    _, put = import_posts(ws, b)
    assert put.updated == 0
    sources = {s.id: s for s in ws.store.select(SOURCES)}
    assert sources["ukraina-24-viyna"].name == "Україна 24 🇺🇦 - ВІЙНА"
    assert sources["rossiya-24"].name == "Россия 24"
    assert {k: len(v) for k, v in by_source(ws).items()} == {"ukraina-24-viyna": 2,
                                                               "rossiya-24": 1}


def test_same_name_other_channel_gets_a_new_source(ws: Workspace, tmp_path: Path):
    a = write(tmp_path, "a.json", chat("Новости", 1, [msg(1, "Первый канал")]))
    b = write(tmp_path, "b.json", chat("Новости", 2, [msg(1, "Второй канал")]))
    import_posts(ws, a)
    parsed, put = import_posts(ws, b)
    assert put.updated == 0  # the first source is not touched
    src = {s.id: s for s in ws.store.select(SOURCES)}
    assert set(src) == {"novosti", "novosti-2"}
    assert "telegram:1" in src["novosti"].handles and "telegram:2" in src["novosti-2"].handles
    assert any("another source has this name: novosti" in w for w in parsed.warnings)
    assert {r.text for r in by_source(ws)["novosti"]} == {"Первый канал"}


def test_a_renamed_channel_is_recognised_by_its_telegram_id(ws: Workspace, tmp_path: Path):
    import_posts(ws, write(tmp_path, "a.json", chat("Рыбарь", 77, [msg(1, "Пост один")])))
    import_posts(ws, write(tmp_path, "b.json", chat("Рыбарь 2.0", 77, [msg(2, "Пост два")])))
    (src,) = ws.store.select(SOURCES)
    assert (src.id, src.name) == ("rybar", "Рыбарь")  # never renamed
    assert len(by_source(ws)["rybar"]) == 2


def test_a_source_registered_by_name_keeps_its_grade_and_gains_the_id(ws: Workspace,
                                                                       tmp_path: Path):
    sj = tmp_path / "sources.json"
    sj.write_text(json.dumps([{"id": "rybar", "name": "Рыбарь", "kind": "channel",
                               "reliability": "C", "default_credibility": 3,
                               "graded_by": "desk"}]), "utf-8")
    import_sources(ws, sj)
    import_posts(ws, write(tmp_path, "a.json", chat("Рыбарь", 77, [msg(1, "Пост")])))
    (src,) = ws.store.select(SOURCES)
    assert (src.id, src.grade, src.handles) == ("rybar", "C3", ("telegram:77",))


def test_edits_replies_forwards_media_and_service(tmp_path: Path):
    doc = chat("Канал", 5, [
        {"id": 1, "type": "service", "date": "2022-03-05T09:00:00", "action": "pin_message",
         "text": ""},
        msg(2, ["Бої під ", {"type": "bold", "text": "Гостомелем"}, "."],
            edited="2022-03-05T12:00:00", edited_unixtime="1646481600"),
        msg(3, "Уточнення", reply_to_message_id=2),
        msg(4, "Переслано", forwarded_from="Інший канал", forwarded_from_id="channel99"),
        msg(5, "", photo="photos/photo_5.jpg"),
        msg(6, "", media_type="video_file", file="video.mp4"),
        msg(7, ""),  # nothing at all
    ])
    parsed = parse_posts(write(tmp_path, "result.json", doc), [],
                         defaults=PostDefaults(url="@kanal"))
    reps = {r.ref.rsplit("/", 1)[1]: r for r in parsed.records if isinstance(r, Report)}
    assert set(reps) == {"2", "3", "4", "5", "6"}
    assert reps["2"].text == "Бої під Гостомелем."
    assert reps["2"].edited == dt.datetime(2022, 3, 5, 12, tzinfo=UTC)
    assert reps["2"].url == "https://t.me/kanal/2"
    assert reps["3"].reply_to == "telegram:5/2"
    assert reps["4"].quotes == ("telegram:Інший канал", "telegram:channel99")
    assert (reps["5"].media, reps["5"].text) == ("photo", "")
    assert reps["6"].media == "video_file"
    assert reps["2"].language == "uk"  # detected
    assert any("1 service messages skipped" in w for w in parsed.warnings)
    assert any("2 media-only posts kept" in w for w in parsed.warnings)


def account_export() -> dict:
    return {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 1, "first_name": "A", "last_name": "B"},
        "frequent_contacts": {"about": "x", "list": [{"id": 3, "category": "people",
                                                      "type": "user", "name": "Friend",
                                                      "rating": 1.0}]},
        "chats": {"about": "This page lists all chats from this export.", "list": [
            chat("Рыбарь", 1001, [msg(1, "Обстрел Харькова"), msg(2, "Тишина")]),
            {"type": "saved_messages", "id": 9, "messages": [msg(1, "заметка")]},
            chat("حميميم الآن", 1002, [msg(1, "قصف على حميميم")]),
        ]},
        "left_chats": {"about": "x", "list": [chat("Old", 1003, [msg(1, "old post")])]},
        "other_data": {"about": "x", "changes_log": [{"name": "not a chat"}]},
    }


def test_whole_account_export_imports_every_chat(ws: Workspace, tmp_path: Path):
    p = write(tmp_path, "result.json", account_export())
    parsed, _ = import_posts(ws, p)
    counts = {k: len(v) for k, v in by_source(ws).items()}
    names = {s.id: s.name for s in ws.store.select(SOURCES)}
    assert sorted(names.values()) == ["Old", "Saved Messages", "Рыбарь", "حميميم الآن"]
    assert sum(counts.values()) == 5
    assert any("4 chats" in w for w in parsed.warnings)


@pytest.mark.parametrize("choice", ["Рыбарь", "1001", "-1001001"])
def test_whole_account_export_one_chat(ws: Workspace, tmp_path: Path, choice: str):
    p = write(tmp_path, "result.json", account_export())
    import_posts(ws, p, defaults=PostDefaults(chat=choice))
    assert [s.name for s in ws.store.select(SOURCES)] == ["Рыбарь"]
    assert len(ws.store.select(REPORTS)) == 2


def test_unknown_chat_is_a_one_line_error_naming_the_chats(ws: Workspace, tmp_path: Path):
    p = write(tmp_path, "result.json", account_export())
    with pytest.raises(ImportFormatError, match=r"result.json: no chat named 'Nope' "
                                                r"\(chats: Рыбарь, 9, حميميم الآن, Old\)"):
        import_posts(ws, p, defaults=PostDefaults(chat="Nope"))
    assert ws.store.select(REPORTS) == []


def test_bad_message_in_second_chat_names_chat_and_message(ws: Workspace, tmp_path: Path):
    doc = account_export()
    doc["chats"]["list"][2]["messages"].append({"id": 8, "type": "message", "text": "x"})
    p = write(tmp_path, "result.json", doc)
    with pytest.raises(ImportFormatError,
                       match=r"result.json chat 'حميميم الآن' message 8: no date"):
        import_posts(ws, p)
    assert ws.store.select(REPORTS) == [] and ws.store.select(SOURCES) == []


def test_reimport_changes_nothing(ws: Workspace, tmp_path: Path):
    p = write(tmp_path, "result.json", account_export())
    import_posts(ws, p)
    _, put = import_posts(ws, p)
    assert (put.inserted, put.updated) == (0, 0)


def test_no_source_is_ever_re_attributed(ws: Workspace, tmp_path: Path):
    """Many channels whose names fold to the same id, imported in turn: every report keeps
    the source it was first written with."""
    names = ["Новости 24", "Новости-24", "НОВОСТИ 24!", "Novosti 24", "Новости 24 🇷🇺"]
    for i, n in enumerate(names):
        before = {r.id: r.source_id for r in ws.store.select(REPORTS)}
        import_posts(ws, write(tmp_path, f"{i}.json", chat(n, 100 + i, [msg(1, f"пост {i}")])))
        after = {r.id: r.source_id for r in ws.store.select(REPORTS)}
        assert {k: after[k] for k in before} == before and len(after) == len(before) + 1
        srcs = {s.id: s.name for s in ws.store.select(SOURCES)}
        assert len(srcs) == i + 1
        for j, m in enumerate(names[: i + 1]):
            sid = next(s.id for s in ws.store.select(SOURCES) if f"telegram:{100 + j}"
                       in s.handles)
            assert srcs[sid] == m
            assert {r.text for r in by_source(ws)[sid]} == {f"пост {j}"}
    assert isinstance(ws.store.select(SOURCES)[0], ReportSource)


def test_iter_reports_reads_every_report_once_in_batches(ws: Workspace, tmp_path: Path):
    from basewatch.store.reports import iter_reports

    # 13 posts, several at the same second: a batch never splits a time.
    msgs = [msg(i, f"пост {i}", t=1_646_467_200 - i + (i // 3)) for i in range(1, 14)]
    for m in msgs:
        m["date_unixtime"] = str(1_646_467_200 + (int(m["id"]) // 3))
    import_posts(ws, write(tmp_path, "a.json", chat("Канал", 1, msgs)))
    for batch in (1, 2, 5, 100):
        got = [r.text for r in iter_reports(ws.store, batch=batch)]
        assert sorted(got) == sorted(f"пост {i}" for i in range(1, 14)), batch
        assert len(got) == 13
    later = dt.datetime.fromtimestamp(1_646_467_200 + 4, UTC)
    assert {r.text for r in iter_reports(ws.store, later, batch=2)} == {"пост 12", "пост 13"}


def test_an_edited_post_exported_again_updates_its_report_and_its_claims(ws: Workspace,
                                                                          tmp_path: Path):
    from basewatch.model import Place, Provenance, Source
    from basewatch.queries.claims import load_claimset
    from basewatch.store import PLACES

    ws.store.put(PLACES, [Place(id="kharkiv", name="Kharkiv", lon=36.23, lat=49.99,
                                aliases=("Харків",),
                                provenance=Provenance(Source("test"), synthetic=True,
                                                      generator="this test"))])
    first = write(tmp_path, "v1.json", chat("SYNTHETIC Канал", 3003, [
        msg(1, "Вибухи у Харкові"), msg(2, "Тиша")]))
    import_posts(ws, first)
    before = load_claimset(ws, site_ids={"kharkiv"})
    assert [c.stance.value for c in before.claims] == ["asserts"]
    # The channel edits message 1 an hour later: the new export has the new text.
    second = write(tmp_path, "v2.json", chat("SYNTHETIC Канал", 3003, [
        msg(1, "Вибухи у Харкові не підтверджуються", edited="2022-03-05T11:00:00",
            edited_unixtime="1646478001"), msg(2, "Тиша")]))
    _, put = import_posts(ws, second)
    assert (put.inserted, put.updated) == (0, 1)
    (r1,) = [r for r in ws.store.select(REPORTS) if r.ref.endswith("/1")]
    assert r1.text == "Вибухи у Харкові не підтверджуються"
    assert r1.edited == dt.datetime(2022, 3, 5, 11, 0, 1, tzinfo=UTC)
    assert len(ws.store.select(REPORTS)) == 2
    after = load_claimset(ws, site_ids={"kharkiv"})
    assert [c.stance.value for c in after.claims] == ["speculates"]


def test_an_html_export_is_recognised_by_the_public_link_not_the_name(ws: Workspace,
                                                                       tmp_path: Path):
    page = ('<html><body><div class="page_header"><div class="content"><div class="text '
            'bold">Вести</div></div></div><div class="message default clearfix" id="message5">'
            '<div class="body"><div class="pull_right date details" title="05.03.2022 '
            '10:00:00 UTC+00:00">10:00</div><div class="from_name">Вести</div>'
            '<div class="text">Тиша</div></div></div></body></html>')
    a = write(tmp_path, "a.json", chat("Вести", 777, [msg(1, "Новости")]))
    b = write(tmp_path, "b.json", chat("Вести", 888, [msg(1, "Другие новости")]))
    import_posts(ws, a, defaults=PostDefaults(url="@vesti"))
    import_posts(ws, b)
    html = tmp_path / "ChatExport"
    html.mkdir()
    (html / "messages.html").write_text(page, "utf-8")
    import_posts(ws, html, defaults=PostDefaults(url="https://t.me/Vesti/"))
    assert sorted(len(v) for v in by_source(ws).values()) == [1, 2]
    first = [s for s in ws.store.select(SOURCES) if "telegram:777" in s.handles][0]
    assert {r.text for r in by_source(ws)[first.id]} == {"Новости", "Тиша"}
    # Another link: never the channel known by its link (the one without a link may be it).
    import_posts(ws, html, defaults=PostDefaults(url="https://t.me/vesti_other"))
    assert {r.text for r in by_source(ws)[first.id]} == {"Новости", "Тиша"}
    assert len(ws.store.select(REPORTS)) == 4
