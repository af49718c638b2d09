"""Round 8 of the claim rules (session 6): cues given by their dictionary form with every form
generated, power cuts after a reported attack, lists of "name — number" lines, roads named
after cities, hyphenated names, bordering places, residents, troops named in a place, a place
carried from the sentence before, a region's adjective with a noun of its land.

Every sentence here is synthetic, written for these tests in the style of Russian and
Ukrainian news channels (no real post's text), with its answers written by hand. Most places
are ones the real-export gazetteer does not hold (Мелитополь, Херсон, Горловка, Энергодар,
Запорожская и Ростовская области), so the rules are tested on names they were not made on.
"""

from __future__ import annotations

import pytest

from basewatch.analysis.lexicon.forms import word_forms
from tests.analysis.claim_sentences import claims_in

GENERATOR = "tests/analysis/test_claims_round8.py (hand-written sentences)"

PLACES = {
    "melitopol": ["Мелитополь", "Мелітополь"], "kherson": ["Херсон"],
    "horlivka": ["Горловка", "Горлівка"], "enerhodar": ["Энергодар", "Енергодар"],
    "zaporizhzhia-oblast": ["Запорожская область", "Запорізька область"],
    "rostov-oblast": ["Ростовская область"], "belgorod-oblast": ["Белгородская область"],
    "kursk-oblast": ["Курская область"], "kursk": ["Курск"], "pokrovsk": ["Покровск"],
    "hama": ["Хама"], "homs": ["Хомс"], "idlib": ["Идлиб"], "petersburg": ["Петербург"],
}


def claims_on(text: str, language: str = "ru") -> list[tuple[str, str, str]]:
    return claims_in(text, PLACES, language=language, generator=GENERATOR)


def test_forms_are_generated_from_the_dictionary_form() -> None:
    # Checked by hand against a Russian grammar: the dative plural and the genitive of бой, a
    # present participle of воевать, a passive participle of блокировать.
    assert {"боям", "боя", "боях", "боёв", "боев"} <= set(word_forms("бой", "ru"))
    assert "воюющих" in word_forms("воевать", "ru")
    assert "блокированных" in word_forms("блокировать", "ru")
    assert {"воюють", "воював"} <= set(word_forms("воювати", "uk"))


@pytest.mark.parametrize(("text", "expected"), [
    # Cues by their dictionary form: forms no stem pattern listed.
    ("Штаб готовится к новым боям у Горловки.", [("horlivka", "fighting", "asserts")]),
    ("Отряды, воюющие под Мелитополем, получили пополнение.",
     [("melitopol", "fighting", "asserts")]),
    ("Вечером в центре Энергодара слышна стрельба.", [("enerhodar", "fighting", "asserts")]),
    ("Делегация приехала в Херсон вечером.", [("kherson", "arrival", "asserts")]),
    ("После попадания дрона в жилой дом в Энергодаре погибли двое.",
     [("enerhodar", "strike", "asserts")]),
    ("Разведка выявила склад боеприпасов в Мелитополе.",
     [("melitopol", "presence", "asserts")]),
    ("В Мелитополе ликвидировали склад боеприпасов.", [("melitopol", "strike", "asserts")]),
    ("Под Горловкой ликвидировали плацдарм противника.",
     [("horlivka", "fighting", "asserts")]),
    ("Командование заводит новые роты в Горловку.", [("horlivka", "arrival", "asserts")]),
    ("Канцлер запланировал поездку в Херсон.", [("kherson", "arrival", "asserts")]),
    # ... and what they must not catch: the battlefield anywhere, whose side someone fought
    # on, a conflict of interests, a trip to another place than the name before the verb.
    ("Склад в Херсоне показали журналистам, далеко от поля боя.", []),
    ("Наемник, воевавший на стороне противника, задержан в Херсоне.", []),
    ("Инвесторы в Херсоне опасаются затяжного конфликта интересов.", []),
    ("Мэр Херсона рассказал о поездке в Брюссель.", []),
    ("Турция не вовлечена в конфликт в сирийской провинции Хомс.",
     [("homs", "fighting", "asserts")]),
    ("Власти заявили, что армия не имеет отношения к боям в Горловке.",
     [("horlivka", "fighting", "speculates")]),
    # A modifier between the verb and its noun; a participle of a listed verb.
    (("Армия установила полный контроль над селами провинции Хама, которая граничит с "
      "провинцией Хомс."), [("hama", "capture", "asserts")]),
    ("Тысяча солдат оказалась в полном окружении в Курской области.",
     [("kursk-oblast", "capture", "asserts")]),
    ("Речь о боевиках, блокированных в Курской области.",
     [("kursk-oblast", "capture", "asserts")]),
    # Power cuts after an attack the post reports earlier; not without one, nor when the post
    # calls the cause unknown.
    (("Ночью армия нанесла массированный удар ракетами по энергетике. В Херсоне и Запорожской "
      "области перебои с электричеством."),
     [("kherson", "strike", "asserts"), ("zaporizhzhia-oblast", "strike", "asserts")]),
    ("В Херсоне перебои с электричеством из-за ремонта.", []),
    ("Город обстреляли ночью. В Херсоне отключения света, причины пока неизвестны.", []),
    # Items "name — number" after a line without a colon take its verb and its source.
    (("Над регионами за ночь сбиты 12 беспилотников, сообщили в Минобороны\n\n"
      "Ростовская область — 7 БПЛА;\nЗапорожская область — 5 БПЛА."),
     [("rostov-oblast", "strike", "speculates"), ("zaporizhzhia-oblast", "strike", "speculates")]),
    # A road named after the cities it joins is not the cities; a hyphenated name is another
    # name (a compass word after the hyphen names the town's airfield).
    ("Удар нанесен по колонне на трассе Херсон - Мелитополь.", []),
    ("Авиация нанесла удары по трассе М-14 «Херсон-Мелитополь» и по складу в Мелитополе.",
     [("melitopol", "strike", "asserts")]),
    ("В Покровском-Стрешнево находились пожарные.", []),
    ("Дроны атаковали аэродром Курск-Восточный.", [("kursk", "strike", "asserts")]),
    ("Дроны атаковали порт в Санкт-Петербурге.", [("petersburg", "strike", "asserts")]),
    # A resident's region is the event's place when a relative clause puts it there, or when
    # the residents are the ones evacuated.
    ("Компенсаций требуют жители Белгородской области, где обстреливают приграничные села.",
     [("belgorod-oblast", "strike", "speculates")]),
    ("Жители Белгородской области вынуждены были эвакуироваться.",
     [("belgorod-oblast", "evacuation", "asserts")]),
    ("Жительница Белгородской области выиграла конкурс.", []),
    # Troops named in a place, with no verb for them, are there; only the places after them.
    ("Инструкторы вооружают боевиков в Идлибе и Хаме.",
     [("idlib", "presence", "asserts"), ("hama", "presence", "asserts")]),
    ("Военные в Сеуле обсуждают поставки для Мелитополя.", []),
    # A place carried from the sentence before, when this one points back to it.
    ("Губернатор говорил о Мелитополе на совещании. В самом городе ночью шли бои.",
     [("melitopol", "fighting", "asserts")]),
    ("Губернатор провел совещание в Мелитополе и Херсоне. В городе ночью шли бои.", []),
    ("Мелитополь — город на юге. Вчера шли бои.", []),
    # A region's adjective with a noun of its land is the region; a direction is not.
    ("Бои в курском приграничье продолжаются.", [("kursk-oblast", "fighting", "asserts")]),
    ("Дроны атаковали село в Запорожской обл.", [("zaporizhzhia-oblast", "strike", "asserts")]),
    ("Бои на курском направлении.", []),
    # "оставить" is a departure when its object is a place, not a thing.
    ("Женщина оставила сумку в Мелитополе.", []),
    ("Войска оставили Мелитополь.", [("melitopol", "departure", "asserts")]),
])
def test_round8_forms_ru(text: str, expected: list) -> None:
    assert claims_on(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Підрозділи, що воюють під Мелітополем, отримали поповнення.",
     [("melitopol", "fighting", "asserts")]),
    ("У Херсоні чути стрілянину.", [("kherson", "fighting", "asserts")]),
    ("Після влучання дрона в будинок у Херсоні загинули двоє.",
     [("kherson", "strike", "asserts")]),
    ("Туреччина не залучена до конфлікту в сирійській провінції Хомс.",
     [("homs", "fighting", "asserts")]),
])
def test_round8_forms_uk(text: str, expected: list) -> None:
    assert claims_on(text, "uk") == expected
