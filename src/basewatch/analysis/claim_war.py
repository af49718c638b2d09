"""Whether a cue word is used of war at all. Pure.

Real news channels report crime, fires, accidents, sport and history in the same words war
reports use: hostages are "захвачены", a blogger "напал" on a fan, a fire "горит", a
train's passengers are evacuated, lions "находились" in a cage, a fruit fly "уничтожила"
tangerines. Round 9's rule: such an **everyday cue** (a word with a common sense outside war)
makes a claim only in a post that speaks of war (a military actor, a weapon or a war word
anywhere in it). Cues that have no everyday sense (обстрел, бои, штурм, прилёт, "сбили")
need nothing more.

And a **status epithet** is no event: "в оккупированной Волновахе", "окупованого Кримського
півострова", "захопленої ЗАЕС", "аннексированный Крым", "вибиті Patriot" describe what a place
or a thing is, not what happened on the post's day; the long (attributive) participle of
occupying, annexing, capturing or liberating is not a cue unless a copula makes it the
predicate ("был оккупирован", "було окуповане").
"""

from __future__ import annotations

import re

__all__ = ["epithet", "everyday_cue", "usable_cues", "war_context"]

#: Military actors, weapons and war words (Russian and Ukrainian stems; English for mixed
#: posts). Not a cue list: "бой" (a boxing bout), "удар" (a punch) and "взрыв" (gas) are
#: left out, since they are the words whose sense is in question.
_WAR = re.compile(
    # abbreviations, in their own case ("КАБ" is a guided bomb, "кабинет" is not)
    r"(?<!\w)(?:(?-i:ВСУ|ЗСУ|ВС\s?РФ|ВСРФ|ВКС|ВМС|ВМФ|ПВО|ППО|РЭБ|РЕБ|БПЛА|БпЛА|ДРГ|СВО|ГУР|ТЦК|"
    r"ЗРК|РСЗО|КАБ\w*|ФАБ\w*|FPV|ФПВ|ОШБр|ОМБр|ДШВ|ДШБр|ОБр|СБУ|ЧФ|HIMARS|ATACMS|SCALP|Taurus|"
    r"Storm Shadow)|"
    r"Минобороны|Міноборони|Генштаб\w*|ЗСУшник\w*|ВСУшник\w*|"
    r"арми[яиюей]|армі[яїюєі]\w*|войск\w*|військ\w*|военн\w*|воен(?:ный|ные)|військов\w*|"
    r"солдат\w*|бойц\w*|бійц\w*|боец|боєць|боевик\w*|бойовик\w*|военнослужащ\w*|"
    r"військовослужбов\w*|наемник\w*|найманц\w*|найманець|десант\w*|штурмовик\w*|"
    r"оккупант\w*|окупант\w*|оккупац\w*|окупац\w*|оккупир\w*|окупован\w*|ворог\w*|"
    r"вооруж[её]нн\w* (?:столкновени|конфликт|сил)\w*|збройн\w* (?:зіткнен|конфлікт|сил)\w*|бойов\w*|противник\w*|(?:при)?фронт(?:а|е|у|ом|ов|ы|и|ів|ові|ах|ам)?|(?:при)?фронтов\w*|"
    r"передов(?:ая|ой|ую|ій|а|у)|окоп\w*|бригад(?:а|и|ы|ою|ой)\s+(?:ВСУ|ЗСУ|\d)|"
    r"дрон\w*|беспилотн\w*|безпілотн\w*|шахед\w*|герань\w*|ракет(?!к)\w*|снаряд\w*|"
    r"боеприпас\w*|боєприпас\w*|артиллер\w*|артилер\w*|миномет\w*|міномет\w*|гаубиц\w*|"
    r"танк(?:и|ов|а|ом|ами|ах|у|ів|ові|ам)?|бронетехни\w*|бронетехні\w*|авиаудар\w*|"
    r"авіаудар\w*|авиабомб\w*|авіабомб\w*|бомбардир\w*|"
    r"обстрел\w*|обстріл\w*|прил[её]т\w*|приліт\w*|войн[аеыуо]\w*|війн\w*|воюю\w*|воюва\w*|"
    r"воева\w*|вторжени\w*|вторгл\w*|вторгнен\w*|вторгн\w*|агресси[яиюей]|агресор\w*|"
    r"агрессор\w*|агресі[яїюєі]\w*|мобилиз\w*|мобіліз\w*|контрнаступ\w*|оборон\w*|"
    r"офицер\w*|офіцер\w*|авиабаз\w*|авіабаз\w*|аэродром\w*|аеродром\w*|флот\w*|корабл\w*|"
    r"фрегат\w*|подлодк\w*|(?:Ил|Ан|Ту|Су|Іл)-\d+\w*|переворот\w*|повстан\w*|мятеж\w*|"
    r"заколот\w*|массирован\w*|масован\w*|конфликт\w* (?:в|на) Украин\w*|урегулир\w*|"
    r"troops|army|military|missile\w*|drone\w*|shelling|airstrike\w*|war)(?!\w)",
    re.IGNORECASE)

#: Cue words with a common sense outside war (their stems as the lexicons match them):
#: seizing and taking (hostages, land by raiders), attacking (a person), fire and burning,
#: being somewhere, leaving, being seen or recorded, blowing up, liquidating, destroying,
#: covering ("накрыли казино"), hitting, falling, freeing (hostages). Not shooting (стрельба
#: in a town is fighting, round 8), visits,
#: trips, evacuations or a conflict "в/на" a place, which the lexicons already confine.
_EVERYDAY = re.compile(
    r"(?:захват|захвач|захоп|взял|взят|взя|напал|напад|пожар|пожеж|возгоран|загоран|гор[иія]т|"
    r"горел|горі|находи|находя|находил|знаход|перебува|вышл|вышел|ушл|уш[её]л|вийш|пішл|пішов|"
    r"зафиксир|зафіксов|замеч|поміч|подрыв|подорва|підрив|підірва|ликвидир|ліквідув|уничтож|"
    r"знищ|накрыл|накрил|попадани|влучанн|падени|падінн|освобожд|освободи|звільн|расстрел|"
    r"розстріл|бригад|впал|упал|зіткнен|столкновени|зруйн|руйн|пошкод|разруш|вигна|виган|выгна|"
    r"выгоня|изгна|відстоя|отстоя|відкину|відкида|отброс|отбрасыв)",
    re.IGNORECASE)

#: The long (attributive) participle of occupying, annexing, capturing, liberating or knocking
#: out, in Russian and Ukrainian: "оккупированной", "окупованого", "захопленої",
#: "аннексированный", "захваченные", "освобождённых", "звільненого", "вибиті".
_EPITHET = re.compile(
    r"(?:оккупированн|аннексированн|захваченн)(?:ый|ая|ое|ые|ого|ой|ому|"
    r"ым|ом|ую|ых|ыми)|"
    r"(?:окупован|анексован|захоплен|вибит)(?:ий|а|е|і|ого|ої|ому|ій|им|ім|у|их|ими)",
    re.IGNORECASE)
#: A copula or an adverb of time before the participle makes it the predicate: "был
#: оккупирован", "Ізюм досі окупований."
_COPULA = re.compile(r"(?:был[аио]?|были|будет|будут|стал[аио]?|стали|був|була|було|були|"
                     r"досі|досих пір|до сих пор|ещ[её]|все ещё|вс[её] ещ[её]|уже|вже|ще|"
                     r"буде|будуть|став|стала|стало|стали|оказал\w*|виявил\w*)\s+(?:\S+\s+)?$",
                     re.IGNORECASE)
_TERROR = re.compile(r"(?<!\w)(?:террорист|терорист|боевик|бойовик)\w*", re.IGNORECASE)
_HOSTAGE = re.compile(r"заложник|заручник", re.IGNORECASE)
_HOSTAGES = re.compile(r"\s+(?:\S+\s+){0,2}?(?:в\s+)?(?:заложник|заручник)", re.IGNORECASE)
_NAME_AFTER = re.compile(r"\s+[«\"]?[A-ZА-ЯЁІЇЄҐ][а-яёіїєґ'’]+")
_NEXT_WORD = re.compile(r"\s+[^\W\d_]")
_CYR = re.compile(r"[\u0400-\u04ff]")


def war_context(text: str) -> bool:
    """Whether the post names a military actor, a weapon or the war anywhere. Terrorists count
    unless the post is about hostages (a prison siege, a robbery: crime, not war)."""
    return bool(_WAR.search(text)) or bool(_TERROR.search(text)) and not _HOSTAGE.search(text)


def everyday_cue(cue_text: str) -> bool:
    """Whether a (Russian or Ukrainian) cue word has a common sense outside war."""
    return bool(_CYR.search(cue_text)) and bool(_EVERYDAY.match(cue_text.lstrip("«\"")))


def epithet(text: str, start: int, cue_text: str) -> bool:
    """Whether the cue at ``start`` is a participle of status before or after its noun,
    not an event: "в оккупированной Волновахе", "ЗАЕС, окупованої з 4 березня"."""
    if not _EPITHET.fullmatch(cue_text):
        return False
    if not _NEXT_WORD.match(text, start + len(cue_text)):
        return False  # "Ізюм окупований." ends its sentence: the predicate
    return not _COPULA.search(text, max(0, start - 30), start)


def usable_cues(text: str, cues: list, war: list) -> list:
    """``cues`` (tuples of start, end, kind, language, text) without status epithets, and
    without everyday cues when the post speaks of no war (``war`` caches that answer, one
    element list, empty until asked)."""
    out = []
    for c in cues:
        if epithet(text, c[0], c[4]):
            continue
        if _HOSTAGES.match(text, c[1]):
            continue  # "захватили в заложники", "взяли в заложники": hostages, not ground
        if everyday_cue(c[4]) and not _NAME_AFTER.match(text, c[1]):
            # (a place named right after the verb is its object: "Взять Одессу")
            if not war:
                war.append(war_context(text))
            if not war[0]:
                continue
        out.append(c)
    return out
