"""Citations writers can paste: quotation, in-text citation and reference entry for facts, in a style.

Pure functions from the fact base's records to citation parts; printing is the CLI's job. The parts
are ``Styled`` text (italic runs kept), rendered as plain text, Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from cqfacts import lazy
from cqfacts.citation.records import MACHINE_STYLES, citation_key, document, record
from cqfacts.citation.styled import Styled
from cqfacts.citation.styles import STYLES, Place, Style
from cqfacts.citation.work import Work
from cqfacts.errors import CqfactsError
from cqfacts.model import Fact, Source

STYLE_NAMES = (*STYLES, *MACHINE_STYLES)
DEFAULT_STYLE = "apa"


@lazy.record(frozen=True)
class FactCitation:
    """What a writer pastes for one fact: the quotation and the in-text citation (a note in Chicago)."""

    fact: Fact
    quote: Styled
    in_text: Styled
    number: int  # the number of the fact's source in the reference list
    note: int  # the note number (Chicago): facts are numbered in the order given
    extras: dict[str, Styled] = lazy.field(default_factory=dict)


@lazy.record(frozen=True)
class Reference:
    """One source's entry: a reference list line, or a record in a machine format."""

    source: str
    key: str
    number: int
    entry: Styled


@lazy.record(frozen=True)
class Citations:
    style: str
    citations: list[FactCitation]
    references: list[Reference]
    document: str | None = None  # machine formats: the whole file, ready to save

    @property
    def machine(self) -> bool:
        return self.document is not None


def check_style(name: str) -> str:
    if name not in STYLE_NAMES:
        raise CqfactsError(f"unknown style {name!r}; choose one of {', '.join(STYLE_NAMES)}")
    return name


def parse_accessed(text: str, today: dt.date | None = None) -> dt.date:
    """--accessed: a date as YYYY-MM-DD, or 'today'."""
    if text.strip().lower() == "today":
        return today or dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CqfactsError(f"--accessed {text!r} is not a date; write YYYY-MM-DD or 'today'") from None


def cite(facts: Sequence[Fact], sources: Mapping[str, Source], style: str, url: str | None = None,
         accessed: dt.date | None = None) -> Citations:
    """Cite facts in a style. Several facts from one source share one reference; --url and --accessed
    describe one source, so they need all facts to come from it."""
    check_style(style)
    order = list(dict.fromkeys(f.source for f in facts))
    if (url or accessed) and len(order) > 1:
        raise CqfactsError(f"--url and --accessed describe one source, but these facts come from {len(order)}: "
                           f"{', '.join(order)}; cite each source's facts separately")
    works = {sid: Work.of(sources[sid], url, accessed) for sid in order}
    numbers = {sid: n for n, sid in enumerate(order, 1)}
    if style in MACHINE_STYLES:
        refs = [Reference(sid, citation_key(w.source), numbers[sid], Styled.of(record(style, w)))
                for sid, w in works.items()]
        quotes = [FactCitation(f, Styled.of(f.quote), Styled(), numbers[f.source], n)
                  for n, f in enumerate(facts, 1)]
        return Citations(style, quotes, refs, document(style, list(works.values())))
    chosen: Style = STYLES[style]
    seen: set[str] = set()
    citations = []
    for n, fact in enumerate(facts, 1):
        work = works[fact.source]
        place = Place(number=numbers[fact.source], note=n, first=fact.source not in seen)
        seen.add(fact.source)
        citations.append(FactCitation(fact, chosen.quotation(fact), chosen.in_text(work, fact, place),
                                      place.number, n, chosen.notes(work, fact)))
    refs = [Reference(sid, citation_key(w.source), numbers[sid], chosen.reference(w, numbers[sid]))
            for sid, w in works.items()]
    if not chosen.numbered:
        refs.sort(key=lambda r: _sort_key(r.entry.plain()))
    return Citations(style, citations, refs)


def _sort_key(entry: str) -> str:
    """Reference lists run alphabetically by their first word, leading quotation marks and articles aside."""
    text = entry.lstrip("“‘\"'[").casefold()
    for article in ("the ", "a ", "an "):
        if text.startswith(article):
            return text[len(article):]
    return text


__all__ = ["DEFAULT_STYLE", "STYLES", "STYLE_NAMES", "Citations", "FactCitation", "Reference", "Styled",
           "check_style", "cite", "parse_accessed"]
