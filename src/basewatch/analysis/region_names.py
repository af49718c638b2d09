"""Forms of region names shared by the gazetteer's look-ups. Pure.

A region given as "X-ська область" is also called by its land, "X-щина"; a region's adjective is
the region where a noun of its land follows it, or where one plural noun serves a list of
adjectives ("Донецьку та Луганську області"); "областной", "обласна" are adjectives of an
office, not the region.
"""

from __future__ import annotations

import re

__all__ = ["land_name"]

#: A region named "X-ська область" is also called by its land, "X-щина" (Бєлгородська область:
#: Бєлгородщина, Брянська: Брянщина, Донецька: Донеччина; Russian Брянская: Брянщина,
#: Донецкая: Донетчина); Запорізька (Запоріжжя) has no such form.
_LAND_ENDINGS = (("цька", "ччина"), ("цкая", "тчина"), ("ська", "щина"), ("ская", "щина"))


def land_name(tokens: list[str]) -> str:
    """The "X-щина" name of a region given as two words "X-ська область" ("" if none)."""
    if len(tokens) != 2 or tokens[1].lower() != "область":
        return ""
    for end, land in _LAND_ENDINGS:
        if tokens[0].lower().endswith(end) and len(tokens[0]) > len(end) + 2:
            return tokens[0][:-len(end)] + land
    return ""


#: A list of region adjectives whose noun (plural) follows the last ("Донецьку та Луганську
#: області", "Курской и Брянской областей").
_LIST_THEN_REGION = re.compile(r"(?:\s*,\s*[^\W\d_]+)*\s+(?:та|і|й|и|или|або)\s+[^\W\d_]+\s+"
                               r"(?:област|облас)(?:і|ей|ях|ям|ями|ах|ам|ами)(?!\w)",
                               re.IGNORECASE)
#: The nouns of a region named by an adjective (Курская область, Краснодарский край).
_REGION_NOUNS = frozenset({"область", "край", "район", "округ", "республика"})
_OFFICE_ADJ = re.compile(r"\s+(?:областн|обласн|городск|міськ)\w*", re.IGNORECASE)
#: A region noun, not its adjective: "Харьковской областной военной администрации" names the
#: oblast's administration, no region (областной, обласна, районный are adjectives).
_REGION_NOUN_IN = re.compile(r"(?<!\w)(?:(?:област|облас|район)(?!н)|краем|края|краях|округ)\w*",
                             re.IGNORECASE)


#: A region's adjective followed by a noun of its land, not of a sector ("в курском
#: приграничье", "на Курском фронте", "Курской обл.", "на Брянщине" is an alias): the region.
#: (A direction, "на Курском направлении", is a sector: not the region.)
_AREA_NOUN = re.compile(r"\s+(?:приграничь|прикордонн|фронт|губерни|обл\.|обл(?!\w))\w*",
                        re.IGNORECASE)
_AREA_WORDS = ("приграничь", "ПРИГРАНИЧЬ", "прикордонн", "ронт", "РОНТ", "губерни", "обл", "ОБЛ")
_AREA_AFTER_ADJ = re.compile(r"(?:ск|цк|зьк|цьк|ськ)\w{1,3}\s+(?:приграничь|прикордонн|фронт|"
                             r"губерни|обл\.|обл(?!\w))", re.IGNORECASE)
