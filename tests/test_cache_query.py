"""Queries on a cached base of many chunks: its term directory, its typo words by length, its ranking.

A base is cached in chunks (10,000 facts at most, never across two files); a query finds a term's chunks
in the cache's term directory, reads only the typo words of the lengths a typo can reach, and ranks
queries of several words by the sets of words facts match (``ranking._by_word_sets``). Here a generated
base is cached in chunks of 100 facts, so every term is spread over many of them: the answers through the
real entry point, and every term's postings, must be those of the base read from its TOML.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import REPO, run

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import QUERIES, generate

MORE = ["semiconductor", "exports 2023", "Vietnam hydrogen valley", "billion", "hydrogn", "semicondutcor export",
        "2023 2021 chongqing percent yuan", "Chongqing"]


@pytest.fixture(scope="module")
def chunked(tmp_path_factory) -> tuple[Path, Path]:
    """A generated base and the cache of it, built through the CLI in chunks of 100 facts."""
    from cqfacts.cache import build

    base, cache = tmp_path_factory.mktemp("chunked") / "base", tmp_path_factory.mktemp("chunked-cache")
    generate(800, base)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "CHUNK_FACTS", 100)
        assert run("--facts", str(base), "search", "hydrogen", env={"CQFACTS_CACHE_DIR": str(cache)}).exit_code == 0
    return base, cache


@pytest.fixture(scope="module")
def both(chunked):
    """The base read from its TOML, and read from its cache (of many chunks)."""
    from cqfacts.cache import load as load_cached
    from cqfacts.loader import load

    base, cache = chunked
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CQFACTS_CACHE_DIR", str(cache))
        cached = load_cached(base, quiet=True)
    assert cached.search_index is not None
    assert cached.search_index._store.reader.meta["chunks"] >= 8
    return load(base), cached


def test_searches_through_the_cli_answer_as_the_toml_does(chunked):
    base, cache = chunked
    for query in (QUERIES["multi-word"], "semicondutcor export"):  # (each --no-cache run parses the TOML)
        args = ("--facts", str(base), "search", query, "--json", "--limit", "5")
        from_cache = run(*args, env={"CQFACTS_CACHE_DIR": str(cache)})
        assert from_cache.stderr == "" and from_cache.exit_code == 0, query
        assert json.loads(from_cache.stdout) == json.loads(run("--no-cache", *args).stdout), query
        assert json.loads(from_cache.stdout), query  # each finds something: the comparison is not empty


def test_ranking_from_many_chunks_is_the_full_ranking(both):
    from cqfacts.search import search

    toml, cached = both
    for query in [*QUERIES.values(), *MORE]:
        full = [(h.fact.id, h.score, h.matches) for h in search(toml, query, limit=None)]
        assert full, query
        for limit in (1, 10):
            assert [(h.fact.id, h.score, h.matches) for h in search(cached, query, limit=limit)] == full[:limit]


def test_every_term_is_found_through_the_directory_with_its_postings(both):
    from cqfacts.cache.columns import postings_of
    from cqfacts.search import index_for

    toml, cached = both
    memory, disk = index_for(toml), cached.search_index
    for term in memory.vocabulary:
        expected, found = postings_of(memory, term), disk.postings.lists(term)
        assert found is not None, term
        assert list(found.numbers) == list(expected.numbers), term
        assert [disk.fields[c] for c in found.codes] == [memory.fields[c] for c in expected.codes], term
        assert list(found.counts) == list(expected.counts), term
    for absent in ("", "zzzzqx", "semiconducter", memory.vocabulary[-1] + "z"):
        assert disk.postings.lists(absent) is None and absent not in disk.postings


def test_typo_matching_reads_the_words_of_the_lengths_a_typo_reaches(both):
    from cqfacts.search import index_for

    toml, cached = both
    words, disk = index_for(toml).words, cached.search_index
    assert sorted(disk.words) == sorted(words)
    for shortest, longest in ((0, 3), (5, 7), (11, 15), (9, 9), (40, 99), (6, 2)):
        assert sorted(disk.words_between(shortest, longest)) == sorted(w for w in words
                                                                       if shortest <= len(w) <= longest)


@pytest.mark.parametrize("per_find", [1, None])
def test_typo_matching_decodes_the_words_holding_a_piece_and_finds_what_the_toml_does(both, per_find, monkeypatch):
    """A cached index decodes only the typo words that hold a piece of the word typed (``words_holding``):
    for typos of each kind in words of the vocabulary, typo matching finds what it finds in the TOML's index,
    which compares every word of the lengths a typo reaches. With ``_BYTES_PER_FIND`` at 1 the pieces are
    always looked for; as it is, the words of a length are all decoded when most hold a piece."""
    from cqfacts.cache import disk as disk_module
    from cqfacts.matching import _near_words, typo_allowance, typo_pieces
    from cqfacts.search import index_for
    from test_typo_pieces import one_typo

    if per_find is not None:
        monkeypatch.setattr(disk_module, "_BYTES_PER_FIND", per_find)
    toml, cached = both
    memory, disk = index_for(toml), cached.search_index
    queries = {typo for word in memory.words[::40] if typo_allowance(word) for typo in one_typo(word, "ae")}
    found = fewer = 0
    every = sorted(memory.words_between(4, 12))
    for query in sorted(queries):
        allowed = typo_allowance(query)
        if allowed:
            expected = _near_words(memory, query, allowed)
            assert _near_words(disk, query, allowed) == expected, query
            found += len(expected)
        pieces = typo_pieces(query, max(allowed, 1))
        holding = sorted(disk.words_holding(4, 12, pieces))
        for length in range(4, 13):  # (of a length most words of which hold a piece, all of them)
            own, all_own = [w for w in holding if len(w) == length], [w for w in every if len(w) == length]
            assert own in ([w for w in all_own if any(p in w for p in pieces)], *([] if per_find else [all_own]))
        fewer += len(holding) < len(every)
    assert len(queries) > 500 and found > len(queries) and fewer > (len(queries) * 9 // 10 if per_find else 100)


def test_terms_read_together_are_read_as_each_alone(both, chunked):
    """``prefetch`` reads a query's terms in pieces that span several terms of a chunk: each term's
    postings are still its own; whether a term is in the index is known without reading it."""
    from cqfacts.cache import load as load_cached
    from cqfacts.cache.columns import postings_of
    from cqfacts.search import index_for

    toml, _ = both
    memory = index_for(toml)
    base, cache = chunked
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CQFACTS_CACHE_DIR", str(cache))
        fresh_base = load_cached(base, quiet=True)  # (kept: its file closes with it)
    fresh = fresh_base.search_index
    vocabulary = list(memory.vocabulary)
    terms = [t for t in vocabulary if t.startswith(("export", "semicond", "hydrogen", "20"))] + vocabulary[::50]
    assert len(terms) > 20 and all(t in fresh.postings for t in terms) and "zzzzqx" not in fresh.postings
    assert not fresh.postings._read  # (answered by the vocabulary)
    fresh.postings.prefetch([*terms, "zzzzqx", terms[0]])
    assert set(fresh.postings._read) == {*terms, "zzzzqx"}
    for term in terms:
        expected, found = postings_of(memory, term), fresh.postings.lists(term)
        assert (list(found.numbers), list(found.counts)) == (list(expected.numbers), list(expected.counts)), term
        assert [fresh.fields[c] for c in found.codes] == [memory.fields[c] for c in expected.codes], term
    assert fresh.postings.lists("zzzzqx") is None


def test_a_word_s_facts_are_counted_as_their_set_is(both):
    """``columns.Facts``: the number of facts any of a word's terms is in, and whether one is, counted
    without the set when one term holds most of them: always the set's."""
    from cqfacts.cache.columns import Facts, Postings

    def postings(numbers):
        return Postings(sorted(numbers), [0] * len(numbers), [1] * len(numbers))

    big, other, small = set(range(0, 4000, 3)), set(range(0, 4000, 7)), {3, 5, 8, 3999, 4001}
    for lists, more in [([big], ()), ([big, small], ()), ([big, other], ()), ([big, other, small], ()),
                        ([big], small), ([big, other], {1, 2}), ([], small), ([], ()), ([small, big], {6})]:
        everything = set(more).union(*lists)
        facts = Facts([postings(s) for s in lists], more)
        assert len(facts) == len(everything), (len(lists), more)
        assert all(n in facts for n in everything) and not any(n in facts for n in (1_000_000, -1, 4))
        for some in (set(range(0, 4100, 2)), {3, 999_999}, set()):
            assert Facts([postings(s) for s in lists], more).common(some) == some & everything
        assert set(facts) == everything == facts.as_set() and facts.common({3, 4}) == {3, 4} & everything
    from cqfacts.bounds import Matched
    from cqfacts.query import parse

    toml, cached = both
    from cqfacts.concepts import thesaurus_for
    from cqfacts.search import index_for

    for query in ("exports semiconductor 2023 billion", "semicondutcor"):
        words = []
        for base, index in ((toml, index_for(toml)), (cached, cached.search_index)):
            thesaurus = thesaurus_for(base)
            matched = Matched(index, parse(query, thesaurus), thesaurus)
            words.append({w: (len(f), f.as_set()) for w, f in matched.matched_in.items()})
        assert words[0] == words[1] and any(n > 100 for n, _ in words[0].values()), query


def test_facts_read_by_number_are_those_read_by_id(both):
    toml, cached = both
    facts = cached.facts
    for n, fact_id in list(enumerate(toml.facts))[::37]:
        assert facts.numbered(n) == toml.facts[fact_id] == facts[fact_id]


def test_labels_read_together_are_those_read_one_by_one(both):
    from cqfacts.cache.readers import Strings
    from cqfacts.cache.storage import Damaged

    _, cached = both
    reader = cached.search_index._store.reader
    labels = Strings(reader, "fields")
    wanted = list(range(0, len(labels), 3))[::-1]
    assert labels.many(wanted) == [labels.raw(i) for i in wanted] and labels.many([]) == []
    with pytest.raises(IndexError):
        labels.many([0, len(labels)])
    every = set(range(len(labels)))  # (a cache's field codes tell their weights: ``search.base_fields``)
    assert cached.search_index.fields.weights(every) == {c: json.loads(labels.raw(c))[1] for c in every}
    with pytest.raises(Damaged):
        cached.search_index.fields.weights({0, len(labels)})
