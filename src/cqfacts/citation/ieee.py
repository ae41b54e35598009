"""IEEE (IEEE Reference Guide, 2023)."""

from __future__ import annotations

from cqfacts.citation.common import Place, Style, names_with
from cqfacts.citation.styled import Styled, italic, join
from cqfacts.citation.words import direct, ieee_date, ordinal, pages, quoted, sentence_case, series, title_case
from cqfacts.citation.work import Work
from cqfacts.model import Fact


class IEEE(Style):
    """[n] J. Wang, L. Hartmann, and D. Okafor, “Title,” then per type: the site (roman) and date for a web page;
    *Journal*, vol. 3, no. 2, pp. 45–67, date, doi: 10.1234/abc. for a periodical; publisher, place, Rep. no.
    for a report; *Book*, 2nd ed. Place: Publisher, year. for a book; “Chapter,” in *Book*, E. Editor, Ed. for a
    chapter. Then "Accessed: date. [Online]. Available: URL". Numbered in citation order; et al. after six."""

    name, label = "ieee", "IEEE"
    numbered = True

    def authors(self, work: Work) -> str:
        if not work.persons:
            return series([a.display for a in work.authors])
        names = [direct(a, "initials") for a in work.authors]
        return f"{names[0]} et al." if len(names) > 6 else series(names)

    def body(self, work: Work) -> Styled:
        """The entry between the authors and the access date, ending in a period."""
        date = ieee_date(work.issued) if work.issued else ""
        if work.type == "book":
            edition = f", {ordinal(work.edition)} ed." if work.edition else ""
            return italic(title_case(work.title)) + edition + " " + ", ".join(
                p for p in (work.place_and_publisher, work.year) if p) + "."
        title = Styled.of(quoted(sentence_case(work.title), ","))
        if work.type == "report":
            number = f"{work.genre or 'Rep.'} no. {work.number}" if work.number else ""
            return title + " " + ", ".join(p for p in (work.publisher, work.publisher_place, number, date) if p) + "."
        if work.type == "chapter":
            editors = names_with(work.editors, lambda a: direct(a, "initials"))
            eds = f"{editors}, {'Eds.' if len(work.editors) > 1 else 'Ed.'}" if editors else ""
            head = join(", ", [title + " in " + italic(title_case(work.container)),
                               f"{ordinal(work.edition)} ed." if work.edition else "", eds])
            tail = ", ".join(p for p in (work.place_and_publisher, work.year,
                                         pages(work.page) if work.page else "") if p)
            return head + ("" if head.endswith(".") else ".") + " " + tail + "."  # "Eds." ends the part already
        container = Styled.of(work.container) if work.type in ("webpage", "post") else italic(work.container)
        numbers = [f"vol. {work.volume}" if work.volume else "", f"no. {work.issue}" if work.issue else "",
                   pages(work.page) if work.page else ""]
        return title + " " + join(", ", [container, *numbers, date]) + "."

    def reference(self, work: Work, number: int) -> Styled:
        out = f"[{number}] {self.authors(work)}, " + self.body(work)
        if work.source.doi:  # the Reference Guide's form: doi: 10.1109/…, the last element
            return out.cut_end(1) + f", doi: {work.source.doi}."
        if work.accessed:
            out = out + f" Accessed: {ieee_date(work.accessed)}."
        if work.url:
            out = out + " [Online]. Available: " + Styled.link(work.url)
        return out

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        return Styled.of(f"[{place.number}]")
