"""Round 9 of the claim rules (session 6): everyday cue words in posts that do not speak of
war, status epithets, names inside other objects' names, and the language of real Ukrainian
war channels (reporting, attribution on the next line, denials, hitting, bombs dropped,
people taken away, defending a town).

Every sentence here is synthetic, written for these tests in the style of Russian and
Ukrainian channels (no real post's text), with its answers written by hand. The places are
mostly ones the real sets' rules were not read on (Мелитополь, Херсон, Горловка, Энергодар,
Миколаїв, Таганрог).
"""

from __future__ import annotations

import pytest

from basewatch.analysis.claim_war import epithet, everyday_cue, war_context
from basewatch.analysis.claims import EXTRACTOR_VERSION
from tests.analysis.claim_sentences import claims_in

GENERATOR = "tests/analysis/test_claims_round9.py (hand-written sentences)"

PLACES = {
    "melitopol": ["Мелитополь", "Мелітополь"], "kherson": ["Херсон"],
    "horlivka": ["Горловка", "Горлівка"], "enerhodar": ["Энергодар", "Енергодар"],
    "mykolaiv": ["Николаев", "Миколаїв"], "taganrog": ["Таганрог"],
    "zaporizhzhia": ["Запорожье", "Запоріжжя"], "rostov-oblast": ["Ростовская область"],
    "kharkiv": ["Харьков", "Харків"], "sloviansk": ["Славянск", "Слов'янськ"],
}


def claims_on(text: str, language: str = "ru") -> list[tuple[str, str, str]]:
    return claims_in(text, PLACES, language=language, generator=GENERATOR, first_per_place=True)


def test_version_bumped() -> None:
    assert int(EXTRACTOR_VERSION) >= 10


def test_war_context_and_everyday_words() -> None:
    assert war_context("Над городом сбили два беспилотника.")
    assert war_context("ЗСУ відбили штурм.")
    assert not war_context("Блогер ударил болельщика на стадионе.")
    assert not war_context("Террористы взяли в заложники сотрудников изолятора.")
    # abbreviations in their own case; words whose stems hide another sense
    assert war_context("Удар КАБ по окраине.") and not war_context("Открыли новый кабинет.")
    assert not war_context("Фабрика закрыта, наступление зимы, новая ракетка, позиция МИД.")
    assert everyday_cue("захватили") and everyday_cue("пожар") and everyday_cue("знаходиться")
    assert not everyday_cue("обстрел") and not everyday_cue("штурм")


def test_epithet_is_attributive_only() -> None:
    t = "в оккупированном Мелитополе"
    assert epithet(t, 2, "оккупированном")
    t = "Херсон был оккупирован весной."
    assert not epithet(t, 10, "оккупирован")  # not a long participle at all
    t = "Мелітополь досі окупований."
    assert not epithet(t, 16, "окупований")  # the predicate, at the sentence's end


@pytest.mark.parametrize(("text", "expected"), [
    # Everyday words in a post that does not speak of war: nothing.
    ("Пожар на складе в Таганроге потушен, пострадавших нет.", []),
    ("В Таганроге мужчина напал на охранника магазина.", []),
    ("Заключённые захватили в заложники двух сотрудников колонии в Ростовской области.", []),
    ("Ураган уничтожил урожай винограда в Херсоне.", []),
    ("Знаменитая певица находится в Таганроге на отдыхе.", []),
    # The same words with war in the post: a claim.
    ("Пожар на нефтебазе в Таганроге начался после атаки беспилотников.",
     [("taganrog", "strike", "asserts")]),
    ("ВСУ захватили позиции под Горловкой.", [("horlivka", "capture", "asserts")]),
    # A place named right after the verb is its object, war words or not.
    ("Взять Херсон им так и не удалось.", [("kherson", "capture", "asserts")]),
])
def test_everyday_cues_ru(text: str, expected: list) -> None:
    assert claims_on(text) == expected


@pytest.mark.parametrize(("text", "expected", "language"), [
    # Status epithets are no event; the predicate is.
    ("Жители оккупированного Мелитополя жалуются на цены на хлеб.", [], "ru"),
    ("Ціни на хліб в окупованому Мелітополі зросли вдвічі.", [], "uk"),
    ("Росія примусово вивозить людей з окупованого Мелітополя.",
     [("melitopol", "evacuation", "asserts")], "uk"),
    ("Росіяни окупували Мелітополь у березні.", [("melitopol", "capture", "asserts")], "uk"),
    # Names inside other objects' names.
    ("ВСУ обстреляли окраину Славянска-на-Кубани? Нет, речь о пожаре на рынке.", [], "ru"),
    ("Футболисты ФК Таганрог проиграли, а в Горловке ночью был обстрел.",
     [("horlivka", "strike", "asserts")], "ru"),
    ("Поезд \"Таганрог - Москва\" задержан из-за атаки беспилотников на станцию.", [], "ru"),
    ("Задержан Николай Петров, который готовил подрыв газопровода по заданию СБУ.", [], "ru"),
    ("Движение беспилотников замечено со стороны Запорожья.", [], "ru"),
    # A dative coordinated after по.
    ("Армия нанесла удары по Горловке и Энергодару.",
     [("horlivka", "strike", "asserts"), ("enerhodar", "strike", "asserts")], "ru"),
])
def test_not_the_place(text: str, expected: list, language: str) -> None:
    assert claims_on(text, language) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Hitting and striking at; bombs dropped; taken away; defended; attacks on a town.
    ("Окупанти вдарили ракетами по Миколаєву.", [("mykolaiv", "strike", "asserts")]),
    ("Ворог влучив у багатоповерхівку в Херсоні.", [("kherson", "strike", "asserts")]),
    ("Вночі росіяни скинули дві КАБ на Горлівку.", [("horlivka", "strike", "asserts")]),
    ("Окупанти вивезли техніку з Енергодару.", [("enerhodar", "evacuation", "asserts")]),
    ("Наші бійці обороняють Слов'янськ.", [("sloviansk", "fighting", "asserts")]),
    ("Попри щоденні атаки окупантів на місто Херсон, школи працюють.",
     [("kherson", "strike", "asserts")]),
    ("Бійці відбили село під Горлівкою.", [("horlivka", "capture", "asserts")]),
    ("Про відведення військ з Енергодару говорять уже тиждень.",
     [("enerhodar", "departure", "speculates")]),
    # Reporting, attribution and denial in Ukrainian.
    ("Ворог обстріляв Херсон, повідомили в ОВА.", [("kherson", "strike", "speculates")]),
    ("Ворог обстріляв Херсон.\nПро це повідомила обласна влада.",
     [("kherson", "strike", "speculates")]),
    ("Росіяни обстріляли Херсон\n– ОВА\nДеталі згодом.", [("kherson", "strike", "speculates")]),
    ("За оперативною інформацією, ворог зосередив техніку під Мелітополем.",
     [("melitopol", "presence", "speculates")]),
    ("Вся інформація про наступ на Запоріжжя є вигадкою пропагандистів.",
     [("zaporizhzhia", "fighting", "denies")]),
    ("Окупанти можуть вдарити по Харкову, а от по селах не стріляють.",
     [("kharkiv", "strike", "speculates")]),
    # A header naming a place after a dash is no source.
    ("⚡️\nВідновлення — Херсон.\nПісля обстрілу Херсона відновили 40 будинків.",
     [("kherson", "strike", "asserts")]),
])
def test_ukrainian_channels(text: str, expected: list) -> None:
    assert claims_on(text, "uk") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("ПВО работает в Таганроге, — мэр.", [("taganrog", "strike", "speculates")]),
    ("Беспилотник врезался в жилой дом в Таганроге.", [("taganrog", "strike", "asserts")]),
    ("Над Ростовской областью перехвачены три беспилотника.",
     [("rostov-oblast", "strike", "asserts")]),
    ("Сообщения о наступлении на Запорожье являются выдумкой.",
     [("zaporizhzhia", "fighting", "denies")]),
])
def test_russian_forms(text: str, expected: list) -> None:
    assert claims_on(text) == expected
