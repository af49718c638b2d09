"""Round 10 of the claim rules (session 6): the language of real Ukrainian channels (digests of
the General Staff, officials' posts, formatted words on lines of their own) and place forms
("X-щина" of a region, a list of region adjectives before one plural noun, a river's bank, a
street named after a city).

Every sentence here is synthetic, written for these tests in the style of Ukrainian and
Russian channels (no real post's text), with its answers written by hand. The places are
mostly ones whose forms no real set was read for (Мелітополь, Горлівка, Енергодар, Миколаїв,
Херсонська, Запорізька, Миколаївська області).
"""

from __future__ import annotations

import pytest

from basewatch.analysis.claims import EXTRACTOR_VERSION
from basewatch.analysis.gazetteer import function_word, land_name
from tests.analysis.claim_sentences import claims_in

GENERATOR = "tests/analysis/test_claims_round10.py (hand-written sentences)"

PLACES = {
    "melitopol": ["Мелитополь", "Мелітополь"], "horlivka": ["Горловка", "Горлівка"],
    "enerhodar": ["Энергодар", "Енергодар"], "mykolaiv": ["Николаев", "Миколаїв"],
    "kherson-oblast": ["Херсонская область", "Херсонська область"],
    "zaporizhzhia-oblast": ["Запорожская область", "Запорізька область"],
    "mykolaiv-oblast": ["Николаевская область", "Миколаївська область"],
    "donetsk-oblast": ["Донецкая область", "Донецька область"], "donetsk": ["Донецк", "Донецьк"],
    "crimea": ["Крым", "Крим"], "dnipro": ["Днепр", "Дніпро"],
}


def claims_on(text: str, language: str = "uk") -> list[tuple[str, str, str]]:
    return claims_in(text, PLACES, language=language, generator=GENERATOR, first_per_place=True)


def test_version_bumped() -> None:
    assert int(EXTRACTOR_VERSION) >= 11


def test_land_names_of_regions() -> None:
    assert land_name(["Херсонська", "область"]) == "Херсонщина"
    assert land_name(["Донецька", "область"]) == "Донеччина"
    assert land_name(["Донецкая", "область"]) == "Донетчина"
    assert land_name(["Николаевская", "область"]) == "Николаевщина"
    assert land_name(["Запорізька", "область"]) == ""  # Запоріжжя, no "-щина"
    assert land_name(["Херсон"]) == ""
    assert claims_on("Вночі ворог обстріляв Миколаївщину.") == [
        ("mykolaiv-oblast", "strike", "asserts")]
    assert claims_on("На Херсонщині тривають бої.") == [("kherson-oblast", "fighting", "asserts")]
    assert claims_on("Вибухи на Донеччині.") == [("donetsk-oblast", "strike", "asserts")]
    assert claims_on("Взрывы на Херсонщине.", "ru") == [("kherson-oblast", "strike", "asserts")]


def test_a_preposition_is_no_name() -> None:
    assert function_word("Крім") and function_word("Окрім") and not function_word("Крим")
    assert claims_on("Крім того, ворог завдав 12 авіаційних ударів.") == []
    assert claims_on("Окрім того, вибухи лунали у Криму.") == [("crimea", "strike", "asserts")]


@pytest.mark.parametrize(("text", "want"), [
    ("Під вогнем перебували міста Горлівка та Мелітополь.",
     [("horlivka", "strike", "asserts"), ("melitopol", "strike", "asserts")]),
    ("Вночі під масованим обстрілом опинився Енергодар.", [("enerhodar", "strike", "asserts")]),
    ("Днём под огнём находились Горловка и Мелитополь.",
     [("horlivka", "strike", "asserts"), ("melitopol", "strike", "asserts")]),
])
def test_under_fire_is_a_strike(text: str, want: list) -> None:
    assert claims_on(text, "ru" if "огн" in text else "uk") == want


def test_remaining_is_not_leaving() -> None:
    # залишатися (to remain) is not залишити (to leave)
    assert claims_on("Мелітополь залишається під окупацією, ЗСУ готують наступ.") != [
        ("melitopol", "departure", "asserts")]
    assert claims_on("Частина Горлівки залишається без води після обстрілу.") == [
        ("horlivka", "strike", "asserts")]
    assert claims_on("Окупанти залишили Енергодар.") == [("enerhodar", "departure", "asserts")]
    # "виходить" as "it turns out", and the noun with where from
    assert claims_on("Виходить, у Миколаєві почався сезон.") == []
    assert claims_on("Після виходу військ з Енергодару ситуація складна.") == [
        ("enerhodar", "departure", "asserts")]


def test_attack_on_a_named_place_is_a_strike() -> None:
    assert claims_on("Минулої доби росіяни атакували Миколаївщину.") == [
        ("mykolaiv-oblast", "strike", "asserts")]
    assert claims_on("рф атакувала Мелітополь дронами.") == [("melitopol", "strike", "asserts")]
    # troops attacking a town, or positions, stay fighting
    assert claims_on("Штурмовики атакували Горлівку.") == [("horlivka", "fighting", "asserts")]
    assert claims_on("Окупанти атакували позиції біля Горлівки.") == [
        ("horlivka", "fighting", "asserts")]


def test_future_and_purpose_are_not_events() -> None:
    assert claims_on("Нові бригади звільнятимуть Мелітополь.") == [
        ("melitopol", "capture", "speculates")]
    assert claims_on("Ці бійці братимуть участь у звільненні Мелітополя.") == [
        ("melitopol", "capture", "speculates")]
    assert claims_on("У ворога забракне сил, щоб захопити Горлівку повністю.") == [
        ("horlivka", "capture", "speculates")]
    assert claims_on("Им не хватит сил, чтобы взять Мелитополь.", "ru") == [
        ("melitopol", "capture", "speculates")]
    assert claims_on("Окупанти збираються залишити Енергодар.") == [
        ("enerhodar", "departure", "speculates")]
    assert claims_on("ЗСУ звільнили Мелітополь.") == [("melitopol", "capture", "asserts")]


def test_holding_a_town_is_fighting() -> None:
    assert claims_on("Дякуємо хлопцям, які тримають Горлівку.") == [
        ("horlivka", "fighting", "asserts")]
    assert claims_on("Хлопці, що тримають зараз оборону у Мелітополі, титани.") == [
        ("melitopol", "fighting", "asserts")]


def test_formatted_words_on_their_own_lines() -> None:
    # an export puts a bold or linked word on a line of its own, with the spaces around it
    assert claims_on("• Окупанти збираються \nзалишити\n позиції в Енергодарі.") == [
        ("enerhodar", "departure", "speculates")]
    # a headline without a full stop, then a sentence: two sentences
    assert claims_on("Бої під Горлівкою\nЗСУ знищили склад у Мелітополі") == [
        ("horlivka", "fighting", "asserts"), ("melitopol", "strike", "asserts")]


def test_list_of_region_adjectives_before_a_plural_noun() -> None:
    assert claims_on("Ворог прагне повністю захопити Донецьку та Херсонську області.") == [
        ("donetsk-oblast", "capture", "asserts"), ("kherson-oblast", "capture", "asserts")]
    assert claims_on("Вибухи в Донецьку та Горлівці.") == [
        ("donetsk", "strike", "asserts"), ("horlivka", "strike", "asserts")]


def test_river_street_and_collision() -> None:
    assert claims_on("Ворог обстріляв села на правому березі Дніпра.") == []
    assert claims_on("Окупанти обстрілюють береги річки Дніпро.") == []
    assert claims_on("Вибухи у Дніпрі.") == [("dnipro", "strike", "asserts")]
    assert claims_on("Обстріл вулиці Героїв Мелітополя у Горлівці.") == [
        ("horlivka", "strike", "asserts")]
    # a collision of two cars is no fighting; a combat contact line is war
    assert claims_on("Зіткнення двох авто на трасі біля Миколаєва.") == []
    assert claims_on("Ворог біля лінії бойового зіткнення під Горлівкою.") == [
        ("horlivka", "fighting", "asserts")]


def test_destroyed_driven_out_defended() -> None:
    assert claims_on("Ми відстояли Миколаїв, вигнали окупантів з Херсонщини.") == [
        ("mykolaiv", "fighting", "asserts"), ("kherson-oblast", "capture", "asserts")]
    assert claims_on("ЗСУ відкинули ворога від Мелітополя.") == [
        ("melitopol", "fighting", "asserts")]
    assert claims_on("Окупанти зруйнували школу в Горлівці артилерією.") == [
        ("horlivka", "strike", "asserts")]
    # the everyday sense, in a post that does not speak of war
    assert claims_on("Пошкоджено дорожнє покриття у Миколаєві, ремонт триває.") == []
    assert claims_on("Учня вигнали зі школи в Мелітополі.") == []


def test_a_person_freed_or_dismissed_is_no_capture() -> None:
    assert claims_on("Після звільнення генерала з полону він повернувся до Горлівки.") == []
    assert claims_on("Звільнення з посади голови Миколаївської ОВА.") == []
    assert claims_on("ЗСУ звільнили Мелітополь.") == [("melitopol", "capture", "asserts")]
