"""The six citation styles writers paste, each built by hand from its manual: APA 7, MLA 9, Chicago 17 (notes
and bibliography, author-date), Cite Them Right Harvard and IEEE. Each builds a quotation, an in-text citation
and a reference for every type of source; see ../shared/CITATIONS.md and the tests for worked examples."""

from __future__ import annotations

from cqfacts.citation.apa import APA
from cqfacts.citation.chicago import Chicago, ChicagoAuthorDate
from cqfacts.citation.common import Place, Style
from cqfacts.citation.harvard import Harvard
from cqfacts.citation.ieee import IEEE
from cqfacts.citation.mla import MLA

STYLES: dict[str, Style] = {s.name: s for s in (APA(), MLA(), Chicago(), ChicagoAuthorDate(), Harvard(), IEEE())}

__all__ = ["STYLES", "Place", "Style"]
