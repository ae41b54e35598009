"""MLA 9 (MLA Handbook, 9th ed.): Author. Title. Container, contributors, version, number, publisher, date,
location."""

from __future__ import annotations

from cqfacts.citation.common import Place, Style, names_with, surnames
from cqfacts.citation.styled import Styled, italic, join
from cqfacts.citation.words import (
    MLA_MONTHS,
    day_month_year,
    direct,
    end_with_period,
    inverted,
    ordinal,
    pages,
    quoted,
    same_body,
    series,
    title_case,
)
from cqfacts.citation.work import PERIODICALS, Work
from cqfacts.model import Fact

_DATED_BY_YEAR = ("book", "chapter")  # 5.68: a book's date is its year of publication


class MLA(Style):
    """An organisation that is author and publisher is left out (5.7: the entry starts with the title);
    the first name inverted unless written family name first, et al. from three; title case; a work that is
    part of a container quoted, a standalone one italic; the container italic; the publisher left out for
    periodicals and web pages named for it (5.40); day Mon. year; a URL without https://, a DOI as
    https://doi.org/… (5.93–5.96); an optional access date last (5.111)."""

    name, label = "mla", "MLA 9th"

    def title_first(self, work: Work) -> bool:
        publisher = work.source.publisher or (work.group_author if work.type == "report" else None)
        return bool(work.group_author) and (same_body(work.group_author, publisher or "")
                                            or same_body(work.group_author, work.container))

    def authors(self, work: Work) -> str:
        if self.title_first(work):
            return ""
        if not work.persons:
            return series([a.display for a in work.authors])
        first = inverted(work.authors[0])
        if len(work.authors) >= 3:
            return f"{first}, et al."
        if len(work.authors) == 2:  # a comma before "and" only after an inverted name (5.6)
            comma = "," if first != direct(work.authors[0]) else ""
            return f"{first}{comma} and {direct(work.authors[1])}"
        return first

    def publisher(self, work: Work) -> str:
        if work.type in PERIODICALS:
            return ""
        publisher = work.source.publisher or (work.group_author if work.type == "report" else "")
        return "" if not publisher or same_body(publisher, work.container) else publisher

    def date(self, work: Work) -> str:
        if not work.issued:
            return ""
        return work.year if work.type in _DATED_BY_YEAR else day_month_year(work.issued, MLA_MONTHS)

    def location(self, work: Work) -> Styled:
        """Pages, then the DOI (https://doi.org/…) or the URL without its scheme."""
        place = Styled.of(pages(work.page)) if work.page and work.type not in ("webpage", "post") else Styled()
        if work.doi_url:
            link = Styled.link(work.doi_url)
        elif work.url:
            link = Styled.link(work.url.split("://", 1)[-1], work.url)
        else:
            link = Styled()
        return join(", ", [place, link])

    def reference(self, work: Work, number: int) -> Styled:
        authors = self.authors(work)
        standalone = work.type in ("book", "report")
        title = title_case(work.title)
        head = Styled.of(f"{end_with_period(authors)} " if authors else "")
        head = head + (italic(title) + ("" if title[-1:] in "?!" else ".") if standalone else quoted(title, "."))
        editors = names_with(work.editors, direct)
        elements = [
            italic(title_case(work.container)) if work.container and work.type == "chapter" else
            italic(work.container) if work.container else None,
            f"edited by {editors}" if editors else None,
            f"{ordinal(work.edition)} ed." if work.edition and work.type != "article-newspaper" else None,
            f"vol. {work.volume}" if work.volume else None,
            f"no. {work.issue}" if work.issue else None,
            self.publisher(work),
            self.date(work),
            self.location(work),
        ]
        rest = join(", ", elements)
        out = head + " " + rest + "." if rest else head
        if work.accessed:
            out = out + f" Accessed {day_month_year(work.accessed, MLA_MONTHS)}."
        return out

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        # 6.4: MLA cites paragraphs only when the source numbers them; these do not.
        if self.title_first(work):
            short = title_case(work.short_title)
            return Styled.of("(") + (italic(short) if work.type in ("book", "report") else quoted(short)) + ")"
        return Styled.of(f"({surnames(work, 'and', serial_comma=True, et_al_from=3)})")
