"""Rule-based, explainable claim extraction from the text of reports, in English, Russian,
Ukrainian and Arabic. Pure: no I/O.

Names are found by the :class:`~basewatch.analysis.gazetteer.Gazetteer` (through inflection,
script and Arabic clitics); aircraft registrations and types by one regular expression each.
The post's language (its ``language``, else detected) chooses the lexicons
(:mod:`basewatch.analysis.lexicon`). Each sentence is split into clauses; a claim kind comes
from the cue word nearest to the subject (``departed``, ``покинули``, ``обстріл``, ``قصف``),
its stance from negations and hedges in the clause, its date from an explicit date nearest
the cue or a date relative to the post's time, and an aircraft or vessel is tied to the site
or place mentioned in its own clause. Each claim keeps its span and the rules that fired.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from basewatch.analysis.claim_context import (
    TROOPS_IN,
    TROOPS_TO,
    carried,
    list_after_colon,
    list_after_sentence,
    list_before_items,
    list_header,
    power_cut_cues,
)
from basewatch.analysis.claim_subjects import destination as goal_of_movement
from basewatch.analysis.claim_subjects import not_the_subject, stands_for_government
from basewatch.analysis.claim_war import usable_cues
from basewatch.analysis.dates import FoundDate, find_dates
from basewatch.analysis.gazetteer import VESSEL_CLASSES, GazEntry, Gazetteer, Mention
from basewatch.analysis.language import detect_language
from basewatch.analysis.lexicon import Compiled, lexicon_for
from basewatch.model import DatePrecision
from basewatch.model.reports import Claim, ClaimKind, Report, ReportSource, Stance, SubjectKind

__all__ = [
    "EXTRACTOR_VERSION",
    "VESSEL_CLASSES",
    "GazEntry",
    "Gazetteer",
    "Mention",
    "extract_claims",
    "find_dates",
]

#: Bumped whenever extraction rules change: cached claims of an older version are re-derived.
EXTRACTOR_VERSION = "11"

# --- aircraft --------------------------------------------------------------------------------

_REG = re.compile(r"(?<![\w-])(RA|RF)-(\d{5})(?![\w-])")
_TYPE = re.compile(r"(?<![\w-])(Il|An|Tu|Su|Ka|Mi|Yak|Be|MiG|Ил|Ан|Ту|Су|Ка|Ми|Як)-"
                   r"(\d{1,3}[A-ZА-Я]{0,3})(?![\w-])", re.IGNORECASE)

_DATE_HEDGE = re.compile(r"\b(?:likely|probably|possibly|вероятно|ймовірно)\s+(?:on\s+)?$",
                         re.IGNORECASE)
# A sentence ends at . ! ? followed by a space or the end, or at a line break: "pic.twitter.com"
# and "Il-76MD." inside a line do not end it. Arabic ends at ؟ too.
# Written as an unrolled loop (the same matches as ``(?:[^.!?؟\n]|[.!?؟]+(?=[^\s.!?؟]))+``
# followed by the end, checked on 200,000 random strings), which the engine runs twice as fast.
_SENTENCE = re.compile(r"(?=[^.!?؟\n]|[.!?؟]+[^\s.!?؟])[^.!?؟\n]*"
                       r"(?:[.!?؟]+(?=[^\s.!?؟])[^.!?؟\n]*)*(?:[.!?؟]+|$)", re.MULTILINE)
#: A cue outside the subject's clause counts only this close to it (characters).
_MAX_CUE_DISTANCE = 60
#: A negation counts only this close before its cue (characters).
_MAX_NEGATION_DISTANCE = 40

# --- extraction ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Subject:
    kind: SubjectKind
    id: str
    label: str
    start: int
    end: int
    rule: str
    entry: GazEntry | None = None


def _how(m: Mention) -> str:
    return f"gazetteer:{m.text!r}" + ("" if m.how == "exact" else f" ({m.how})")


def _clauses(start: int, sentence: str, lex: Compiled) -> list[tuple[int, int]]:
    bounds = [0, *[m.end() for m in lex.clause_split.finditer(sentence)], len(sentence) + 1]
    return [(start + a, start + b) for a, b in pairwise(bounds) if b > a]


_SYNTHETIC_FUTURE = re.compile(r"\wтим(?:у|уть|е|еш|емо|ете)(?:ся|сь)?(?!\w)", re.IGNORECASE)
#: "щоб/аби/чтобы" and up to three words before the cue (an infinitive of purpose).
_PURPOSE = re.compile(r"(?<!\w)(?:щоб|аби|чтобы|дабы)\s+(?:[^\s.!?,]+\s+){0,3}$", re.IGNORECASE)


def _stance(clause: str, cue_at: int, cue_end: int, dates: Sequence[FoundDate], offset: int,
            lex: Compiled, after: str = "") -> tuple[Stance, str]:
    """Stance of the cue at ``cue_at`` in ``clause``; ``after`` is the rest of the sentence,
    where a verdict on the whole statement ("…, — фейк") may stand."""
    # Hedges that qualify a date ("likely on 2 December") say nothing about the event.
    masked = list(clause)
    for f in dates:
        s = f.start - offset
        if 0 <= s <= len(clause):
            m = _DATE_HEDGE.search(clause[:s])
            if m:
                masked[m.start():s] = " " * (s - m.start())
    text = "".join(masked)
    strong = lex.strong_hedge.search(text)
    if strong:  # "не подтверждают", "not confirmed": doubt, not denial
        return Stance.SPECULATES, f"hedge:{strong.group()!r}"
    # A cue in the Ukrainian synthetic future ("звільнятимуть Херсон") is not an event yet.
    if _SYNTHETIC_FUTURE.search(text, cue_at, cue_end):
        return Stance.SPECULATES, f"future:{text[cue_at:cue_end]!r}"
    # A purpose ("щоб захопити", "чтобы взять") is an aim, not an event (an attempt is not:
    # "пытались прорваться" is fighting that took place).
    if _PURPOSE.search(text[max(0, cue_at - 40):cue_at]):
        return Stance.SPECULATES, "purpose"
    neg = [m for m in lex.negation.finditer(text) if m.start() < cue_at
           and cue_at - m.end() < _MAX_NEGATION_DISTANCE]
    if neg:
        return Stance.DENIES, f"negation:{neg[-1].group()!r}"
    verdict = lex.denial_after.search(text, cue_end) or lex.denial_after.search(after)
    if verdict:
        return Stance.DENIES, f"denial after the statement:{verdict.group()!r}"
    # A hedge word inside the cue itself ("может достать") is not a hedge of the cue.
    hedge = next((m for m in lex.hedge.finditer(text)
                  if not (cue_at <= m.start() < cue_end)), None)
    if hedge:
        return Stance.SPECULATES, f"hedge:{hedge.group()!r}"
    return Stance.ASSERTS, "no negation or hedge"


#: An attack (атака, атаковали, атакують) is a strike when its sentence names a weapon that
#: strikes from afar (a drone, a missile, an aircraft, artillery, a bomb) or calls it massive or
#: from the air (массированная атака: an air raid); without one it is
#: troops attacking: fighting ("ВСУ атаковали позиции", "атаки на Купянск были отбиты").
_ATTACK = re.compile(r"атак", re.IGNORECASE)
_STANDOFF = re.compile(
    r"(?<!\w)(?:БПЛА|беспилот\w*|безпілот\w*|дрон\w*|ракет\w*|авиа\w*|авіа\w*|самол[её]т\w*|"
    r"літак\w*|вертол[её]т\w*|гелікоптер\w*|артиллер\w*|артилер\w*|арт\w*удар\w*|миномет\w*|"
    r"міномет\w*|мином[её]т\w*|бомб\w*|КАБ\w*|ФАБ\w*|FPV|ФПВ|шахед\w*|герань\w*|калибр\w*|"
    r"искандер\w*|ATACMS|HIMARS|Storm Shadow|SCALP|Нептун\w*|РСЗО|ПВО|ППО|ВКС|ВВС|ПС|"
    r"массирован\w*|масован\w*|комбинирован\w*|комбінован\w*|воздушн\w*|повітрян\w*)(?!\w)",
    re.IGNORECASE)
#: A ground unit destroyed ("уничтожение группировки ВСУ", "уничтожили ДРГ") is fighting
#: unless a weapon from afar is named; an attack repelled ("при отражении атаки", "отражение
#: комбинированной атаки") is a strike when a weapon from afar is named (troops repelling an
#: assault stay fighting).
_GROUND_UNIT = re.compile(r"\s+(?:\S+\s+){0,1}?(?:группировк|плацдарм|подразделени|ДРГ|диверсионн|"
                          r"живой сил|личн\w* состав|пехот|штурмов|десант|рот[ыау]?\b|взвод|"
                          r"батальон|угрупован|підрозділ|особов)", re.IGNORECASE)
#: A state as the attacker ("Россия атаковала центр Харькова"): a country attacks a city from
#: afar; troops and units attack positions.
_STATE_AGENT = re.compile(r"(?<!\w)(?:Росси[яи]|Украин[аы]|Україн[аи]|[Рр]осі[яї]|[Рр]Ф|рф)\s+(?:\S+\s+){0,1}$")
#: An attack on a town, a region or a facility ("атаки окупантів на місто та область", "атаке
#: на объект ТЭК", "атаки по Кривому Рогу") comes from afar: a strike (troops attack positions).
_ATTACK_ON = re.compile(
    r"\w*\s+(?:[^\s.!?]+\s+){0,3}?(?:на|по)\s+(?:[^\s.!?]+\s+)?(?:объект|об['’ʼ]?єкт|город|міст|"
    r"област|регион|регіон|столиц|НПЗ|нефтебаз|нафтобаз|завод|предприяти|підприємств|"
    r"инфраструктур|інфраструктур|ТЭК|ПЕК|энерг|енерг|жил|житл|дом|будин|маршрутк|больниц|"
    r"лікарн|школ)|\w*\s+(?:[^\s.!?]+\s+){0,3}?по\s+(?-i:[A-ZА-ЯЁІЇЄҐ])", re.IGNORECASE)
#: A town or a region as the object of the verb ("росіяни атакували Харківщину", "атакуют
#: Сумы"): from afar, unless troops are the attackers ("ВСУ атаковали Суджу": fighting).
_ATTACK_VERB = re.compile(r"(?:ували|ував|увала|ують|ує|овали|овал|овала|уют|ует)$", re.IGNORECASE)
_CAP_OBJECT = re.compile(r"\s+(?:[«\"]\s*)?[A-ZА-ЯЁІЇЄҐ][а-яёіїєґ'’ʼ-]{2,}")
_TROOPS_BEFORE = re.compile(r"(?<!\w)(?:ВСУ|ЗСУ|ВС РФ|войск|військ|арми|армі|штурмов|пехот|піхот|"
                            r"десант|ДРГ|подраздел|підрозділ|бригад|батальон|боевик|бойовик)",
                            re.IGNORECASE)
_REPEL = re.compile(r"отра[жз]|відбит|відби(?:ли|в)", re.IGNORECASE)
_AIR_ATTACK = re.compile(r"\s+(?:\S+\s+){0,2}?(?:атак|нал[её]т|нальот|удар)", re.IGNORECASE)
#: The goal of a movement named after its verb: "в/на" and a capitalised name within a few
#: words ("приедет в Киев", "заводит солдат ВСУ на передовую в Курскую область").
_GOAL_AFTER = re.compile(r"\s+(?:[^\s.!?]+\s+){0,3}?(?:в|во|на|до|у|to|into)\s+"
                         r"(?:[^\s.!?]+\s+){0,2}?[«\"]?[A-ZА-ЯЁІЇЄҐ]")
#: A source named after a dash at the end of a sentence: "... контролирует город Хама —
#: Минобороны Сирии".
_DASH_SOURCE = re.compile(
    r"[\s*_][—–]\s*[*_]*\s*(?:[A-ZА-ЯЁІЇЄҐ][\w.-]*|(?:[\w-]+\s+){0,2}(?:СМИ|ЗМІ|губернатор\w*|"
    r"мэр\w*|мер\w*|глав\w*|агентств\w*|издани\w*|видани\w*|телеканал\w*|газет\w*|"
    r"источник\w*|джерел\w*|пресс-служб\w*|пресс-секретар\w*|посол|омбудсмен|командовани\w*|"
    r"министр\w*|военкор\w*|канал\w*|власт\w*|генштаб\w*|штаб\w*|ведомств\w*|разведк\w*|"
    r"аналитик\w*|эксперт\w*|блогер\w*|очевид\w*|жител\w*|прокурор\w*|прокуратур\w*|"
    r"представител\w*|спикер\w*|депутат\w*|military|officials?|media|sources?))"
    r"(?:\s+[\w.-]+){0,6}\s*[.!]?[*_]*\s*$")
#: A post that opens with a speaker and a colon or a quotation ("Минобороны РФ:", "Путин:",
#: "The New York Times: ...", "Минобороны РФ «Около 07.30 ...»"): what follows is the speaker's.
#: A lower-case preposition may stand inside the speaker's name ("Источник Reuters в Пентагоне:").
_SPEAKER = re.compile(r"^[\W_]*((?:[A-ZА-ЯЁІЇЄҐ][\w.-]*\s*(?:(?:в|во|из|при|у|у|з|із)\s+(?=[A-ZА-ЯЁІЇЄҐ]))?)"
                      r"{1,5})(?::|[\s*_]*«)")


#: A sentence that opens a quotation: someone's words, not the channel's (a long one: a name in
#: quotation marks, "«Шахеды» атакуют", "\"Хайат Тахрир аш-Шам\", захватившая", is not speech).
_QUOTE_OPENS = re.compile(r"^[\s*_]*[«\"“„][^»\"”“]{40}")
_WORD = re.compile(r"[^\W\d_]{2}")
_LINK = re.compile(r"(?:https?|tg)://[^\s)\]>]+")

def _next_sentence_end(text: str, s1: int) -> int:
    """Where the sentence after the one ending at ``s1`` ends: an attack's weapon is often named
    there ("ВСУ атаковали город Железногорск. ... ПВО отработала по дрону")."""
    nxt = next((m for m in _SENTENCE.finditer(text, s1) if m.group().strip()), None)
    return nxt.end() if nxt else s1


def _attributed(text: str, sentence: str, s0: int, s1: int, lex: Compiled, stance: Stance,
                why: str, mentions: Sequence[Mention]) -> tuple[Stance, str]:
    """An asserted claim that the post attributes to someone outside its clause: a source
    after a dash at the end of its sentence, a first sentence that relays a report
    ("…, сообщило Минобороны." then "Над Брянской областью сбиты 20 БПЛА"), or a later
    sentence "Об этом сообщили ...", or a speaker and a colon opening the post ("Путин:";
    a place opening it, "Курахово:", is a header)."""
    dash = _DASH_SOURCE.search(sentence)
    if dash:
        return Stance.SPECULATES, f"attribution:{dash.group().strip()!r}"
    # A source on a line of its own after the headline ("…у боях за Бахмут\n– НАТО\n")
    nxt = next((m for m in _SENTENCE.finditer(text, s1) if m.group().strip()), None)
    if nxt is not None and nxt.group().lstrip(" *_")[:1] in "—–" and \
            _DASH_SOURCE.fullmatch(" " + nxt.group().strip()):
        return Stance.SPECULATES, f"attribution on the next line:{nxt.group().strip()!r}"
    if _QUOTE_OPENS.match(sentence):  # direct speech: «…», — сказал он; a quoted headline
        return Stance.SPECULATES, "quotation"
    sp = _SPEAKER.match(text)
    if sp and not any(sp.start(1) <= m.start < sp.end(1) for m in mentions):  # "Курахово:"
        return Stance.SPECULATES, f"speaker:{sp.group(1).strip()!r}"
    head = list_header(text, s0)
    if head is not None:
        rep = lex.reporting.search(text, *head) or lex.hedge.search(text, *head)
        if rep:
            return Stance.SPECULATES, f"attribution of the list's header:{rep.group()!r}"
    # A sentence closed by ", сообщило Минобороны" (the verb right after the last comma) is the
    # source's in all its clauses
    # ("…над регионами: 14 - над Краснодарским краем, 6 – над Брянской, сообщило Минобороны").
    comma = sentence.rfind(",")
    after = len(sentence[comma + 1:]) - len(sentence[comma + 1:].lstrip(" *_"))
    tail = lex.reporting.match(sentence, comma + 1 + after) \
        if 0 <= comma > len(sentence) - 90 else None
    if tail:
        return Stance.SPECULATES, f"attribution at the sentence's end:{tail.group()!r}"
    # (Ukrainian channels open with an emoji on a line of its own: the first sentence has words)
    first = next((m for m in _SENTENCE.finditer(text) if _WORD.search(m.group())), None)
    if first is not None and first.end() <= s0:
        rep = lex.reporting.search(first.group()) or _DASH_SOURCE.search(first.group())
        if rep and not lex.reporting.search(first.group()) and any(
                first.start() + rep.start() <= m.start < first.start() + rep.end()
                for m in mentions):
            rep = None  # "єВідновлення — Харківщина.": a header naming a place, no source
        if rep:
            return Stance.SPECULATES, f"attribution of the first sentence:{rep.group().strip()!r}"
    for sm in _SENTENCE.finditer(text, s1):
        back = lex.attribution_back.match(sm.group())
        if back:
            return Stance.SPECULATES, f"attribution after:{back.group().strip()!r}"
    return stance, why


#: A line break inside a sentence: exports put a formatted word (bold, a link) on a line of
#: its own with the spaces around it ("що Харків \nзакупить\n нових автобусів", "«Киев
#: готовит \nХарьков\n и \nСумы\n к сдаче»"). A break that touches a space, after a letter,
#: a comma or an opening quotation mark, before a letter or a quotation mark, is a space (one
#: character for one: spans stay the text's); a break between two words with no space is a
#: line's end (a headline, an item).
def _inline_breaks(text: str) -> str:
    if " \n" not in text and "\n " not in text:
        return text
    out: list[str] | None = None
    n = len(text)
    i = text.find("\n")
    while i != -1:
        a, b = i, i + 1
        while a > 0 and text[a - 1] == " ":
            a -= 1
        while b < n and text[b] == " ":
            b += 1
        if (a < i or b > i + 1) and a > 0 and b < n:
            before, after = text[a - 1], text[b]
            if (before.isalpha() or before in ',«"') and (after.isalpha() or after in '«"'):
                if out is None:
                    out = list(text)
                out[i] = " "
        i = text.find("\n", i + 1)
    return "".join(out) if out is not None else text


def extract_claims(report: Report, gazetteer: Gazetteer,
                   source: ReportSource | None = None) -> list[Claim]:
    """The claims of one report. Credibility is the source's default (6 if ungraded)."""
    # A no-break space (often after a short preposition: "в\u00a0Курске") is a space to every
    # pattern; one character for one, so the spans stay those of the report's text.
    text = report.text.replace("\u00a0", " ").replace("\u202f", " ")
    if "\n" in text:
        text = _inline_breaks(text)
    credibility = source.default_credibility if source is not None else 6
    # A name inside a link's address ("…/putin-kursk-assault-…") is not a mention.
    links = [m.span() for m in _LINK.finditer(text)] if "://" in text else []
    mentions = [m for m in gazetteer.find(text)
                if not any(a <= m.start < b for a, b in links)]
    if not mentions and not _REG.search(text):
        return []
    language = report.language or detect_language(text)
    lex = lexicon_for(language)
    sites_in_post = {m.entry.id for m in mentions
                     if m.entry.kind in (SubjectKind.SITE, SubjectKind.PLACE)}
    post_sites = {m.entry.id: m.entry for m in mentions if m.entry.kind == SubjectKind.SITE}
    post_site = next(iter(post_sites.values())) if len(post_sites) == 1 else None
    claims: list[Claim] = []
    found: list[FoundDate] | None = None
    prev_span: tuple[int, int] | None = None
    war: list[bool] = []  # whether the post speaks of war: asked once, when a cue needs it
    for sm in _SENTENCE.finditer(text):
        s0, s1 = sm.start(), sm.end()
        sentence = sm.group()
        if not sentence.strip():
            continue
        before_span, prev_span = prev_span, (s0, s1)
        sent_mentions = [m for m in mentions if s0 <= m.start < s1]
        regs = [_Subject(SubjectKind.AIRCRAFT, f"{m.group(1).upper()}-{m.group(2)}",
                         f"{m.group(1).upper()}-{m.group(2)}", m.start() + s0, m.end() + s0,
                         "registration") for m in _REG.finditer(sentence)]
        if not sent_mentions and not regs and before_span is not None:
            back = carried(text, sentence, s0, before_span, mentions, claims, lex)
            sent_mentions = [back] if back is not None else []
        if not sent_mentions and not regs and post_site is None:
            continue  # nothing to claim about: the cue scan is the costly part
        cues = usable_cues(text, [(m.start + s0, m.end + s0, *lex.cue_kinds[m.index], m.text)
                                  for m in lex.cue_index.finditer(sentence)], war)
        troops: list = []
        if sent_mentions and "\n" not in sentence:
            cues = sorted(cues + power_cut_cues(text, s0, sentence, lex))
        head = None
        if not cues and sent_mentions:
            # No verb: troops named in a place are there ("вооружают боевиков в Идлибе",
            # "добровольцы «Барс» в Крыму, Белгороде", "ВС РФ будут возле Днепра").
            troops = [(m.start() + s0, m.end() + s0, ClaimKind.PRESENCE, lex.languages[0],
                       m.group()) for m in TROOPS_IN.finditer(sentence)]
            cues = [c for c in troops if any(TROOPS_TO.fullmatch(text, c[1], m.start)
                                             for m in sent_mentions if m.start > c[1])]
        if not cues:
            # A list item without a verb takes its header's ("…над регионами:" / "Курская
            # область — 5 БПЛА;").
            head = (list_header(text, s0) or list_after_sentence(text, s0, sentence)
                    or list_before_items(text, s0, sentence)) if sent_mentions else None
            if head is None:
                continue
            cues = usable_cues(text, [(m.start + head[0], m.end + head[0],
                                       *lex.cue_kinds[m.index], m.text)
                                      for m in lex.cue_index.finditer(text[head[0]:head[1]])],
                               war)
            if not cues:
                continue
        if found is None:
            found = find_dates(text, report.published, lex)
        dates, post_dates = found, {d.date for d in found}
        vessels = [_Subject(SubjectKind.VESSEL, m.entry.id, m.entry.label, m.start, m.end,
                            _how(m), m.entry)
                   for m in sent_mentions if m.entry.kind == SubjectKind.VESSEL]
        places = [m for m in sent_mentions if m.entry.kind != SubjectKind.VESSEL
                  and not stands_for_government(text, m, lex)
                  and not not_the_subject(text, m)]
        movers = regs + vessels
        subjects = movers or [_Subject(m.entry.kind, m.entry.id, m.entry.label, m.start, m.end,
                                       _how(m), m.entry) for m in places]
        if not subjects and post_site is not None:
            # "Looking pretty empty" under a header naming one base: the post's only site,
            # once per kind of cue in the sentence.
            subjects = [_Subject(post_site.kind, post_site.id, post_site.label, c[0], c[1],
                                 f"post site:{post_site.id} (only site named in the post)",
                                 post_site) for c in cues]
        clauses = _clauses(s0, sentence, lex)
        types = [(m.start() + s0, m.group()) for m in _TYPE.finditer(sentence)]
        seen: set[tuple[str, ClaimKind]] = set()
        for subj in subjects:
            c0, c1 = next(((a, b) for a, b in clauses if a <= subj.start < b), (s0, s1))
            # "fall of X" is about X only, not about the next name in the clause.
            usable = [c for c in cues if not c[4].lower().endswith(" of")
                      or text[c[1]:subj.start].strip() == ""]
            in_clause = usable if head is not None else \
                [c for c in usable if c0 <= c[0] < c1] or \
                [c for c in usable if abs(c[0] - subj.start) <= _MAX_CUE_DISTANCE
                 or subj.kind == SubjectKind.VESSEL] or \
                list_after_colon(text, clauses, c0, usable)  # ship lists run long
            # A movement to a named place ("заводит солдат на передовую в Курскую область",
            # "жалеет о поездке на Украину") is about that place, not a name before the verb.
            if head is None and in_clause and in_clause[0] in troops:
                # troops in a place: only the places that follow them ("боевиков в Идлибе")
                in_clause = [c for c in in_clause if subj.start > c[1]
                             and TROOPS_TO.fullmatch(text, c[1], subj.start)]
            in_clause = [c for c in in_clause if c[2] != ClaimKind.ARRIVAL
                         or subj.start > c[0] or not _GOAL_AFTER.match(text, c[1])]
            if not in_clause:
                continue
            cue = min(in_clause, key=lambda c: abs(c[0] - subj.start))
            kind = cue[2]
            if kind == ClaimKind.STRIKE and (_ATTACK.match(cue[4]) and not _ATTACK_ON.match(
                    text, cue[1]) and not (_ATTACK_VERB.search(cue[4]) and _CAP_OBJECT.match(
                    text, cue[1]) and not _TROOPS_BEFORE.search(text, max(s0, cue[0] - 40),
                                                               cue[0])) and not _STANDOFF.search(
                    text, s0, _next_sentence_end(text, s1)) and not _STATE_AGENT.search(
                    text, max(s0, cue[0] - 25), cue[0]) or _GROUND_UNIT.match(
                    text, cue[1]) and not _STANDOFF.search(text, s0, s1)):
                kind = ClaimKind.FIGHTING  # troops attacking or destroyed: no weapon from afar
            elif kind == ClaimKind.FIGHTING and _REPEL.match(cue[4]) and \
                    _AIR_ATTACK.match(text, cue[1]) and _STANDOFF.search(text, s0, s1):
                kind = ClaimKind.STRIKE  # an air attack repelled ("отражение атаки БПЛА")
            if kind == ClaimKind.EVACUATION and subj.entry is not None and \
                    goal_of_movement(text, subj.start):
                continue  # "эвакуировать его в Донецк": where people go, not what is evacuated
            if (subj.id, kind) in seen:
                continue
            seen.add((subj.id, kind))
            rules = [subj.rule, f"cue[{cue[3]}]:{cue[4]!r}->{kind.value}"]
            # Stance is read in the clause of the cue, which may not be the subject's.
            if head is not None:  # the header's clause gives the stance
                k0, k1 = head
                stance, why = _stance(text[k0:k1], cue[0] - k0, cue[1] - k0, dates, k0, lex)
            else:
                k0, k1 = next(((a, b) for a, b in clauses if a <= cue[0] < b), (c0, c1))
                stance, why = _stance(text[k0:min(k1, s1)], cue[0] - k0, cue[1] - k0, dates,
                                      k0, lex, text[min(k1, s1):s1])
            if stance == Stance.ASSERTS:
                stance, why = _attributed(text, sentence, s0, s1, lex, stance, why, mentions)
            rules.append(f"stance:{stance.value} ({why})")
            site_id = site_kind = destination = ""
            if subj.kind in (SubjectKind.AIRCRAFT, SubjectKind.VESSEL):
                tie = [m for m in places if c0 <= m.start < c1]
                if not tie and len(movers) == 1:
                    tie = places
                for m in tie:
                    if lex.to_words.search(text[max(c0, m.start - 20):m.start]) and \
                            not lex.from_words.search(text[max(c0, m.start - 30):m.start]):
                        destination = destination or m.entry.id
                    elif not site_id:
                        site_id, site_kind = m.entry.id, m.entry.kind.value
                if site_id:
                    rules.append(f"tie:{site_id} (same clause)")
                elif subj.kind == SubjectKind.VESSEL and not tie and len(sites_in_post) == 1:
                    # A ship list under a post about one harbour belongs to that harbour.
                    site_id = next(iter(sites_in_post))
                    site_kind = next(m.entry.kind.value for m in mentions
                                     if m.entry.id == site_id)
                    rules.append(f"tie:{site_id} (only site in the post)")
                if destination:
                    rules.append(f"destination:{destination}")
                near_type = [t for p, t in types if abs(p - subj.start) < 40]
                label = f"{near_type[0]} {subj.label}" if near_type else subj.label
            else:
                label = subj.label
            in_sentence = [d for d in dates if s0 <= d.start < s1]
            if in_sentence:
                cue_at = cue[0]

                def score(d: FoundDate, cue_at: int = cue_at) -> float:
                    # The date nearest the cue, and one introduced by "on" before others.
                    on = 20 if re.search(r"\bon\s+$", text[max(0, d.start - 4):d.start]) else 0
                    return abs(d.start - cue_at) - on
                best = min(in_sentence, key=score)
                event_date, basis = best.date, best.basis
                rules.append(f"date:{basis} {best.text!r}")
            elif len(post_dates) == 1:
                (event_date,) = post_dates
                basis = "post"
                rules.append(f"date:the post's only date {event_date}")
            else:
                event_date, basis = report.published.date(), "published"
                rules.append("date: none given; on or before the post's day")
            claims.append(Claim(
                id=f"{report.id}:{s0}-{s1}:{subj.id}:{kind.value}", report_id=report.id,
                source_id=report.source_id, subject_kind=subj.kind, subject_id=subj.id,
                subject_label=label, kind=kind, stance=stance, published=report.published,
                event_date=event_date, date_precision=DatePrecision.DAY, date_basis=basis,
                span=(s0, s1), text=sentence.strip(), credibility=credibility,
                site_id=site_id, site_kind=site_kind, destination_id=destination,
                rules=tuple(rules)))
    return claims

