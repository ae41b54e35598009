"""Top-k pruning (``cqfacts.ranking``): the first k results are the full ranking's first k, to the last digit.

The ranker scores in full only the facts whose score bound can reach the k-th score; ``limit=None``
scores every fact a query matches. For every query of tests/data/search_eval.toml and the benchmark's
five, on the shipped base and on a generated one (read from the TOML, and through its cache), at limits
1, 3 and 10: the same facts, order, scores and matches as the full ranking. ``_FEW`` (below which every
fact is scored) is also set to 0, so that bounds are used on the small shipped base too.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from conftest import DATA, FACTS, REPO, run

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import QUERIES, generate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

with (DATA / "search_eval.toml").open("rb") as _f:
    EVAL_QUERIES = [q["query"] for q in tomllib.load(_f)["query"]]
# Words the generated bases use often, alone and together (common words make bounds matter).
MORE = ["semiconductor", "exports 2023", "Vietnam hydrogen", "billion", "2023", "export growth Chongqing",
        "hydrogen valley 2021 percent", "guangweitian", "million yuan"]
ALL_QUERIES = EVAL_QUERIES + list(QUERIES.values()) + MORE
LIMITS = (1, 3, 10)


def ranked(hits):
    return [(h.fact.id, h.score, h.matches) for h in hits]


@pytest.fixture(params=["bounds on every query", "bounds on many matches"])
def few(request, monkeypatch):
    from cqfacts import ranking

    if request.param == "bounds on every query":
        monkeypatch.setattr(ranking, "_FEW", 0)
    return request.param


@pytest.fixture(scope="module")
def shipped():
    from cqfacts.loader import load

    return load(FACTS)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("topk") / "base"
    generate(2_000, base)
    return base


@pytest.fixture(scope="module")
def generated_bases(generated, tmp_path_factory):
    """The generated base read from its TOML (the in-memory ranker), and read through its cache."""
    from cqfacts.cache import load as load_cached
    from cqfacts.loader import load

    saved = os.environ.get("CQFACTS_CACHE_DIR")
    os.environ["CQFACTS_CACHE_DIR"] = str(tmp_path_factory.mktemp("topk-cache"))
    try:
        load_cached(generated, quiet=True)  # builds the cache
        cached = load_cached(generated, quiet=True)  # read from it
    finally:
        if saved is None:
            os.environ.pop("CQFACTS_CACHE_DIR", None)
        else:
            os.environ["CQFACTS_CACHE_DIR"] = saved
    assert getattr(cached, "search_index", None) is not None, "the cached base has no disk index"
    return load(generated), cached


def assert_pruned_is_full(base, full_base, query, **options):
    from cqfacts.search import search

    full = ranked(search(full_base, query, limit=None, **options))
    for limit in LIMITS:
        assert ranked(search(base, query, limit=limit, **options)) == full[:limit], (query, limit, options)
    assert ranked(search(base, query, limit=0, **options)) == full  # 0, as None, ranks everything
    return full


def test_the_shipped_base_ranks_the_same_pruned(shipped, few):
    found = [q for q in ALL_QUERIES if assert_pruned_is_full(shipped, shipped, q)]
    assert len(found) > len(EVAL_QUERIES) * 3 // 4  # most queries find something: the comparison is not empty


def test_a_generated_base_ranks_the_same_pruned_from_its_toml_and_its_cache(generated_bases, few):
    from cqfacts.search import search

    toml, cached = generated_bases
    many = 0
    for query in ALL_QUERIES:
        full = assert_pruned_is_full(toml, toml, query)
        assert ranked(search(cached, query, limit=None)) == full, query
        assert_pruned_is_full(cached, toml, query)
        many += len(full) > 100
    assert many >= 8  # common words: bounds had many facts to leave out


def test_pruning_holds_with_a_minimum_score_and_a_subset(generated_bases, few):
    from cqfacts.search import search

    toml, cached = generated_bases
    subset = [f for f in toml.facts.values() if "2023" in f.id or "2021" in f.id]
    cached_subset = [cached.facts[f.id] for f in subset]
    for query in [*QUERIES.values(), *MORE]:
        for min_score in (0.0, 40.0, 75.0):
            assert_pruned_is_full(toml, toml, query, min_score=min_score)
            assert_pruned_is_full(cached, toml, query, min_score=min_score)
        full = ranked(search(toml, query, facts=subset, limit=None))
        for limit in LIMITS:
            assert ranked(search(toml, query, facts=subset, limit=limit)) == full[:limit], (query, limit)
            assert [(i, s) for i, s, _ in ranked(search(cached, query, facts=cached_subset, limit=limit))] == \
                [(i, s) for i, s, _ in full[:limit]], (query, limit)


def test_words_counted_and_intersected_as_bitmaps_rank_as_with_sets(generated_bases, monkeypatch):
    """A word of many postings is counted and intersected as a bitmap (``columns.BITMAP_FROM``): every word
    taken so gives the same results, to the last digit, as every word taken as Python's sets."""
    from cqfacts.cache import columns
    from cqfacts.search import search

    toml, cached = generated_bases
    made = []
    for bitmap_from in (10**12, 0):
        monkeypatch.setattr(columns, "BITMAP_FROM", bitmap_from)
        made.append([ranked(search(base, query, limit=limit)) for base in (toml, cached) for query in ALL_QUERIES
                     for limit in (*LIMITS, None)])
    assert made[0] == made[1]
    assert sum(map(len, made[0])) > 1000  # not empty


def test_bounds_leave_most_facts_unscored(generated_bases, monkeypatch):
    """Not vacuous: a common word's top 3 are found by scoring far fewer facts than it matches."""
    from cqfacts import ranking
    from cqfacts.search import search

    toml, _ = generated_bases
    scored: list[int] = []
    original = ranking.Matched.scored

    def counting(self, chosen, min_score):
        scored.append(len(chosen))
        return original(self, chosen, min_score)

    monkeypatch.setattr(ranking.Matched, "scored", counting)
    matched = len(search(toml, QUERIES["single-word"], limit=None))
    scored.clear()
    search(toml, QUERIES["single-word"], limit=3)
    assert matched > 100 and sum(scored) < matched / 4, (matched, scored)


@pytest.mark.parametrize("query", list(QUERIES.values()) + MORE[:4])
def test_the_command_line_answers_the_same_pruned_through_the_cache(generated, tmp_path, few, query):
    env = {"CQFACTS_CACHE_DIR": str(tmp_path / "cache")}
    everything = run("--facts", str(generated), "search", query, "--json", "--explain", "--limit", "5000", env=env)
    assert everything.exit_code == 0, everything.stderr
    full = json.loads(everything.stdout)
    assert len(full) > 10
    for limit in LIMITS:
        result = run("--facts", str(generated), "search", query, "--json", "--explain", "--limit", str(limit), env=env)
        assert (result.exit_code, result.stderr) == (0, "")
        assert json.loads(result.stdout) == full[:limit], (query, limit)


def test_a_cache_gives_the_lengths_sum_and_minimum_the_ranker_would_work_out(generated_bases):
    _, cached = generated_bases
    index = cached.search_index
    assert index.length_figures == (sum(index.lengths), min(index.lengths))


def test_a_word_alone_is_weighed_1_scores_as_its_idf_would_and_its_facts_go_uncounted(generated_bases, monkeypatch):
    """A query of one word weighs it 1 (``bounds.Matched``): its weight divides out of every score, so the
    scores are those its idf would give; and its facts (those of all its terms) are never counted."""
    from cqfacts import bounds, ranking
    from cqfacts.search import search

    toml, cached = generated_bases
    words = ["semiconducter", "hydrogn", "exports", "semiconductor", "billion", "guangweitian"]
    weighed_1 = {query: ranked(search(toml, query, limit=None)) for query in words}
    made: list[bounds.Matched] = []
    original = bounds.Matched.__init__

    def by_idf(self, index, parsed, thesaurus):
        original(self, index, parsed, thesaurus)
        made.append(self)
        if len(self.matched_in) == 1 and parsed.words[0].text in words:
            assert all(facts._size is None for facts in self.matched_in.values())  # (uncounted)
            self.weights = {w: bounds._idf(index.size, len(f)) for w, f in self.matched_in.items()}
            self.total_weight = sum(self.weights.values())

    monkeypatch.setattr(ranking.Matched, "__init__", by_idf)
    for query in words:
        assert ranked(search(toml, query, limit=None)) == weighed_1[query], query
        assert ranked(search(cached, query, limit=10)) == weighed_1[query][:10], query
    assert len(made) == 2 * len(words) and sum(len(weighed_1[q]) > 100 for q in words) >= 4  # (common words)
