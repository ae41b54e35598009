"""A source as a citation sees it: the fact base's record plus what the writer adds (--url, --accessed)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cqfacts.lazy import record
from cqfacts.model import Author, Source
from cqfacts.output import mask_controls


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
    def authors(self) -> tuple[Author, ...]:
        return self.source.authors

    @property
    def persons(self) -> bool:
        return all(a.is_person for a in self.authors)

    @property
    def published(self) -> dt.date:
        return self.source.published_date  # type: ignore[return-value]

    @property
    def year(self) -> str:
        return str(self.published.year)

    @property
    def title(self) -> str:
        return self.source.title

    @property
    def site(self) -> str:
        return self.source.container_title or ""

    @property
    def publisher(self) -> str:
        return self.source.publisher or ""

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


# Control characters become "?" before a record is built: printed later, an ESC or CSI (U+009B) would be cut
# out by the terminal-safety filter together with the "{", '"' or line break after it, breaking the record.
def _printable(text: str | None) -> str | None:
    return None if text is None else mask_controls(text)


def _printable_source(source: Source) -> Source:
    # A copy made from the instance's fields (vars), not dataclasses.replace: replace would build the
    # dataclass machinery of Source on every run (cqfacts.lazy).
    def printable(item: Any) -> dict[str, Any]:
        return {k: _printable(v) if isinstance(v, str) else v for k, v in vars(item).items()}

    return Source(**{**printable(source), "authors": tuple(Author(**printable(a)) for a in source.authors)})
