"""The seven citation styles writers paste: each builds a quotation, an in-text citation and a reference.

Every rule is the style guide's (APA 7, MLA 9, Chicago 17, Cite Them Right, IEEE); see
../shared/CITATIONS.md for the ones that matter for a web article, and the tests for worked examples.
"""

from __future__ import annotations

from cqfacts.citation.styled import Styled, italic
from cqfacts.citation.words import (
    MLA_MONTHS,
    day_month_year,
    direct,
    end_with_period,
    ieee_date,
    inverted,
    long_date,
    month_day,
    quoted,
    same_body,
    sentence_case,
    series,
    single_quotes_inside,
    surname,
    title_case,
)
from cqfacts.citation.work import Work
from cqfacts.lazy import record
from cqfacts.model import Fact


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

    def quotation(self, fact: Fact) -> Styled:
        if self.british_quotes:
            return Styled.of(f"‘{fact.quote}’")
        return Styled.of(f"“{single_quotes_inside(fact.quote)}”")

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        raise NotImplementedError

    def reference(self, work: Work, number: int) -> Styled:
        raise NotImplementedError

    def notes(self, work: Work, fact: Fact) -> dict[str, Styled]:
        """Extra parts a style has (Chicago: the full and the short note)."""
        return {}


def _surnames(work: Work, conjunction: str, serial_comma: bool, et_al_from: int) -> str:
    """In-text names: 'Wang', 'Wang and Hartmann', 'Wang, Hartmann, and Okafor', 'Wang et al.'."""
    if work.group_author:
        return work.group_author
    names = [surname(a) for a in work.authors]
    if len(names) >= et_al_from:
        return f"{names[0]} et al."
    return series(names, conjunction, serial_comma)


def _url_after(work: Work, separator: str, final: str = "") -> str:
    return f"{separator}{work.url}{final}" if work.url else ""


class APA(Style):
    """APA 7: group or personal authors (Wang, J., & Li, N.), (year, Month day), italic sentence-case title,
    site unless it is the author, URL. Retrieval dates only for pages meant to change, so none here."""

    name, label = "apa", "APA 7th"

    def authors(self, work: Work) -> str:
        if not work.persons:
            return "; ".join(a.display for a in work.authors)
        names = [inverted(a, "initials") for a in work.authors]
        if len(names) > 20:  # APA 9.8: the first 19, an ellipsis, the last
            return ", ".join(names[:19]) + ", . . . " + names[-1]
        return series(names, "&", comma_for_two=True)

    def reference(self, work: Work, number: int) -> Styled:
        published = work.published
        title = sentence_case(work.title)
        head = f"{end_with_period(self.authors(work))} ({work.year}, {month_day(published)}). "
        site = "" if work.group_author and same_body(work.group_author, work.site) else f" {end_with_period(work.site)}"
        return head + italic(title) + ("" if title[-1:] in "?!" else ".") + site + _url_after(work, " ")

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        names = _surnames(work, "&", serial_comma=True, et_al_from=3)
        return Styled.of(f"({names}, {work.year}, para. {fact.paragraph})")


class MLA(Style):
    """MLA 9: an organisation that is author and publisher is left out (the entry starts with the title);
    names inverted for the first author, et al. from three; title case in quotes; italic site; publisher
    unless it is the site; day month year; URL without http(s)://; optional access date last."""

    name, label = "mla", "MLA 9th"

    def title_first(self, work: Work) -> bool:
        return bool(work.group_author) and (same_body(work.group_author, work.publisher)
                                            or same_body(work.group_author, work.site))

    def authors(self, work: Work) -> str:
        if self.title_first(work):
            return ""
        if not work.persons:
            return series([a.display for a in work.authors])
        first = inverted(work.authors[0])
        if len(work.authors) >= 3:
            return f"{first}, et al."
        if len(work.authors) == 2:
            return f"{first}, and {direct(work.authors[1])}"
        return first

    def reference(self, work: Work, number: int) -> Styled:
        authors = self.authors(work)
        container: Styled = italic(work.site)
        if not same_body(work.publisher, work.site):
            container = container + f", {work.publisher}"
        tail = f", {day_month_year(work.published, MLA_MONTHS)}"
        if work.url:
            tail += ", " + work.url.split("://", 1)[-1]
        out = (f"{end_with_period(authors)} " if authors else "") + quoted(title_case(work.title), ".")
        out = out + " " + container + tail + "."
        if work.accessed:
            out = out + f" Accessed {day_month_year(work.accessed, MLA_MONTHS)}."
        return out

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        # MLA cites paragraphs only when the source numbers them; this one does not.
        if self.title_first(work):
            return Styled.of(f"({quoted(title_case(work.short_title))})")
        return Styled.of(f"({_surnames(work, 'and', serial_comma=True, et_al_from=3)})")


class _Chicago(Style):
    """What Chicago 17's two systems share: bibliography names, title case in quotes, roman site name."""

    def bibliography_names(self, work: Work) -> str:
        """First author inverted, the others in reading order; all up to ten, else seven and et al. (14.76)."""
        if not work.persons:
            return series([a.display for a in work.authors])
        names = [inverted(work.authors[0])] + [direct(a) for a in work.authors[1:]]
        if len(names) > 10:
            return ", ".join(names[:7]) + ", et al."
        return series(names, comma_for_two=True)

    def site_and_date(self, work: Work) -> str:
        """'Site, Publisher, March 31, 2024': the publisher only when it is not the site itself."""
        parts = [work.site]
        if not same_body(work.publisher, work.site):
            parts.append(work.publisher)
        parts.append(long_date(work.published))
        return ", ".join(parts)

    def bibliography_tail(self, work: Work) -> str:
        # Access dates only for sources without a publication date (14.12): never printed here.
        return f"{quoted(title_case(work.title), '.')} {self.site_and_date(work)}.{_url_after(work, ' ', '.')}"


class Chicago(_Chicago):
    """Chicago 17 notes and bibliography: full note at a source's first citation, short note after."""

    name, label = "chicago", "Chicago 17th (notes and bibliography)"

    def note_names(self, work: Work) -> str:
        if work.group_author and same_body(work.group_author, work.publisher):
            return ""  # the owner of the site is its publisher: the note starts with the title
        if not work.persons:
            return series([a.display for a in work.authors])
        names = [direct(a) for a in work.authors]
        return f"{names[0]} et al." if len(names) >= 4 else series(names)

    def full_note(self, work: Work) -> Styled:
        names = self.note_names(work)
        text = (f"{names}, " if names else "") + quoted(title_case(work.title), ",")
        return Styled.of(f"{text} {self.site_and_date(work)}{_url_after(work, ', ')}.")

    def short_note(self, work: Work) -> Styled:
        names = "" if not self.note_names(work) else _surnames(work, "and", serial_comma=True, et_al_from=4)
        return Styled.of((f"{names}, " if names else "") + quoted(title_case(work.short_title), "."))

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        return f"{place.note}. " + (self.full_note(work) if place.first else self.short_note(work))

    def notes(self, work: Work, fact: Fact) -> dict[str, Styled]:
        return {"note": self.full_note(work), "short_note": self.short_note(work)}

    def reference(self, work: Work, number: int) -> Styled:
        return Styled.of(f"{end_with_period(self.bibliography_names(work))} {self.bibliography_tail(work)}")


class ChicagoAuthorDate(_Chicago):
    """Chicago 17 author-date: (Author year); the year moves up after the names in the reference list."""

    name, label = "chicago-author-date", "Chicago 17th (author-date)"

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        return Styled.of(f"({_surnames(work, 'and', serial_comma=True, et_al_from=4)} {work.year})")

    def reference(self, work: Work, number: int) -> Styled:
        names = end_with_period(self.bibliography_names(work))
        return Styled.of(f"{names} {work.year}. {self.bibliography_tail(work)}")


class Harvard(Style):
    """Harvard (Cite Them Right): Wang, J., Li, N. and Zhao, M. (year) *Title*. Available at: URL
    (Accessed: 5 January 2025). Et al. from four names; British single quotes."""

    name, label = "harvard", "Harvard (Cite Them Right)"
    british_quotes = True

    def authors(self, work: Work) -> str:
        if not work.persons:
            return series([a.display for a in work.authors], serial_comma=False)
        names = [inverted(a, "initials-tight") for a in work.authors]
        return f"{names[0]} et al." if len(names) >= 4 else series(names, serial_comma=False)

    def reference(self, work: Work, number: int) -> Styled:
        title = single_quotes_inside(sentence_case(work.title))
        out = f"{self.authors(work)} ({work.year}) " + italic(title) + ("" if title[-1:] in "?!" else ".")
        online = " ".join(p for p in (f"Available at: {work.url}" if work.url else "",
                                      f"(Accessed: {day_month_year(work.accessed)})" if work.accessed else "") if p)
        return out + (f" {online}." if online else "")

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        return Styled.of(f"({_surnames(work, 'and', serial_comma=False, et_al_from=4)}, {work.year})")


class IEEE(Style):
    """IEEE: [n] J. Wang, L. Hartmann, and D. Okafor, “Title,” Site, Mon. day, year. Accessed: date.
    [Online]. Available: URL. Numbered in citation order; et al. after six names."""

    name, label = "ieee", "IEEE"
    numbered = True

    def authors(self, work: Work) -> str:
        if not work.persons:
            return series([a.display for a in work.authors])
        names = [direct(a, "initials") for a in work.authors]
        return f"{names[0]} et al." if len(names) > 6 else series(names)

    def reference(self, work: Work, number: int) -> Styled:
        out = (f"[{number}] {self.authors(work)}, {quoted(sentence_case(work.title), ',')} {work.site}, "
               f"{ieee_date(work.published)}.")
        if work.accessed:
            out += f" Accessed: {ieee_date(work.accessed)}."
        if work.url:
            out += f" [Online]. Available: {work.url}"
        return Styled.of(out)

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        return Styled.of(f"[{place.number}]")


STYLES: dict[str, Style] = {s.name: s for s in (APA(), MLA(), Chicago(), ChicagoAuthorDate(), Harvard(), IEEE())}
