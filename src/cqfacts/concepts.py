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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cqfacts.normalize import cjk_grams, fold, has_han, lemma, tokens
from cqfacts.query import STOP_WORDS, QueryWord, Span

if TYPE_CHECKING:
    from cqfacts.model import FactBase

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
    return tuple(key_word(token) if kind == "word" else token for kind, token in name_tokens(name))


def needs(name: str) -> tuple[str, ...]:
    """The index terms a fact must have to contain a name: its words (any form), numbers, Chinese pairs."""
    out: list[str] = []
    for kind, token in name_tokens(name):
        out.extend((cjk_grams(token)[: len(token) - 1] or [token]) if kind == "cjk" else [token])
    return tuple(dict.fromkeys(out))


@dataclass
class Thesaurus:
    """The terms table of one base, as search uses it.

    Names in Chinese characters are read only for a query in Chinese: folding them loads OpenCC, which a
    query in English should not pay for at start-up. So that an answer never depends on which queries came
    before, an English query never expands to Chinese names.
    """

    phrases: dict[tuple[str, ...], str]  # the key of each name of a term -> term id
    words: frozenset[str] = frozenset()  # every word of every name, folded: words that exist as typed
    expansions: dict[str, list[tuple[str, str, tuple[str, ...]]]] = field(default_factory=dict)
    longest: int = 1
    # Chinese names: (term id, name) of the terms, and (term id, how, name) of what expands to them.
    pending: tuple[list[tuple[str, str]], list[tuple[str, str, str]]] | None = None
    chinese: dict[str, str] = field(default_factory=dict)  # a Chinese name -> term id, found inside queries
    chinese_expansions: dict[str, list[tuple[str, str, tuple[str, ...]]]] = field(default_factory=dict)

    def expanded(self, concept: str, chinese: bool) -> list[tuple[str, str, tuple[str, ...]]]:
        """(synonym or broader, name, the index terms a fact needs for it) of a concept named in a query."""
        found = self.expansions.get(concept, [])
        return found + self.chinese_expansions.get(concept, []) if chinese else found

    def read_chinese(self) -> None:
        """Fold the Chinese names, once (a query in Chinese needs them)."""
        if self.pending is None:
            return
        names, expanding = self.pending
        self.pending = None
        for term_id, name in names:
            k = key(name)
            if k:
                self.phrases.setdefault(k, term_id)
                self.longest = max(self.longest, len(k))
                if len(k) == 1 and name_tokens(name)[0][0] == "cjk":
                    self.chinese.setdefault(k[0], term_id)
        for term_id, how, name in expanding:
            wanted = needs(name)
            if wanted:
                self.chinese_expansions.setdefault(term_id, []).append((how, name, wanted))

    def spans(self, sequence: list[tuple[str, str, list[QueryWord]]]) -> tuple[list[Span], set[str]]:
        """The concepts a query's content tokens name, longest names first, and the Chinese pairs to drop
        (a pair across two names found, such as 车出 in 汽车出口, is an artefact of having no spaces)."""
        if any(kind == "cjk" for kind, _, _ in sequence):
            self.read_chinese()
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
    thesaurus = Thesaurus({})
    chinese_names: list[tuple[str, str]] = []
    chinese_expanding: list[tuple[str, str, str]] = []
    words: set[str] = set()
    for term in base.terms.values():
        for name in term.names:
            if has_han(name):
                chinese_names.append((term.id, name))
                continue
            words.update(token for kind, token in tokens(fold(name)) if kind == "word")
            k = key(name)
            if k:
                thesaurus.phrases.setdefault(k, term.id)
                thesaurus.longest = max(thesaurus.longest, len(k))
    for term in base.terms.values():
        expansion = [(SYNONYM, name) for name in term.names]
        for below in sorted(below_of(base, term.id) - {term.id}):
            names = base.terms[below].names if below in base.terms else \
                base.entities[below].names if below in base.entities else ()
            expansion += [(BROADER, name) for name in names]
        chinese_expanding += [(term.id, how, name) for how, name in expansion if has_han(name)]
        latin = [(how, name, needs(name)) for how, name in expansion if not has_han(name)]
        thesaurus.expansions[term.id] = [e for e in latin if e[2]]
    thesaurus.words = frozenset(words)
    thesaurus.pending = (chinese_names, chinese_expanding)
    return thesaurus


def narrower_of(base: FactBase, term_id: str) -> set[str]:
    """The ids a term links to as narrower: its own ``narrower`` and every term naming it as ``broader``."""
    term = base.terms.get(term_id)
    found = set(term.narrower) if term is not None else set()
    return found | {t.id for t in base.terms.values() if term_id in t.broader}


def below_of(base: FactBase, term_id: str) -> set[str]:
    """Every id below a term, at any depth (the term itself too when its links run in a circle)."""
    seen: set[str] = set()
    todo = [term_id]
    while todo:
        for below in narrower_of(base, todo.pop()):
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
