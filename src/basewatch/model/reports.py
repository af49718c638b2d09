"""Reports and claims: who said what about which site, vessel or aircraft, and when.

A :class:`ReportSource` is an account or outlet with an analyst's grade on the Admiralty scale
(reliability A-F of the source, credibility 1-6 of the information). A source nobody graded is
``F`` ("cannot be judged") with credibility ``6``: it is never silently taken as reliable.
A :class:`Report` is one post or article with its raw text kept. A :class:`Claim` is one
statement extracted from a report, with the span of text it came from. A :class:`Silence` is
the explicit, dated record that a registered official source said nothing on a claim group.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from basewatch.errors import ValidationError
from basewatch.model._util import parse_date, parse_datetime
from basewatch.model.facility import normalize_name
from basewatch.model.provenance import DatePrecision, Provenance

__all__ = [
    "CREDIBILITY",
    "RELIABILITY",
    "Claim",
    "ClaimKind",
    "Report",
    "ReportSource",
    "Silence",
    "SourceKind",
    "Stance",
    "SubjectKind",
    "content_hash",
    "source_id_for",
]

#: Admiralty (NATO AJP-2.1) reliability of a source.
RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

#: Admiralty credibility of a piece of information.
CREDIBILITY: dict[int, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


class SourceKind(str, Enum):
    """What kind of publisher a source is."""

    OFFICIAL = "official"  # a government, ministry or spokesperson
    MEDIA = "media"  # a newspaper, magazine or broadcaster
    OSINT = "osint"  # an open-source analyst's account
    CHANNEL = "channel"  # a Telegram or similar channel
    OTHER = "other"


class SubjectKind(str, Enum):
    """What a claim is about."""

    SITE = "site"  # a facility of the registry
    PLACE = "place"  # a named place (city, town)
    VESSEL = "vessel"  # a ship class or a named ship
    AIRCRAFT = "aircraft"  # a registration (RA-78847)


class ClaimKind(str, Enum):
    """What a claim says happened."""

    DEPARTURE = "departure"
    ARRIVAL = "arrival"
    PRESENCE = "presence"
    ABSENCE = "absence"
    CAPTURE = "capture"
    STRIKE = "strike"
    EVACUATION = "evacuation"
    IN_RANGE = "in_range"
    FIGHTING = "fighting"  # ground combat at or near a place ("бои под", "clashes near")


class Stance(str, Enum):
    """How firmly a claim is made."""

    ASSERTS = "asserts"
    DENIES = "denies"
    SPECULATES = "speculates"


E = TypeVar("E", bound=Enum)


def _member(cls: type[E], value: Any) -> E:
    """``cls(value)`` through the enum's own value map first (a dict look-up, several times
    faster than the call); anything else goes through the call and its error."""
    m = cls._value2member_map_.get(value) if isinstance(value, str) else None
    return m if m is not None else cls(value)  # type: ignore[return-value]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize_name(text)).strip("-")


def source_id_for(name: str) -> str:
    """The id of a source from its name or handle, transliterated to ASCII:
    ``@MT_Anderson`` -> ``mt-anderson``, ``Рыбарь`` -> ``rybar``, ``Україна 24 🇺🇦 - ВІЙНА``
    -> ``ukraina-24-viyna``. Emoji and symbols are dropped; a name of symbols only gets
    ``source-`` and a digest of it. The id is a proposal: the importer makes it unique."""
    from anyascii import anyascii

    bare = name.strip().lstrip("@")
    if not bare:
        raise ValidationError(f"source name {name!r} is empty")
    letters = "".join(c for c in bare if unicodedata.category(c)[0] in "LNZP")
    sid = _slug(anyascii(letters))
    if not sid:
        sid = "source-" + hashlib.sha256(bare.encode()).hexdigest()[:8]
    return sid[:60].strip("-")


def content_hash(text: str) -> str:
    """SHA-256 of a text folded for comparison (NFC, case, whitespace), so reposts match."""
    folded = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def _check_reliability(value: str, who: str) -> str:
    v = value.strip().upper()
    if v not in RELIABILITY:
        raise ValidationError(f"{who}: reliability {value!r} is not an Admiralty grade A-F")
    return v


def _check_credibility(value: Any, who: str) -> int:
    try:
        v = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{who}: credibility {value!r} is not a number 1-6") from None
    if v not in CREDIBILITY:
        raise ValidationError(f"{who}: credibility {v} is not an Admiralty grade 1-6")
    return v


@dataclass(frozen=True, slots=True)
class ReportSource:
    """An account or outlet, with the analyst's grade.

    ``reliability`` and ``default_credibility`` are the *analyst's judgement*; ``graded_by``
    names who made it. An ungraded source has ``F``/``6`` and an empty ``graded_by``.
    ``speaks_for`` names the factions an official source speaks for: their silence on a claim
    about those factions' sites is recorded.
    """

    id: str
    name: str
    kind: SourceKind
    provenance: Provenance
    handles: tuple[str, ...] = ()
    affiliation: str = ""
    language: str = ""
    url: str = ""
    reliability: str = "F"
    default_credibility: int = 6
    graded_by: str = ""
    graded_on: dt.date | None = None
    speaks_for: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id.strip() or not self.name.strip():
            raise ValidationError("source: id and name are required")
        object.__setattr__(self, "reliability",
                           _check_reliability(self.reliability, f"source {self.id}"))
        object.__setattr__(self, "default_credibility",
                           _check_credibility(self.default_credibility, f"source {self.id}"))
        if self.graded_by == "" and (self.reliability != "F" or self.default_credibility != 6):
            raise ValidationError(f"source {self.id}: a grade other than F/6 needs graded_by "
                                  "(who judged it)")

    @property
    def graded(self) -> bool:
        return bool(self.graded_by)

    @property
    def grade(self) -> str:
        """Admiralty code, e.g. ``B2``; ``F6 (ungraded)`` if no analyst graded the source."""
        code = f"{self.reliability}{self.default_credibility}"
        return code if self.graded else f"{code} (ungraded)"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.handles)

    def matches(self, query: str) -> bool:
        """True if ``query`` is the id, name or a handle (``@`` optional, case-insensitive)."""
        q = normalize_name(query.lstrip("@"))
        return any(normalize_name(n.lstrip("@")) == q for n in self.names)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "kind": self.kind.value,
            "handles": list(self.handles), "affiliation": self.affiliation,
            "language": self.language, "url": self.url, "reliability": self.reliability,
            "default_credibility": self.default_credibility, "graded_by": self.graded_by,
            "graded_on": self.graded_on.isoformat() if self.graded_on else None,
            "speaks_for": list(self.speaks_for), "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReportSource:
        try:
            kind = SourceKind(str(d.get("kind") or "other").lower())
        except ValueError:
            known = ", ".join(k.value for k in SourceKind)
            raise ValidationError(f"source {d.get('id')}: kind {d.get('kind')!r} "
                                  f"(known: {known})") from None
        return cls(
            id=str(d["id"]), name=str(d["name"]), kind=kind,
            handles=tuple(str(h) for h in d.get("handles") or ()),
            affiliation=str(d.get("affiliation") or ""), language=str(d.get("language") or ""),
            url=str(d.get("url") or ""), reliability=str(d.get("reliability") or "F"),
            default_credibility=d.get("default_credibility") or 6,
            graded_by=str(d.get("graded_by") or ""),
            graded_on=parse_date(d.get("graded_on"), field="graded_on"),
            speaks_for=tuple(str(s) for s in d.get("speaks_for") or ()),
            provenance=Provenance.from_dict(d["provenance"]),
        )


@dataclass(frozen=True, slots=True)
class Report:
    """One post or article: who published it, when, where, and its raw text.

    ``quotes`` lists the URLs or report ids this report reposts or quotes: claims it shares
    with them are not counted as independent corroboration.
    """

    id: str
    source_id: str
    published: dt.datetime
    text: str
    provenance: Provenance
    url: str = ""
    title: str = ""
    language: str = ""
    retrieved: dt.datetime | None = None
    kind: str = "post"  # post or article
    quotes: tuple[str, ...] = ()
    content_sha256: str = field(default="")
    edited: dt.datetime | None = None  # when the author last edited the text (Telegram)
    reply_to: str = ""  # the post this one answers ("telegram:<chat id>/<message id>")
    ref: str = ""  # the post's own id at its origin ("telegram:<chat id>/<message id>")
    media: str = ""  # photo, video_file, ... ; a media-only post has no text

    def __post_init__(self) -> None:
        if not self.id or not self.source_id:
            raise ValidationError("report: id and source are required")
        if self.published.tzinfo is None:
            raise ValidationError(f"report {self.id}: published time must be UTC-aware")
        if self.edited is not None and self.edited.tzinfo is None:
            raise ValidationError(f"report {self.id}: edit time must be UTC-aware")
        if not self.text.strip() and not self.media:
            raise ValidationError(f"report {self.id}: text is empty")
        if not self.content_sha256:
            object.__setattr__(self, "content_sha256", content_hash(self.text))

    @staticmethod
    def make_id(source_id: str, published: dt.datetime, text: str, key: str = "",
                digest: str = "") -> str:
        """A stable id: the same post imported twice gets the same id. ``key`` tells apart
        posts without text (media only) by their id at the origin; ``digest`` is the text's
        :func:`content_hash` if already known."""
        h = hashlib.sha256(f"{source_id}|{published.isoformat()}|{digest or content_hash(text)}"
                           f"{'|' + key if key else ''}".encode())
        return f"r-{h.hexdigest()[:16]}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "source_id": self.source_id, "published": self.published.isoformat(),
            "retrieved": self.retrieved.isoformat() if self.retrieved else None,
            "url": self.url, "title": self.title, "language": self.language, "kind": self.kind,
            "quotes": list(self.quotes), "content_sha256": self.content_sha256,
            "edited": self.edited.isoformat() if self.edited else None,
            "reply_to": self.reply_to, "ref": self.ref, "media": self.media,
            "text": self.text, "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        retrieved = d.get("retrieved")
        return cls(
            id=str(d["id"]), source_id=str(d["source_id"]),
            published=parse_datetime(d["published"], field="published"),
            retrieved=parse_datetime(retrieved, field="retrieved") if retrieved else None,
            url=str(d.get("url") or ""), title=str(d.get("title") or ""),
            language=str(d.get("language") or ""), kind=str(d.get("kind") or "post"),
            quotes=tuple(str(q) for q in d.get("quotes") or ()),
            content_sha256=str(d.get("content_sha256") or ""), text=str(d["text"]),
            edited=parse_datetime(d["edited"], field="edited") if d.get("edited") else None,
            reply_to=str(d.get("reply_to") or ""), ref=str(d.get("ref") or ""),
            media=str(d.get("media") or ""),
            provenance=Provenance.from_dict(d["provenance"]),
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement extracted from a report, with the span of text it came from.

    ``site_id`` ties a vessel or aircraft claim to a site or place mentioned with it (empty if
    none); ``date_basis`` says where ``event_date`` came from: ``explicit`` (a date in the
    text), ``relative`` (yesterday, two days after...) or ``published`` (no date given: the
    event happened on or before the report's day). ``rules`` lists the rules that fired.
    """

    id: str
    report_id: str
    source_id: str
    subject_kind: SubjectKind
    subject_id: str
    subject_label: str
    kind: ClaimKind
    stance: Stance
    published: dt.datetime
    event_date: dt.date
    date_precision: DatePrecision
    date_basis: str
    span: tuple[int, int]
    text: str
    credibility: int = 6
    site_id: str = ""
    site_kind: str = ""  # site or place
    destination_id: str = ""
    rules: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.span[0] < 0 or self.span[1] < self.span[0]:
            raise ValidationError(f"claim {self.id}: bad span {self.span}")
        c = self.credibility
        if type(c) is not int or c not in CREDIBILITY:  # the common case costs one check
            object.__setattr__(self, "credibility", _check_credibility(c, f"claim {self.id}"))

    @property
    def tied_site(self) -> str:
        """The site or place the claim is about: itself for site claims, else its tie."""
        if self.subject_kind in (SubjectKind.SITE, SubjectKind.PLACE):
            return self.subject_id
        return self.site_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "report_id": self.report_id, "source_id": self.source_id,
            "subject": {"kind": self.subject_kind.value, "id": self.subject_id,
                        "label": self.subject_label},
            "kind": self.kind.value, "stance": self.stance.value,
            "published": self.published.isoformat(),
            "event_date": self.event_date.isoformat(), "date_precision": self.date_precision.value,
            "date_basis": self.date_basis, "span": list(self.span), "text": self.text,
            "credibility": self.credibility, "site": self.site_id, "site_kind": self.site_kind,
            "destination": self.destination_id, "rules": list(self.rules),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], credibility: int | None = None) -> Claim:
        """A claim from its dict; ``credibility`` replaces the stored one (a source's grade
        applied on read)."""
        subj = d["subject"]
        start, end = d["span"]
        return cls(
            id=str(d["id"]), report_id=str(d["report_id"]), source_id=str(d["source_id"]),
            subject_kind=_member(SubjectKind, subj["kind"]), subject_id=str(subj["id"]),
            subject_label=str(subj.get("label") or subj["id"]),
            kind=_member(ClaimKind, d["kind"]), stance=_member(Stance, d["stance"]),
            published=parse_datetime(d["published"]),
            event_date=dt.date.fromisoformat(d["event_date"]),
            date_precision=_member(DatePrecision, d.get("date_precision") or "day"),
            date_basis=str(d.get("date_basis") or "published"), span=(int(start), int(end)),
            text=str(d["text"]),
            credibility=credibility if credibility is not None else int(d.get("credibility") or 6),
            site_id=str(d.get("site") or ""), site_kind=str(d.get("site_kind") or ""),
            destination_id=str(d.get("destination") or ""),
            rules=tuple(d.get("rules") or ()),
        )


    def to_row(self) -> list[Any]:
        """The claim as a JSON array of its fields (for caches: an array decodes several
        times faster than :meth:`to_dict`'s object); :meth:`from_row` reads it back."""
        return [self.id, self.report_id, self.source_id, self.subject_kind.value,
                self.subject_id, self.subject_label, self.kind.value, self.stance.value,
                self.published.isoformat(), self.event_date.isoformat(),
                self.date_precision.value, self.date_basis, self.span[0], self.span[1],
                self.text, self.credibility, self.site_id, self.site_kind, self.destination_id,
                list(self.rules)]

    @classmethod
    def from_row(cls, a: list[Any], credibility: int | None = None) -> Claim:
        """A claim from :meth:`to_row`'s array; ``credibility`` as in :meth:`from_dict`."""
        (cid, report_id, source_id, skind, sid, label, kind, stance, published, event_date,
         precision, basis, start, end, text, cred, site, site_kind, dest, rules) = a
        return cls(
            id=cid, report_id=report_id, source_id=source_id,
            subject_kind=_member(SubjectKind, skind), subject_id=sid, subject_label=label,
            kind=_member(ClaimKind, kind), stance=_member(Stance, stance),
            published=parse_datetime(published), event_date=dt.date.fromisoformat(event_date),
            date_precision=_member(DatePrecision, precision), date_basis=basis,
            span=(start, end), text=text,
            credibility=credibility if credibility is not None else cred, site_id=site,
            site_kind=site_kind, destination_id=dest, rules=tuple(rules))


@dataclass(frozen=True, slots=True)
class Silence:
    """An official source that said nothing on a claim group within a window.

    "No official confirmation" as a record: dated, with the window looked at and how many
    reports of that source the workspace holds in it (0 may also mean nobody collected them).
    """

    source_id: str
    source_name: str
    group_key: str
    subject_id: str
    kind: ClaimKind
    window_start: dt.date
    window_end: dt.date
    reports_in_window: int

    @property
    def statement(self) -> str:
        return (f"no official confirmation: {self.source_name} published nothing on "
                f"{self.subject_id} {self.kind.value} between {self.window_start} and "
                f"{self.window_end}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id, "source": self.source_name, "group": self.group_key,
            "subject": self.subject_id, "kind": self.kind.value,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "reports_in_window": self.reports_in_window, "statement": self.statement,
        }
