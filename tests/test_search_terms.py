"""The terms table through the command line: synonyms and broader concepts in search and --explain, what
`check` says about a table, Chinese in traditional characters, common words, whole words, and the cache."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import FACTS, REPO, run
from cqfacts.normalize import fold
from cqfacts.search import parse_query

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate

from test_search import MINI

# The small base of test_search (its source and Chongqing), with facts that need the terms table.
BASE = MINI[: MINI.index("[entities.tianmu-1]")] + '''[entities.germany]
name = "Germany"
type = "place"

[entities.hungary]
name = "Hungary"
type = "place"

[facts.seres-germany]
statement = "New energy vehicles of Seres were exported to Germany, with orders of more than 20,000 vehicles."
quote = "Thalys new energy vehicle products have been exported to Germany"
source = "src"
paragraph = 8
kind = "result"
figures = [{ value = 20000, unit = "vehicles", comparator = "more-than", measure = "orders" }]
entities = ["germany", "chongqing"]

[facts.dunaferr-furnace]
statement = "Chongqing's CISDI signed an MOU for a new electric furnace project in Hungary."
quote = "signed an MOU for the new electric furnace project of Dunafer Steel Plant in Hungary"
source = "src"
paragraph = 51
kind = "event"
entities = ["hungary", "chongqing"]

[facts.lhasa-equipment]
statement = "A Chongqing investor used electrical equipment and transformers carried from Chongqing."
quote = "used “Made in Chongqing” mechanical and electrical equipment, transformers, and glass"
source = "src"
paragraph = 52
kind = "result"
entities = ["chongqing"]

[facts.deepal-car]
statement = "Changan's right-hand-drive car took 3,000 orders in Chongqing's first month abroad."
quote = "The dark blue right-hand drive car produced by Changan Automobile was launched in Southeast Asia"
source = "src"
paragraph = 7
kind = "result"
entities = ["chongqing"]
'''

TERMS = '''
[terms.nev]
preferred = "new energy vehicle"
variants = ["NEV", "EV", "electric vehicle", "新能源汽车"]

[terms.europe]
preferred = "Europe"
variants = ["European", "欧洲"]
narrower = ["germany", "hungary"]
'''


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("terms") / "facts.toml"
    path.write_text(BASE + TERMS, encoding="utf-8")
    return str(path)


def search(facts: str, *args: str) -> object:
    return run("--facts", facts, "search", *args)


def explain(facts: str, query: str) -> list[list[dict[str, str]]]:
    result = search(facts, query, "--json", "--explain")
    assert result.exit_code == 0, result.output
    return [r["explain"] for r in result.json()]


# --- Synonyms and broader concepts -------------------------------------------------------------------------

def test_a_variant_finds_facts_that_use_another_name_and_explain_says_synonym(facts: str) -> None:
    (first,) = explain(facts, "EVs")
    assert first == [{"word": "evs", "field": "statement", "how": "synonym", "term": "new energy vehicles"}]


def test_a_name_of_several_words_is_one_concept(facts: str) -> None:
    first = explain(facts, "electric vehicle")[0]  # the fact says "new energy vehicles", never "electric"
    assert [(m["word"], m["how"]) for m in first] == [("electric", "synonym"), ("vehicle", "stem")]


def test_a_broad_concept_finds_its_narrower_entities_and_explain_says_broader(facts: str) -> None:
    result = search(facts, "Europe", "--json", "--explain")
    assert {r["id"] for r in result.json()} == {"seres-germany", "dunaferr-furnace"}
    assert {m["how"] for r in result.json() for m in r["explain"]} == {"broader"}


def test_a_synonym_weighs_a_little_below_the_word_as_typed(facts: str) -> None:
    exact = search(facts, "new energy vehicle", "--json").json()[0]
    synonym = search(facts, "NEV", "--json").json()[0]
    assert exact["id"] == synonym["id"] == "seres-germany"
    assert 0.7 * exact["score"] < synonym["score"] < exact["score"]


def test_chinese_in_traditional_characters_reaches_the_concept(facts: str) -> None:
    assert fold("新能源汽車") == "新能源汽车"
    assert fold("長安 \ud800") == "长安 \ud800"  # a lone surrogate (from argv) never reaches OpenCC
    for query in ("新能源汽车", "新能源汽車", "新能源汽車 德國 歐洲"):
        result = search(facts, query, "--json")
        assert [r["id"] for r in result.json()][:1] == ["seres-germany"], query


def test_explain_in_text_formats_reads_synonym_and_broader(facts: str) -> None:
    result = search(facts, "EV Europe", "--explain", "--format", "tsv", "--fields", "id,explain")
    assert result.stdout.splitlines()[:1] == [
        "seres-germany\tev → new energy vehicles (synonym) in statement; europe → germany (broader) in entity:germany"]


# --- No noise, no false starts ------------------------------------------------------------------------------

def test_a_word_in_most_facts_cannot_make_up_half_the_query(facts: str) -> None:
    # "Chongqing" is in every fact here, "furnace" in one: a query of one common and one unknown word would
    # have needed only one word; the common word alone no longer satisfies that.
    assert search(facts, "Chongqing xylophone", "--json").exit_code == 1
    assert [r["id"] for r in search(facts, "Chongqing furnace", "--json").json()] == ["dunaferr-furnace"]
    assert len(search(facts, "Chongqing", "--json").json()) == 4  # a query of common words alone still works


def test_a_whole_word_does_not_match_longer_words_that_begin_with_it(facts: str) -> None:
    assert [r["id"] for r in search(facts, "electric", "--json").json()] == ["dunaferr-furnace"]
    explained = explain(facts, "car")
    assert all(m["term"] == "car" for e in explained for m in e)  # never "carried"
    # A start of a word that is no word of the base still finds the longer word; a form still finds a form.
    assert explain(facts, "electri")[0][0]["how"] == "prefix"
    assert explain(facts, "transformer")[0] == [
        {"word": "transformer", "field": "statement", "how": "stem", "term": "transformers"}]


def test_the_shipped_base_finds_nothing_for_nonsense_that_shares_a_common_word() -> None:
    for query in ("Chongqing weather forecast", "Chongqing hotpot restaurant"):
        result = run("--facts", str(FACTS), "search", query, "--json")
        assert (result.exit_code, result.json()) == (1, []), query
    result = run("--facts", str(FACTS), "search", "electric vehicle exports", "--json", "--limit", "3")
    assert "lhasa-ong-square-made-in-chongqing" not in [r["id"] for r in result.json()]


# --- Numbers in words ----------------------------------------------------------------------------------------

def test_numbers_in_words_match_the_figure_and_explain_says_so(facts: str) -> None:
    first = explain(facts, "more than twenty thousand vehicles")[0]
    assert first[0] == {"word": "twenty thousand", "field": "figure", "how": "exact", "term": "20000"}
    assert explain(facts, "three thousand orders")[0][0]["term"] == "3000"
    # One number word stays a word too: "one" is also the "one" of names such as "one-bill system".
    assert [w.text for w in parse_query("one-bill system")] == ["one", "bill", "system"]
    assert parse_query("one-bill system")[0].also == ("1",)
    # A share stands for its percent as a fact rounds it.
    assert parse_query("two-thirds")[0].also == ("66.67", "66.7", "67")


# --- check ----------------------------------------------------------------------------------------------------

BAD_TERMS = '''
[terms.nev]
preferred = "new energy vehicle"
variants = ["NEV", "EV"]
broader = ["vehicle"]

[terms.car]
preferred = "car"
variants = ["EVs", "automobile"]
narrower = ["germny"]
colour = "red"

[terms.a]
preferred = "alpha"
broader = ["b"]

[terms.b]
preferred = "beta"
broader = ["a"]

[terms.dash]
preferred = "—"
narrower = ["car"]
'''


def _line(text: str, wanted: str) -> int:
    """The number of the (first) line of ``text`` that reads ``wanted``."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == wanted)


def test_check_names_every_problem_of_the_table_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    text = BASE + BAD_TERMS
    path.write_text(text, encoding="utf-8")
    result = run("--facts", str(path), "check")
    assert result.exit_code == 2
    colour, vehicle, to_b, to_a, dash = (_line(text, wanted) for wanted in (
        'colour = "red"', 'broader = ["vehicle"]', 'broader = ["b"]', 'broader = ["a"]', 'preferred = "—"'))
    circle = "is below itself through its broader/narrower links; remove a link of the circle"
    # terms.car has a problem of its own (an unknown key): the link to it from terms.dash is not reported.
    assert result.stdout.splitlines() == [
        f"{path}:{vehicle}: terms.nev: broader: term 'vehicle' is not defined; add a [terms.ID] table or fix the id",
        f"{path}:{colour}: terms.car: unknown key 'colour'",
        f"{path}:{to_b}: terms.a: {circle}",
        f"{path}:{to_a}: terms.b: {circle}",
        f"{path}:{dash}: terms.dash: preferred: '—' has no word, number or Chinese to search by",
    ]
    text = text.replace('colour = "red"\n', "")
    path.write_text(text, encoding="utf-8")
    result = run("--facts", str(path), "check")
    evs, germny, nev = (_line(text, w) for w in ('variants = ["EVs", "automobile"]', 'narrower = ["germny"]',
                                                  "[terms.nev]"))
    assert f"{path}:{evs}: terms.car: variants: 'EVs' is already a name of terms.nev ({path}:{nev}); a name" \
        " belongs to one concept: remove it from one of the two" in result.stdout.splitlines()
    assert f"{path}:{germny}: terms.car: narrower: 'germny' is neither a term nor an entity (did you mean" \
        " 'germany'?); fix the id or add the table" in result.stdout.splitlines()


def test_the_shipped_terms_table_is_valid_and_curated_by_topic() -> None:
    result = run("--facts", str(FACTS), "check")
    assert result.exit_code == 0, result.stdout
    text = FACTS.read_text("utf-8")
    for topic in ("# Vehicles", "# Electronics", "# Satellites", "# Labs and research", "# Finance",
                  "# Trade and customs", "# Logistics", "# Industry statistics", "# Overseas projects",
                  "# Places and regions"):
        assert f"\n{topic}" in text.partition("# --- Terms")[2], topic


# --- The cache -----------------------------------------------------------------------------------------------

def test_a_cached_base_expands_queries_as_the_toml_does(facts: str, tmp_path: Path) -> None:
    env = {"CQFACTS_CACHE_DIR": str(tmp_path / "cache")}
    args = ("--facts", facts, "search", "EV Europe", "--json", "--explain")
    built, read = run(*args, env=env), run(*args, env=env)
    assert built.stdout == read.stdout == run("--no-cache", *args).stdout
    assert "synonym" in read.stdout and "broader" in read.stdout
    assert list((tmp_path / "cache").iterdir()), "the cache was not written"


def test_a_large_base_read_from_its_cache_keeps_its_terms(tmp_path: Path) -> None:
    # 1,000 facts: the cache reads such a base as a command needs it, not whole (see tests/test_cache.py).
    folder = tmp_path / "base"
    generate(1_000, folder)
    (folder / "terms.toml").write_text('schema_version = 1\n\n[terms.semiconductor]\npreferred = "semiconductor"\n'
                                       'variants = ["microchips", "芯片"]\n', encoding="utf-8")
    env = {"CQFACTS_CACHE_DIR": str(tmp_path / "cache")}
    args = ("--facts", str(folder), "search", "microchips", "--json", "--explain", "--limit", "5")
    expected = run("--no-cache", *args)
    assert expected.exit_code == 0 and "synonym" in expected.stdout
    assert run(*args, env=env).stdout == run(*args, env=env).stdout == expected.stdout
    assert list((tmp_path / "cache").iterdir()), "the cache was not written"
    shutil.rmtree(folder)



@pytest.mark.parametrize(("query", "loads"), [("EVs exported to Germany", False), ("電動車 德國", True)])
def test_only_a_chinese_query_loads_the_chinese_converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           query: str, loads: bool) -> None:
    import test_startup

    monkeypatch.setattr(test_startup, "HEAVY", ("opencc",))
    env = {"CQFACTS_CACHE_DIR": str(tmp_path / "cache")}
    args = ("--facts", str(FACTS), "search", query, "--json")
    test_startup.loaded(*args, env=env)  # builds the cache
    modules, out = test_startup.loaded(*args, env=env)
    assert modules == ({"opencc"} if loads else set())
    assert '"id": "seres-exports-germany-france"' in out
