"""What every citation style shares: where a citation stands, the quotation and the passage a writer
pastes, and the small pieces several styles build the same way (names in text, editors, links)."""

from __future__ import annotations

from collections.abc import Callable

from cqfacts.citation.styled import Styled
from cqfacts.citation.words import series, single_quotes_inside, surname
from cqfacts.citation.work import Work
from cqfacts.lazy import record
from cqfacts.model import Author, Fact


@record(frozen=True)
class Place:
    """Where a citation stands: its source's number in the reference list, its note number, and
    whether it is the first citation of that source (Chicago: full note first, short note after)."""

    number: int
    note: int
    first: bool


class Style:
    name = ""
    label = ""
    british_quotes = False  # Harvard (Cite Them Right) quotes in single marks, double inside
    numbered = False  # IEEE: references in citation order, numbered; the others sort by author
    notes_style = False  # Chicago notes: the citation is a numbered note, not a parenthesis after the quote

    def quotation(self, fact: Fact) -> Styled:
        if self.british_quotes:
            return Styled.of(f"‘{fact.quote}’")
        return Styled.of(f"“{single_quotes_inside(fact.quote)}”")

    def passage(self, quote: Styled, in_text: Styled) -> Styled:
        """The quotation and its citation as pasted: the sentence's full stop goes after the citation
        (APA 8.26, MLA 6.43, Chicago 15.23, Cite Them Right, IEEE): “…fees” (…, para. 39).

        A question or exclamation mark is the quotation's own and stays inside; the full stop still follows.
        """
        closing = "’" if self.british_quotes else "”"
        if quote.endswith("." + closing):
            return quote.cut_end(2) + closing + " " + in_text + "."
        if quote.endswith("?" + closing) or quote.endswith("!" + closing):
            return quote + " " + in_text + "."
        return quote + " " + in_text

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        raise NotImplementedError

    def reference(self, work: Work, number: int) -> Styled:
        raise NotImplementedError

    def notes(self, work: Work, fact: Fact) -> dict[str, Styled]:
        """Extra parts a style has (Chicago: the full and the short note)."""
        return {}


def surnames(work: Work, conjunction: str, serial_comma: bool, et_al_from: int) -> str:
    """In-text names: 'Wang', 'Wang and Hartmann', 'Wang, Hartmann, and Okafor', 'Wang et al.'; a name written
    family name first gives its family name too ('Li')."""
    if work.group_author:
        return work.group_author
    names = [surname(a) for a in work.authors]
    if len(names) >= et_al_from:
        return f"{names[0]} et al."
    return series(names, conjunction, serial_comma)


def url_link(work: Work, before: str = "", after: str = "") -> Styled:
    """The work's URL (or DOI as https://doi.org/…) with text around it; nothing without one."""
    return before + Styled.link(work.link) + after if work.link else Styled()


def names_with(names: tuple[Author, ...], form: Callable[[Author], str], conjunction: str = "and",
               serial_comma: bool = True) -> str:
    """Editors (or authors) in one form, joined: 'J. Wang & W. Li', 'Jiaxi Wang and Li Wei'."""
    return series([form(a) for a in names], conjunction, serial_comma)
