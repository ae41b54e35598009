"""Query parsing: a query's words, the values its numbers stand for, and the concepts of the terms table it names.

A query is folded like the facts (``cqfacts.normalize``) and split into words; English stop words are dropped
from a query that has other words, so a question is searched by its content words. A number followed by a
scale word (``76.9 billion``) also stands for its value; Chinese runs become character pairs, as in the index.
With a thesaurus (``cqfacts.concepts``), runs of words that are a variant of a concept ("electric vehicle",
"EVs", "新能源汽车") are marked, so the ranker can look up the concept's other names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cqfacts.lazy import field, record
from cqfacts.normalize import SCALES, cjk_grams, fold, number_term, token_spans
from cqfacts.number_words import DENOMINATORS, SMALL, WORD_SCALES
from cqfacts.numbers import find_quantities, parse_number

if TYPE_CHECKING:
    from cqfacts.concepts import Thesaurus

# Dropped from a query that has other words, so a question is searched by its content words.
_STOP_WORDS_TEXT = """
a about above after again all also am an and any are as at be been before being below between both but by
can could did do does doing done during each else ever few for from further get got had has have having he
her here hers how i if in into is it its just know let like many me more most much my no nor not now of off
on once only or other our out over own please same she should show so some such tell than that the their
them then there these they this those through to too under until up us very want was we were what when
where which while who whom why will with would you your
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# The words a number written in words has one of (the parser's own tables).
_NUMBER_WORDS = frozenset({*SMALL, *WORD_SCALES, *DENOMINATORS, "hundred", "dozen", "dozens"})


@record(frozen=True)
class QueryWord:
    """A word of the query: its text, its kind (word, number, code, cjk) and values it also stands for."""

    text: str
    kind: str
    also: tuple[str, ...] = ()  # e.g. "76900000000" for "76.9" in "76.9 billion"


@record(frozen=True)
class Span:
    """Query words that together are a variant of a concept of the terms table."""

    concept: str  # the term id
    words: tuple[str, ...]  # the texts of the query words it covers


@record
class Query:
    words: list[QueryWord]
    spans: list[Span] = field(default_factory=list)
    chinese: bool = False  # the query has Chinese (it may expand to the Chinese names of concepts)


def parse_query(query: str) -> list[QueryWord]:
    """The query's words, folded, without duplicates and, when other words remain, without stop words."""
    return parse(query).words


def parse(query: str, thesaurus: Thesaurus | None = None) -> Query:
    """The query's words and, with a thesaurus, the concepts they name."""
    folded = fold(query)
    raw = list(token_spans(folded))
    numbers = _number_words(folded, raw)
    # Per token of the query: (kind, token, the words it gave), for finding concepts over the token sequence.
    sequence: list[tuple[str, str, list[QueryWord]]] = []
    for i, (kind, token, _, _) in enumerate(raw):
        if i in numbers:
            word = numbers[i]
            if word is not None:  # the first token of a number in words stands for all of it
                sequence.append((word.kind, word.text, [word]))
            continue
        if kind == "cjk":
            grams = [token] if len(token) == 1 else cjk_grams(token)[: len(token) - 1]
            sequence.append((kind, token, [QueryWord(g, "cjk") for g in grams]))
            continue
        if kind == "word" and token == "s":
            continue
        also: tuple[str, ...] = ()
        if kind == "number" and i + 1 < len(raw) and raw[i + 1][1] in SCALES:
            also = (_scaled(token, raw[i + 1][1]),)
        elif token in SCALES and i > 0 and raw[i - 1][0] == "number":
            also = (_scaled(raw[i - 1][1], token),)
        sequence.append((kind, token, [QueryWord(token, kind, also)]))
    content = [s for s in sequence if s[1] not in STOP_WORDS] or sequence
    spans, dropped = thesaurus.spans(content) if thesaurus is not None else ([], set())
    found = [w for s in content for w in s[2] if w.text not in dropped]
    words = list({w.text: w for w in reversed(found)}.values())[::-1]
    return Query(words, spans, any(kind == "cjk" for kind, _, _ in content))


def _number_words(folded: str, raw: list[tuple[str, str, int, int]]) -> dict[int, QueryWord | None]:
    """Numbers written in words (``twenty thousand``, ``two-thirds``, ``a dozen``), read by the one parser
    of numbers in prose (``cqfacts.numbers``): token number -> the word standing for the whole number at its
    first token, None at the others. A single word keeps its text and also stands for its value ("one"
    stays a word: "one-bill system"); a share also stands for its percent as a fact rounds it (66.7)."""
    if not any(kind == "word" and token in _NUMBER_WORDS for kind, token, _, _ in raw):
        return {}  # most queries have no number word: the parser's full reading is not needed
    found: dict[int, QueryWord | None] = {}
    for amount in find_quantities(folded):
        if amount.role != "figure":
            continue
        tokens_in = [i for i, (_, _, start, end) in enumerate(raw) if start >= amount.start and end <= amount.end]
        # The number is the longest run of the amount's tokens that reads as a number alone: a comparator
        # before it and the unit after it ("over", "cars") stay query words.
        runs = [tokens_in[a:b] for a in range(len(tokens_in)) for b in range(len(tokens_in), a, -1)]
        inside = max((run for run in runs if parse_number(folded[raw[run[0]][2]:raw[run[-1]][3]]) is not None),
                     key=len, default=[])
        if not inside or any(raw[i][0] != "word" for i in inside):
            continue  # digits are read as they are (with a scale word, by _scaled)
        value = amount.value
        values = [number_term(value)] if amount.exact else \
            list(dict.fromkeys(number_term(round(value, places)) for places in (2, 1, 0)))
        text = folded[raw[inside[0]][2]:raw[inside[-1]][3]]
        if len(inside) == 1:
            found[inside[0]] = QueryWord(text, "word", tuple(values))
        else:
            found[inside[0]] = QueryWord(text, "number", tuple(values))
            found.update(dict.fromkeys(inside[1:]))
    return found


def _scaled(number: str, scale: str) -> str:
    """The number times the scale, as a term, by moving the decimal point: no float rounding."""
    whole, _, fraction = number.partition(".")
    shift = SCALES[scale]
    digits = whole + fraction.ljust(shift, "0")
    return number_term(int(digits[: len(whole) + shift])) if len(fraction) <= shift else \
        number_term(float(number) * 10**shift)
