"""Harvard as Cite Them Right (Pears and Shields, 12th ed.) gives it."""

from __future__ import annotations

from cqfacts.citation.common import Place, Style, names_with, surnames
from cqfacts.citation.styled import Styled, italic, join
from cqfacts.citation.words import day_month_year, inverted, ordinal, pages, sentence_case, series, single_quotes_inside
from cqfacts.citation.work import Work
from cqfacts.model import Fact

_MONTHS_ONLY = ("article-newspaper", "article-magazine", "post")  # 'day Month' after the paper's name


class Harvard(Style):
    """Wang, J., Li, W. and Zhao, M. (year) then the title: a standalone work's italic, an article's or
    chapter's in single quotes (‘Title’, *Paper*); 'in Editor (ed.) *Book*'; place: publisher for books and
    reports; 'Available at: URL (Accessed: 5 January 2025).', a DOI as https://doi.org/…. Et al. from four
    names; British single quotes; (no date) for an undated source."""

    name, label = "harvard", "Harvard (Cite Them Right)"
    british_quotes = True

    def authors(self, work: Work) -> str:
        if not work.persons:
            return series([a.display for a in work.authors], serial_comma=False)
        names = [inverted(a, "initials-tight") for a in work.authors]
        return f"{names[0]} et al." if len(names) >= 4 else series(names, serial_comma=False)

    def container(self, work: Work) -> Styled:
        """', *Journal*, 3(2), pp. 45–67', ', *Paper*, 31 March, p. 4', ', in Wang, J. (ed.) *Book*'."""
        if work.type == "chapter":
            editors = names_with(work.editors, lambda a: inverted(a, "initials-tight"), serial_comma=False)
            eds = f"{editors} ({'eds' if len(work.editors) > 1 else 'ed.'}) " if editors else ""
            return ", in " + eds + italic(sentence_case(work.container))
        numbers = (work.volume or "") + (f"({work.issue})" if work.issue else "")
        day = ""
        if work.type in _MONTHS_ONLY and len(work.issued) > 1 and not numbers:
            day = day_month_year(work.issued).rsplit(" ", 1)[0]  # '31 March': the year is already given
        return ", " + join(", ", [italic(work.container), numbers, day,
                                  pages(work.page) if work.page else ""])

    def reference(self, work: Work, number: int) -> Styled:
        title = sentence_case(work.title)
        end = "" if title[-1:] in "?!" else "."
        out = Styled.of(f"{self.authors(work)} ({work.year or 'no date'}) ")
        if work.type in ("webpage", "book", "report"):
            out = out + italic(single_quotes_inside(title)) + end
            if work.type != "webpage":  # a web page gives no publisher (its site is where it is available)
                edition = f"{ordinal(work.edition)} edn." if work.edition else ""
                where = work.place_and_publisher  # a report's publisher is its organisation unless given
                out = join(" ", [out, edition, f"{where}." if where else ""])
        else:
            out = out + f"‘{title}’" + self.container(work)
            if work.type == "chapter":
                out = out + ". " + ": ".join(p for p in (work.publisher_place, work.publisher) if p)
                out = out + (f", {pages(work.page)}" if work.page else "")
            out = out + "."
        link = Styled.of("Available at: ") + Styled.link(work.link) if work.link else Styled()
        accessed = f"(Accessed: {day_month_year(work.accessed)})" if work.accessed else ""
        return join(" ", [out, link, accessed]) + "." if link or accessed else out

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        names = surnames(work, "and", serial_comma=False, et_al_from=4)
        return Styled.of(f"({names}, {work.year or 'no date'})")
