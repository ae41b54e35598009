"""The picker without a screen: the facts it ranks for a query line, the style it cites in, and the text
Enter prints (``--print``). The Textual app shows this state and routes keys to it; nothing here draws."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import islice
from typing import TYPE_CHECKING

from cqfacts.errors import CqfactsError

if TYPE_CHECKING:
    from cqfacts.citation import Citations, FactCitation
    from cqfacts.model import Fact, FactBase

# What Enter prints: the quotation with its in-text citation, the in-text citation alone, the reference
# entry, a Pandoc citation ([@key, para. 12]), the fact id, or the citation records as JSON.
PRINTS = ("quote", "in-text", "reference", "pandoc", "id", "json")
DEFAULT_PRINT = "quote"
# Results ranked and listed per keystroke: a few screens, few enough to redraw at once on a large base.
SHOWN = 100

_QUOTE = {"quote": True, "in_text": True, "reference": False}
_IN_TEXT = {"quote": False, "in_text": True, "reference": False}
_REFERENCE = {"quote": False, "in_text": False, "reference": True}
_EVERYTHING = {"quote": True, "in_text": True, "reference": True}


def text_styles(prints: str = DEFAULT_PRINT) -> tuple[str, ...]:
    """The styles Ctrl-S cycles through: every style that cites in a text (not the file formats), but for
    references those that have them (pandoc's citation is a key; its bibliography is `cqfacts bib`)."""
    from cqfacts.citation import STYLE_NAMES
    from cqfacts.citation.records import MACHINE_STYLES

    return tuple(s for s in STYLE_NAMES if s not in MACHINE_STYLES and not (s == "pandoc" and prints == "reference"))


def check_print(name: str) -> str:
    if name not in PRINTS:
        raise CqfactsError(f"unknown --print {name!r}; choose one of {', '.join(PRINTS)}")
    return name


@dataclass(frozen=True)
class Ranking:
    """What the result list shows for one query line."""

    query: str
    facts: list[Fact]
    pool: int  # how many facts the filters leave to choose from

    @property
    def capped(self) -> bool:
        """True when more facts qualify than are listed (an empty query on a large base)."""
        return not self.query.strip() and self.pool > len(self.facts)


class Picker:
    """A fact base, the facts the filters leave, the current style and what Enter prints."""

    def __init__(self, base: FactBase, pool: list[Fact] | None = None, style: str | None = None,
                 prints: str = DEFAULT_PRINT):
        from cqfacts.citation import DEFAULT_STYLE

        self.styles = text_styles(check_print(prints))
        if prints == "pandoc":
            from cqfacts.citation import check_style

            check_style("pandoc")
        style = style or DEFAULT_STYLE
        if style == "pandoc" and prints == "reference":
            raise CqfactsError("the pandoc style is a citation only, with no reference entry; choose another "
                               "--style, or write the bibliography with 'cqfacts bib'")
        if style not in self.styles:
            raise CqfactsError(f"pick cites in a text style; choose --style {', '.join(self.styles)} "
                               f"(for {style!r} files use 'cqfacts cite ID --style {style}')")
        self.base, self.pool, self.style, self.prints = base, pool, style, prints
        self.size = len(base.facts) if pool is None else len(pool)
        self._unranked: list[Fact] | None = None

    def prepare(self) -> None:
        """Build what ranking a query needs, once: the app's first screen (an empty query line lists the
        facts unranked) is drawn before this. Filtered or not, words weigh by their rarity in the whole
        base, as in `search`: its index, not the filtered facts' alone."""
        from cqfacts.search import index_for

        index_for(self.base)

    def rank(self, query: str) -> Ranking:
        """The facts for a query line, best first; an empty line lists every fact the filters leave."""
        from cqfacts.search import search

        if not query.strip():
            if self._unranked is None:  # a base read from the cache reads these facts only, once
                facts = self.base.facts
                self._unranked = (self.pool[:SHOWN] if self.pool is not None
                                  else [facts[i] for i in islice(facts, SHOWN)])
            return Ranking(query, self._unranked, self.size)
        self.prepare()
        hits = search(self.base, query, facts=self.pool, limit=SHOWN)
        return Ranking(query, [h.fact for h in hits], self.size)

    def next_style(self) -> str:
        """Ctrl-S: the next style, after the last the first again."""
        self.style = self.styles[(self.styles.index(self.style) + 1) % len(self.styles)]
        return self.style

    def cite(self, facts: list[Fact], style: str | None = None) -> Citations:
        from cqfacts.citation import cite

        return cite(facts, self.base.sources, style or self.style)

    def output(self, facts: list[Fact], prints: str | None = None) -> str:
        """What Enter prints for the chosen facts: one block each, blocks apart by a blank line (so each is
        a paragraph in Markdown), references once per source; ids one a line, JSON as `cite --json`, and
        pandoc as `cite --style pandoc`, one citation for all."""
        from cqfacts.citation.printing import as_json_rows, as_text

        prints = prints or self.prints
        if not facts:
            return ""
        if prints == "id":
            return "".join(f"{f.id}\n" for f in facts)
        result = self.cite(facts, "pandoc" if prints == "pandoc" else None)
        if prints == "json":
            from cqfacts.output import to_json

            return to_json(as_json_rows(result, _EVERYTHING, "text"), indent=2) + "\n"
        if prints == "reference":
            singles = [replace(result, citations=[], references=[r]) for r in result.references]
            return "\n".join(as_text(one, _REFERENCE, "text") for one in singles)
        parts = _QUOTE if prints == "quote" else _IN_TEXT
        if prints == "pandoc":  # as `cite --style pandoc` prints it: one citation for all, [@a, paras. 3, 5]
            return as_text(result, parts, "text")
        return "\n".join(as_text(self._one(result, c), parts, "text") for c in result.citations)

    @staticmethod
    def _one(result: Citations, citation: FactCitation) -> Citations:
        """The citations of several facts cut down to one of them, numbered as among them all."""
        if getattr(result, "combined", None) is not None:  # pandoc: that fact's own [@key, para. N]
            return replace(result, citations=[citation], combined=citation.in_text)
        return replace(result, citations=[citation])

    def preview(self, fact: Fact) -> str:
        """The citation the preview shows for a fact: what Enter prints for it (for ids and JSON, the quote)."""
        return self.output([fact], self.prints if self.prints not in ("id", "json") else "quote")
