"""A large Telegram channel export imported, then claims for one site over all of it.

A seeded generator writes a Telegram Desktop export (``result.json``) of N messages
(default 300,000, about 200 MB) in Ukrainian, Russian, Arabic and English, shaped like real
channels: text as entity lists, forwards, replies, edits, media-only posts and service
messages; every post's text is made up (marked synthetic in the file's name and in the
report's notes: ``SYNTHETIC`` in the channel name). Then, each in a child process so its
peak memory is its own:

1. ``basewatch posts import`` of the file into a fresh workspace: wall time and peak RSS;
2. claims for one site, the first time (every report derived and cached) and again (from the
   cache), as `claims --site` reads them (the claim set and its rows with their groups): wall
   time;
3. the same after the gazetteer changes (an alias added: everything derived again).

The baseline a user would otherwise have is ``json.load`` of the whole file (the first step
of any script): its time and peak memory are measured the same way, on the same file.

    python benchmarks/bench_telegram_scale.py [--messages 300000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20220305
PLACES = [("hostomel", "Hostomel", ["Гостомель"]), ("kharkiv", "Kharkiv", ["Харків", "Харьков"]),
          ("mariupol", "Mariupol", ["Маріуполь", "Мариуполь"]),
          ("bakhmut", "Bakhmut", ["Бахмут"]), ("hmeimim", "Hmeimim", ["حميميم", "Хмеймим"])]
FORMS = {"Гостомель": ["Гостомелем", "Гостомеля", "Гостомелі"],
         "Харків": ["Харкові", "Харкова", "Харків"], "Харьков": ["Харькове", "Харькова"],
         "Маріуполь": ["Маріуполі", "Маріуполя"], "Мариуполь": ["Мариуполе", "Мариуполя"],
         "Бахмут": ["Бахмута", "Бахмуті", "Бахмуте"], "حميميم": ["حميميم", "وحميميم"],
         "Хмеймим": ["Хмеймиме"]}
UK = ["Вчора під {p} тривали запеклі бої.", "За інформацією Генштабу, ворог обстріляв {p}.",
      "Окупанти нібито залишили {p}.", "Ситуація в області під контролем, тривоги немає.",
      "Збір на дрони для бригади триває, дякуємо всім, хто долучився."]
RU = ["В {p} этой ночью прогремели взрывы.", "Информация о захвате {p} не подтверждается.",
      "ВСУ не покидали {p}.", "Обстановка спокойная, подробности позже.",
      "Подписывайтесь на канал, чтобы не пропустить новости."]
AR = ["قصف على {p} أمس", "لم تنسحب القوات من {p}", "أخبار عاجلة من المنطقة الشمالية"]
EN = ["Explosions reported near {p} yesterday.", "Footage from {p} shows damage.",
      "Thread: what we know so far about the logistics situation."]
FILLER = ("Дивіться відео та фото з місця подій. Слава Україні! Подробиці — у наступних "
          "повідомленнях, слідкуйте за оновленнями каналу та офіційними джерелами. ")


def generate(path: Path, n: int) -> None:
    """Write a seeded synthetic export of ``n`` messages, streaming (low memory)."""
    rng = random.Random(SEED)
    forms = [f for _, _, al in PLACES for a in al for f in FORMS[a]]
    t0 = 1_646_092_800
    with path.open("w", encoding="utf-8") as f:
        f.write('{\n "name": "SYNTHETIC Фронт 24 🇺🇦", "type": "public_channel", '
                '"id": 1999999999,\n "messages": [\n')
        for i in range(1, n + 1):
            t = t0 + i * 60
            kind = rng.random()
            m: dict[str, object] = {"id": i, "type": "message",
                                    "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)),
                                    "date_unixtime": str(t), "from": "SYNTHETIC Фронт 24",
                                    "from_id": "channel1999999999"}
            if kind < 0.02:
                m = {"id": i, "type": "service", "date": m["date"], "date_unixtime": str(t),
                     "actor": "x", "action": "pin_message", "message_id": i - 1, "text": ""}
            elif kind < 0.10:
                m.update(photo="(File not included.)", width=1280, height=720, text="",
                         text_entities=[])
            else:
                lang = rng.choices([UK, RU, AR, EN], [0.5, 0.3, 0.1, 0.1])[0]
                s = rng.choice(lang).format(p=rng.choice(forms))
                body = [s, " ", {"type": "bold", "text": "#новини"}, "\n",
                        FILLER * rng.randint(0, 3)]
                m["text"] = body
                m["text_entities"] = [{"type": "plain", "text": s}]
                if rng.random() < 0.1:
                    m["edited"] = m["date"]
                    m["edited_unixtime"] = str(t + 300)
                if rng.random() < 0.1:
                    m["forwarded_from"] = "SYNTHETIC Інший канал"
                if rng.random() < 0.05:
                    m["reply_to_message_id"] = max(1, i - 3)
            f.write(("  " if i == 1 else ",\n  ") + json.dumps(m, ensure_ascii=False))
        f.write("\n ]\n}\n")


def child(code: str) -> tuple[float, float, str]:
    """Run ``code`` in a fresh interpreter: (seconds, peak RSS in MiB, its stdout). The CPU
    seconds it used are printed too: on a shared machine wall time includes waiting. So are its
    context switches: voluntary ones are waits for I/O (fsync, reads), involuntary ones are the
    CPU taken away by other processes, which tells which of the two the wall time waited on."""
    wrapper = ("import resource, sys, time\n"
               f"sys.path.insert(0, {str(ROOT / 'src')!r})\n"
               "t = time.perf_counter()\n" + code +
               "\nprint('__T', time.perf_counter() - t)\n"
               "u = resource.getrusage(resource.RUSAGE_SELF)\n"
               "print('__C', u.ru_utime + u.ru_stime)\n"
               "print('__V', u.ru_nvcsw, u.ru_nivcsw)\n"
               "print('__M', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n")
    out = subprocess.run([sys.executable, "-c", wrapper], check=True, capture_output=True,
                         text=True).stdout
    vals = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith("__"))
    rest = "\n".join(line for line in out.splitlines() if not line.startswith("__"))
    vol, invol = vals["__V"].split()
    rest += (f" [CPU {float(vals['__C']):.1f} s; context switches: {int(vol):,} voluntary "
             f"(I/O waits), {int(invol):,} involuntary (CPU taken by others)]")
    return float(vals["__T"]), float(vals["__M"]), rest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=300_000)
    ap.add_argument("--keep", type=Path, help="write the export and workspace here")
    a = ap.parse_args()
    tmp = a.keep or Path(tempfile.mkdtemp(prefix="bw-tg-"))
    tmp.mkdir(parents=True, exist_ok=True)
    export = tmp / "result.json"
    t = time.perf_counter()
    generate(export, a.messages)
    print(f"generated {a.messages:,} messages, {export.stat().st_size / 1e6:.0f} MB "
          f"in {time.perf_counter() - t:.1f} s (seed {SEED})")
    ws = tmp / "ws"
    shutil.rmtree(ws, ignore_errors=True)
    places = tmp / "places.csv"
    places.write_text(
        "id,name,aliases,kind,lon,lat,region,country,source,source_title,location_precision,"
        "notes\n" + "".join(f"{pid},{name},{'|'.join(al)},city,30.0,50.0,,UA,bench,"
                            "bench_telegram_scale,approximate,synthetic benchmark gazetteer\n"
                            for pid, name, al in PLACES), "utf-8")

    base_t, base_m, base_o = child(f"import json\njson.load(open({str(export)!r}, encoding='utf-8'))")
    imp_t, imp_m, out = child(
        "from basewatch.store import Workspace\n"
        "from basewatch.sources.reports import import_posts\n"
        f"ws = Workspace({str(ws)!r}, create=True)\n"
        f"parsed, put = import_posts(ws, {str(export)!r})\n"
        "print('inserted', put.inserted)\nws.close()")
    print(f"baseline json.load of the whole file: {base_t:.1f} s, peak {base_m:.0f} MiB"
          f"{base_o}")
    print(f"posts import: {imp_t:.1f} s, peak {imp_m:.0f} MiB ({out.strip()}); "
          f"{'within' if imp_t < 60 and imp_m < 1024 else 'OVER'} the 60 s / 1 GiB goal")
    claims = (
        "from basewatch.store import Workspace\n"
        "from basewatch.queries.claims import claim_rows, load_claimset\n"
        f"ws = Workspace({str(ws)!r})\n"
        "cs = load_claimset(ws, site_ids={'hostomel'})\n"
        "rows = claim_rows(cs, {'hostomel'})  # what `claims --site` prints, one per claim\n"
        "print('claims', len(rows))\nws.close()")
    _add_places(ws, places)
    first_t, first_m, o1 = child(claims)
    again_t, again_m, o2 = child(claims)
    print(f"claims for one site, first (derives and caches every report): {first_t:.1f} s, "
          f"peak {first_m:.0f} MiB ({o1.strip()})")
    print(f"claims for one site, cached: {again_t:.2f} s, peak {again_m:.0f} MiB "
          f"({o2.strip()}); {'within' if again_t < 2 else 'OVER'} the 2 s goal")
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)


def _add_places(ws: Path, places: Path) -> None:
    child("from basewatch.store import Workspace\n"
          "from basewatch.sources.importing import import_file\n"
          f"w = Workspace({str(ws)!r})\n"
          f"import_file(w, 'places', {str(places)!r})\nw.close()")


if __name__ == "__main__":
    main()
