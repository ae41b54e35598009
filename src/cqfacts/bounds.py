"""A query's words with their terms' postings, and upper bounds of the scores of the facts they match.

A fact's score is a sum over the query's words of what each contributes in that fact (``search``'s
formula: the idf-weighted share, the plain share and BM25's saturated term frequency, each per word). So,
for every fact a word matches, the word's contribution is bounded from above by the best of its postings
in that fact, worked out from the postings' arrays in one pass (``cache.columns``), without a dict or a
record per posting. ``Matched.scored`` scores facts exactly, with the same code and in the same order as
the full ranking; ``ranking`` decides which facts it scores.

What a word's document frequency is (its weight, and whether it is telling) counts every fact any of its
terms is in (``columns.Facts``); a word alone weighs 1, its weight dividing out of every score.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations, compress
from typing import TYPE_CHECKING, Any

from cqfacts.cache.columns import Facts, Postings, postings_of
from cqfacts.concepts import SYNONYM
from cqfacts.matching import ALIAS_HOW, BROADER_QUALITY, EXACT, SYNONYM_QUALITY, candidates, facts_with
from cqfacts.search import _B, _COMMON_SHARE, _K1, _SHARES, FIELD_WEIGHTS, Match

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

    from cqfacts.concepts import Thesaurus
    from cqfacts.matching import Candidate
    from cqfacts.query import Query

# Past this many postings, a term is taken to be in the heaviest field (``Matched.most``).
_MANY_FIELDS = 10_000
_HEAVIEST = max(FIELD_WEIGHTS.values())

# A concept's expansion matched in a fact: fact number, query word, quality, occurrences, label, how, terms.
_Offer = tuple[int, str, float, int, str, str, str]


class Matched:
    """A query's words, each with its candidate terms' postings, and the facts each word matches."""

    def __init__(self, index: Any, parsed: Query, thesaurus: Thesaurus | None):
        self.index, self.words = index, parsed.words
        known = thesaurus.words if thesaurus is not None else frozenset()
        self.lists: list[list[tuple[Candidate, Postings]]] = []
        offered = [candidates(index, word, known) for word in self.words]
        prefetch = getattr(index.postings, "prefetch", None)  # a cached index reads its terms together
        if prefetch is not None:
            prefetch(cand.term for cands in offered for cand in cands)
        for cands in offered:
            found = ((cand, postings_of(index, cand.term)) for cand in cands)
            self.lists.append([(cand, postings) for cand, postings in found if postings is not None])
        self.offers: list[_Offer] = []  # the concepts the query names: their other names, the concepts below
        for span in parsed.spans:
            assert thesaurus is not None
            for how, _name, needs in thesaurus.expanded(span.concept, parsed.chinese):
                quality = SYNONYM_QUALITY if how == SYNONYM else BROADER_QUALITY
                for n, (weight, occurrences, label, found_terms) in facts_with(index, needs).items():
                    for word_text in span.words:
                        self.offers.append((n, word_text, weight * quality, occurrences, label, how, found_terms))
        # The facts each word matches (its terms' postings, the facts of the concepts it is part of).
        self.matched_in: dict[str, Facts] = {
            word.text: Facts((postings for _, postings in lists),
                             (offer[0] for offer in self.offers if offer[1] == word.text))
            for word, lists in zip(self.words, self.lists, strict=True)}
        self.whole: set[str] = set()  # the words every fact of which is eligible (``eligible`` says)
        size = index.size
        if len(self.matched_in) == 1:
            # One word weighs 1 and is telling: its weight would divide out of every score, and every fact it
            # matches has it. So its facts go uncounted ("semiconducter"'s terms hold 124,000 at a million).
            self.weights, self.telling = dict.fromkeys(self.matched_in, 1.0), set(self.matched_in)
        else:
            self.weights = {w: _idf(size, len(facts_of)) for w, facts_of in self.matched_in.items()}
            self.telling = {w for w, facts_of in self.matched_in.items() if len(facts_of) <= _COMMON_SHARE * size}
        self.total_weight = sum(self.weights.values()) or 1.0
        self.needed = math.ceil(len(self.words) / 2)
        self.needed_telling = min(self.needed, len(self.telling))
        self.length_total, self.length_min = _length_figures(index)
        self.average_length = self.length_total / max(size, 1)
        # BM25's length norm of the shortest fact (what no fact's is below), and its parts for any length (a
        # base without facts has no length, and no postings to use them on).
        average = self.average_length or 1.0
        self.shortest_norm = _K1 * (1 - _B + _B * self.length_min / average)
        self.base_norm, self.per_term = _K1 * (1 - _B), _K1 * _B / average

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
            as_sets = [facts_of.as_set() for facts_of in sets.values()]
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

    def parts(self, word_text: str) -> tuple[float, float]:
        """What a word adds to a score (of 100) per unit of match quality, and per unit of saturated tf."""
        idf = self.weights[word_text]
        return (100 * (_SHARES[0] * idf / self.total_weight + _SHARES[1] / len(self.words)),
                100 * _SHARES[2] * idf / self.total_weight)

    def loose(self, eligible: list[int], every: bool = True) -> dict[int, float]:
        """An upper bound of each eligible fact's score (before rounding): as if it were the shortest fact,
        and the sum of its postings of each word's terms (not the best one). Each posting is weighed and
        added in one pass over the arrays, without a Python loop over the facts. ``every``: ``eligible`` are
        all the facts that may be results (else some of them)."""
        norm = self.shortest_norm
        lists = [(word, cand, found) for word, own in zip(self.words, self.lists, strict=True) for cand, found in own]
        if every and len(lists) == 1 and not self.offers and len(lists[0][2]) == len(eligible):  # all its facts
            (word, cand, found), = lists
            return dict(zip(found.numbers, self._weighed(word.text, cand, found, norm), strict=True))
        total = dict.fromkeys(eligible, 0.0)
        add, get = float.__add__, total.__getitem__
        for word, cand, found in lists:
            numbers, codes, counts = found.numbers, found.codes, found.counts
            if not every or word.text not in self.whole:  # only the postings of eligible facts
                numbers, at = _places(found, total)
                codes, counts = (list(map(values.__getitem__, at)) for values in (codes, counts))
            values = self._weighed(word.text, cand, Postings(numbers, codes, counts), norm)
            total.update(zip(numbers, map(add, map(get, numbers), values), strict=True))
        for n, text, quality, tf, *_ in self.offers:
            if n in total:
                shared, focused = self.parts(text)
                total[n] += shared * quality + focused * tf / (tf + norm)
        return total

    def most(self) -> dict[str, float]:
        """The most each word can add to a score (of 100), in any fact (``most_of`` each of its terms)."""
        shortest = self.shortest_norm
        found: dict[str, float] = {}
        for word, lists in zip(self.words, self.lists, strict=True):
            shared, focused = self.parts(word.text)
            values = [self.most_of(word.text, cand, postings) for cand, postings in lists]
            values += [shared * quality + focused * tf / (tf + shortest)
                       for _, text, quality, tf, *_ in self.offers if text == word.text]
            found[word.text] = max(values, default=0.0)
        return found

    def most_of(self, word_text: str, cand: Candidate, postings: Postings) -> float:
        """The most a word can add to a score (of 100) through one of its terms, in any fact. The heaviest
        field of a common term's postings is taken to weigh the most any field does: finding it would mean
        decoding the labels of thousands of fields (an entity's name is a field of its own)."""
        shared, focused = self.parts(word_text)
        shortest = self.shortest_norm
        heaviest = _HEAVIEST if len(postings) > _MANY_FIELDS else \
            max(_weights(self.index.fields, set(postings.codes)).values())
        tf = postings.most()
        return shared * cand.quality * heaviest + focused * tf / (tf + shortest)

    def loose_values(self, word_text: str, cand: Candidate, found: Postings) -> Iterator[float]:
        """The most each of a term's postings adds, in the shortest fact."""
        return self._weighed(word_text, cand, found, self.shortest_norm)

    def _weighed(self, word_text: str, cand: Candidate, found: Postings, norm: float) -> Iterator[float]:
        """What each posting of a term adds at most, with this norm."""
        shared, focused = self.parts(word_text)
        fields, codes, counts = self.index.fields, found.codes, found.counts
        quality = {code: shared * weight * cand.quality for code, weight in _weights(fields, set(codes)).items()}
        saturated = {tf: focused * tf / (tf + norm) for tf in set(counts)}
        return map(float.__add__, map(quality.__getitem__, codes), map(saturated.__getitem__, counts))

    def tight(self, facts: list[int]) -> dict[int, float]:
        """An upper bound of these facts' scores (before rounding), each with its own length. The facts'
        lengths are read at once (``take``), and each term's postings of them weighed in one pass
        (``tight_values``)."""
        base_norm, per_term = self.base_norm, self.per_term
        ordered = sorted(facts)
        chosen = set(facts)
        length_of = dict(zip(ordered, take(self.index.lengths, ordered), strict=True))
        total = dict.fromkeys(ordered, 0.0)
        for word, lists in zip(self.words, self.lists, strict=True):
            shared, focused = self.parts(word.text)
            best: dict[int, float] = {}
            for cand, found in lists:
                numbers, at = _places(found, chosen, ordered)
                values = self.tight_values(shared, focused, cand, found, at, map(length_of.__getitem__, numbers))
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

    def tight_values(self, shared: float, focused: float, cand: Candidate, found: Postings, at: list[int],
                     lengths: Iterable[int]) -> Iterator[float]:
        """The most each of a term's postings at places ``at`` (its field's code, its count, its fact's length,
        one of ``lengths`` each) adds. There are few different fields, counts and lengths, so each is worked out
        once, and a (count, length) pair is one integer, not a tuple: a tuple per posting would be as many
        objects for the garbage collector to walk, again and again while they are made."""
        codes, counts = list(map(found.codes.__getitem__, at)), list(map(found.counts.__getitem__, at))
        fields = self.index.fields
        base_norm, per_term = self.base_norm, self.per_term
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
                for n, i in zip(*_places(found, chosen, ordered), strict=True):
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



def _length_figures(index: Any) -> tuple[int, int]:
    """The sum of the facts' lengths and the shortest: from a cache's table of contents when it has them."""
    figures = getattr(index, "length_figures", None)
    if figures is not None:
        return figures
    return sum(index.lengths), min(index.lengths, default=0)


def _places(found: Postings, chosen: Collection[int], ordered: list[int] | None = None) -> tuple[list[int], list[int]]:
    """The facts ``chosen`` that have the term, and their places in ``found``: by bisection for a few facts
    (``ordered``: them sorted, when at hand), else by one pass over the postings."""
    if len(chosen) * 8 < len(found):
        return found.places(sorted(chosen) if ordered is None else ordered)
    mask = list(map(chosen.__contains__, found.numbers))
    return list(compress(found.numbers, mask)), list(compress(range(len(mask)), mask))


def _weights(fields: Mapping[int, tuple[str, float, bool]], codes: set[int]) -> dict[int, float]:
    """The weight of each field of ``codes``: read at once from a cached index (``cache.disk_postings.Fields``)."""
    read = getattr(fields, "weights", None)
    return read(codes) if read is not None else {code: fields[code][1] for code in codes}


def take(column: Sequence[int], indices: Sequence[int]) -> list[int]:
    """``column[i]`` for each of ``indices``: at once from a cached index's column (``readers.Numbers.take``)."""
    take = getattr(column, "take", None)
    return take(indices) if take is not None else list(map(column.__getitem__, indices))


def _idf(size: int, df: int) -> float:
    """BM25's inverse document frequency: a word in every fact weighs almost nothing, never less than zero."""
    return math.log(1 + (size - df + 0.5) / (df + 0.5))
