"""Which index terms a query word stands for, and which facts hold a name of the terms table.

A query word matches the index vocabulary exactly, by word form (a light stem), as the start of a longer
word (four letters or more), or with a typo allowance that grows with its length (none up to four
letters, one up to eight, two beyond). Numbers, codes and Chinese pairs match only exactly, so ``500000``
never finds ``1,500,000``.

A word that exists as typed (in the index or the terms table) is a word, not a start or a typo: of the
longer words that begin with it, it matches only its own inflections ("vehicle" → "vehicles"), never another
word ("car" → "carried", "electric" → "electrical"); other forms of its stem still match ("produced" →
"production").
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from cqfacts.lazy import record
from cqfacts.normalize import lemma, stem

if TYPE_CHECKING:
    from collections.abc import Collection

    from cqfacts.query import QueryWord
    from cqfacts.search import SearchIndex

# How a word matched, and how much of the field's weight that keeps.
EXACT, ALIAS_HOW, STEM, PREFIX, TYPO = "exact", "alias", "stem", "prefix", "typo"
_STEM_QUALITY = 0.9
_TYPO_QUALITY = {1: 0.75, 2: 0.6}
MIN_PREFIX = 4
# A concept's other names count a little below the word as typed; a narrower concept's names a little less.
SYNONYM_QUALITY, BROADER_QUALITY = 0.85, 0.75


@record(frozen=True)
class Candidate:
    term: str
    how: str
    quality: float
    typos: int = 0


def candidates(index: SearchIndex, word: QueryWord, known: Collection[str] = ()) -> list[Candidate]:
    """Vocabulary terms a query word stands for, best first; ``known`` are words of the terms table."""
    postings = index.postings
    found = [Candidate(t, EXACT, 1.0) for t in (word.text, *word.also) if t in postings]
    if word.kind != "word":
        return found  # numbers, codes and CJK grams match exactly or not at all
    text = word.text
    is_word = bool(found) or text in known
    stemmed = [t for t in forms(index, text, is_word) if t != text]
    found += [Candidate(t, STEM, _STEM_QUALITY) for t in stemmed]
    if len(text) >= MIN_PREFIX and not is_word:
        found += [Candidate(t, PREFIX, 0.5 + 0.4 * len(text) / len(t))
                  for t in starting_with(index, text) if t != text and t not in stemmed]
    allowed = typo_allowance(text)
    if allowed and not found and not is_word:  # a word that matches as typed, or begins a word, is no typo
        found += [Candidate(t, TYPO, _TYPO_QUALITY[d], d) for t, d in _near_words(index, text, allowed)]
    return found


def forms(index: SearchIndex, text: str, is_word: bool) -> list[str]:
    """The vocabulary's forms of a word (itself included when indexed): those sharing its stem; for a word
    that exists as typed, without the longer words that begin with it and are no inflection of it."""
    root = stem(text)
    # A stem is a prefix of its word, so the words sharing this word's stem are among those it begins.
    found = [t for t in starting_with(index, root) if stem(t) == root]
    if is_word:  # a longer word that merely begins with a whole word is another word, unless an inflection
        own = lemma(text)
        found = [t for t in found if not t.startswith(text) or t == text or lemma(t) == own]
    return found


def inflections(index: SearchIndex, text: str) -> list[str]:
    """The vocabulary's inflections of a word, itself included: 'vehicle' → vehicle, vehicles; never
    'party' for 'parts' (a name of the terms table says which words it means)."""
    own = lemma(text)
    return [t for t in starting_with(index, own[:-1] if len(own) > 3 else own) if lemma(t) == own]


def starting_with(index: SearchIndex, start: str) -> list[str]:
    vocabulary = index.vocabulary
    i = j = bisect_left(vocabulary, start)
    while j < len(vocabulary) and vocabulary[j].startswith(start):
        j += 1
    return vocabulary[i:j]


def typo_allowance(word: str) -> int:
    """Typos forgiven in a word of letters: none up to four letters, one up to eight, two beyond."""
    return 0 if len(word) <= 4 else 1 if len(word) <= 8 else 2


def typo_pieces(word: str, allowed: int) -> list[str]:
    """Pieces of a word, one of which every word within ``allowed`` typos of it holds as it is: the word cut
    into ``allowed + 1`` pieces, a letter left out between each two. A typo (a letter changed, added or
    dropped, two side by side swapped) reaches into one piece at most, for a swap across a piece's end takes
    the letter left out, so ``allowed`` typos leave one piece whole ("semiconducter": semi, ondu, ter)."""
    kept = len(word) - allowed
    pieces, at = [], 0
    for n in range(allowed + 1):
        size = kept // (allowed + 1) + (n < kept % (allowed + 1))
        pieces.append(word[at:at + size])
        at += size + 1
    return pieces


def _near_words(index: SearchIndex, word: str, allowed: int) -> list[tuple[str, int]]:
    # Imported here: typo matching is the only user of rapidfuzz and most queries never need it.
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    # A typo changes a word's length by at most the typos allowed: a cached index reads only those words,
    # and decodes only those that hold one of the word's pieces (``typo_pieces``).
    words = index.words_holding(len(word) - allowed, len(word) + allowed, typo_pieces(word, allowed))
    near = process.extract(word, words, scorer=OSA.distance, score_cutoff=allowed, limit=None)
    return sorted((term, int(distance)) for term, distance, _ in near if term != word and distance > 0)


def facts_with(index: SearchIndex, needs: tuple[str, ...]) -> dict[int, tuple[float, int, str, str]]:
    """Facts that hold every term of a name (each in any of its forms), as fact number ->
    (the weight of the weakest field it is in, its fewest occurrences, that field's label, the terms found)."""
    postings = index.postings
    per_need = []  # per term of the name: its place in the name and its forms' postings
    for place, need in enumerate(needs):
        found = [t for t in (inflections(index, need) if need.isascii() and need.isalpha() else [need])
                 if t in postings]
        if not found:
            return {}
        per_need.append((place, [(t, postings[t]) for t in found]))
    per_need.sort(key=lambda need: sum(len(p) for _, p in need[1]))  # the rarest first: fewest facts to try
    result: dict[int, tuple[float, int, str, str]] = {}
    for n in {n for _, p in per_need[0][1] for n in p}:
        weakest: tuple[float, int, str] | None = None
        found_terms: dict[int, str] = {}
        for place, lists in per_need:
            best: tuple[float, int, str, str] | None = None
            for term, p in lists:
                at = p.get(n)
                if at is not None:
                    label, weight, _ = index.fields[at[0]]
                    if best is None or weight > best[0]:
                        best = (weight, at[1], label, term)
            if best is None:
                break
            found_terms[place] = best[3]
            if weakest is None or best[0] < weakest[0]:
                weakest = best[:3]
        else:
            assert weakest is not None
            result[n] = (*weakest, " ".join(found_terms[p] for p in sorted(found_terms)))
    return result
