"""Posts to reports: the source of each post (recognised by its platform id, its public link,
then its name; never re-attributed), its report id and its language. Pure but for the
language detector's models.
"""

from __future__ import annotations

from typing import Any

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model import Provenance, Source
from basewatch.model._util import as_utc
from basewatch.model.reports import Report, ReportSource, content_hash, source_id_for
from basewatch.sources.posts_common import Draft

__all__ = ["resolve_drafts"]


#: The digest of an empty text: ids of posts known by their origin id do not depend on the text.
_NO_TEXT = content_hash("")


def _unique_id(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _link(url: str) -> str:
    """A channel's public link compared without scheme, case or trailing slash."""
    u = url.strip().rstrip("/").casefold()
    for prefix in ("https://", "http://", "www."):
        u = u.removeprefix(prefix)
    return u


def _source_for(d: Draft, sources: list[ReportSource], new: dict[str, ReportSource],
                origin: str, warnings: list[str]) -> ReportSource:
    """The source of a draft. A channel is recognised by its platform id first; a name match
    is taken only if that source has no other platform id; a new source gets an id no other
    source has. An existing source is never renamed or re-attributed."""
    if d.channel_id:
        by_id = [s for s in sources if d.channel_id in s.handles]
        if by_id:
            return by_id[0]
    link = _link(d.channel_url)
    if link:
        # An export without the channel's id (Telegram HTML) is recognised by the public
        # link given with it (--url), never by a source that has another id of that platform.
        by_link = [s for s in sources if _link(s.url) == link and not (
            d.channel_id and any(h.split(":", 1)[0] == d.channel_id.split(":", 1)[0]
                                 and ":" in h for h in s.handles))]
        if by_link:
            return by_link[0]
    hits = [s for s in sources if s.matches(d.source_name)]
    if d.channel_id:
        hits = [s for s in hits if not any(h.split(":", 1)[0] == d.channel_id.split(":", 1)[0]
                                           and ":" in h for h in s.handles)]
    if link:  # a source with another public link is another channel of the same name
        hits = [s for s in hits if not _link(s.url)]
    if len(hits) > 1:
        raise ImportFormatError(f"{d.where}: source {d.source_name!r} matches several: "
                                f"{', '.join(h.id for h in hits)}")
    if hits:
        src = hits[0]
        if d.channel_id:
            # The analyst registered this channel by name: it gains its platform id, and
            # keeps its id, name and grade.
            src = ReportSource.from_dict({**src.to_dict(),
                                          "handles": [*src.handles, d.channel_id]})
            sources[sources.index(hits[0])] = src
            new[src.id] = src
        return src
    try:
        base = source_id_for(d.source_name)
    except BasewatchError as exc:
        raise ImportFormatError(f"{d.where}: {exc}") from None
    sid = _unique_id(base, {s.id for s in sources})
    handles = tuple(h for h in (d.source_name if d.source_name.startswith("@") else "",
                                d.channel_id) if h)
    src = ReportSource(
        id=sid, name=d.source_name.lstrip("@") or sid, kind=d.source_kind, handles=handles,
        language=d.language, url=d.channel_url,
        provenance=Provenance(Source("basewatch posts import", origin),
                              notes="registered from a post; not graded (F6)"))
    sources.append(src)
    new[sid] = src
    same = [s.id for s in sources if s is not src and s.matches(d.source_name)]
    warnings.append(f"{d.where}: source {d.source_name!r} was not registered; added as {sid}, "
                    "ungraded (F6): grade it with `basewatch sources grade`" +
                    (f" (another source has this name: {', '.join(same)})" if same else ""))
    return src


def resolve_drafts(drafts: list[Draft], known: list[ReportSource], *, origin: str,
                   warnings: list[str], stored_ids: set[str] | None = None) -> list[Any]:
    """Reports for the drafts, plus an ungraded source for every unknown channel. Posts
    without a language get the detected one.

    A post known by its id at the origin (``ref``: a Telegram message, a tweet) gets a report
    id from its source, time and that id, not from its text: an edited message exported again
    updates its report (new text, edit time) instead of becoming a second one. A report stored
    before this rule (its id made from the text, found in ``stored_ids``) keeps its id."""
    from basewatch.analysis.language import detect_language

    sources = list(known)
    new: dict[str, ReportSource] = {}
    reports: dict[str, Report] = {}
    cache: dict[tuple[str, str], ReportSource] = {}
    for d in drafts:
        key = (d.channel_id, d.source_name)
        src = cache.get(key)
        if src is None:
            src = cache[key] = _source_for(d, sources, new, origin, warnings)
        published = as_utc(d.published)
        base = (src.url or d.channel_url).rstrip("/")
        url = d.url or (f"{base}/{d.ref.rsplit('/', 1)[-1]}"
                        if base and d.ref and "t.me/" in base else "")
        digest = content_hash(d.text)
        if d.ref and d.text:
            rid = Report.make_id(src.id, published, "", d.ref, _NO_TEXT)
            if stored_ids and rid not in stored_ids:
                old = Report.make_id(src.id, published, d.text, "", digest)
                rid = old if old in stored_ids else rid
        else:
            rid = Report.make_id(src.id, published, d.text, "" if d.text else d.ref, digest)
        try:
            rep = Report(
                id=rid,
                content_sha256=digest, source_id=src.id, published=published, text=d.text, url=url, title=d.title,
                language=d.language or src.language or (detect_language(d.text) if d.text
                                                        else ""),
                retrieved=d.retrieved, kind=d.kind, quotes=d.quotes,
                edited=as_utc(d.edited) if d.edited else None, reply_to=d.reply_to,
                ref=d.ref, media=d.media,
                provenance=Provenance(Source(src.name, d.title, url),
                                      source_date=published.date(), notes=d.notes))
        except BasewatchError as exc:
            raise ImportFormatError(f"{d.where}: {exc}") from None
        reports.setdefault(rep.id, rep)
    return [*new.values(), *reports.values()]
