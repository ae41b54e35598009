"""Ranking the facts a query matches, scoring in full only those that can reach the results kept.

Facts are scored exactly (``bounds.Matched.scored``) only where an upper bound of their score
(``bounds``) can reach the ``limit``-th score: first the ``limit`` facts with the highest bounds, which
give a score every result kept must reach, then every fact whose bound (with a margin for rounding to a
tenth) reaches it. Ties keep every fact whose rounded score can equal the last one kept, so the order by
fewer typos, then id, is the full ranking's. ``limit=None`` ranks every fact.
"""

from __future__ import annotations

import heapq
from itertools import chain, combinations, compress, islice
from typing import TYPE_CHECKING, Any

from cqfacts.bounds import Matched, take
from cqfacts.cache.columns import in_all
from cqfacts.search import Hit

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Mapping, Sequence

    from cqfacts.cache.columns import Postings
    from cqfacts.concepts import Thesaurus
    from cqfacts.matching import Candidate
    from cqfacts.query import Query

# Bounds are sums of floats taken in another order than the score's: this much (of 100) covers that.
_EPSILON = 1e-6
# Below this many facts that may be results, all are scored: bounds would cost more than they save.
_FEW = 64
# Up to this many facts to rank among, their bounds are worked out with their own lengths from the start.
_TIGHT_FIRST = 20_000
# Up to this many words, a query's facts are taken by the sets of its words they match (``_by_word_sets``).
_MOST_WORDS = 10


def rank(index: Any, parsed: Query, thesaurus: Thesaurus | None, chosen: Mapping[int, Any],
         allowed: Collection[int] | None, limit: int | None, min_score: float) -> list[Hit]:
    """The hits of a parsed query, best first: the first ``limit`` of the full ranking (all with None)."""
    matched = Matched(index, parsed, thesaurus)
    if limit and len(matched.words) == 1 and not matched.offers and allowed is None and \
            next(iter(matched.matched_in.values())).more_than(max(_FEW, limit)):
        ranked = _rank_word(matched, limit, min_score)
    elif limit and 2 <= len(matched.matched_in) <= _MOST_WORDS:
        ranked = _by_word_sets(matched, allowed, limit, min_score)
    else:
        eligible = matched.eligible(allowed)
        if not limit or len(eligible) <= max(_FEW, limit):  # (0 ranks everything, as None does)
            ranked = matched.scored(set(eligible), min_score)
        else:
            ranked = []
            _rank_among(matched, eligible, limit, min_score, ranked, set(), every=True)
    ranked.sort(key=lambda r: r[:3])
    order = {w.text: i for i, w in enumerate(parsed.words)}
    # Facts are fetched and matches ordered for the results kept only: a base read from a cache reads each
    # fact from disk, and a common word at 100,000 facts matches tens of thousands.
    return [Hit(chosen[n], -score, tuple(m for *_, m in sorted(found.values(), key=lambda v: order[v[3].word])))
            for score, _, _, n, found in (ranked[:limit] if limit else ranked)]


def _rank_word(matched: Matched, limit: int, min_score: float) -> list[Any]:
    """The results of a query of one word, over the whole base, naming no concept, in passes over the
    postings' arrays, with no dict of the word's facts (124,000 of "semiconducter" at a million facts).
    A fact's score is at most the best bound of its postings of the word's terms: first as if it were the
    shortest fact (``loose_values``), then, for the postings that reach the score a result must reach, with
    its own length (``tight_values``), which is the fact's score when it has one of the word's terms. Each
    time the facts of the highest bounds are scored first, which raises the score a result must reach;
    then every fact with a posting that reaches it is scored."""
    (word,), (terms,) = matched.words, matched.lists
    # The term that can add the most first: its best facts' scores may leave the others out altogether
    # ("semiconducter": "semiconductor" with one typo, then "semiconductors" with two).
    most = {id(term): matched.most_of(word.text, *term) for term in terms}  # each term's, once
    terms = sorted(terms, key=lambda term: -most[id(term)])
    ranked: list[Any] = []
    done: set[int] = set()
    valued = [(terms[0][1].numbers, list(matched.loose_values(word.text, *terms[0])))]
    reach = _score_top(matched, valued, limit, min_score, ranked, done)
    lists = terms[:1] + [term for term in terms[1:] if most[id(term)] >= reach]
    valued += [(found.numbers, list(matched.loose_values(word.text, cand, found))) for cand, found in lists[1:]]
    kept = [list(compress(range(len(values)), map(reach.__le__, values))) for _, values in valued]
    many = 4 * max(_FEW, limit)
    if sum(map(len, kept)) > many:  # many left: their bounds with each fact's own length, the highest first
        loose = [values for _, values in valued]
        cut = heapq.nlargest(many, chain.from_iterable(map(values.__getitem__, at)
                                                       for values, at in zip(loose, kept, strict=True)))[-1]
        valued = _tightened(matched, word.text, lists, [list(compress(at, map(cut.__le__, map(values.__getitem__, at))))
                                                        for values, at in zip(loose, kept, strict=True)])
        reach = _score_top(matched, valued, limit, min_score, ranked, done)
        valued += _tightened(matched, word.text, lists, [[i for i in at if reach <= values[i] < cut]
                                                         for values, at in zip(loose, kept, strict=True)])
    left = set(_reaching(valued, reach))
    left.difference_update(done)
    return ranked + matched.scored(left, min_score)


def _tightened(matched: Matched, word_text: str, lists: list[tuple[Candidate, Postings]],
               kept: list[list[int]]) -> list[tuple[list[int], list[float]]]:
    """For each term, the facts of its postings at the places ``kept`` and their bounds with their lengths."""
    shared, focused = matched.parts(word_text)
    valued = []
    for (cand, found), at in zip(lists, kept, strict=True):
        numbers = list(map(found.numbers.__getitem__, at))
        valued.append((numbers, list(matched.tight_values(shared, focused, cand, found, at,
                                                          take(matched.index.lengths, numbers)))))
    return valued


def _score_top(matched: Matched, valued: list[tuple[Sequence[int], list[float]]], limit: int, min_score: float,
               ranked: list[Any], done: set[int]) -> float:
    """Score facts of the highest posting bounds of ``valued`` (not scored yet), at least ``limit`` of them
    when there are; the bound a fact must reach to be kept."""
    many = limit * len(valued)  # so many postings hold at least ``limit`` facts: a fact has one per term
    top = heapq.nlargest(many, chain.from_iterable(values for _, values in valued))
    if top:
        first = set(islice(_reaching(valued, top[-1]), many))
        first.difference_update(done)
        ranked += matched.scored(first, min_score)
        done.update(first)
    return _reach(ranked, limit, min_score)


def _reaching(valued: list[tuple[Sequence[int], list[float]]], bound: float) -> Iterator[int]:
    """The facts (once per term) with a posting whose value reaches ``bound``."""
    for numbers, values in valued:
        yield from compress(numbers, map(bound.__le__, values))


def _by_word_sets(matched: Matched, allowed: Collection[int] | None, limit: int, min_score: float) -> list[Any]:
    """The results of a query of several words, by the sets of its words a fact matches: a fact matching
    the words ``S`` (and no other) scores at most the sum of what each word of ``S`` can add (``most``). So
    the sets that can make a fact a result are taken from the highest such bound down, the facts matching
    every word of a set (an intersection) ranked among themselves (``_rank_among``), until a set's bound
    cannot reach the ``limit``-th score found: "semiconductor exports Vietnam 2023" at a million facts ranks
    the few hundred facts that have all four words, of the 70,000 that have two."""
    most = matched.most()
    sets = matched.matched_in
    words = list(sets)
    chosen = [(sum(most[w] for w in combo), combo) for size in range(len(words), matched.needed - 1, -1)
              for combo in combinations(words, size)
              if len(matched.telling.intersection(combo)) >= matched.needed_telling]
    chosen.sort(key=lambda c: -c[0])
    ranked: list[Any] = []
    done: set[int] = set()  # facts scored, or whose bound was found short of what a result needs
    for bound, combo in chosen:
        if bound < _reach(ranked, limit, min_score):
            break
        facts = in_all([sets[w] for w in combo], done)
        if allowed is not None:
            facts = [n for n in facts if n in allowed]
        if facts:
            _rank_among(matched, facts, limit, min_score, ranked, done)
    return ranked


def _rank_among(matched: Matched, facts: list[int], limit: int, min_score: float, ranked: list[Any],
                done: set[int], every: bool = False) -> None:
    """Rank ``facts`` (none scored yet) into ``ranked``: score the facts of the highest bounds, which gives
    a score every result kept must reach, then only those whose bound reaches it (a fact scores at most its
    bound plus half a tenth, rounding); of many left in, tighter bounds are worked out first. ``every``:
    ``facts`` are all the facts that may be results. Every fact of ``facts`` ends in ``done``."""
    if len(facts) <= max(_FEW, limit):
        ranked += matched.scored(set(facts), min_score)
        done.update(facts)
        return
    # Of a few thousand facts (those of every word of a set), few are left out by the loose bounds: they
    # differ by their lengths. Their tight bounds cost little more.
    tight_first = len(facts) <= _TIGHT_FIRST
    bounds = matched.tight(facts) if tight_first else matched.loose(facts, every)
    for tighten in (not tight_first, False):
        reach = _score_first(matched, bounds, limit, min_score, ranked, done)
        left = [n for n, bound in bounds.items() if bound >= reach and n not in done]
        if not tighten or len(left) <= max(_FEW, limit):
            break
        bounds = matched.tight(left)
    ranked += matched.scored(set(left), min_score)
    done.update(facts)


def _score_first(matched: Matched, bounds: dict[int, float], limit: int, min_score: float,
                 ranked: list[Any], done: set[int]) -> float:
    """Score the ``limit`` facts of the highest bounds (not scored yet); the bound a fact must reach to be kept."""
    first = [n for n in heapq.nlargest(limit, bounds, key=bounds.__getitem__) if n not in done]
    ranked += matched.scored(set(first), min_score)
    done.update(first)
    return _reach(ranked, limit, min_score)


def _reach(ranked: list[Any], limit: int, min_score: float) -> float:
    """The bound a fact must reach to be kept, given the facts scored so far (``ranked``)."""
    if len(ranked) < limit:
        return min_score - 0.05 - _EPSILON
    kth = -heapq.nsmallest(limit, (r[0] for r in ranked))[-1]
    return max(kth, min_score) - 0.05 - _EPSILON
