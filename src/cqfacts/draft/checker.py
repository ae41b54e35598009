"""Checking a draft against the fact base: its quotations, its figures and its citations' locators.

``DraftChecker(base).check(name, text)`` returns the findings in reading order. The checker folds the
base's quotes and builds the ranker's index once, so checking many drafts costs one set-up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cqfacts.draft.citations import Citation, find_citations
from cqfacts.draft.figures import FigureChecker, FigureResult
from cqfacts.draft.findings import Finding
from cqfacts.draft.quotes import QuoteIndex, QuoteResult
from cqfacts.draft.reader import Draft, Quotation, Sentence, read_draft
from cqfacts.numbers import find_quantities

if TYPE_CHECKING:
    from cqfacts.model import Fact, FactBase

_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t>]*\n")


class _Claim:
    """A quotation or figure the draft backs with a fact: what a citation right after it must locate."""

    def __init__(self, end: int, what: str, facts: tuple[Fact, ...]):
        self.end, self.what, self.facts = end, what, facts


class DraftChecker:
    def __init__(self, base: FactBase):
        self.base = base
        self.quotes = QuoteIndex(base)
        self.figures = FigureChecker(base)

    def check(self, name: str, text: str) -> list[Finding]:
        citations = find_citations(text, self.base)
        draft = read_draft(name, text, [(c.start, c.end) for c in citations])
        findings: list[Finding] = []
        claims: list[_Claim] = []
        for quotation in draft.quotations:
            result = self.quotes.check(quotation.words)
            findings.append(self._quotation(draft, quotation, result))
            if result.fact:
                claims.append(_Claim(quotation.end, "quotation", (result.fact, *result.also)))
        for sentence in draft.sentences:
            for result in self._sentence_figures(draft, sentence, citations):
                findings.append(self._figure(draft, sentence, result))
                if result.fact and result.status != "differs" and not result.by_value_only:
                    claims.append(_Claim(sentence.start + result.amount.end, "figure", (result.fact,)))
        findings.extend(self._citations(draft, citations, claims))
        return sorted(findings, key=lambda f: (f.offset, f.kind))

    def _sentence_figures(self, draft: Draft, sentence: Sentence, citations: list[Citation]) -> list[FigureResult]:
        quoted = [(q.start, q.end) for q in draft.quotations if q.start < sentence.end and q.end > sentence.start]
        amounts = [a for a in find_quantities(sentence.text)
                   if not any(s <= sentence.start + a.start < e for s, e in quoted)]
        cited = [fact for c in citations if sentence.start <= c.start <= sentence.end + 2 and c.source
                 for fact in self.base.facts.values() if fact.source == c.source and fact.paragraph in c.paragraphs]
        # The ranker reads the writer's own words: quoted words are checked as quotations.
        words = sentence.text
        for start, end in quoted:
            a, b = max(start - sentence.start, 0), min(end - sentence.start, len(words))
            words = words[:a] + " " * (b - a) + words[b:]
        return self.figures.check(words, amounts, cited)

    def _quotation(self, draft: Draft, quotation: Quotation, result: QuoteResult) -> Finding:
        fact = result.fact
        where = f" ({fact.source}, para. {fact.paragraph})" if fact else ""
        if result.status == "verbatim" and fact:
            message = f"quotes fact {fact.id}{where}"
        elif result.status == "altered" and fact:
            changed = "; ".join(f"{a} → {b}" for a, b in result.changes[:4])
            message = f"differs from fact {fact.id}{where}: {changed}"
        else:
            message = "no fact's quote is close (the fact base may not hold its source)"
        return _finding(draft, quotation.start, "quotation", result.status, quotation.words, message, fact,
                        fact.quote if fact and result.status == "altered" else None)

    def _figure(self, draft: Draft, sentence: Sentence, result: FigureResult) -> Finding:
        amount, fact = result.amount, result.fact
        said = f"the draft says {amount.text!r}"
        if result.status == "matches" and fact:
            message = f"matches fact {fact.id}: {result.expected}"
        elif result.status == "forecast-as-result" and fact:
            message = f"fact {fact.id} is a {fact.kind}, not a result: “{fact.quote}”"
        elif fact:
            what = "the starting value " if result.baseline else ""
            message = f"fact {fact.id} says {what}{result.expected}; {said}"
        else:
            message = f"no fact has {amount.text!r} (the fact base may not hold its source)"
        if result.status == "forecast-as-result" and fact:  # the whole sentence states it as done
            return _finding(draft, sentence.start + amount.start, "figure", result.status, sentence.text, message,
                            fact, fact.quote)
        return _finding(draft, sentence.start + amount.start, "figure", result.status, amount.text, message,
                        fact, result.expected)

    def _citations(self, draft: Draft, citations: list[Citation], claims: list[_Claim]) -> list[Finding]:
        found = []
        previous_end = 0
        for citation in citations:
            after, previous_end = previous_end, citation.end
            if citation.source is None:
                found.append(_finding(draft, citation.start, "citation", "unbacked", citation.text,
                                      f"{citation.cited!r} is not a source of the fact base"))
                continue
            claim = _claim_before(draft.text, citation, [c for c in claims if c.end > after])
            if claim is None or not citation.paragraphs:
                continue
            right = sorted({f.paragraph for f in claim.facts if f.source == citation.source})
            if right and not set(right) & set(citation.paragraphs):
                cited = ", ".join(map(str, citation.paragraphs))
                fact = next(f for f in claim.facts if f.paragraph == right[0])
                found.append(_finding(
                    draft, citation.start, "citation", "locator", citation.text,
                    f"cites para. {cited}; the {claim.what} is in para. {right[0]} (fact {fact.id})", fact,
                    f"para. {right[0]}"))
        return found


def _claim_before(text: str, citation: Citation, claims: list[_Claim]) -> _Claim | None:
    """The claim a citation follows: the last one before it in its paragraph."""
    before = [c for c in claims if c.end <= citation.start + 1]
    if not before:
        return None
    claim = max(before, key=lambda c: c.end)
    return None if _PARAGRAPH_BREAK_RE.search(text, claim.end, citation.start) else claim


def _finding(draft: Draft, offset: int, kind: str, status: str, text: str, message: str,
             fact: Fact | None = None, expected: str | None = None) -> Finding:
    line, column = draft.position(offset)
    return Finding(draft.name, line, column, kind, status, " ".join(text.split()), message,
                   fact.id if fact else None, fact.source if fact else None, fact.paragraph if fact else None,
                   expected, offset)
