"""A source as a citation sees it: the fact base's record plus what the writer adds (--url, --accessed)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cqfacts.citation.words import same_body
from cqfacts.lazy import record
from cqfacts.model import Author, Source
from cqfacts.output import mask_controls

PERIODICALS = ("article-newspaper", "article-magazine", "article-journal")
WEB = ("webpage", "post")


@record(frozen=True)
class Work:
    source: Source
    url: str | None = None
    accessed: dt.date | None = None

    @classmethod
    def of(cls, source: Source, url: str | None = None, accessed: dt.date | None = None) -> Work:
        """The writer's --url and --accessed win over the fact base's; neither is ever invented."""
        return cls(_printable_source(source), _printable(url or source.url), accessed or source.accessed)

    @property
    def type(self) -> str:
        return self.source.type

    @property
    def authors(self) -> tuple[Author, ...]:
        return self.source.authors

    @property
    def editors(self) -> tuple[Author, ...]:
        return self.source.editors

    @property
    def persons(self) -> bool:
        return all(a.is_person for a in self.authors)

    @property
    def issued(self) -> tuple[int, ...]:
        """(year,), (year, month) or (year, month, day); () when the source is undated."""
        return self.source.issued

    @property
    def year(self) -> str | None:
        return str(self.issued[0]) if self.issued else None

    @property
    def title(self) -> str:
        return self.source.title

    @property
    def container(self) -> str:
        """The site, newspaper, magazine, journal or book the work appears in ("" for a book or report)."""
        return self.source.container_title or ""

    @property
    def site(self) -> str:
        return self.container

    @property
    def publisher(self) -> str:
        """Who publishes it: as given, else (a report) its organisation author; "" when neither."""
        return self.source.publisher or (self.group_author if self.type == "report" else None) or ""

    @property
    def place_and_publisher(self) -> str:
        """'Chongqing: Example Press' (Chicago, Harvard, IEEE books), or either alone."""
        return ": ".join(p for p in (self.source.publisher_place, self.publisher) if p)

    @property
    def separate_publisher(self) -> str:
        """The publisher when it is neither the site (container) nor the author: styles print it only then."""
        publisher = self.publisher
        if not publisher or same_body(publisher, self.container) or (
                self.group_author and same_body(publisher, self.group_author)):
            return ""
        return publisher

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.source.doi}" if self.source.doi else None

    @property
    def link(self) -> str | None:
        """The DOI as a URL when there is one (styles prefer it), else the URL."""
        return self.doi_url or self.url

    @property
    def short_title(self) -> str:
        """The curator's short title, else the main title (before any subtitle); never a guessed cut."""
        if self.source.short_title:
            return self.source.short_title
        return re.split(r":\s+|\s*—\s*", self.title, maxsplit=1)[0]

    @property
    def group_author(self) -> str | None:
        """The organisation, when one organisation is the only author."""
        if len(self.authors) == 1 and not self.authors[0].is_person:
            return self.authors[0].display
        return None

    @property
    def page(self) -> str | None:
        """Pages as styles print them: a hyphen between numbers becomes an en dash ('30-35' -> '30–35')."""
        return re.sub(r"(?<=\w)\s*-\s*(?=\w)", "–", self.source.page) if self.source.page else None

    def __getattr__(self, name: str) -> str | None:
        # volume, issue, section, edition, number, genre, isbn, publisher_place: as the source gives them
        if name in _PLAIN:
            return getattr(self.source, name)
        raise AttributeError(name)


_PLAIN = frozenset({"volume", "issue", "section", "edition", "number", "genre", "isbn", "publisher_place",
                    "doi", "original_title"})


# Control characters become "?" before a record is built: printed later, an ESC or CSI (U+009B) would be cut
# out by the terminal-safety filter together with the "{", '"' or line break after it, breaking the record.
def _printable(text: str | None) -> str | None:
    return None if text is None else mask_controls(text)


def _printable_source(source: Source) -> Source:
    # A copy made from the instance's fields (vars), not dataclasses.replace: replace would build the
    # dataclass machinery of Source on every run (cqfacts.lazy). The publication date is left as it is.
    def printable(item: Any) -> dict[str, Any]:
        return {k: _printable(v) if isinstance(v, str) and k != "published" else v for k, v in vars(item).items()}

    def names(authors: tuple[Author, ...]) -> tuple[Author, ...]:
        return tuple(Author(**printable(a)) for a in authors)

    return Source(**{**printable(source), "authors": names(source.authors), "editors": names(source.editors)})
