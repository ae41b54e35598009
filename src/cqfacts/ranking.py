"""Ranking the facts a query matches, scoring in full only those that can reach the results kept.

A fact's score is a sum over the query's words of what each contributes in that fact (``search``'s
formula: the idf-weighted share, the plain share and BM25's saturated term frequency, each per word). So,
for every fact a word matches, the word's contribution is bounded from above by the best of its postings
in that fact, worked out from the postings' arrays in one pass (``cache.postings``), without a dict or a
record per posting. Facts are then scored exactly, with the same code and in the same order as the
full ranking, only where that bound can reach the ``limit``-th score: first the ``limit`` facts with the
highest bounds, which give a score every result kept must reach, then every fact whose bound (with a
margin for rounding to a tenth) reaches it. Ties keep every fact whose rounded score can equal the last
one kept, so the order by fewer typos, then id, is the full ranking's. ``limit=None`` ranks every fact.

What a word's document frequency is (its weight, and whether it is telling) still counts every fact any
of its terms is in: a set union of the postings' fact numbers.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from typing import TYPE_CHECKING, Any

from cqfacts.cache.postings import Postings, postings_of
from cqfacts.concepts import SYNONYM
from cqfacts.matching import ALIAS_HOW, BROADER_QUALITY, EXACT, SYNONYM_QUALITY, candidates, facts_with
from cqfacts.search import _B, _COMMON_SHARE, _K1, _SHARES, Hit, Match

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from cqfacts.concepts import Thesaurus
    from cqfacts.matching import Candidate
    from cqfacts.query import Query

# Bounds are sums of floats taken in another order than the score's: this much (of 100) covers that.
_EPSILON = 1e-6
# Below this many facts that may be results, all are scored: bounds would cost more than they save.
_FEW = 64

# A concept's expansion matched in a fact: fact number, query word, quality, occurrences, label, how, terms.
_Offer = tuple[int, str, float, int, str, str, str]


class _Matched:
    """A query's words, each with its candidate terms' postings, and the facts each word matches."""

    def __init__(self, index: Any, parsed: Query, thesaurus: Thesaurus | None):
        self.index, self.words = index, parsed.words
        known = thesaurus.words if thesaurus is not None else frozenset()
        self.lists: list[list[tuple[Candidate, Postings]]] = []
        self.matched_in: dict[str, set[int]] = {w.text: set() for w in self.words}
        for word in self.words:
            own = []
            facts_of = self.matched_in[word.text]
            for cand in candidates(index, word, known):
                found = postings_of(index, cand.term)
                if found is not None:
                    facts_of.update(found.numbers)
                    own.append((cand, found))
            self.lists.append(own)
        self.offers: list[_Offer] = []  # the concepts the query names: their other names, the concepts below
        for span in parsed.spans:
            assert thesaurus is not None
            for how, _name, needs in thesaurus.expanded(span.concept, parsed.chinese):
                quality = SYNONYM_QUALITY if how == SYNONYM else BROADER_QUALITY
                for n, (weight, occurrences, label, found_terms) in facts_with(index, needs).items():
                    for word_text in span.words:
                        self.matched_in[word_text].add(n)
                        self.offers.append((n, word_text, weight * quality, occurrences, label, how, found_terms))
        size = index.size
        self.weights = {w: _idf(size, len(facts_of)) for w, facts_of in self.matched_in.items()}
        self.total_weight = sum(self.weights.values()) or 1.0
        self.needed = math.ceil(len(self.words) / 2)
        self.telling = {w for w, facts_of in self.matched_in.items() if len(facts_of) <= _COMMON_SHARE * size}
        self.needed_telling = min(self.needed, len(self.telling))
        self.average_length = sum(index.lengths) / max(size, 1)

    def eligible(self, allowed: Collection[int] | None) -> list[int]:
        """The facts (of ``allowed``) that match enough words, and enough telling ones, to be results."""
        sets = self.matched_in
        if len(sets) == 1:
            found = next(iter(sets.values()))
        else:
            counts = Counter[int]()
            telling = Counter[int]()
            for w, facts_of in sets.items():
                counts.update(facts_of)
                if w in self.telling:
                    telling.update(facts_of)
            needed, needed_telling = self.needed, self.needed_telling
            found = {n for n, c in counts.items() if c >= needed and telling[n] >= needed_telling}
        return [n for n in found if n in allowed] if allowed is not None else list(found)

    def bounds(self, eligible: list[int]) -> dict[int, float]:
        """An upper bound of each eligible fact's score (before rounding): per word, its best posting there."""
        index, lengths = self.index, self.index.lengths
        fields = index.fields
        # norm(n) = k1 * (1 - b + b * length / average), as the score has it.
        base_norm, per_term = _K1 * (1 - _B), _K1 * _B / (self.average_length or 1.0)
        total = dict.fromkeys(eligible, 0.0)
        offered: dict[str, list[_Offer]] = {}
        for offer in self.offers:
            offered.setdefault(offer[1], []).append(offer)
        for word, lists in zip(self.words, self.lists, strict=True):
            idf = self.weights[word.text]
            shared = 100 * (_SHARES[0] * idf / self.total_weight + _SHARES[1] / len(self.words))
            focused = 100 * _SHARES[2] * idf / self.total_weight
            best: dict[int, float] = {}
            for cand, found in lists:
                quality = {code: fields[code][1] * cand.quality for code in set(found.codes)}
                values = [shared * quality[code] + focused * tf / (tf + base_norm + per_term * lengths[n])
                          for n, code, tf in zip(found.numbers, found.codes, found.counts, strict=True)]
                if not best:
                    best = dict(zip(found.numbers, values, strict=True))
                    continue
                for n, value in zip(found.numbers, values, strict=True):
                    if value > best.get(n, -1.0):
                        best[n] = value
            for n, _, quality, tf, *_ in offered.get(word.text, ()):
                value = shared * quality + focused * tf / (tf + base_norm + per_term * lengths[n])
                if value > best.get(n, -1.0):
                    best[n] = value
            for n in total.keys() & best.keys():
                total[n] += best[n]
        return total

    def best(self, chosen: Collection[int]) -> dict[int, dict[str, tuple[float, int, int, Match]]]:
        """best[n][word] = (quality, typos, occurrences, match): each query word's best match in fact n,
        for the facts ``chosen``, made in the same order as the full ranking makes them."""
        fields = self.index.fields
        best: dict[int, dict[str, tuple[float, int, int, Match]]] = {}
        ordered = sorted(chosen)
        for word, lists in zip(self.words, self.lists, strict=True):
            text = word.text
            for cand, found in lists:
                codes, counts = found.codes, found.counts
                if len(ordered) * 16 < len(found):
                    places = [(n, i) for n in ordered if (i := found.find(n)) >= 0]
                else:
                    places = [(n, i) for i, n in enumerate(found.numbers) if n in chosen]
                for n, i in places:
                    label, weight, is_alias = fields[codes[i]]
                    quality = weight * cand.quality
                    known = best.setdefault(n, {}).get(text)
                    if known is None or quality > known[0]:
                        how = ALIAS_HOW if is_alias and cand.how == EXACT else cand.how
                        best[n][text] = (quality, cand.typos, counts[i], Match(text, label, how, cand.term))
        for n, text, quality, occurrences, label, how, found_terms in self.offers:
            if n in chosen:
                known = best.setdefault(n, {}).get(text)
                if known is None or quality > known[0]:
                    best[n][text] = (quality, 0, occurrences, Match(text, label, how, found_terms))
        return best

    def scored(self, chosen: Collection[int], min_score: float) -> list[tuple[float, int, str, int, dict[str, Any]]]:
        """(-score, typos, id, fact number, best matches) of the facts ``chosen`` that are results."""
        index, weights, total_weight, words = self.index, self.weights, self.total_weight, self.words
        needed, telling, needed_telling = self.needed, self.telling, self.needed_telling
        average_length = self.average_length
        ranked = []
        for n, found in self.best(chosen).items():
            if len(found) < needed or len(telling.intersection(found)) < needed_telling:
                continue
            weighted = sum(weights[w] * q for w, (q, *_) in found.items()) / total_weight
            share = sum(q for q, *_ in found.values()) / len(words)
            # How much the fact is about the words: BM25's term frequency, saturated and normalised by the
            # fact's length, so that "Tianmu" finds a fact about Tianmu-1 before one that mentions it in passing.
            norm = _K1 * (1 - _B + _B * index.lengths[n] / average_length)
            focus = sum(weights[w] * tf / (tf + norm) for w, (_, _, tf, _) in found.items()) / total_weight
            score = round(100 * (_SHARES[0] * weighted + _SHARES[1] * share + _SHARES[2] * focus), 1)
            if score < min_score:
                continue
            typos = sum(t for _, t, _, _ in found.values())
            ranked.append((-score, typos, index.ids[n], n, found))
        return ranked


def rank(index: Any, parsed: Query, thesaurus: Thesaurus | None, chosen: Mapping[int, Any],
         allowed: Collection[int] | None, limit: int | None, min_score: float) -> list[Hit]:
    """The hits of a parsed query, best first: the first ``limit`` of the full ranking (all with None)."""
    matched = _Matched(index, parsed, thesaurus)
    eligible = matched.eligible(allowed)
    if limit is None or len(eligible) <= max(_FEW, limit):
        ranked = matched.scored(set(eligible), min_score)
    else:
        bounds = matched.bounds(eligible)
        first = set(heapq.nlargest(limit, bounds, key=bounds.__getitem__))
        ranked = matched.scored(first, min_score)
        # Every result kept scores at least the limit-th of these, and a fact scores at most its bound
        # plus half a tenth (rounding): the facts whose bound cannot reach that score are left out.
        scores = sorted(r[0] for r in ranked)
        bar = max(-scores[limit - 1] if len(scores) >= limit else min_score, min_score)
        reach = bar - 0.05 - _EPSILON
        rest = {n for n, bound in bounds.items() if bound >= reach and n not in first}
        ranked += matched.scored(rest, min_score)
    ranked.sort(key=lambda r: r[:3])
    order = {w.text: i for i, w in enumerate(parsed.words)}
    # Facts are fetched and matches ordered for the results kept only: a base read from a cache reads each
    # fact from disk, and a common word at 100,000 facts matches tens of thousands.
    return [Hit(chosen[n], -score, tuple(m for *_, m in sorted(found.values(), key=lambda v: order[v[3].word])))
            for score, _, _, n, found in (ranked[:limit] if limit else ranked)]


def _idf(size: int, df: int) -> float:
    """BM25's inverse document frequency: a word in every fact weighs almost nothing, never less than zero."""
    return math.log(1 + (size - df + 0.5) / (df + 0.5))
