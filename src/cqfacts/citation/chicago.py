"""Chicago 17 (The Chicago Manual of Style, 17th ed.): notes and bibliography (chapter 14) and author-date
(chapter 15)."""

from __future__ import annotations

from cqfacts.citation.common import Place, Style, names_with, surnames, url_link
from cqfacts.citation.styled import Styled, italic, join
from cqfacts.citation.words import (
    direct,
    end_with_period,
    inverted,
    long_date,
    ordinal,
    quoted,
    same_body,
    series,
    title_case,
)
from cqfacts.citation.work import Work
from cqfacts.model import Fact

_STANDALONE = ("book", "report")


class _Chicago(Style):
    """What Chicago 17's two systems share: bibliography names, title case; an article's or chapter's title in
    quotes and a standalone work's italic; a periodical's, blog's or book's name italic, a website's roman
    (14.206); the publisher only for books and reports, and for a web page whose site it is not (14.206);
    an access date only for an undated source (14.12); a DOI as https://doi.org/… (14.8)."""

    author_date = False

    def bibliography_names(self, work: Work) -> str:
        """First author inverted (a name written family name first stays as written), the others in reading
        order; all up to ten, else seven and et al. (14.76)."""
        if not work.persons:
            return series([a.display for a in work.authors])
        names = [inverted(work.authors[0])] + [direct(a) for a in work.authors[1:]]
        if len(names) > 10:
            return ", ".join(names[:7]) + ", et al."
        return series(names, comma_for_two=names[0] != direct(work.authors[0]))

    def title(self, work: Work, punct: str) -> Styled:
        title = title_case(work.title)
        if work.type in _STANDALONE:
            return italic(title) + ("" if title[-1:] in "?!" else punct)
        return Styled.of(quoted(title, punct))

    def container(self, work: Work) -> Styled:
        return Styled.of(work.container) if work.type == "webpage" else italic(work.container)

    def date(self, work: Work) -> str:
        return long_date(work.issued) if work.issued else ""

    def accessed(self, work: Work, word: str) -> str:
        return f"{word} {long_date(work.accessed)}" if work.accessed and not work.issued else ""

    def journal_numbers(self, work: Work, year: str, pages: bool) -> str:
        """' 3, no. 2 (2023): 45–67' (14.171) or ' 3, no. 2: 45–67' (author-date, 15.47); a note cites the
        page quoted, not the article's range, so notes leave the range out."""
        text = "".join([f" {work.volume}" if work.volume else "", f", no. {work.issue}" if work.issue else "",
                        f" ({year})" if year else ""])
        return text + (f": {work.page}" if work.page and pages else "")

    def report_number(self, work: Work) -> str:
        return f"{work.genre or 'Report'} no. {work.number}" if work.number else (work.genre or "")

    def edition(self, work: Work) -> str:
        return f"{ordinal(work.edition)} ed." if work.edition else ""

    def periodical_part(self, work: Work, in_bibliography: bool) -> Styled:
        """The container and date: 'Site, Publisher, March 31, 2024', '*Journal* 3, no. 2 (2023): 45–67',
        '*Paper*, March 31, 2024', 'In *Book*, edited by Jiaxi Wang, 12–19'."""
        if work.type == "article-journal":
            year = "" if self.author_date else (work.year or "n.d.")
            return self.container(work) + self.journal_numbers(work, year, in_bibliography)
        if work.type == "chapter":
            editors = names_with(work.editors, direct)
            start = "In " if in_bibliography else "in "
            edited = (", edited by " if in_bibliography else ", ed. ") + editors if editors else ""
            pages = f", {work.page}" if in_bibliography and work.page else ""
            return start + italic(title_case(work.container)) + edited + pages
        publisher = ""
        if work.type == "webpage" and work.publisher and not same_body(work.publisher, work.site):
            publisher = work.publisher
        return join(", ", [self.container(work), publisher, self.date(work)])

    def publication(self, work: Work) -> str:
        """'Chongqing: Example Press, 2020' for books and reports (14.127), without the year in author-date."""
        year = "" if self.author_date else (work.year or "n.d.")
        return ", ".join(p for p in (work.place_and_publisher, year) if p)

    def bibliography_tail(self, work: Work) -> Styled:
        """Everything after the names (and, author-date, the year)."""
        parts: list[Styled | str] = [self.title(work, ".")]
        if work.type in _STANDALONE:
            parts += [end_with_period(p) for p in (self.edition(work), self.report_number(work),
                                                   self.publication(work)) if p]
        else:
            if work.type == "chapter":
                parts.append(self.periodical_part(work, True) + ".")
                parts += [end_with_period(p) for p in (self.edition(work), self.publication(work)) if p]
            else:
                parts.append(self.periodical_part(work, True) + ".")
        access = self.accessed(work, "Accessed")
        return join(" ", [*parts, end_with_period(access) if access else "", url_link(work, after=".")])


class Chicago(_Chicago):
    """Notes and bibliography: full note at a source's first citation, short note after (14.29, 14.30)."""

    name, label = "chicago", "Chicago 17th (notes and bibliography)"
    notes_style = True

    def note_names(self, work: Work) -> str:
        owner = work.group_author
        if owner and work.type in ("webpage", "post") and (same_body(owner, work.publisher)
                                                             or same_body(owner, work.container)):
            return ""  # the site's owner is its author: the note starts with the title (14.206)
        if not work.persons:
            return series([a.display for a in work.authors])
        names = [direct(a) for a in work.authors]
        return f"{names[0]} et al." if len(names) >= 4 else series(names)

    def full_note(self, work: Work) -> Styled:
        names = self.note_names(work)
        out = Styled.of(f"{names}, " if names else "")
        if work.type in _STANDALONE:  # 14.88: *Title*, 2nd ed. (Place: Publisher, year)
            out = join(", ", [out + self.title(work, ""), self.edition(work), self.report_number(work)])
            out = out + f" ({self.publication(work)})"
        elif work.type == "chapter":
            out = out + self.title(work, ",") + " " + self.periodical_part(work, False) + f" ({self.publication(work)})"
        else:
            out = out + self.title(work, ",") + " " + self.periodical_part(work, False)
        return join(", ", [out, self.accessed(work, "accessed"), url_link(work)]) + "."

    def short_note(self, work: Work) -> Styled:
        names = "" if not self.note_names(work) else surnames(work, "and", serial_comma=True, et_al_from=4)
        short = title_case(work.short_title)
        title = italic(short) + "." if work.type in _STANDALONE else Styled.of(quoted(short, "."))
        return Styled.of(f"{names}, " if names else "") + title

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        return f"{place.note}. " + (self.full_note(work) if place.first else self.short_note(work))

    def notes(self, work: Work, fact: Fact) -> dict[str, Styled]:
        return {"note": self.full_note(work), "short_note": self.short_note(work)}

    def reference(self, work: Work, number: int) -> Styled:
        return f"{end_with_period(self.bibliography_names(work))} " + self.bibliography_tail(work)


class ChicagoAuthorDate(_Chicago):
    """Author-date: (Author year); the year moves up after the names in the reference list (15.9); n.d."""

    name, label = "chicago-author-date", "Chicago 17th (author-date)"
    author_date = True

    def in_text(self, work: Work, fact: Fact, place: Place) -> Styled:
        return Styled.of(f"({surnames(work, 'and', serial_comma=True, et_al_from=4)} {work.year or 'n.d.'})")

    def reference(self, work: Work, number: int) -> Styled:
        names = end_with_period(self.bibliography_names(work))
        return f"{names} {end_with_period(work.year or 'n.d.')} " + self.bibliography_tail(work)
