"""Search: rank facts for a query so that the fact a person means comes first, and nonsense finds nothing.

How a query is matched (the ideas come from Meilisearch's and Typesense's ranking rules and BM25):

1. The query and every fact are folded the same way (``cqfacts.normalize``) and split into terms;
   stop words are dropped from a query that has other words (``cqfacts.query``).
2. Each query word is matched against the index vocabulary: exactly, by word form, as the start of a
   longer word, or with a typo allowance (``cqfacts.matching``). Numbers and codes match only exactly; a
   number followed by a scale word (``76.9 billion``) also matches the figure with that value.
3. Runs of query words that name a concept of the base's terms table also match the concept's other names
   (synonym) and the names of the concepts and entities below it (broader), a little below the word as
   typed (``cqfacts.concepts``): query-time expansion over the same index, which a cache stores as it is.
4. Where a word matched counts: an entity's names and aliases, figures and the speaker weigh most, then
   tags and the fact id, the statement, the quote, the curator's note.
5. A fact's score (0-100) mixes the share of the query's weight it matched (rarer words weigh more: each
   word's weight is its inverse document frequency) with the share of words it matched. A fact must match
   at least half of the words, and a word in more than half of the facts cannot make up that half while
   the query has other words. Ties are broken by fewer typos, then by id, so the order is stable.

``build_index`` does all per-base work once and returns plain, picklable data, so a cache can store it;
``search(..., facts=subset)`` ranks only a subset (candidates from such a cache) with the base's weights.
"""

from __future__ import annotations

import gc
import sys
import weakref
from collections import Counter, defaultdict
from itertools import chain, islice, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, TypeVar

from cqfacts.concepts import thesaurus_for
from cqfacts.lazy import field, record
from cqfacts.matching import typo_allowance
from cqfacts.normalize import is_cjk, number_term, terms, terms_of
from cqfacts.query import QueryWord, parse, parse_query

__all__ = ["Hit", "Match", "QueryWord", "SearchIndex", "build_index", "index_for", "parse_query", "search",
           "typo_allowance"]

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cqfacts.model import Entity, Fact, FactBase

B = TypeVar("B", bound="Builder")

# Where a term occurs in a fact, and how much a match there counts.
ENTITY, ALIAS, FIGURE, SPEAKER, TAG, ID, WHEN, STATEMENT, QUOTE, NOTE = (
    "entity", "alias", "figure", "speaker", "tag", "id", "when", "statement", "quote", "note")
FIELD_WEIGHTS = {ENTITY: 1.0, ALIAS: 1.0, FIGURE: 1.0, SPEAKER: 1.0, TAG: 0.9, ID: 0.9, WHEN: 0.85,
                 STATEMENT: 0.85, QUOTE: 0.7, NOTE: 0.4}
# Words that describe a figure (its unit and measure) and a speaker's role count a little less than names.
_DESCRIPTION_WEIGHT = 0.8

# The score's parts: the idf-weighted share of the query matched, the plain share of words matched, and
# how much the fact is about those words (BM25's saturated term frequency, with its usual k1 and b).
_SHARES = (0.65, 0.25, 0.10)
_K1, _B = 1.2, 0.75
# A word in more than this share of the facts says almost nothing: it cannot make up the half of the
# query's words a fact must match while the query has other words ("Chongqing weather forecast").
_COMMON_SHARE = 0.5


@record(frozen=True)
class Match:
    """Why a fact matched: which query word, in which field, how (exact, alias, stem, prefix, typo), on which term."""

    word: str
    field: str
    how: str
    term: str

    def to_json(self) -> dict[str, str]:
        return {"word": self.word, "field": self.field, "how": self.how, "term": self.term}

    def describe(self) -> str:
        """One readable line: 'tianmo → tianmu (typo) in entity:tianmu-1'."""
        target = self.word if self.term == self.word else f"{self.word} → {self.term}"
        return f"{target} ({self.how}) in {self.field}"


@record(frozen=True)
class Hit:
    fact: Fact
    score: float
    matches: tuple[Match, ...] = field(default=())

    @property
    def terms(self) -> frozenset[str]:
        """The fact's terms the query matched (for highlighting them in the statement)."""
        return frozenset(t for m in self.matches for t in m.term.split(" "))


@record
class SearchIndex:
    """Everything search needs about one fact base, as plain data (picklable, cacheable).

    ``postings[term][fact_number]`` is ``(field code, occurrences)``: the best place the term occurs in
    that fact and how often it occurs there in all; ``fields[code]`` is ``(label, weight, is_alias)``;
    ``lengths[fact_number]`` counts the fact's terms.
    """

    ids: list[str]
    positions: dict[str, int]  # fact id -> fact number
    postings: dict[str, dict[int, tuple[int, int]]]
    fields: list[tuple[str, float, bool]]
    vocabulary: list[str]  # sorted, for prefix and word-form matching
    words: list[str]  # terms of letters only, for typo matching
    lengths: list[int]

    @property
    def size(self) -> int:
        return len(self.ids)

    def words_between(self, shortest: int, longest: int) -> list[str]:
        """The typo words of these lengths (a cache's index reads only those: ``cache.disk.DiskIndex``)."""
        return [w for w in self.words if shortest <= len(w) <= longest]

    def words_holding(self, shortest: int, longest: int, pieces: list[str]) -> list[str]:
        """The typo words of these lengths that may hold one of ``pieces`` (``matching.typo_pieces``): here all of
        them, already decoded (a cache's index decodes only those that do: ``cache.disk.DiskIndex``)."""
        return self.words_between(shortest, longest)


_WEIGHT, _CODE, _TERMS = itemgetter(0), itemgetter(1), itemgetter(2)  # of a text: (weight, field code, terms)


class Builder:
    """Files each fact's texts: every term once per fact, at the best place it occurs (between equals the first
    added: a name before an alias), with how often it occurs in the fact in all. ``store`` keeps them as
    ``SearchIndex.postings``; a cache's build keeps them its own way (``cache.postings.Flat``)."""

    def __init__(self) -> None:
        self.postings: defaultdict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
        # A fact's own fields are numbered first, always alike (``OWN_FIELDS``); an entity's as first met.
        self.fields: list[tuple[str, float, bool]] = list(OWN_FIELDS)
        self.codes: dict[tuple[str, float, bool], int] = {field: code for code, field in enumerate(OWN_FIELDS)}
        self.lengths: list[int] = []
        # What naming an entity adds to a fact, worked out as first met (a cache's build shares it between its chunks).
        self.by_entity: dict[str, list[tuple[float, int, tuple[str, ...]]]] = {}

    def code(self, key: tuple[str, float, bool]) -> int:
        """The field code of (label, weight, is alias), numbered in the order first met."""
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = len(self.fields)
            self.fields.append(key)
        return code

    def entity_code(self, entity_id: str, alias: bool) -> int:
        """The field code of an entity's names, or (``alias``) of its aliases."""
        return self.code(entity_field(entity_id, alias))

    def file(self, number: int, texts: list[tuple[float, int, list[str]]]) -> None:
        """Fact ``number``'s texts, each (weight, field code, its terms), in the order they count in."""
        # Lightest first, and among equals the last added first: what is written last, the best place, stays.
        ordered = sorted(reversed(texts), key=_WEIGHT)
        found = list(chain.from_iterable(map(_TERMS, ordered)))
        self.lengths.append(len(found))
        counts = Counter(found)  # the terms in the order first met in ``ordered``, as ``best`` has them
        codes = chain.from_iterable(map(repeat, map(_CODE, ordered), map(len, map(_TERMS, ordered))))  # of each found
        best = dict(zip(found, codes, strict=True))  # one dict of all, its last write of each term staying
        self.store(number, best, counts)

    def store(self, number: int, best: dict[str, int], counts: Counter[str]) -> None:
        """Fact ``number``'s terms: the field code of each (``best``) and its count, both in one order."""
        postings = self.postings
        for (term, code), count in zip(best.items(), counts.values(), strict=True):
            postings[term][number] = (code, count)


def build_index(base: FactBase, facts: Iterable[Fact] | None = None) -> SearchIndex:
    """Index every fact of a base, or only ``facts`` of it: the one place search does per-base work."""
    chosen = list(base.facts.values()) if facts is None else list(facts)
    # The index is many small tuples and dicts that live on: the cyclic garbage collector would walk
    # them again and again while they are made (a 20,000-fact base builds three times faster without).
    collecting = gc.isenabled()
    gc.disable()
    try:
        builder = file_facts(base, chosen, Builder())
        postings = dict(builder.postings)
        vocabulary = sorted(postings)
        ids = [fact.id for fact in chosen]
        positions = {fact_id: n for n, fact_id in enumerate(ids)}
        return SearchIndex(ids, positions, postings, builder.fields, vocabulary, letter_words(vocabulary),
                           builder.lengths)
    finally:
        if collecting:
            gc.enable()


def letter_words(vocabulary: Iterable[str]) -> list[str]:
    """The terms of letters only (not CJK), in the vocabulary's order: what typo matching compares."""
    return [t for t in vocabulary if t.isalpha() and (t.isascii() or not is_cjk(t))]  # (CJK is never ASCII)


def file_facts(base: FactBase, facts: Iterable[Fact], builder: B, first: int = 0) -> B:
    """Each fact's texts filed by ``builder``, numbered from ``first``: the one place that says what is indexed."""
    by_entity = builder.by_entity
    chosen = iter(facts)
    number = first
    while block := list(islice(chosen, _BLOCK)):
        own = [_own_texts(fact) for fact in block]
        # The block's texts split into terms all at once (``normalize.terms_of``), each distinct text once.
        distinct = list(dict.fromkeys(text for texts in own for _, _, text in texts if isinstance(text, str)))
        found = dict(zip(distinct, terms_of(distinct), strict=True))
        # An entity's field codes are numbered in the order first met, as each fact's texts are taken in this order.
        for fact, texts_of in zip(block, own, strict=True):
            texts: list[tuple[float, int, list[str]]] = []
            for entity_id in fact.entities:
                part = by_entity.get(entity_id)
                if part is None:
                    part = by_entity[entity_id] = _entity_texts(base, entity_id, builder)
                texts += part
            texts += [(weight, code, found[text] if isinstance(text, str) else text) for weight, code, text in texts_of]
            builder.file(number, texts)
            number += 1
    return builder


_BLOCK = 1_000  # facts whose texts are split into terms together


def _own_texts(fact: Fact) -> list[tuple[float, int, str | list[str]]]:
    """A fact's texts but its entities', in the order they count in: each (weight, field code, a text or its terms)."""
    texts: list[tuple[float, int, str | list[str]]] = []
    for figure in fact.figures:
        values = [figure.value] + ([figure.baseline.value] if figure.baseline else [])
        texts += [(*_FIGURE, [number_term(v) for v in values]), (*_FIGURE, figure.display),
                  (*_FIGURE_WORDS, " ".join((figure.unit, figure.measure or "")))]
    if fact.speaker:
        texts += [(*_SPEAKER, fact.speaker.name),
                  (*_ROLE, " ".join((fact.speaker.role or "", fact.speaker.organization or "")))]
    texts += [(*_TAG, " ".join(fact.tags)), (*_ID, fact.id), (*_WHEN, [str(year) for year in sorted(fact.years)]),
              (*_STATEMENT, fact.statement), (*_QUOTE, fact.quote)]
    if fact.note:
        texts.append((*_NOTE, fact.note))
    return texts


# The fields of a fact's own texts, (label, weight, is alias), each builder's first codes; and each's (weight, code).
OWN_FIELDS = ((FIGURE, FIELD_WEIGHTS[FIGURE], False), (FIGURE, FIELD_WEIGHTS[FIGURE] * _DESCRIPTION_WEIGHT, False),
              (SPEAKER, FIELD_WEIGHTS[SPEAKER], False), (SPEAKER, FIELD_WEIGHTS[SPEAKER] * _DESCRIPTION_WEIGHT, False),
              (TAG, FIELD_WEIGHTS[TAG], False), (ID, FIELD_WEIGHTS[ID], False), (WHEN, FIELD_WEIGHTS[WHEN], False),
              (STATEMENT, FIELD_WEIGHTS[STATEMENT], False), (QUOTE, FIELD_WEIGHTS[QUOTE], False),
              (NOTE, FIELD_WEIGHTS[NOTE], False))
_FIGURE, _FIGURE_WORDS, _SPEAKER, _ROLE, _TAG, _ID, _WHEN, _STATEMENT, _QUOTE, _NOTE = (
    (weight, code) for code, (_, weight, _) in enumerate(OWN_FIELDS))


def _entity_texts(base: FactBase, entity_id: str, builder: Builder) -> list[tuple[float, int, tuple[str, ...]]]:
    """What naming an entity adds to a fact: its id's words and its name, its aliases (labelled by the entity)."""
    names, aliases = entity_terms(entity_id, base.entities.get(entity_id))
    texts = [(FIELD_WEIGHTS[ENTITY], builder.entity_code(entity_id, False), names)]
    if aliases is not None:
        texts.append((FIELD_WEIGHTS[ALIAS], builder.entity_code(entity_id, True), aliases))
    return texts


def entities_texts(base: FactBase, builder: Builder) -> dict[str, list[tuple[float, int, tuple[str, ...]]]]:
    """What naming each of the base's entities adds to a fact, all at once (a builder's ``by_entity``, whole)."""
    return {entity_id: _entity_texts(base, entity_id, builder) for entity_id in base.entities}


def entity_terms(entity_id: str, entity: Entity | None) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """The terms of an entity's id and names (when the base has it), and of all its aliases (None: it has none).
    Each is one text of one field: filed together, a term found in two of them counts twice, in that field.
    Tuples of interned strings: a cache's build keeps those of 50,000 entities in each worker."""
    names = terms(entity_id.replace("-", " "))
    if entity is None:
        return tuple(map(sys.intern, names)), None
    names += terms(" ".join((entity.name, entity.printed or "")))
    aliases = tuple(map(sys.intern, chain.from_iterable(map(terms, entity.aliases)))) if entity.aliases else None
    return tuple(map(sys.intern, names)), aliases


def entity_field(entity_id: str, alias: bool) -> tuple[str, float, bool]:
    """The field (label, weight, is alias) of an entity's names, or of its aliases."""
    return f"{ENTITY}:{entity_id}", FIELD_WEIGHTS[ALIAS if alias else ENTITY], alias


def base_fields(entity_ids: Iterable[str]) -> list[tuple[str, float, bool]]:
    """Every field a base's facts can be indexed in, in the order of their codes in a cache (``cache.postings``):
    a fact's own fields (``OWN_FIELDS``), then each entity's names and aliases, in the order of its tables."""
    return [*OWN_FIELDS, *chain.from_iterable((entity_field(e, False), entity_field(e, True)) for e in entity_ids)]


def base_field_code(entity_number: int, alias: bool) -> int:
    """The code in ``base_fields`` of the fields of the entity at this place in the tables."""
    return len(OWN_FIELDS) + 2 * entity_number + alias


def base_field_weight(code: int) -> float:
    """The weight of the field of this code in ``base_fields``: a fact's own field's, else an entity's."""
    own = len(OWN_FIELDS)
    return OWN_FIELDS[code][1] if code < own else FIELD_WEIGHTS[ALIAS if (code - own) % 2 else ENTITY]


# --- Ranking ---------------------------------------------------------------------------------------------

_INDEXES: dict[int, tuple[weakref.ref[FactBase], SearchIndex]] = {}


def _cached_index(base: FactBase) -> SearchIndex | None:
    cached = _INDEXES.get(id(base))
    # A base read from a cache (cqfacts.cache) brings its index, which reads its postings from disk.
    return cached[1] if cached is not None and cached[0]() is base else getattr(base, "search_index", None)


class _AllFacts:
    """Fact number -> fact, for the whole base, without building a dict of it for every query."""

    def __init__(self, base: FactBase, index: SearchIndex):
        self.base, self.index = base, index
        # A cached base's facts are read by number, in its own index's numbering (file order).
        own = index is getattr(base, "search_index", None)
        self._numbered = getattr(base.facts, "numbered", None) if own else None

    def __getitem__(self, n: int) -> Fact:
        if self._numbered is not None:
            return self._numbered(n)  # type: ignore[no-any-return]
        return self.base.facts[self.index.ids[n]]


def index_for(base: FactBase) -> SearchIndex:
    """The base's index, built on first use and kept while the base lives."""
    key = id(base)
    index = _cached_index(base)
    if index is not None:
        return index
    index = build_index(base)
    _INDEXES[key] = (weakref.ref(base, lambda _ref: _INDEXES.pop(key, None)), index)
    return index


def search(base: FactBase, query: str, *, facts: list[Fact] | None = None, limit: int | None = 10,
           min_score: float = 0.0, index: SearchIndex | None = None) -> list[Hit]:
    """Facts matching the query, best first; ties broken by fewer typos, then by id, so the order is stable.

    ``facts`` limits the ranking to those facts of the base; ``index`` is a prebuilt ``build_index`` that
    holds them (e.g. from a cache). Words weigh by how rare they are in the index used: without ``index``,
    the whole base's (built on first use and kept), except that a subset given before that index exists
    is indexed alone, so a cache handing over a few candidates of a large base pays for those only.
    """
    if index is None:
        index = _cached_index(base)
        if index is None:
            index = index_for(base) if facts is None else build_index(base, facts)
    thesaurus = thesaurus_for(base)
    parsed = parse(query, thesaurus)
    if not parsed.words:
        return []
    position = index.positions
    chosen: _AllFacts | dict[int, Fact]
    if facts is None:
        allowed = None
        chosen = _AllFacts(base, index)
    else:
        unknown = [f.id for f in facts if f.id not in position]
        if unknown:
            raise ValueError(f"facts not in the index: {', '.join(unknown)}")
        chosen = {position[f.id]: f for f in facts}
        allowed = chosen.keys()
    from cqfacts.ranking import rank

    return rank(index, parsed, thesaurus, chosen, allowed, limit, min_score)
