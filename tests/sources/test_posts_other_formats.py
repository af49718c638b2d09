"""Telegram HTML exports, Telethon message dicts, snscrape JSON lines and X/Twitter archive
tweets.js. Every file here is written for the tests (synthetic), in the shape those tools
write."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basewatch.errors import ImportFormatError
from basewatch.model.reports import Report, ReportSource
from basewatch.sources.reports import PostDefaults, guess_format, import_posts, parse_posts
from basewatch.store import Workspace
from basewatch.store.reports import REPORTS

UTC = dt.UTC

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"/><title>Exported Data</title></head>
<body><div class="page_wrap">
 <div class="page_header"><div class="content"><div class="text bold">
   Вести &amp; Фронт
 </div></div></div>
 <div class="page_body chat_page"><div class="history">
  <div class="message service" id="message-1"><div class="body details">5 March 2022</div></div>
  <div class="message default clearfix" id="message2">
   <div class="pull_left userpic_wrap"><div class="userpic"></div></div>
   <div class="body">
    <div class="pull_right date details" title="05.03.2022 10:00:00 UTC+03:00">10:00</div>
    <div class="from_name">Вести &amp; Фронт</div>
    <div class="text">Бої під <strong>Гостомелем</strong>.<br>Деталі згодом.</div>
   </div>
  </div>
  <div class="message default clearfix joined" id="message3">
   <div class="body">
    <div class="pull_right date details" title="05.03.2022 11:00:00 UTC+03:00
Edited: 05.03.2022 11:30:00 UTC+03:00">11:00</div>
    <div class="reply_to details">In reply to <a href="#go_to_message2" onclick="return GoToMessage(2)">this message</a></div>
    <div class="forwarded body">
     <div class="from_name">Інший канал <span class="date details" title="04.03.2022 20:00:00 UTC+03:00"> 04.03.2022 20:00:00</span></div>
     <div class="text">Переслане повідомлення &lt;script&gt;</div>
    </div>
   </div>
  </div>
  <div class="message default clearfix joined" id="message4">
   <div class="body">
    <div class="pull_right date details" title="05.03.2022 12:00:00 UTC+03:00">12:00</div>
    <div class="media_wrap clearfix"><a class="photo_wrap clearfix pull_left" href="photos/photo_1.jpg"><img class="photo" src="photos/photo_1.jpg"/></a></div>
   </div>
  </div>
 </div></div>
</div></body></html>
"""

PAGE2 = """<html><body><div class="page_header"><div class="content"><div class="text bold">Вести &amp; Фронт</div></div></div>
<div class="history"><div class="message default clearfix" id="message1001"><div class="body">
<div class="pull_right date details" title="06.03.2022 09:00:00 UTC+03:00">09:00</div>
<div class="text">Тиша</div></div></div></div></body></html>"""


@pytest.fixture
def ws(tmp_path: Path):
    w = Workspace(tmp_path / "ws", create=True)
    yield w
    w.close()


def reports(parsed) -> dict[str, Report]:
    return {r.ref.rsplit("/", 1)[1]: r for r in parsed.records if isinstance(r, Report)}


def test_telegram_html_export(tmp_path: Path):
    folder = tmp_path / "ChatExport_2022-03-06"
    folder.mkdir()
    (folder / "messages.html").write_text(PAGE, "utf-8")
    (folder / "messages2.html").write_text(PAGE2, "utf-8")
    assert guess_format(folder, b"") == "telegram-html"
    parsed = parse_posts(folder, [], defaults=PostDefaults(url="https://t.me/vesti"))
    r = reports(parsed)
    assert set(r) == {"2", "3", "4", "1001"}
    (src,) = [x for x in parsed.records if isinstance(x, ReportSource)]
    assert src.name == "Вести & Фронт"
    assert r["2"].text == "Бої під Гостомелем.\nДеталі згодом."
    assert r["2"].published == dt.datetime(2022, 3, 5, 7, tzinfo=UTC)
    assert r["2"].url == "https://t.me/vesti/2"
    assert r["3"].edited == dt.datetime(2022, 3, 5, 8, 30, tzinfo=UTC)
    assert r["3"].reply_to.endswith("/2")
    assert r["3"].quotes == ("telegram:Інший канал",)
    assert r["3"].text == "Переслане повідомлення <script>"  # text, never markup
    assert (r["4"].media, r["4"].text) == ("photo", "")
    assert any("1 service messages skipped" in w for w in parsed.warnings)


def test_telegram_html_bad_date_names_file_and_message(tmp_path: Path):
    p = tmp_path / "messages.html"
    p.write_text(PAGE.replace("05.03.2022 10:00:00", "yesterday"), "utf-8")
    with pytest.raises(ImportFormatError, match=r"messages.html message 2: date 'yesterday "):
        parse_posts(p, [])


TELETHON = {
    "chat": {"id": 1234567, "title": "Рыбарь", "username": "rybar"},
    "messages": [
        {"_": "Message", "id": 10, "peer_id": {"_": "PeerChannel", "channel_id": 1234567},
         "date": "2022-03-05 10:00:00+00:00", "message": "Обстрел Харькова",
         "edit_date": "2022-03-05 11:00:00+00:00", "media": None, "fwd_from": None,
         "reply_to": None},
        {"_": "Message", "id": 11, "peer_id": {"_": "PeerChannel", "channel_id": 1234567},
         "date": "2022-03-05 12:00:00+00:00", "message": "",
         "media": {"_": "MessageMediaPhoto"}, "fwd_from": None,
         "reply_to": {"_": "MessageReplyHeader", "reply_to_msg_id": 10}},
        {"_": "Message", "id": 12, "peer_id": {"_": "PeerChannel", "channel_id": 1234567},
         "date": "2022-03-05 13:00:00+00:00", "message": "Репост",
         "fwd_from": {"_": "MessageFwdHeader", "from_id": {"_": "PeerChannel",
                                                           "channel_id": 555},
                      "channel_post": 77}},
        {"_": "MessageService", "id": 13, "date": "2022-03-05 14:00:00+00:00"},
    ]}


def test_telethon_messages(ws: Workspace, tmp_path: Path):
    p = tmp_path / "rybar.json"
    p.write_text(json.dumps(TELETHON, ensure_ascii=False), "utf-8")
    assert guess_format(p, p.read_bytes()[:4096]) == "telethon"
    parsed, _ = import_posts(ws, p)
    r = reports(parsed)
    assert set(r) == {"10", "11", "12"}
    assert r["10"].url == "https://t.me/rybar/10"
    assert r["10"].edited == dt.datetime(2022, 3, 5, 11, tzinfo=UTC)
    assert (r["11"].media, r["11"].reply_to) == ("photo", "telegram:1234567/10")
    assert r["12"].quotes == ("telegram:555/77",)
    (src,) = [x for x in parsed.records if isinstance(x, ReportSource)]
    assert src.handles == ("telegram:1234567",)
    # One message a line, without the wrapper: the Telegram id still finds the source.
    lines = tmp_path / "more.jsonl"
    m = dict(TELETHON["messages"][0], id=20, message="Ещё пост")
    lines.write_text(json.dumps(m, ensure_ascii=False) + "\n" +
                     json.dumps(dict(m, id=21, message="И ещё")) + "\n", "utf-8")
    import_posts(ws, lines, defaults=PostDefaults(source="Rybar (renamed)"))
    assert {r.source_id for r in ws.store.select(REPORTS)} == {"rybar"}


def test_snscrape_twitter_and_telegram(tmp_path: Path):
    p = tmp_path / "scrape.jsonl"
    rows = [
        {"_type": "snscrape.modules.twitter.Tweet", "url": "https://twitter.com/osint/status/1",
         "date": "2024-12-03T10:00:00+00:00", "rawContent": "Khmeimim apron empty", "id": 1,
         "user": {"username": "osint", "displayname": "OSINT", "id": 42}, "lang": "en",
         "quotedTweet": {"url": "https://twitter.com/other/status/0"}},
        {"_type": "snscrape.modules.telegram.TelegramPost", "url": "https://t.me/rybar/5",
         "date": "2024-12-03T11:00:00+00:00", "content": "Хмеймим пуст",
         "forwardedUrl": "https://t.me/other/9"},
    ]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    assert guess_format(p, p.read_bytes()[:4096]) == "snscrape"
    parsed = parse_posts(p, [])
    by_src = {x.name: x for x in parsed.records if isinstance(x, ReportSource)}
    assert set(by_src) == {"osint", "rybar"}
    assert "twitter:42" in by_src["osint"].handles
    reps = [x for x in parsed.records if isinstance(x, Report)]
    assert {r.quotes for r in reps} == {("https://twitter.com/other/status/0",),
                                        ("https://t.me/other/9",)}


TWEETS = """window.YTD.tweets.part0 = [
  {"tweet": {"id_str": "1864000000000000001", "full_text": "Il-76 departed Khmeimim",
             "created_at": "Tue Dec 03 10:15:00 +0000 2024", "lang": "en",
             "in_reply_to_status_id_str": "1863"}},
  {"tweet": {"id_str": "1864000000000000002", "full_text": "RT @other: Tartus empty",
             "created_at": "Tue Dec 03 11:00:00 +0000 2024", "lang": "en"}}
]"""


def test_tweets_js_is_read_as_data(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "tweets.js").write_text(TWEETS, "utf-8")
    (data / "account.js").write_text('window.YTD.account.part0 = [{"account": '
                                     '{"username": "desk", "accountId": "99"}}]', "utf-8")
    parsed = parse_posts(data / "tweets.js", [])
    reps = sorted((x for x in parsed.records if isinstance(x, Report)),
                  key=lambda r: r.published)
    assert reps[0].published == dt.datetime(2024, 12, 3, 10, 15, tzinfo=UTC)
    assert reps[0].url == "https://x.com/desk/status/1864000000000000001"
    assert reps[0].reply_to == "twitter:1863"
    assert reps[1].quotes == ("twitter:@other",)


@pytest.mark.parametrize("text, err", [
    ("alert(1); window.YTD.tweets.part0 = []", r"tweets.js line 1: not an X/Twitter archive"),
    ("window.YTD.tweets.part0 = [{\"tweet\": {\"full_text\": \"x\"}}]",
     r"tweets.js tweet 0: no created_at"),
])
def test_tweets_js_bad_input(tmp_path: Path, text: str, err: str):
    p = tmp_path / "tweets.js"
    p.write_text(text, "utf-8")
    with pytest.raises(ImportFormatError, match=err):
        parse_posts(p, [], defaults=PostDefaults(source="@desk"))


@pytest.mark.parametrize("page, err", [
    ("<![foo[bar]]>", r"messages.html: not readable HTML"),
    (('<div class="page_header"><div class="text bold">C</div></div><div class="message '
      'default" id="message5"><div class="pull_right date details" title="01.01.2020 10:00:00 '
      'UTC+99:00">x</div><div class="text">t</div></div>'),
     r"messages.html message 5: date '01.01.2020 10:00:00 UTC\+99:00' is not"),
])
def test_telegram_html_bad_pages_are_one_line_errors(tmp_path: Path, page: str, err: str):
    p = tmp_path / "messages.html"
    p.write_text(page, "utf-8")
    with pytest.raises(ImportFormatError, match=err):
        parse_posts(p, [])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*'<>/!"=[]-&#;x .:0+', "div", "class", "message", "text",
                                  "date details", "title", "<![", "UTC", "01.02.2022 10:00:00"]),
                max_size=60).map("".join))
def test_telegram_html_garbage_never_crashes(tmp_path_factory: pytest.TempPathFactory,
                                             page: str):
    p = tmp_path_factory.mktemp("html") / "messages.html"
    p.write_text(page, "utf-8")
    try:
        parse_posts(p, [], defaults=PostDefaults(source="x"))
    except ImportFormatError:
        pass


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.text(max_size=8) |
    st.sampled_from(["2024-12-03T10:00:00+00:00", "Tue Dec 03 10:15:00 +0000 2024", "Message",
                     "MessageService", "snscrape.modules.twitter.Tweet", "https://t.me/a/1"]),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
        st.sampled_from(["_", "_type", "id", "date", "message", "media", "fwd_from", "from_id",
                         "reply_to", "peer_id", "channel_id", "chat", "title", "username",
                         "messages", "url", "content", "rawContent", "user", "tweet",
                         "full_text", "created_at", "id_str", "account", "quotedTweet"]),
        kids, max_size=6), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(doc=_JSON, fmt=st.sampled_from(["telethon", "snscrape", "tweets-js"]))
def test_other_formats_refuse_anything_with_a_one_line_error(
        tmp_path_factory: pytest.TempPathFactory, doc: object, fmt: str):
    d = tmp_path_factory.mktemp("j")
    text = json.dumps(doc)
    p = d / ("tweets.js" if fmt == "tweets-js" else "in.json")
    p.write_text(("window.YTD.tweets.part0 = " + text) if fmt == "tweets-js" else text, "utf-8")
    if fmt == "tweets-js":
        (d / "account.js").write_text("window.YTD.account.part0 = " + text, "utf-8")
    try:
        parse_posts(p, [], fmt, PostDefaults(source="x" if fmt != "snscrape" else ""))
    except ImportFormatError as exc:
        assert "\n" not in str(exc)


def test_flat_telethon_dump(tmp_path: Path):
    """The flat records many Telethon scripts write (message_id, text, date, sender_id as the
    bot API's -100... id, channel): one channel, its id, each post's origin id. Synthetic."""
    p = tmp_path / "1001234567890_messages.json"
    p.write_text(json.dumps([
        {"message_id": 12, "sender_id": -1001234567890, "text": "SYNTHETIC Второй пост",
         "date": "2024-12-01T10:00:00+00:00", "channel": "Тестовый канал", "category": "x"},
        {"message_id": 11, "sender_id": -1001234567890, "text": "SYNTHETIC Первый пост",
         "date": "2024-12-01T09:00:00+00:00", "channel": "Тестовый канал", "category": "x"},
    ], ensure_ascii=False), encoding="utf-8")
    assert guess_format(p, p.read_bytes()[:4096]) == "telethon"
    reports = sorted((r for r in parse_posts(p, []).records if isinstance(r, Report)),
                     key=lambda r: r.published)
    assert [r.ref for r in reports] == ["telegram:1234567890/11", "telegram:1234567890/12"]
    assert [r.text for r in reports] == ["SYNTHETIC Первый пост", "SYNTHETIC Второй пост"]
    assert reports[0].published == dt.datetime(2024, 12, 1, 9, tzinfo=UTC)
    assert len({r.source_id for r in reports}) == 1
