"""Whether a name found in a post is the place a claim is about (Russian and Ukrainian forms).
Pure.

A name may stand in a post without being the place of the event: a city standing for its
government ("поставки Киеву", "Киев не раз пытался", "под контролем Киева", "Киев будет
применять", "в Дамаске подтвердили"), a name in quotation marks (группировка войск «Днепр»),
a resident of a part of a region, the reference point of another place ("37 км
северо-западней Курска"), a front direction named after a city ("на Купянском направлении"),
a resident's town ("жительница Таганрога"), an office's district ("управления МВД по городу
Таганрогу"), or the destination of an evacuation ("эвакуировать
в Донецк"). Each test reads the words around the name and its grammatical case (pymorphy3,
through :func:`basewatch.analysis.gazetteer.noun_cases`).
"""

from __future__ import annotations

import re

from basewatch.analysis.gazetteer import Mention, noun_cases
from basewatch.analysis.lexicon import Compiled

__all__ = ["destination", "not_the_subject", "stands_for_government"]

#: A name that is not the place a claim is about: in quotation marks (a unit, an
#: operation, a company: группировка войск «Днепр»), or a reference point of a distance or a
#: direction ("37 км северо-западней Курска", "к северу от Хамы", "north of Aleppo").
_QUOTED = re.compile(r"[«\"“„']\s*$")
_REFERENCE = re.compile(r"(?:(?:север|юг|запад|восток|северо-запад|северо-восток|юго-запад|"
                        r"юго-восток)\w*(?:нее|ней|ніше)|к (?:северу|югу|западу|востоку)\w* от|"
                        r"на (?:північ|південь|захід|схід)\w* від|\bкм (?:от|від)|"
                        r"(?:north|south|east|west)\w* of)\s+$", re.IGNORECASE)


#: A point of the compass from a place ("к северо-западу от Суджи", "с северо-запада от
#: Суджи", "на південь від Курахового"): the event is near the place, not in it.
_FROM_SIDE = re.compile(r"(?:(?:к|с|со)\s+(?:северо-|юго-)?(?:север|юг|запад|восток)\w*|"
                        r"(?:на|з|із)\s+(?:північн\w*-|південн\w*-)?(?:північ|південь|захід|схід|"
                        r"півночі|півдня|заходу|сходу)\w*)\s+(?:от|від)\s+$", re.IGNORECASE)


#: A front direction named after a city ("на Купянском направлении", "на Покровском и
#: Кураховском направлениях", "на Покровському напрямку"): the name is an adjective of the
#: sector, not the town.
_DIRECTION = re.compile(r"(?:\s*(?:,|и|і|та)\s*[\w'’-]+)*\s+(?:направлени|напрям)\w*",
                        re.IGNORECASE)
_ADJ_FORM = re.compile(r"(?:ск|цк|зк|ськ|цьк|зьк)(?:ом|ого|ое|ой|ом|ому|ім|ому|ого|ий|ій)$",
                       re.IGNORECASE)


#: A resident's or native's town ("жительница Таганрога", "46 жителей Курской области",
#: "уродженець Херсона") is where the person is from, not where the event is.
_RESIDENT = re.compile(r"(?:жител|жительниц|уроженц|уроженк|уроженец|выходц|выходец|мешканц|"
                       r"мешканк|уродженц|уродженк|уродженець)\w*\s+"
                       # the genitives that say which part of it ("жителей оккупированной части
                       # Курской области", "жителей Суджанского района Курской области")
                       r"(?:(?:\w+(?:ой|ей|ых|их|ого|его|ої|ого)\s+)?(?:част|район|округ|сел|"
                       r"пос[её]лк|город|міст|громад)\w*\s+){0,2}$", re.IGNORECASE)


#: An office named after the place it serves ("управления МВД по городу Таганрогу",
#: "прокуратура по Курской области"): the office acts, the place is its district.
_OFFICE = re.compile(r"(?<!\w)(?:управлени|отдел|отделени|УМВД|ГУВД|МВД|прокуратур|"
                     r"администраци|департамент|комитет|суд|УФСБ|ФСБ)\w*\s+(?:[^\s.!?]+\s+){0,2}?"
                     r"по\s+(?:городу\s+|району\s+|округу\s+)?$")


#: A road named after the cities it joins ("на трассе М-5 «Алеппо - Дамаск»", "трассу Н15
#: Запорожье-Донецк", "шоссе Харьков — Сумы"): the road, not the cities.
_ROAD = re.compile(r"(?<!\w)(?:трасс|шоссе|автодорог|дорог|магистрал|автомагистрал|траса|шосе|"
                   r"автошлях|road|highway|motorway)\w*\s+(?:[A-ZА-ЯЁІЇЄҐ]-?\d+\s+)?[«\"“]?\s*"
                   r"(?:[\w'’]+\s*[-–—]\s*)?$", re.IGNORECASE)
_DASH_BEFORE = re.compile(r"[\w'’]\s*[-–—]\s*[«\"“]?$")
_DASH_NAME_AFTER = re.compile(r"\s*[-–—]\s*[«\"“]?[A-ZА-ЯЁІЇЄҐ]")
#: A name joined by a hyphen, without spaces, to another capitalised word is part of another
#: name (Покровское-Стрешнево is a Moscow district, Купянск-Узловой a town of its own) or a
#: route (Алеппо-Дамаск): not the place alone.
#: (A compass point or a station's word after the hyphen names the town's airfield or station:
#: "Курск-Восточный" is Kursk's airfield.)
_HYPHEN_AFTER = re.compile(r"-(?!(?:Восточн|Западн|Северн|Южн|Центральн|Главн|Пассажирск|"
                           r"Сортировочн|Товарн|Східн|Західн|Північн|Південн|Центральн|"
                           r"Пасажирськ)\w*)[A-ZА-ЯЁІЇЄҐ]")
_HYPHEN_BEFORE = re.compile(r"[A-Za-zА-Яа-яЁёІіЇїЄєҐґ](?<!Санкт)(?<!Sankt)(?<!Saint)-$")  # Санкт-Петербург
#: A place named as what another borders ("провинции Хама, которая граничит с провинциями
#: Алеппо и Идлиб"): a neighbour, not the place of the event.
_BORDERING = re.compile(r"(?<!\w)(?:гранич|межу)\w*\s+(?:\S+\s+)?(?:с|со|з|із)\s+[^.!?;:]*$",
                        re.IGNORECASE)
#: After a resident's region, the event's place is still the region when a relative clause
#: places it there ("жители Белгородской области, где приграничные города обстреливают") or the
#: residents are the ones evacuated ("откуда жители Курской области вынуждены были
#: эвакуироваться").
_RESIDENTS_HERE = re.compile(r"\s*,?\s*(?:где|де)\b|[^.!?]{0,40}?(?:эваку|евакуй|евакую)", re.IGNORECASE)


#: Round 9: a name inside another object's name. "Славянск-на-Кубани", "Ростов-на-Дону" (a
#: town on a river: another town unless the gazetteer holds the whole name, which then matches
#: first); a club, an estate or a firm ("СКА Ростов", "ЖК «Ростов сити»", "ФК Днепр"); a name
#: in quotation marks that close after another word (поезда "Воркута - Новороссийск"); the
#: side something comes from ("со стороны Калужской области", "з боку Білорусі").
_ON_RIVER = re.compile(r"-(?:на|над)-[A-ZА-ЯЁІЇЄҐ]")
_FIRM = re.compile(r"(?<![\w-])(?:ФК|СКА|ЖК|ХК|ТЦ|ТРЦ|ПФК|МФК|БК|ГК|АО|ООО|ПАО|ЗАО|ТОВ|ПрАТ|"
                   r"ЖБК|ФСК|СК|ЦСКА|FC)\s+[«\"“]?$")
_SIDE = re.compile(r"(?<!\w)(?:со|с|з|із|зі)\s+(?:\S+\s+)?(?:сторон[ыи]|боку)\s+$", re.IGNORECASE)
_OPEN_QUOTES = {"«": "»", "“": "”", "„": "“"}


def _inside_quotes(text: str, m: Mention) -> bool:
    """Whether the name stands inside a quoted name of up to a few words."""
    before = text[max(0, m.start - 30):m.start]
    after = text[m.end:m.end + 30]
    for o, c in _OPEN_QUOTES.items():
        i = before.rfind(o)
        if i >= 0 and c not in before[i:] and c in after and o not in after[:after.find(c)] \
                and (before[i + 1:].lstrip() + m.text)[:1].isupper() \
                and len((before[i:] + m.text + after[:after.find(c)]).split()) <= 4 \
                and not any(ch in before[i:] + after[:after.find(c)] for ch in ".!?\n"):
            return True
    line = text[text.rfind("\n", 0, m.start) + 1:m.start]
    q = line.rfind('"')
    close = after.find('"')
    return line.count('"') % 2 == 1 and close >= 0 and \
        (line[q + 1:].lstrip() + m.text)[:1].isupper() and \
        len((line[q:] + m.text + after[:close]).split()) <= 4 and \
        not any(ch in after[:close] for ch in ".!?\n")


def _first_name(text: str, m: Mention) -> bool:
    """A person's given name before a surname ("Николай Гайдук"), not Николаев."""
    from basewatch.analysis.name_keys import _analyzers

    if " " in m.text or not _CYR.search(m.text) or not re.match(r"\s[A-ZА-ЯЁІЇЄҐ][а-яёіїєґ']+",
                                                                   text[m.end:m.end + 30]):
        return False
    ru, uk = _analyzers()
    return any("Name" in p.tag for morph in (ru, uk) for p in morph.parse(m.text.lower())[:3]
               if p.score >= 0.1)


def not_the_subject(text: str, m: Mention) -> bool:
    if _ON_RIVER.match(text, m.end) or _FIRM.search(text, max(0, m.start - 8), m.start) or \
            _SIDE.search(text, max(0, m.start - 40), m.start) or _inside_quotes(text, m) or \
            _first_name(text, m):
        return True
    if _ADJ_FORM.search(m.text) and _DIRECTION.match(text, m.end):
        return True
    if _RESIDENT.search(text, max(0, m.start - 60), m.start) and \
            not _RESIDENTS_HERE.match(text, m.end):
        return True
    if _HYPHEN_AFTER.match(text, m.end) or _HYPHEN_BEFORE.search(text, max(0, m.start - 2),
                                                                m.start):
        return True
    window = text[max(0, m.start - 80):m.start]
    if ("ранич" in window or "ежу" in window) and _BORDERING.search(window):
        return True
    if _DASH_NAME_AFTER.match(text, m.end) and _ROAD.search(text, max(0, m.start - 40), m.start):
        return True  # the first city of a road's name
    if _DASH_BEFORE.search(text, max(0, m.start - 4), m.start) and \
            _ROAD.search(text, max(0, m.start - 60), m.start):
        return True  # the second city of a road's name
    if _OFFICE.search(text, max(0, m.start - 60), m.start):
        return True
    if _RIVER.search(text, max(0, m.start - 40), m.start):
        return True  # "на правому березі річки Дніпро", "на лівий берег Дніпра": the river
    if _STREET.search(text, max(0, m.start - 40), m.start):
        return True  # "на вулиці Героїв Маріуполя", "проспект Киевский": a street's name
    before = text[max(0, m.start - 40):m.start]
    if _QUOTED.search(before) and text[m.end:m.end + 1] in "»\"”'":
        return True
    if _FROM_SIDE.search(before):
        return True  # "к северо-западу от Суджи", "с северо-запада от Суджи": near it, not in it
    ref = _REFERENCE.search(before)
    # A reference point of another named place ("Марея к северу от Алеппо"); a direction
    # alone ("уничтожили западнее Алеппо") still places the event at the name.
    return bool(ref) and bool(_NAMED_BEFORE.search(text[max(0, m.start - 80):
                                                       m.start - len(before) + ref.start()]))


#: A street, a square or an avenue named after a place or its defenders ("на вулиці Героїв
#: Маріуполя", "улица Героев Бахмута"), and the honour "Героїв X" on its own.
_STREET = re.compile(r"(?:(?<!\w)(?:вулиц|улиц|проспект|площ|бульвар|провулк|провулок|переул|"
                     r"набережн)\w*\s+(?:(?-i:[A-ZА-ЯЁІЇЄҐ])[^\s.!?,]*\s+){0,2}|(?<!\w)(?-i:Геро[їе]в)\s+)$",
                     re.IGNORECASE)

_RIVER = re.compile(r"(?<!\w)(?:річк\w*|рік[аиуі]|рек[аиуе]|берег\w*|березі)\s+$", re.IGNORECASE)

_NAMED_BEFORE = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-ZА-ЯЁІЇЄҐ][\w-]+[\s(,]*"
                           r"(?:(?:в|у|за|in)\s+)?(?:\d+\s*(?:км|km)\s+)?$")


def stands_for_government(text: str, m: Mention, lex: Compiled) -> bool:
    """A city named as an actor, not a place: "поставки Киеву" (a dative without по/к), "Дамаск
    считает" (a nominative followed by a verb of reporting), "Киев не раз пытался", "вынудить
    Киев" (a polity that wants, tries, asks or is pushed), "получения Киевом" (an instrumental
    agent, not "под Киевом"), "под контролем Киева", "на стороне Киева" (not "в сторону Латакии"), "атаки Киева", "у Киева
    появится" (a genitive of owner or agent). Russian and Ukrainian only."""
    if " " in m.text or not _CYR.search(m.text) or "adjective" in m.how:
        return False  # a region's adjective ("в курском приграничье") is no polity
    cases = noun_cases(m.text)
    before = text[max(0, m.start - 60):m.start].split()
    prev = before[-1].lower().strip("«\"*_(") if before else ""
    if cases == {"datv"} and prev in ("и", "і", "та", "й") and \
            any(w.lower() in ("по", "к", "до") for w in before[-6:-1]):
        return False  # "по территории ЗАЭС и Энергодару": a dative coordinated after по
    if cases == {"datv"} and prev not in ("по", "к", "ко", "до") and not _THREAT.match(prev) \
            and prev not in _PREPOSITIONS:  # "з Енергодару": a genitive the parser misses
        # "по городу Днепру", "по украинскому Днепру": a generic noun in apposition or an
        # adjective that agrees with the name stands between the preposition and the name
        prev2 = before[-2].lower().strip("«\"*_(") if len(before) > 1 else ""
        return not (prev2 in ("по", "к", "ко") and _DATV_MODIFIER.fullmatch(prev))
    if "loct" in cases and prev in ("в", "во", "у") and text[m.end:m.end + 1] == " " and \
            _THEY_SAID.match(text, m.end + 1):
        return True  # "В Дамаске подтвердили", not "остаются в Тартусе, заявили в Минобороны"
    after = text[m.end:m.end + 60]
    if prev in _PREPOSITIONS:
        # no nominative follows a preposition: "наступление на Запорожье может создать" is an
        # accusative of direction, the place (not "Запорожье может": a polity that can)
        cases = cases - {"nomn"}
    if "nomn" in cases and after[:1] == " " and (lex.reporting.match(after.lstrip())
                                                  or _AGENCY.match(after.lstrip())):
        return True
    # "Киев, как ожидается, сосредоточится", "Киев активно занимается", "Киев будет применять"
    rest = _PARENTHESIS.sub("", after, count=1).lstrip(" ,")
    if "nomn" in cases and after[:1] in " ," and rest != after.lstrip(" ,") and \
            _AGENCY.match(rest) or "nomn" in cases and after[:1] in " ," and _WILL.match(rest):
        return True
    if "accs" in cases and _PUSH.fullmatch(prev):
        return True
    if cases == {"ablt"} and prev and prev not in _PLACE_PREPS_ABLT and not prev.isdigit():
        return True
    return "gent" in cases and bool(_OWNER_NOUNS.fullmatch(prev) or (
        prev == "у" and _POSSESSION.match(after.lstrip())))


#: The dative after a verb of threatening is the place threatened ("беспилотников, угрожавших
#: Киеву"), not a polity given something.
_THREAT = re.compile(r"(?:угрож|погроз|загрож)\w*", re.IGNORECASE)


#: Verbs of will, attempt, request or acquisition after a city in the nominative: a place
#: cannot want, try, ask or get ("Киев не раз пытался атаковать", "Київ хоче").
_AGENCY = re.compile(r"(?:(?:не раз|не|неоднократно|уже|также|теперь|снова|вновь|ще|вже|не "
                     r"раз|несколько раз|много раз|давно|ранее|кілька разів)\s+)*\[?(?:пыта\w*|попыта\w*|хоч\w*|хотел\w*|хоче\w*|намер\w*|"
                     r"планир\w*|планує\w*|готов(?:ит|ится|)\b|получ(?:ил|ит|ает)\w*|отрима\w*|"
                     r"прос(?:ит|ил)\w*|попрос\w*|запрос\w*|требу\w*|вимага\w*|отказ\w*|"
                     r"відмов\w*|соглас\w*|погод\w*|рассчитыва\w*|надеет\w*|собира(?:ется|ются)|"
                     r"добива\w*|настаива\w*|угрожа\w*|обвиня\w*|призна(?:ет|л)\w*|отверг\w*|"
                     r"отрица\w*|заперечу\w*|"
                     r"эвакуир\w*|хорон\w*|ответ(?:ит|ил)\w*|"
                     # a polity goes to talks ("если Киев пойдет на мирные переговоры")
                     r"пойд[её]т на (?:\w+ )?(?:переговор|уступк|сделк|компромисс)\w*|"
                     # a polity loses control of ground; a place does not
                     r"потеря\w* контрол\w*|втрати\w* контрол\w*)(?!\w)", re.IGNORECASE)
#: A parenthesis after the name ("Киев, как ожидается, сосредоточится", "Киев, вероятно,
#: останется зависимым") or an adverb ("Киев активно занимается").
_PARENTHESIS = re.compile(r"^\s*(?:,\s*(?:\w+\s+){0,3}?\w+\s*,|\s\w+(?:но|ски|о)(?=\s))",
                          re.IGNORECASE)
#: A polity's will or ability: a modal and an infinitive ("Киев будет применять", "Киев может
#: попросить", "Киев не стал защищать", "Київ може попросити"), or a reflexive of activity
#: ("занимается", "сосредоточится"). An infinitive of undergoing is left out: a place can
#: "стать целью", "оказаться в окружении", "остаться без света".
_WILL = re.compile(r"(?:не\s+)?(?:(?:будет|будут|может|могут|сможет|смогут|мог|могла|стал|станет|"
                   r"должен|должна|намерен|вынужден|буде|може|можуть|зможе|став|мусить)\s+"
                   r"(?:\w+\s+){0,1}?(?!(?:стать|статі?|оказаться|опинитися|подвергнуться|"
                   r"попасть|потрапити|остаться|залишитися|пасть|лишиться|сдаться)\b)"
                   r"\w+(?:ть|ти|чь)(?:ся|сь)?\b|"
                   r"занима(?:ется|лся|ются)|займ[её]тся|сосредоточ(?:ится|ился)|зосеред\w*ться)",
                   re.IGNORECASE)
#: "в Дамаске подтвердили", "в Киеве заявили": an indefinite-personal verb of speech after a
#: city in the locative names its officials, not an event there (not "сообщили": "в Киеве
#: сообщили о взрывах" reports an event in the city).
_THEY_SAID = re.compile(r"(?:(?:уже|также|тоже|официально|вновь|снова)\s+)?(?:не\s+)?"
                        r"(?:заявили|подтвердили|опровергли|признали|ответили|считают|уверены|"
                        r"отреагировали|пригрозили|потребовали|пообещали|прокомментировали|"
                        r"отвергли|раскритиковали|заявляют|настаивают|допустили|"
                        r"підтвердили|заявили|відповіли|вважають)\b", re.IGNORECASE)
#: Between по/к and a dative name: a generic noun in apposition or an agreeing adjective.
_DATV_MODIFIER = re.compile(r"(?:город|селу|посёлку|поселку|посел|област|району|"
                            r"[а-яё-]+(?:ому|ему|ой|ей))\w*", re.IGNORECASE)
#: Verbs that push a polity, before a city in the accusative ("провоцировать Киев").
_PUSH = re.compile(r"(?:с?провоцир|вынуди|вынужда|подталкива|подтолкну|склони|склоня|призыва|"
                   r"призвал|убеди|убежда|вооружа|поддерж|обвин|подштовху|змуси|закликал|"
                   r"підтрима)\w*", re.IGNORECASE)
#: Nouns whose genitive is an owner or an agent ("под контролем Киева", "атаки Киева").
_OWNER_NOUNS = re.compile(r"(?:контрол(?:ем|ь|я|ю)|приказ(?:а|ом|у|ы|ов)?|наказ(?:а|ом|у)?|"
                          r"просьб\w*|требовани\w*|позици\w*|решени\w*|режим(?:а|ом|у)?|"
                          # nouns, not verbs: "атаки Киева", not "атакуют Сумы"
                          r"атак(?:а|и|у|ой|ам|ами|ах)?|удар(?:а|у|ом|ы|ов|ам|ами|ах)?|"
                          r"план(?:а|у|ом|ы|ов|ах)?|политик\w*|представител\w*|руководств\w*|"
                          r"правительств\w*|отказ(?:а|ом|у)?|согласи[яюе]|заявлени\w*|"
                          # "о попытках Киева взорвать": an agent's attempt
                          r"попыт(?:ка|ки|ке|ку|кой|ок|кам|ками|ках))|"
                          r"власт(?:и|ей)|стороне", re.IGNORECASE)
#: "у Киева появится", "у Києва є": possession.
_POSSESSION = re.compile(r"(?:\S+\s+){0,1}(?:появ\w*|есть|нет|будет|был[аио]?|имеет\w*|"
                         r"оста(?:нется|лось|ется)|з'яв\w*|є|немає|буде)(?!\w)", re.IGNORECASE)
#: Prepositions after which an instrumental names the place ("под Киевом", "між Києвом").
_PLACE_PREPS_ABLT = frozenset({"под", "над", "перед", "за", "между", "с", "со", "під",
                               "між", "поміж", "з", "із", "зі"})


#: Prepositions (Russian, Ukrainian): a name after one is never in the nominative.
_PREPOSITIONS = frozenset({"в", "во", "на", "по", "за", "через", "про", "под", "к", "ко", "от",
                           "из", "с", "со", "у", "до", "о", "об", "при", "над", "перед", "між",
                           "під", "від", "із", "зі", "з", "крізь"})
_CYR = re.compile(r"[\u0400-\u04ff]")
_TO_PREP = re.compile(r"(?:^|\s)(?:в|во|на|до|у)\s+$", re.IGNORECASE)


def destination(text: str, start: int) -> bool:
    """A name in the accusative after в/на/до (Russian, Ukrainian): the goal of a movement."""
    if not _TO_PREP.search(text, max(0, start - 5), start):
        return False
    word = re.match(r"[\w'’-]+", text[start:])
    cases = noun_cases(word.group()) if word else frozenset()
    return bool(cases) and cases <= {"nomn", "accs"}
