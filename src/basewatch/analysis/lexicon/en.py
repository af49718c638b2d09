"""English. Explicit dates ("2 December", "Dec 2, 2024", ISO) and relative ones ("yesterday",
"two days after 2 December") are read by :func:`basewatch.analysis.dates.find_dates`."""

from basewatch.analysis.lexicon import Lexicon
from basewatch.model.reports import ClaimKind

LEXICON = Lexicon(
    code="en", name="English",
    cues=(
        (ClaimKind.IN_RANGE, (r"with(?:in)? range|in range|range of|could (?:easily )?hit|"
                              r"threaten\w*|can reach|could reach")),
        (ClaimKind.EVACUATION, r"evacuat\w*"),
        (ClaimKind.ABSENCE, (r"empty|deserted|abandoned|orphaned|no aircraft|none located|"
                             r"vacant|not present|missing")),
        (ClaimKind.DEPARTURE, (r"depart\w*|left|leav\w*|vacat\w*|withdr[ae]w\w*|"
                               r"sail\w* (?:away|from|out)|escape\w*|pull\w* out|"
                               r"return\w* to|flew out|exit\w*|retreat\w*")),
        (ClaimKind.ARRIVAL, r"arriv\w*|landed|docked|came back|entered"),
        (ClaimKind.PRESENCE, (r"stationed|moored|based|visible|present|spotted|seen|deployed|"
                              r"remain\w*|anchored")),
        (ClaimKind.CAPTURE, (r"captur\w*|seiz\w*|overr[au]n|took control|taken over|fall of|"
                             r"fell|liberat\w*|occup(?:y|ied|ies)|ret(?:ook|aken?)|recaptur\w*|"
                             r"took back")),
        (ClaimKind.STRIKE, (r"struck|strik\w*|shell\w*|bomb\w*|attack\w*|hit|explosions?|"
                            r"missiles?|shot down|drone strikes?")),
        (ClaimKind.FIGHTING, (r"fighting|clash\w*|battles?|assault\w*|offensive|"
                              r"advanc(?:e|es|ed|ing)|counter-?attack\w*|repel\w*|repuls\w*")),
    ),
    negations=r"not|no|never|denied|deny|denies|false|fake|without|\w+n't",
    hedges=(r"reportedly|apparently|appears?|seems?|likely|probably|possibly|may|might|could|"
            r"would|suggests?|rumou?r\w*|unconfirmed|if|speculat\w*|signs? of|allegedly|"
            r"claims?|according to|sources? say|officials? (?:say|said)|say|says|said"),
    strong_hedges=r"not conclusive|inconclusive|not (?:yet )?(?:been )?confirmed|no confirmation",
    denials_after=r"(?:is|are|was|were) (?:fake|false|untrue)|denied|debunked",
    clause_split=r";|:\s|,\s*(?:while|whereas|but)\b|\s\|\s|\bwhile\b|\bwhereas\b",
    from_words=r"from|leaving|left|departed|departing",
    to_words=r"to|towards|for|into",
)
