"""What a sentence takes from the text around it when it lacks something of its own: a list
item its header's verb and source, a place its power cut's attack, troops their place, a
sentence that points back the place of the sentence before. Pure; Russian and Ukrainian forms,
and English where they exist.

* a list after a colon, one item a line under a header line, numbered items after a sentence,
  "name — number" lines under a line without a colon (ellipsis: the items leave out the verb);
* power cuts are the effect of an attack the post reported earlier;
* troops, fighters or a unit named in a place, with no verb for them, are there;
* a sentence with a cue and no name that points back ("там", "в самом городе", "этот район")
  is about the one place of the sentence before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from basewatch.analysis.claim_subjects import not_the_subject, stands_for_government
from basewatch.analysis.gazetteer import Mention
from basewatch.analysis.lexicon import Compiled
from basewatch.analysis.lexicon.cue_index import gate
from basewatch.model.reports import Claim, ClaimKind, SubjectKind

__all__ = ["TROOPS_IN", "TROOPS_TO", "carried", "list_after_colon", "list_after_sentence",
           "list_before_items", "list_header", "power_cut_cues"]

def list_after_colon(text: str, clauses: list[tuple[int, int]], c0: int,
                      cues: list) -> list:
    """A list introduced by a colon takes the verb before it: "ПВО уничтожила 25 БПЛА над
    регионами: 14 - над Краснодарским краем, 6 – над Брянской областью"."""
    if c0 == 0 or not text[:c0].rstrip().endswith(":"):
        return []
    prev = next(((a, b) for a, b in clauses if b == c0), None)
    return [c for c in cues if prev and prev[0] <= c[0] < prev[1]]


_ITEM = re.compile(r"^\s*(?:[-—–•▪️▫🔻🔹🔸►*]|\d+[.)]\s)")
_HEADER_END = re.compile(r":[\s*_]*$")


#: An item of a list given as sentences of numbers: "43 — над Курской областью, 27 — над
#: Липецкой, 7 — в Белгородской".
_NUMBERED_ITEM = re.compile(r"^\s*\d+\s*[—–-]\s*(?:над|в|во|на)\s")


def list_after_sentence(text: str, s0: int, sentence: str) -> tuple[int, int] | None:
    """The sentence before a list of numbered items without a verb: "ПВО уничтожили 110
    беспилотников над разными регионами, сообщили в Минобороны. 43 — над Курской областью, 27 —
    над Липецкой" (the items leave out the verb and the source of the sentence before)."""
    if not _NUMBERED_ITEM.match(sentence):
        return None
    end = len(text[:s0].rstrip())
    if end == 0:
        return None
    start = max(text.rfind(c, 0, end - 1) for c in ".!?\n") + 1
    return start, end


#: A list item "name — number": "Курская область — 5 БПЛА;", "Белгородская — 3".
_NAME_NUMBER_ITEM = re.compile(r"^[\s*_]*[^\n—–:]{2,60}?\s[—–-]\s*(?:по\s+)?\d+")


def list_before_items(text: str, s0: int, sentence: str) -> tuple[int, int] | None:
    """The line before a block of "name — number" items that has no colon: "44 украинских
    беспилотника уничтожено над регионами РФ, сообщили в Минобороны" / "Курская область — 5
    БПЛА;" / "Белгородская область — 3 БПЛА;" (the items leave out its verb and source)."""
    if not _NAME_NUMBER_ITEM.match(sentence):
        return None
    pos = text.rfind("\n", 0, s0)
    if pos < 0 or text[pos + 1:s0].strip(" *_"):
        return None
    for _ in range(40):
        if pos <= 0:
            return None
        start = text.rfind("\n", 0, pos) + 1
        line = text[start:pos]
        if line.strip() and not _NAME_NUMBER_ITEM.match(line):
            return start, pos
        pos = start - 1
    return None


#: Power cut in a post that reports an attack earlier: the attack's effect on the place ("Сообщается
#: о массированном ударе по объектам на Украине. В Киеве ... перебои с электричеством").
_POWER_CUT_ALT = (
    r"(?:(?:перебо|отключ|отключени|сбо|веерн|аварийн|экстренн)\w*\s+(?:\S+\s+){0,2}?"
    r"(?:с\s+)?(?:электр|свет|энерго)\w*|(?:без|нет)\s+(?:света|электр\w*)|блэкаут\w*|"
    r"знеструм\w*|(?:відключ|вимкн|перебо)\w*\s+(?:\S+\s+){0,2}?(?:з\s+)?(?:світл|електр|енерго)\w*|"
    r"(?:power|electricity)\s+(?:cuts?|outages?)|blackouts?)")
_POWER_CUT = re.compile(r"(?<!\w)" + gate(_POWER_CUT_ALT) + _POWER_CUT_ALT, re.IGNORECASE)
_POWER_WORDS = ("электр", "свет", "энерго", "світл", "електр", "енерго", "блэкаут", "знеструм",
                "power", "electricity", "blackout")
#: ...unless the post says the cause is unknown or another one.
_CAUSE_UNKNOWN = re.compile(r"причин\w*\s+(?:\S+\s+){0,3}?(?:неизвестн|не\s+(?:извест|уточн|называ|связан))|"
                            r"не\s+связан|причин\w*\s+(?:\S+\s+){0,3}?(?:невідом|не\s+(?:відом|уточн|пов'язан))|"
                            r"плановы\w*|планов\w*|авари[яи]\s+на\s+подстанц", re.IGNORECASE)


#: Troops, fighters or a unit followed by "в/на/под/возле" and a name: where they are, when the
#: sentence has no verb of its own for them.
TROOPS_IN = re.compile(
    r"(?<!\w)(?:боевик|военнослужащ|военн(?!оплен)|войск|солдат|наемник|наёмник|бойц|"
    r"подразделени|группировк|отряд|добровол|ВСУ|ВС РФ|арми|бригад|батальон|полк|бойовик|"
    r"військ|підрозділ|угрупован|загін|загон|ЗСУ|ЗС РФ|fighters|troops|soldiers|militants|units)"
    r"\w*(?=\s+(?:[^\s.!?]+\s+){0,2}?(?:в|во|на|под|возле|около|у|під|біля|in|near|around)\s+"
    r"[«\"]?(?-i:[A-ZА-ЯЁІЇЄҐ]))", re.IGNORECASE)

#: From the troops to the place they are in: a preposition, then names of a list.
TROOPS_TO = re.compile(r"\s+(?:[^\s.!?]+\s+){0,2}?(?:в|во|на|под|возле|около|у|під|біля|in|near|"
                        r"around)\s+(?:[^\s.!?,;:]+\s+){0,2}?(?:[«\"]?(?-i:[A-ZА-ЯЁІЇЄҐ])[^\s.!?;:]*"
                        r"(?:,\s*|\s+(?:и|і|та|and)\s+|\s+)){0,6}?", re.IGNORECASE)


def power_cut_cues(text: str, s0: int, sentence: str, lex: Compiled) -> list:
    """Power cuts as strike cues when an earlier sentence of the post reports an attack."""
    low = sentence.lower()
    if not any(w in low for w in _POWER_WORDS) or not _POWER_CUT.search(sentence) or \
            _CAUSE_UNKNOWN.search(text):
        return []
    earlier = [m for m in lex.cue_index.finditer(text[:s0])
               if lex.cue_kinds[m.index][0] == ClaimKind.STRIKE]
    if not earlier:
        return []
    lang = lex.languages[0]
    return [(m.start() + s0, m.end() + s0, ClaimKind.STRIKE, lang, m.group())
            for m in _POWER_CUT.finditer(sentence)]


def list_header(text: str, s0: int) -> tuple[int, int] | None:
    """The header of the list whose item begins at ``s0``: a line of its own ending with a
    colon ("ПВО сбила беспилотники:", "Что сказал президент:"), with only list items (short
    lines, or lines opening with a dash or a bullet) between it and the item. A short header
    ("Основное:") takes the line before it too. Items of such a list leave out the verb and
    the source the header gives them (ellipsis): "Курская область — 5 БПЛА;"."""
    line0 = text.rfind("\n", 0, s0) + 1
    if text[line0:s0].strip(" *_") or s0 - line0 > 8:
        return None
    pos = line0 - 1
    for _ in range(40):
        if pos <= 0:
            return None
        start = text.rfind("\n", 0, pos) + 1
        line = text[start:pos]
        if _HEADER_END.search(line):
            if len(line.strip(" *_:")) < 25:  # "Основное:" -> the line before it too
                prev = text[:start - 1].rstrip()
                start = prev.rfind("\n") + 1 if prev else start
            return start, pos
        if line.strip() and not (_ITEM.match(line) or len(line) < 120):
            return None
        pos = start - 1
    return None


#: A word that points back to a place named in the sentence before: "там", "в самом городе",
#: "на подступах к поселку", "Этот район", "в регионе"; Ukrainian "у місті", "цей район".
_ANAPHOR_ALT = (
    r"(?:там|туда|оттуда|здесь|туди|звідти|тут|"
    r"(?:этот|этом|этого|этому|эта|этой|эту|эти|этих|самом|самого|самому|самой|"
    r"цей|цьому|цього|ця|цій|цю|самому|самого)\s+(?:город|посел|сел|район|регион|област|"
    r"населенн|провинци|деревн|місто|місті|міста|селищ|регіон|облас)\w*|"
    r"(?:в|во|к|у|под|на|над|из|за|до|біля|під|з)\s+(?:город[еау]?|пос[её]лк[еау]?|сел[еау]|"
    r"районе|регионе|регион|деревн[еюи]|населенн\w* пункт\w*|провинци[июи]|окрестност\w*|"
    r"місті|місто|міста|селищ[іеа]|селі|регіоні|регіон)|подступах)(?!\w)")
_ANAPHOR = re.compile(r"(?<!\w)" + gate(_ANAPHOR_ALT) + _ANAPHOR_ALT, re.IGNORECASE)


def carried(text: str, sentence: str, s0: int, before: tuple[int, int],
             mentions: Sequence[Mention], claims: list[Claim], lex: Compiled) -> Mention | None:
    """The one place of the sentence before, about which it claims nothing, when this
    sentence points back to it ("Бои идут у Коренево Курской области. На подступах к
    поселку ...", "... в Курской области. Этот район частично под контролем ВСУ")."""
    named = [m for m in mentions if before[0] <= m.start < before[1]
             and m.entry.kind in (SubjectKind.PLACE, SubjectKind.SITE)]
    if not named:
        return None
    ana = _ANAPHOR.search(sentence)
    if ana is None:
        return None
    places = [m for m in named
              if not stands_for_government(text, m, lex) and not not_the_subject(text, m)]
    claimed = {c.subject_id for c in claims if c.span == before}
    entries = {m.entry.id: m.entry for m in places if m.entry.id not in claimed}
    if len(entries) != 1 or len({m.entry.id for m in places}) != 1:
        return None
    (entry,) = entries.values()
    return Mention(s0 + ana.start(), s0 + ana.end(), ana.group(), entry,
                   f"anaphor of the sentence before: {entry.label}")
