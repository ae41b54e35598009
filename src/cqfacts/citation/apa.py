"""APA 7 (Publication Manual of the American Psychological Association, 7th ed., chapters 8–10)."""

from __future__ import annotations

from cqfacts.citation.common import Place, Style, names_with, surnames, url_link
from cqfacts.citation.styled import Styled, italic, join
from cqfacts.citation.words import (
    direct,
    end_with_period,
    inverted,
    long_date,
    month_day,
    ordinal,
    same_body,
    sentence_case,
    series,
)
from cqfacts.citation.work import PERIODICALS, Work
from cqfacts.model import Fact

_DATED_TO_THE_DAY = ("webpage", "post", "article-newspaper", "article-magazine")  # 9.14: (2024, March 31)


class APA(Style):
    """Author. (Date). Title. Source. Group or personal authors (Wang, J., & Li, W.); the work's own title
    italic when it stands alone (web page, report, book), roman when it is part of a periodical or book,
    whose name is italic; the site omitted when it is the author; the publisher omitted for periodicals and
    when it is the author (9.24, 9.25); a DOI as https://doi.org/… in place of the URL (9.34–9.36)."""

    name, label = "apa", "APA 7th"

    def authors(self, work: Work) -> str:
        if not work.persons:
            return "; ".join(a.display for a in work.authors)
        names = [inverted(a, "initials") for a in work.authors]
        if len(names) > 20:  # APA 9.8: the first 19, an ellipsis, the last
            return ", ".join(names[:19]) + ", . . . " + names[-1]
        return series(names, "&", comma_for_two=True)

    def date(self, work: Work) -> str:
        """9.14: (2024, March 31) for web pages and newspapers and magazines, the year for the rest; (n.d.)."""
        if not work.year:
            return "n.d."
        day = month_day(work.issued) if work.type in _DATED_TO_THE_DAY else ""
        return f"{work.year}, {day}" if day else work.year

    def details(self, work: Work, pages: bool = False) -> str:
        """What follows a standalone title in parentheses: '(2nd ed., Vol. 3, pp. 12–19)', '(Report No. 12)'."""
        parts = [f"{ordinal(work.edition)} ed." if work.edition else "",
                 f"Vol. {work.volume}" if work.volume and work.type != "article-journal" else "",
                 f"{work.genre or 'Report'} No. {work.number}" if work.number else "",
                 f"pp. {work.page}" if pages and work.page else ""]
        text = ", ".join(p for p in parts if p)
        return f" ({text})" if text else ""

    def periodical(self, work: Work) -> Styled:
        """10.1: *Journal*, *12*(3), 45–67. A newspaper's page (A1) or a magazine's volume and issue likewise."""
        out = italic(work.container)
        if work.volume:
            out = out + ", " + italic(work.volume) + (f"({work.issue})" if work.issue else "")
        elif work.issue:
            out = out + f", ({work.issue})"
        if work.page:
            out = out + f", {work.page}"
        return out + "."

    def reference(self, work: Work, number: int) -> Styled:
        title = sentence_case(work.title)
        end = "" if title[-1:] in "?!" else "."
        out = Styled.of(f"{end_with_period(self.authors(work))} ({self.date(work)}). ")
        genre = f" [{work.genre}]" if work.genre and not work.number else ""  # 9.21: a description in brackets
        if work.type == "webpage":
            out = out + italic(title) + genre + end
            if not (work.group_author and same_body(work.group_author, work.site)):
                out = out + " " + end_with_period(work.site)
        elif work.type in PERIODICALS or work.type == "post":
            out = out + title + genre + end + " " + self.periodical(work)
        elif work.type == "chapter":  # 10.3: In E. Editor (Ed.), *Book* (pp. 12–19). Publisher.
            editors = names_with(work.editors, lambda a: direct(a, "initials"), "&", serial_comma=True)
            eds = f"{editors} ({'Eds.' if len(work.editors) > 1 else 'Ed.'}), " if editors else ""
            out = (out + title + end + f" In {eds}" + italic(sentence_case(work.container))
                   + self.details(work, pages=True) + ". " + end_with_period(work.publisher))
        else:  # report, book (10.2, 10.4): *Title* (2nd ed.). Publisher.
            out = out + italic(title) + self.details(work) + genre + "."
            publisher = work.source.publisher
            if publisher and not (work.group_author and same_body(publisher, work.group_author)):
                out = out + " " + end_with_period(publisher)
        if not work.year and work.accessed and work.url and not work.doi_url:  # 9.16: undated, meant to change
            return out + f" Retrieved {long_date(work.accessed)}, from " + Styled.link(work.url)
        return join(" ", [out, url_link(work)])

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        """8.17, 8.28: (Wang et al., 2024, para. 4); (Author, n.d., para. 4)."""
        names = surnames(work, "&", serial_comma=True, et_al_from=3)
        return Styled.of(f"({names}, {work.year or 'n.d.'}, para. {fact.paragraph})")
