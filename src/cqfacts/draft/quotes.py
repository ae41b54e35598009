"""Checking a quotation against the fact base's verbatim quotes: verbatim, altered (what changed) or unbacked.

Quotations are compared word by word after ``normalize.fold``: whitespace, straight or curly quotes, dashes,
letter case and punctuation are forgiven. ``…``, ``...`` and ``[…]`` stand for omitted words and
``[square brackets]`` for the writer's insertions: the parts between them must each occur, in order, in one
fact's quote (or in the quotes of one paragraph of a source, for a quotation that runs over two facts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cqfacts.model import Fact, FactBase
from cqfacts.normalize import fold

_GAP_RE = re.compile(r"\[[^\[\]]*\]|…|\.\s?\.\s?\.")  # omissions and insertions both break a quotation
_WORD_RE = re.compile(r"[^\W_]+(?:['.,][^\W_]+)*")
# The closest fact quote must share this share of the quotation's words for it to be "altered", not unbacked.
_ALTERED_SHARE = 0.6
_CLOSEST = 3  # fact quotes sharing the most words, aligned word by word


def words(text: str) -> list[str]:
    """The words of a text as compared: folded, punctuation dropped, numbers kept whole ("500,000" → "500000")."""
    return _WORD_RE.findall(fold(text))


@dataclass(frozen=True)
class Passage:
    """Quoted words of the base to match against: one fact's quote, or all quotes of a paragraph."""

    facts: tuple[Fact, ...]
    words: tuple[str, ...]

    @property
    def joined(self) -> str:
        return " " + " ".join(self.words) + " "


@dataclass(frozen=True)
class QuoteResult:
    status: str  # verbatim, altered, unbacked
    fact: Fact | None = None
    changes: tuple[tuple[str, str], ...] = ()  # (fact's words, draft's words) where they differ
    also: tuple[Fact, ...] = ()  # other facts the quotation's words come from (one paragraph's quotes)


class QuoteIndex:
    """The base's quotes, folded once, for checking every quotation of a draft."""

    def __init__(self, base: FactBase):
        self.passages = [Passage((f,), tuple(words(" ".join(filter(None, (f.prefix, f.quote, f.suffix))))))
                         for f in base.facts.values()]
        by_paragraph: dict[tuple[str, int], list[Fact]] = {}
        for fact in base.facts.values():
            by_paragraph.setdefault((fact.source, fact.paragraph), []).append(fact)
        self.paragraphs = [Passage(tuple(fs), tuple(w for f in fs for w in words(f.quote)))
                           for fs in by_paragraph.values() if len(fs) > 1]
        self._vocabularies = [frozenset(p.words) for p in self.passages]

    def check(self, quotation: str) -> QuoteResult:
        parts = [words(part) for part in _GAP_RE.split(quotation)]
        parts = [p for p in parts if p]
        if not parts:
            return QuoteResult("unbacked")
        for passage in (*self.passages, *self.paragraphs):
            if _contains(passage.joined, parts):
                return QuoteResult("verbatim", passage.facts[0], also=passage.facts[1:])
        return self._closest([w for p in parts for w in p])

    def _closest(self, quoted: list[str]) -> QuoteResult:
        """The fact quote sharing the most of the quotation's words in order, if it shares enough."""
        wanted = set(quoted)
        overlap = sorted(((len(wanted & vocabulary), n) for n, vocabulary in enumerate(self._vocabularies)),
                         reverse=True)[:_CLOSEST]
        chosen: tuple[float, Passage, list[tuple[str, str]]] | None = None
        for shared, n in overlap:
            if shared < _ALTERED_SHARE * len(wanted):
                break
            passage = self.passages[n]
            share, changes = _alignment(passage.words, quoted)
            if share >= _ALTERED_SHARE and (chosen is None or share > chosen[0]):
                chosen = (share, passage, changes)
        if chosen is None:
            return QuoteResult("unbacked")
        return QuoteResult("altered", chosen[1].facts[0], tuple(chosen[2]))


def _contains(joined: str, parts: list[list[str]]) -> bool:
    at = 0
    for part in parts:
        found = joined.find(" " + " ".join(part) + " ", at)
        if found < 0:
            return False
        at = found + len(" ".join(part)) + 1
    return True


def _alignment(fact_words: tuple[str, ...], quoted: list[str]) -> tuple[float, list[tuple[str, str]]]:
    """The share of the quotation's words found in order in the fact's, and the changes, fact → draft."""
    import difflib

    matcher = difflib.SequenceMatcher(None, fact_words, quoted, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return 0.0, []
    matched = sum(b.size for b in blocks)
    # Only the stretch of the fact the quotation covers counts: the fact's words before and after are not cut.
    last = blocks[-1]
    low, high = blocks[0].a - blocks[0].b, last.a + last.size + (len(quoted) - last.b - last.size)
    window = fact_words[max(0, low):max(0, high)]
    inner = difflib.SequenceMatcher(None, window, quoted, autojunk=False)
    changes = [(" ".join(window[i1:i2]) or "(nothing)", " ".join(quoted[j1:j2]) or "(omitted)")
               for tag, i1, i2, j1, j2 in inner.get_opcodes() if tag != "equal"]
    return matched / len(quoted), changes
