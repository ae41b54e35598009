"""Ranking the facts a query matches, scoring in full only those that can reach the results kept.

A fact's score is a sum over the query's words of what each contributes in that fact (``search``'s
formula: the idf-weighted share, the plain share and BM25's saturated term frequency, each per word). So,
for every fact a word matches, the word's contribution is bounded from above by the best of its postings
in that fact, worked out from the postings' arrays in one pass (``cache.columns``), without a dict or a
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
from itertools import chain, combinations, compress, islice
from typing import TYPE_CHECKING, Any

from cqfacts.cache.columns import Postings, postings_of
from cqfacts.concepts import SYNONYM
from cqfacts.matching import ALIAS_HOW, BROADER_QUALITY, EXACT, SYNONYM_QUALITY, candidates, facts_with
from cqfacts.search import _B, _COMMON_SHARE, _K1, _SHARES, FIELD_WEIGHTS, Hit, Match

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

    from cqfacts.concepts import Thesaurus
    from cqfacts.matching import Candidate
    from cqfacts.query import Query

# Bounds are sums of floats taken in another order than the score's: this much (of 100) covers that.
_EPSILON = 1e-6
# Below this many facts that may be results, all are scored: bounds would cost more than they save.
_FEW = 64
# Past this many postings, a term is taken to be in the heaviest field (``_Matched.most``).
_MANY_FIELDS = 10_000
_HEAVIEST = max(FIELD_WEIGHTS.values())
# Up to this many words, a query's facts are taken by the sets of its words they match (``_by_word_sets``).
_MOST_WORDS = 10

# A concept's expansion matched in a fact: fact number, query word, quality, occurrences, label, how, terms.
_Offer = tuple[int, str, float, int, str, str, str]


class _Matched:
    """A query's words, each with its candidate terms' postings, and the facts each word matches."""

    def __init__(self, index: Any, parsed: Query, thesaurus: Thesaurus | None):
        self.index, self.words = index, parsed.words
        known = thesaurus.words if thesaurus is not None else frozenset()
        self.lists: list[list[tuple[Candidate, Postings]]] = []
        for word in self.words:
            found = ((cand, postings_of(index, cand.term)) for cand in candidates(index, word, known))
            self.lists.append([(cand, postings) for cand, postings in found if postings is not None])
        self.offers: list[_Offer] = []  # the concepts the query names: their other names, the concepts below
        for span in parsed.spans:
            assert thesaurus is not None
            for how, _name, needs in thesaurus.expanded(span.concept, parsed.chinese):
                quality = SYNONYM_QUALITY if how == SYNONYM else BROADER_QUALITY
                for n, (weight, occurrences, label, found_terms) in facts_with(index, needs).items():
                    for word_text in span.words:
                        self.offers.append((n, word_text, weight * quality, occurrences, label, how, found_terms))
        offered = {offer[1] for offer in self.offers}
        # The facts each word matches: one term's postings as they are, else their union (a set).
        self.matched_in: dict[str, Collection[int]] = {}
        self.whole: set[str] = set()  # the words every fact of which is eligible (``eligible`` says)
        for word, lists in zip(self.words, self.lists, strict=True):
            if len(lists) == 1 and word.text not in offered:
                self.matched_in[word.text] = lists[0][1].numbers
                continue
            facts_of: set[int] = set()
            for _, postings in lists:
                facts_of.update(postings.numbers)
            if word.text in offered:
                facts_of.update(offer[0] for offer in self.offers if offer[1] == word.text)
            self.matched_in[word.text] = facts_of
        size = index.size
        self.weights = {w: _idf(size, len(facts_of)) for w, facts_of in self.matched_in.items()}
        self.total_weight = sum(self.weights.values()) or 1.0
        self.needed = math.ceil(len(self.words) / 2)
        self.telling = {w for w, facts_of in self.matched_in.items() if len(facts_of) <= _COMMON_SHARE * size}
        self.needed_telling = min(self.needed, len(self.telling))
        self.length_total, self.length_min = _length_figures(index)
        self.average_length = self.length_total / max(size, 1)

    def eligible(self, allowed: Collection[int] | None) -> list[int]:
        """The facts (of ``allowed``) that match enough words, and enough telling ones, to be results."""
        sets = self.matched_in
        if len(sets) == 1:
            found: Collection[int] = next(iter(sets.values()))
            self.whole = set(sets) if allowed is None else set()
        elif self.needed == 1:  # one word is enough: a telling one, when there is one
            enough = [w for w in sets if w in self.telling or not self.needed_telling]
            found = set().union(*(sets[w] for w in enough))
            self.whole = set(enough) if allowed is None else set()
        elif self.needed == 2 and (not self.needed_telling or len(self.telling) == len(sets)):
            as_sets = [facts_of if isinstance(facts_of, set) else set(facts_of) for facts_of in sets.values()]
            found = set().union(*(a.intersection(b) for a, b in combinations(as_sets, 2)))  # in two words
        else:
            needed, needed_telling = self.needed, self.needed_telling
            counts = Counter[int]()
            for facts_of in sets.values():
                counts.update(facts_of)
            if needed_telling and len(self.telling) < len(sets):
                telling = Counter[int]()
                for w in self.telling:
                    telling.update(sets[w])
                found = [n for n, c in counts.items() if c >= needed and telling[n] >= needed_telling]
            else:
                found = [n for n, c in counts.items() if c >= needed]
        return [n for n in found if n in allowed] if allowed is not None else list(found)

    def _parts(self, word_text: str) -> tuple[float, float]:
        """What a word adds to a score (of 100) per unit of match quality, and per unit of saturated tf."""
        idf = self.weights[word_text]
        return (100 * (_SHARES[0] * idf / self.total_weight + _SHARES[1] / len(self.words)),
                100 * _SHARES[2] * idf / self.total_weight)

    def loose(self, eligible: list[int], every: bool = True) -> dict[int, float]:
        """An upper bound of each eligible fact's score (before rounding): as if it were the shortest fact,
        and the sum of its postings of each word's terms (not the best one). Each posting is weighed and
        added in one pass over the arrays, without a Python loop over the facts. ``every``: ``eligible`` are
        all the facts that may be results (else some of them)."""
        norm = _K1 * (1 - _B + _B * self.length_min / self.average_length)
        lists = [(word, cand, found) for word, own in zip(self.words, self.lists, strict=True) for cand, found in own]
        if every and len(lists) == 1 and not self.offers and len(lists[0][2]) == len(eligible):  # all its facts
            (word, cand, found), = lists
            return dict(zip(found.numbers, self._weighed(word.text, cand, found, norm), strict=True))
        total = dict.fromkeys(eligible, 0.0)
        add, get, keep = float.__add__, total.__getitem__, total.__contains__
        for word, cand, found in lists:
            numbers, codes, counts = found.numbers, found.codes, found.counts
            if not every or word.text not in self.whole:  # only the postings of eligible facts
                if len(total) * 8 < len(numbers):  # a few facts: each found by bisection
                    at = [i for i in map(found.find, total) if i >= 0]
                    numbers, codes, counts = ([values[i] for i in at] for values in (numbers, codes, counts))
                else:
                    mask = list(map(keep, numbers))
                    numbers, codes, counts = (list(compress(values, mask)) for values in (numbers, codes, counts))
            values = self._weighed(word.text, cand, Postings(numbers, codes, counts), norm)
            total.update(zip(numbers, map(add, map(get, numbers), values), strict=True))
        for n, text, quality, tf, *_ in self.offers:
            if n in total:
                shared, focused = self._parts(text)
                total[n] += shared * quality + focused * tf / (tf + norm)
        return total

    def most(self) -> dict[str, float]:
        """The most each word can add to a score (of 100), in any fact. The heaviest field of a common
        term's postings is taken to weigh the most any field does: finding it would mean decoding the
        labels of thousands of fields (an entity's name is a field of its own)."""
        shortest = _K1 * (1 - _B + _B * self.length_min / self.average_length)
        fields = self.index.fields

        def heaviest(postings: Postings) -> float:
            if len(postings) > _MANY_FIELDS:
                return _HEAVIEST
            return max(_weights(fields, set(postings.codes)).values())

        found: dict[str, float] = {}
        for word, lists in zip(self.words, self.lists, strict=True):
            shared, focused = self._parts(word.text)
            values = [shared * cand.quality * heaviest(postings) +
                      focused * (tf := max(postings.counts)) / (tf + shortest) for cand, postings in lists]
            values += [shared * quality + focused * tf / (tf + shortest)
                       for _, text, quality, tf, *_ in self.offers if text == word.text]
            found[word.text] = max(values, default=0.0)
        return found

    def _weighed(self, word_text: str, cand: Candidate, found: Postings, norm: float) -> Iterator[float]:
        """What each posting of a term adds at most, with this norm."""
        shared, focused = self._parts(word_text)
        fields, codes, counts = self.index.fields, found.codes, found.counts
        quality = {code: shared * weight * cand.quality for code, weight in _weights(fields, set(codes)).items()}
        saturated = {tf: focused * tf / (tf + norm) for tf in set(counts)}
        return map(float.__add__, map(quality.__getitem__, codes), map(saturated.__getitem__, counts))

    def tight(self, facts: list[int]) -> dict[int, float]:
        """An upper bound of these facts' scores (before rounding), each with its own length. The facts'
        lengths are read at once (``_take``), and each term's postings of them weighed in one pass
        (``_tight_values``)."""
        base_norm, per_term = _K1 * (1 - _B), _K1 * _B / self.average_length
        ordered = sorted(facts)
        chosen = set(facts)
        length_of = dict(zip(ordered, _take(self.index.lengths, ordered), strict=True))
        total = dict.fromkeys(ordered, 0.0)
        for word, lists in zip(self.words, self.lists, strict=True):
            shared, focused = self._parts(word.text)
            best: dict[int, float] = {}
            for cand, found in lists:
                numbers, at = _places(found, ordered, chosen)
                values = self._tight_values(shared, focused, cand, list(map(found.codes.__getitem__, at)),
                                            list(map(found.counts.__getitem__, at)),
                                            map(length_of.__getitem__, numbers))
                if not best:
                    best = dict(zip(numbers, values, strict=True))
                    continue
                for n, value in zip(numbers, values, strict=True):
                    if value > best.get(n, -1.0):
                        best[n] = value
            self._offered(word.text, best, shared, focused, lambda n: base_norm + per_term * length_of[n], chosen)
            get = total.__getitem__
            total.update(zip(best, map(float.__add__, map(get, best), best.values()), strict=True))
        return total

    def _tight_values(self, shared: float, focused: float, cand: Candidate, codes: Sequence[int],
                      counts: Sequence[int], lengths: Iterable[int]) -> Iterator[float]:
        """The most each of a term's postings (its field's code, its count, its fact's length) adds. There
        are few different fields, counts and lengths, so each is worked out once, and a (count, length)
        pair is one integer, not a tuple: a tuple per posting would be as many objects for the garbage
        collector to walk, again and again while they are made."""
        fields = self.index.fields
        base_norm, per_term = _K1 * (1 - _B), _K1 * _B / self.average_length
        quality = {code: shared * weight * cand.quality for code, weight in _weights(fields, set(codes)).items()}
        wide = max(counts, default=0) + 1
        counted = list(map(int.__add__, counts, map(wide.__mul__, lengths)))
        saturated = {key: focused * tf / (tf + base_norm + per_term * length)
                     for key in set(counted) for length, tf in (divmod(key, wide),)}
        return map(float.__add__, map(quality.__getitem__, codes), map(saturated.__getitem__, counted))

    def _offered(self, word_text: str, best: dict[int, float], shared: float, focused: float,
                 norm: Callable[[int], float], chosen: Collection[int] | None = None) -> None:
        for n, text, quality, tf, *_ in self.offers:
            if text == word_text and (chosen is None or n in chosen):
                value = shared * quality + focused * tf / (tf + norm(n))
                if value > best.get(n, -1.0):
                    best[n] = value

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
                for n, i in zip(*_places(found, ordered, chosen), strict=True):
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
    if limit and len(matched.words) == 1 and not matched.offers and allowed is None and \
            len(next(iter(matched.matched_in.values()))) > max(_FEW, limit):
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


def _rank_word(matched: _Matched, limit: int, min_score: float) -> list[Any]:
    """The results of a query of one word, over the whole base, naming no concept. A posting's bound, with
    its fact's own length (``_tight_values``), is its fact's score when the fact has one of the word's
    terms, and bounds it when it has several (the best match counts). So the facts of the highest bounds
    are scored first, which gives the score a result must reach, then every fact with a posting that
    reaches it: passes over the postings' arrays, no dict of the word's facts (124,000 of "semiconducter"
    at a million facts)."""
    (word,), (lists,) = matched.words, matched.lists
    shared, focused = matched._parts(word.text)
    lengths = matched.index.lengths
    valued = [(found.numbers, list(matched._tight_values(shared, focused, cand, found.codes, found.counts,
                                                         _take(lengths, found.numbers))))
              for cand, found in lists]
    many = limit * len(valued)  # so many postings hold at least ``limit`` facts: a fact has one per term
    top = heapq.nlargest(many, chain.from_iterable(values for _, values in valued))
    first = set(islice(_reaching(valued, top[-1]), many))
    ranked = matched.scored(first, min_score)
    left = set(_reaching(valued, _reach(ranked, limit, min_score)))
    left.difference_update(first)
    return ranked + matched.scored(left, min_score)


def _reaching(valued: list[tuple[Sequence[int], list[float]]], bound: float) -> Iterator[int]:
    """The facts (once per term) with a posting whose value reaches ``bound``."""
    for numbers, values in valued:
        yield from compress(numbers, map(bound.__le__, values))


def _by_word_sets(matched: _Matched, allowed: Collection[int] | None, limit: int, min_score: float) -> list[Any]:
    """The results of a query of several words, by the sets of its words a fact matches: a fact matching
    the words ``S`` (and no other) scores at most the sum of what each word of ``S`` can add (``most``). So
    the sets that can make a fact a result are taken from the highest such bound down, the facts matching
    every word of a set (an intersection) ranked among themselves (``_rank_among``), until a set's bound
    cannot reach the ``limit``-th score found: "semiconductor exports Vietnam 2023" at a million facts ranks
    the few hundred facts that have all four words, of the 70,000 that have two."""
    most = matched.most()
    sets = matched.matched_in
    words = list(sets)
    as_set: dict[str, set[int]] = {}

    def facts_of(word: str) -> set[int]:
        found = as_set.get(word)
        if found is None:
            found = as_set[word] = sets[word] if isinstance(sets[word], set) else set(sets[word])  # type: ignore[arg-type]
        return found

    chosen = [(sum(most[w] for w in combo), combo) for size in range(len(words), matched.needed - 1, -1)
              for combo in combinations(words, size)
              if len(matched.telling.intersection(combo)) >= matched.needed_telling]
    chosen.sort(key=lambda c: -c[0])
    ranked: list[Any] = []
    done: set[int] = set()  # facts scored, or whose bound was found short of what a result needs
    for bound, combo in chosen:
        if bound < _reach(ranked, limit, min_score):
            break
        smallest, *others = sorted(combo, key=lambda w: len(sets[w]))
        facts = facts_of(smallest) - done
        for word in others:
            if not facts:
                break
            facts.intersection_update(facts_of(word) if len(sets[word]) < 8 * len(facts) else sets[word])
        if allowed is not None:
            facts = {n for n in facts if n in allowed}
        if facts:
            _rank_among(matched, list(facts), limit, min_score, ranked, done)
    return ranked


def _rank_among(matched: _Matched, facts: list[int], limit: int, min_score: float, ranked: list[Any],
                done: set[int], every: bool = False) -> None:
    """Rank ``facts`` (none scored yet) into ``ranked``: score the facts of the highest bounds, which gives
    a score every result kept must reach, then only those whose bound reaches it (a fact scores at most its
    bound plus half a tenth, rounding); of many left in, tighter bounds are worked out first. ``every``:
    ``facts`` are all the facts that may be results. Every fact of ``facts`` ends in ``done``."""
    if len(facts) <= max(_FEW, limit):
        ranked += matched.scored(set(facts), min_score)
        done.update(facts)
        return
    bounds = matched.loose(facts, every)
    for tighten in (True, False):
        reach = _score_first(matched, bounds, limit, min_score, ranked, done)
        left = [n for n, bound in bounds.items() if bound >= reach and n not in done]
        if not tighten or len(left) <= max(_FEW, limit):
            break
        bounds = matched.tight(left)
    ranked += matched.scored(set(left), min_score)
    done.update(facts)


def _score_first(matched: _Matched, bounds: dict[int, float], limit: int, min_score: float,
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


def _length_figures(index: Any) -> tuple[int, int]:
    """The sum of the facts' lengths and the shortest: from a cache's table of contents when it has them."""
    figures = getattr(index, "length_figures", None)
    if figures is not None:
        return figures
    return sum(index.lengths), min(index.lengths, default=0)


def _places(found: Postings, ordered: list[int], chosen: Collection[int]) -> tuple[list[int], list[int]]:
    """The facts ``chosen`` (``ordered`` is them, sorted) that have the term, and their places in ``found``:
    by bisection for a few facts, else by one pass over the postings."""
    if len(ordered) * 8 < len(found):
        pairs = [(n, i) for n in ordered if (i := found.find(n)) >= 0]
        return [n for n, _ in pairs], [i for _, i in pairs]
    mask = list(map(chosen.__contains__, found.numbers))
    return list(compress(found.numbers, mask)), list(compress(range(len(mask)), mask))


def _weights(fields: Mapping[int, tuple[str, float, bool]], codes: set[int]) -> dict[int, float]:
    """The weight of each field of ``codes``: read at once from a cached index (``cache.disk._Fields``)."""
    read = getattr(fields, "weights", None)
    return read(codes) if read is not None else {code: fields[code][1] for code in codes}


def _take(column: Sequence[int], indices: Sequence[int]) -> list[int]:
    """``column[i]`` for each of ``indices``: at once from a cached index's column (``storage.Numbers.take``)."""
    take = getattr(column, "take", None)
    return take(indices) if take is not None else list(map(column.__getitem__, indices))


def _idf(size: int, df: int) -> float:
    """BM25's inverse document frequency: a word in every fact weighs almost nothing, never less than zero."""
    return math.log(1 + (size - df + 0.5) / (df + 0.5))
