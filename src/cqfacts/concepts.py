"""The terms table at search time: which query words name a concept, and what else the concept is called.

A curator's ``[terms.ID]`` (``cqfacts.model.Term``) gives a concept's preferred term, its variants and its
broader and narrower concepts. Search expands a query at query time, over the index as it is: a run of
query words that is one of a concept's names also looks for the concept's other names (a ``synonym``
match) and for the names of every concept or entity below it (a ``broader`` match: "Europe" finds
Germany). A name of several words matches a fact that has all of them; stop words in a name are not needed.

Names are compared by ``key``: folded words without their inflections, a short plural without its s
("EVs" is "EV"), numbers and codes as they are, a Chinese run whole. Inside a Chinese query, names are
found as substrings.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from cqfacts.lazy import field, record
from cqfacts.normalize import cjk_grams, fold, is_cjk, lemma, tokens
from cqfacts.query import STOP_WORDS, QueryWord, Span

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cqfacts.model import Entity, FactBase, Term

SYNONYM, BROADER = "synonym", "broader"


def key_word(word: str) -> str:
    """A folded word as concepts compare it: without its inflection; a short word also loses a plural s
    ("evs" is "ev")."""
    root = lemma(word)
    if root == word and len(word) >= 3 and word.endswith("s") and not word.endswith("ss") and word.isalpha():
        return word[:-1]
    return root


def name_tokens(name: str) -> list[tuple[str, str]]:
    """(kind, token) of a name, without stop words unless it has nothing else ("US" stays "us")."""
    found = [(kind, token) for kind, token in tokens(fold(name)) if not (kind == "word" and token == "s")]
    return [t for t in found if t[1] not in STOP_WORDS] or found


def key(name: str) -> tuple[str, ...]:
    """The form in which two names are the same name: 'Electric Vehicles' and 'electric vehicle' alike."""
    return _key(name_tokens(name))


def _key(found: list[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(key_word(token) if kind == "word" else token for kind, token in found)


def needs(name: str) -> tuple[str, ...]:
    """The index terms a fact must have to contain a name: its words (any form), numbers, Chinese pairs."""
    out: list[str] = []
    for kind, token in name_tokens(name):
        out.extend((cjk_grams(token)[: len(token) - 1] or [token]) if kind == "cjk" else [token])
    return tuple(dict.fromkeys(out))


@record
class Thesaurus:
    """The terms table of one base, as search uses it: built at a query's start, so it does only what
    every query needs (each name's key); what a concept expands to is worked out when a query names it.

    Names in Chinese characters are read only for a query in Chinese: folding them loads OpenCC, which a
    query in English should not pay for at start-up. So that an answer never depends on which queries came
    before, an English query never expands to Chinese names.
    """

    terms: Mapping[str, Term]
    entities: Mapping[str, Entity]
    names: str = ""  # every name not in Chinese, folded, in one text: what a query word must occur in
    words: frozenset[str] = frozenset()  # every word of those names: words that exist as typed
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)  # the key of each name -> term id
    phrases_read: bool = False
    longest: int = 1
    chinese: dict[str, str] = field(default_factory=dict)  # a Chinese name -> term id, found inside queries
    chinese_read: bool = False
    _expanded: dict[tuple[str, bool], list[tuple[str, str, tuple[str, ...]]]] = field(default_factory=dict)

    def add(self, term_id: str, k: tuple[str, ...]) -> None:
        if k:
            self.phrases.setdefault(k, term_id)
            self.longest = max(self.longest, len(k))

    def expanded(self, concept: str, chinese: bool) -> list[tuple[str, str, tuple[str, ...]]]:
        """(synonym or broader, name, the index terms a fact needs for it) of a concept named in a query."""
        found = self._expanded.get((concept, chinese))
        if found is None:
            term = self.terms[concept]
            names = [(SYNONYM, name) for name in term.names]
            for below in sorted(below_of(self.terms, concept) - {concept}):
                linked = self.terms[below].names if below in self.terms else \
                    self.entities[below].names if below in self.entities else ()
                names += [(BROADER, name) for name in linked]
            found = [(how, name, needs(name)) for how, name in names if chinese or not _in_cjk(name)]
            found = self._expanded[concept, chinese] = [e for e in found if e[2]]
        return found

    def read_phrases(self) -> None:
        """Each name's key, once (a query with a word of some name needs them)."""
        if self.phrases_read:
            return
        self.phrases_read = True
        for term in self.terms.values():
            for name in term.names:
                if not _in_cjk(name):
                    self.add(term.id, _key(name_tokens(name)))

    def read_chinese(self) -> None:
        """Fold the Chinese names, once (a query in Chinese needs them)."""
        self.read_phrases()
        if self.chinese_read:
            return
        self.chinese_read = True
        for term in self.terms.values():
            for name in term.names:
                if _in_cjk(name):
                    tokens_ = name_tokens(name)
                    self.add(term.id, _key(tokens_))
                    if len(tokens_) == 1 and tokens_[0][0] == "cjk":
                        self.chinese.setdefault(tokens_[0][1], term.id)

    def spans(self, sequence: list[tuple[str, str, list[QueryWord]]]) -> tuple[list[Span], set[str]]:
        """The concepts a query's content tokens name, longest names first, and the Chinese pairs to drop
        (a pair across two names found, such as 车出 in 汽车出口, is an artefact of having no spaces)."""
        if any(kind == "cjk" for kind, _, _ in sequence):
            self.read_chinese()
        elif not any(_probe(kind, token) in self.names for kind, token, _ in sequence):
            return [], set()  # no word of the query is in any name: most queries, at no cost
        self.read_phrases()
        spans: list[Span] = []
        dropped: set[str] = set()
        i = 0
        while i < len(sequence):
            for length in range(min(self.longest, len(sequence) - i), 0, -1):
                part = sequence[i:i + length]
                concept = self.phrases.get(tuple(key_word(t) if k == "word" else t for k, t, _ in part))
                if concept is not None:
                    spans.append(Span(concept, tuple(w.text for _, _, words in part for w in words)))
                    i += length
                    break
            else:
                kind, token, _ = sequence[i]
                if kind == "cjk":
                    found, gaps = self._chinese_spans(token)
                    spans += found
                    dropped |= gaps
                i += 1
        return spans, dropped

    def _chinese_spans(self, run: str) -> tuple[list[Span], set[str]]:
        covered = [False] * len(run)
        spans = []
        for name in sorted(self.chinese, key=len, reverse=True):
            start = run.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(covered[start:end]):
                    covered[start:end] = [True] * len(name)
                    grams = [run[p:p + 2] for p in range(start, end - 1)] if len(run) > 1 else [run]
                    if grams:
                        spans.append(Span(self.chinese[name], tuple(grams)))
                start = run.find(name, start + 1)
        gaps = {run[p:p + 2] for p in range(len(run) - 1) if covered[p] and covered[p + 1]} - \
            {g for span in spans for g in span.words}
        return spans, gaps


def build(base: FactBase) -> Thesaurus:
    """The thesaurus of a base's terms table (the loader has checked that no name belongs to two terms)."""
    names = fold("\n".join(name for term in base.terms.values() for name in term.names if not _in_cjk(name)))
    words = frozenset(token for kind, token in tokens(names) if kind == "word")
    return Thesaurus(base.terms, base.entities, names, words)


def _in_cjk(name: str) -> bool:
    """Whether a name has CJK characters: read only for a query that has some (no regular expression, whose
    CJK ranges take milliseconds to compile, for the English names every query reads)."""
    return not name.isascii() and any(is_cjk(c) for c in name)


def _probe(kind: str, token: str) -> str:
    """What a name that has a query token must contain: a word's key without its last letter (the key of
    'batteries' is 'battery', of 'EVs' 'ev'), numbers and codes as they are."""
    if kind != "word":
        return token
    k = key_word(token)
    return k[:-1] or k


def narrower_of(terms: Mapping[str, Term], term_id: str) -> set[str]:
    """The ids a term links to as narrower: its own ``narrower`` and every term naming it as ``broader``."""
    term = terms.get(term_id)
    found = set(term.narrower) if term is not None else set()
    return found | {t.id for t in terms.values() if term_id in t.broader}


def below_of(terms: Mapping[str, Term], term_id: str) -> set[str]:
    """Every id below a term, at any depth (the term itself too when its links run in a circle)."""
    seen: set[str] = set()
    todo = [term_id]
    while todo:
        for below in narrower_of(terms, todo.pop()):
            if below not in seen:
                seen.add(below)
                todo.append(below)
    return seen


_THESAURI: dict[int, tuple[weakref.ref[FactBase], Thesaurus]] = {}


def thesaurus_for(base: FactBase) -> Thesaurus | None:
    """The base's thesaurus, built on first use and kept while the base lives; None without a terms table."""
    terms = getattr(base, "terms", None)
    if not terms:
        return None
    key_ = id(base)
    cached = _THESAURI.get(key_)
    if cached is not None and cached[0]() is base:
        return cached[1]
    thesaurus = build(base)
    _THESAURI[key_] = (weakref.ref(base, lambda _ref: _THESAURI.pop(key_, None)), thesaurus)
    return thesaurus
