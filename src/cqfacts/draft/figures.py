"""Checking the figures of a sentence against the facts it is about: matches, differs, comparator, unbacked.

A sentence is matched to facts by cqfacts' ranker (``search``) and by the paragraph it cites. A figure of
the draft (``numbers.find_quantities``: a number with a unit, scale word, currency or percent, never a
year, date or locator) matches a fact's figure of equal value ("half a million" = 500,000) and a
compatible unit; then the comparators must agree (the fact's "more than" is not the draft's "about").
Without an equal value, a figure differs from the figure of the same unit of a fact the sentence is
clearly about, or is unbacked. A figure that matches a forecast or target, in a sentence written as done,
is a forecast stated as a result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cqfacts.model import Fact, FactBase, Figure
from cqfacts.normalize import stem, terms
from cqfacts.numbers import FIGURE, Amount

# How sure the ranker must be that a sentence is about a fact before a different number is an error.
DIFFERS_SCORE = 45.0
_CANDIDATES = 8
_STRONG_UNITS = frozenset({"percent", "usd", "yuan", "eur", "km", "m", "percentage points"})
# What each comparator of a fact allows the draft to say: "more than 500,000" may be "at least 500,000".
_ALLOWED = {"exactly": {"exactly", "about"}, "about": {"about"}, "more-than": {"more-than", "at-least"},
            "at-least": {"at-least"}, "less-than": {"less-than", "up-to"}, "up-to": {"up-to"}}
FORECAST_KINDS = frozenset({"forecast", "target"})
# Words that keep a sentence in the future or the conditional: it reports a forecast as a forecast.
_FUTURE_RE = re.compile(
    r"\b(?:will|would|shall|could|may|might|should|expect\w*|forecast\w*|project\w*|predict\w*|plan\w*|aim\w*|"
    r"target\w*|goals?|intend\w*|hop(?:e|es|ed|ing)|set to|(?:is|are) to|by 20\d\d|estimat\w*|anticipat\w*|"
    r"envisag\w*|seek\w*|striv\w*|ambition\w*|pledg\w*|promis\w*|vow\w*|outlook|prospect\w*|going to|"
    r"potential\w*|(?:can|could) (?:obtain|reach|get))\b", re.IGNORECASE)


@dataclass(frozen=True)
class FigureResult:
    status: str  # matches, differs, comparator, forecast-as-result, unbacked
    amount: Amount
    fact: Fact | None = None
    figure: Figure | None = None
    baseline: bool = False  # the fact's starting value ("from about 30%") rather than its figure
    by_value_only: bool = False  # matched by its value alone, not by what the sentence is about

    @property
    def expected(self) -> str | None:
        """The fact's figure as it would be written: 'more than 500,000 vehicles'."""
        return self.figure.display if self.figure else None


def is_checked(amount: Amount) -> bool:
    """Figures with a unit, scale word, currency, percent or comparator; bare numbers ("issued 108") are not."""
    return amount.role == FIGURE and bool(amount.unit or amount.scaled or amount.comparator)


def _weak(amount: Amount) -> bool:
    """A small number in words ("one month", "three places"): checked only when a fact has its value."""
    return not any(c.isdigit() for c in amount.text) and amount.value < 10 and not amount.scaled \
        and amount.unit not in _STRONG_UNITS


def _unit_fit(amount: Amount, figure: Figure) -> int:
    """2 when the units are the same, 1 when they may be (two nouns, or no unit), 0 when they differ."""
    unit = amount.unit
    if unit is None:  # "exceeded 500,000," or "a 500 billion-level cluster": any unit but a share or money
        if figure.unit in ("percent", "percentage points"):
            return 0
        return 1 if amount.scaled or figure.unit not in _STRONG_UNITS else 0
    if unit in _STRONG_UNITS or figure.unit in _STRONG_UNITS:
        return 2 if unit == figure.unit else 0
    described = {stem(t) for t in terms(" ".join((figure.unit, figure.measure or "")))}
    return 2 if stem(unit) in described else 1


def comparator_fits(written: str | None, recorded: str | None) -> bool:
    return (written or "exactly") in _ALLOWED[recorded or "exactly"]


def written_as_done(sentence: str) -> bool:
    return _FUTURE_RE.search(sentence) is None


_QUERY_WORDS = 14  # words either side of a figure that the ranker reads: a long sentence is about many things
_CLAUSE_WORDS = 7  # and, for a figure the sentence did not place, the words of its own clause


def _near(sentence: str, amounts: list[Amount], width: int = _QUERY_WORDS) -> str:
    """The words of a sentence around its figures, for the ranker (which wants most query words matched)."""
    if len(sentence.split()) <= 2 * width:
        return sentence
    spans = [m.span() for m in re.finditer(r"\S+", sentence)]
    keep: set[int] = set()
    for amount in amounts:
        at = next((n for n, (_, end) in enumerate(spans) if end > amount.start), len(spans) - 1)
        keep.update(range(max(0, at - width), at + width + 1))
    return " ".join(sentence[a:b] for n, (a, b) in enumerate(spans) if n in keep)


class FigureChecker:
    """Checks the figures of a draft's sentences against one fact base."""

    def __init__(self, base: FactBase):
        from cqfacts.search import index_for

        self.base = base
        index_for(base)
        # Every figure's values, for a sentence the ranker does not connect to the fact it quotes a figure of.
        self.by_value: dict[float, list[Fact]] = {}
        for fact in base.facts.values():
            for figure in fact.figures:
                for value in (figure.value, *([figure.baseline.value] if figure.baseline else [])):
                    self.by_value.setdefault(round(float(value), 6), []).append(fact)

    def candidates(self, sentence: str, cited: list[Fact]) -> list[tuple[Fact, float]]:
        """The facts a sentence may be about, most likely first: those it cites, then the ranker's."""
        from cqfacts.search import search

        seen = {f.id for f in cited}
        hits = [(h.fact, h.score) for h in search(self.base, sentence, limit=_CANDIDATES) if h.fact.id not in seen]
        return [(f, 100.0) for f in cited] + hits

    def check(self, sentence: str, amounts: list[Amount], cited: list[Fact]) -> list[FigureResult]:
        checked = [a for a in amounts if is_checked(a)]
        if not checked:
            return []
        candidates = self.candidates(_near(sentence, checked), cited)
        results = [self._same_value(a, candidates, sentence) or self._same_value_anywhere(a, sentence)
                   for a in checked]
        used = {(r.fact.id, id(r.figure)) for r in results if r and r.fact}
        out = []
        for amount, result in zip(checked, results, strict=True):
            if result is None and not _weak(amount):
                result = self._differs(amount, candidates, used) or self._in_its_clause(amount, sentence, cited, used)
            if result is not None:
                out.append(result)
        return out

    def _in_its_clause(self, amount: Amount, sentence: str, cited: list[Fact],
                       used: set[tuple[str, int]]) -> FigureResult:
        """A figure the sentence as a whole did not place, checked against the facts its own clause is about."""
        clause = _near(sentence, [amount], _CLAUSE_WORDS)
        if clause == sentence:
            return FigureResult("unbacked", amount)
        candidates = self.candidates(clause, cited)
        return self._same_value(amount, candidates, sentence) or self._differs(amount, candidates, used) \
            or FigureResult("unbacked", amount)

    def _same_value_anywhere(self, amount: Amount, sentence: str) -> FigureResult | None:
        """A figure of the same value and the same unit in any fact: "3.2 per cent" is the 3.2% growth.

        A value alone is weak evidence of what a sentence is about, so it can back a figure but never
        find fault with one ("sales grew 50%" is not the comparator of some other fact's "about 50%").
        """
        facts = self.by_value.get(round(float(amount.value), 6), []) if amount.exact else []
        found = self._same_value(amount, [(f, 0.0) for f in dict.fromkeys(facts)], sentence, fit=2)
        return replace(found, by_value_only=True) if found and found.status == "matches" else None

    def _same_value(self, amount: Amount, candidates: list[tuple[Fact, float]], sentence: str,
                    fit: int = 1) -> FigureResult | None:
        found: list[tuple[tuple[int, int], Fact, Figure, bool]] = []
        for rank, (fact, _) in enumerate(candidates):
            for figure in fact.figures:
                values = [(figure.value, False)] + ([(figure.baseline.value, True)] if figure.baseline else [])
                for value, baseline in values:
                    if amount.same_value(value) and _unit_fit(amount, figure) >= fit:
                        forecast = fact.kind in FORECAST_KINDS and not baseline
                        found.append(((forecast, rank), fact, figure, baseline))
        if not found:
            return None
        _, fact, figure, baseline = min(found, key=lambda row: row[0])
        recorded = figure.baseline.comparator if baseline and figure.baseline else figure.comparator
        if fact.kind in FORECAST_KINDS and not baseline and written_as_done(sentence):
            return FigureResult("forecast-as-result", amount, fact, figure)
        if not comparator_fits(amount.comparator, recorded):
            return FigureResult("comparator", amount, fact, figure, baseline)
        return FigureResult("matches", amount, fact, figure, baseline)

    def _differs(self, amount: Amount, candidates: list[tuple[Fact, float]],
                 used: set[tuple[str, int]]) -> FigureResult | None:
        for fact, score in candidates:
            if score < DIFFERS_SCORE:
                break
            same_unit = [f for f in fact.figures if _unit_fit(amount, f) == 2 and (fact.id, id(f)) not in used]
            if same_unit:
                closest = min(same_unit, key=lambda f: abs(f.value - amount.value))
                return FigureResult("differs", amount, fact, closest)
        return None
