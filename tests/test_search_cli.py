"""`cqfacts search` as a person and a script use it: explain, stdin, exit codes, highlighting, filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run
from test_search import MINI


@pytest.fixture(scope="module")
def mini_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("mini-cli") / "facts.toml"
    path.write_text(MINI, encoding="utf-8")
    return str(path)


def search(mini_path: str, *args: str, **kwargs: object) -> object:
    return run("--facts", mini_path, "search", *args, **kwargs)  # type: ignore[arg-type]


# --- Exit codes and JSON ----------------------------------------------------------------------------------

def test_results_exit_0_with_a_score_per_result(mini_path: str) -> None:
    result = search(mini_path, "Seres", "--json")
    assert result.exit_code == 0
    records = result.json()
    assert records[0]["id"] == "thalys-exports"
    assert all(0 < r["score"] <= 100 for r in records)
    assert "explain" not in records[0]


def test_nonsense_exits_1_with_an_empty_json_list(mini_path: str) -> None:
    result = search(mini_path, "xylophone", "--json")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "[]\n", "")


def test_nothing_found_on_a_terminal_says_so_on_stderr(mini_path: str) -> None:
    result = search(mini_path, "xylophone", tty=True)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.strip() == "cqfacts: no facts found"


@pytest.mark.parametrize(("args", "message"), [
    ((), "cqfacts: error: missing QUERY: give words to search for, or - to read queries from stdin"),
    (("Tianmu", "--stdin"), "cqfacts: error: give a QUERY or --stdin, not both"),
    (("-", "--format", "table"), "cqfacts: error: --stdin writes JSON lines; --format table does not apply"),
    (("Tianmu", "--kind", "rumour"), "cqfacts: error: unknown kind 'rumour'; choose one of result, forecast, target, status, event, opinion"),
])
def test_errors_exit_2_with_one_line(mini_path: str, args: tuple[str, ...], message: str) -> None:
    result = search(mini_path, *args)
    assert (result.exit_code, result.stdout, result.stderr.strip()) == (2, "", message)


def test_order_is_the_same_every_run(mini_path: str) -> None:
    first = search(mini_path, "Chongqing", "--json", "--limit", "20").json()
    again = search(mini_path, "Chongqing", "--json", "--limit", "20").json()
    assert [r["id"] for r in first] == [r["id"] for r in again]
    keys = [(-r["score"], r["id"]) for r in first]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)


def test_limit_and_min_score(mini_path: str) -> None:
    everything = search(mini_path, "new energy vehicles", "--json").json()
    assert len(everything) >= 3
    assert search(mini_path, "new energy vehicles", "--json", "-n", "2").json() == everything[:2]
    cut = everything[1]["score"]
    kept = search(mini_path, "new energy vehicles", "--json", "--min-score", str(cut)).json()
    assert kept and all(r["score"] >= cut for r in kept)
    assert len(kept) < len(everything)


# --- Filters ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "args", "ids"), [
    ("orders", (), {"thalys-exports", "deepal-southeast-asia"}),
    ("orders", ("--tag", "exports", "--kind", "result"), {"thalys-exports", "deepal-southeast-asia"}),
    ("orders", ("--entity", "AITO"), {"thalys-exports"}),
    ("orders", ("--entity", "seres", "--entity", "changan"), {"thalys-exports", "deepal-southeast-asia"}),
    ("new energy vehicles", ("--kind", "status"), {"pattern-1-10-1000"}),
    ("new energy vehicles", ("--year", "2023"), {"nev-2023", "china-exports-2023"}),
    ("new energy vehicles", ("--tag", "nev", "--year", "2023"), {"nev-2023", "china-exports-2023"}),
])
def test_filters_keep_only_matching_facts(mini_path: str, query: str, args: tuple[str, ...], ids: set[str]) -> None:
    result = search(mini_path, query, *args, "--json")
    assert result.exit_code == 0
    assert {r["id"] for r in result.json()} == ids
    unfiltered = {r["id"] for r in search(mini_path, query, "--json", "-n", "50").json()}
    assert ids <= unfiltered


def test_a_filter_that_leaves_nothing_exits_1(mini_path: str) -> None:
    result = search(mini_path, "Tianmu", "--tag", "nev", "--json")
    assert (result.exit_code, result.json()) == (1, [])


# --- --explain --------------------------------------------------------------------------------------------

def test_explain_in_json_says_which_word_matched_where_and_how(mini_path: str) -> None:
    result = search(mini_path, "Tianmo satellites", "--json", "--explain", "-n", "1")
    assert result.exit_code == 0
    [record] = result.json()
    assert record["id"] == "tianmu-constellation"
    assert record["explain"] == [
        {"word": "tianmo", "field": "entity:tianmu-1", "how": "typo", "term": "tianmu"},
        {"word": "satellites", "field": "tag", "how": "exact", "term": "satellites"},
    ]


def test_explain_names_aliases_prefixes_and_word_forms(mini_path: str) -> None:
    prefix = search(mini_path, "meteo", "--json", "--explain", "-n", "1").json()[0]["explain"]
    assert prefix == [{"word": "meteo", "field": "statement", "how": "prefix", "term": "meteorological"}]
    alias = search(mini_path, "AITO", "--json", "--explain").json()[0]["explain"]
    assert alias == [{"word": "aito", "field": "entity:seres", "how": "alias", "term": "aito"}]
    forms = search(mini_path, "produced", "--json", "--explain", "-n", "1").json()[0]["explain"]
    assert forms == [{"word": "produced", "field": "statement", "how": "stem", "term": "production"}]


def test_explain_in_tsv_is_a_readable_column(mini_path: str) -> None:
    result = search(mini_path, "Tianmo satellites", "--explain", "-n", "1", "--format", "tsv")
    row = result.stdout.rstrip("\n").split("\t")
    assert row[1] == "tianmu-constellation"
    assert row[-1] == "tianmo → tianmu (typo) in entity:tianmu-1; satellites (exact) in tag"


def test_explain_in_a_table_is_printed_under_the_statement(mini_path: str) -> None:
    result = search(mini_path, "Tianmo satellites", "--explain", "-n", "1", "--format", "table")
    assert result.exit_code == 0
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert any(line.endswith("↳ tianmo → tianmu (typo) in entity:tianmu-1") for line in lines), result.stdout
    assert any(line.endswith("↳ satellites (exact) in tag") for line in lines), result.stdout


def test_explain_can_be_picked_as_a_field(mini_path: str) -> None:
    result = search(mini_path, "Seres", "--explain", "--fields", "id,explain", "--format", "csv", "-n", "1")
    assert result.stdout.splitlines() == ["id,explain", "thalys-exports,seres (exact) in entity:seres"]
    result = search(mini_path, "Seres", "--explain", "--fields", "id,explain", "--format", "ndjson", "-n", "1")
    assert result.json() == {"id": "thalys-exports",
                             "explain": [{"word": "seres", "field": "entity:seres", "how": "exact", "term": "seres"}]}


# --- Highlighting -----------------------------------------------------------------------------------------

def test_matched_words_are_highlighted_in_the_statement(mini_path: str) -> None:
    result = search(mini_path, "Tianmu satellites", "--format", "table", "-n", "1", tty=True)
    assert result.exit_code == 0
    out = result.stdout
    assert "\x1b[1mTianmu\x1b[0m" in out
    assert "\x1b[1msatellites\x1b[0m" in out
    assert "\x1b[1morbit" not in out and "\x1b[1mconstellation" not in out


def test_highlighting_finds_words_as_printed(mini_path: str) -> None:
    result = search(mini_path, "500000 chongqing", "--format", "table", "-n", "1", tty=True,
                    env={"COLUMNS": "200"})
    assert "\x1b[1m500,000\x1b[0m" in result.stdout
    assert "\x1b[1mChongqing\x1b[0m" in result.stdout


def test_fact_text_is_never_read_as_markup(tmp_path: Path) -> None:
    text = MINI.replace("Lan Qinghua said the", "Lan Qinghua [bold]said[/bold] the")
    path = tmp_path / "facts.toml"
    path.write_text(text, encoding="utf-8")
    result = run("--facts", str(path), "search", "Lan Qinghua", "--format", "table", tty=True,
                 env={"COLUMNS": "200"})
    assert "[bold]said[/bold]" in result.stdout


def test_no_highlight_escapes_in_a_pipe(mini_path: str) -> None:
    result = search(mini_path, "Tianmu", "--format", "table")
    assert "\x1b[" not in result.stdout
    assert "Tianmu-1" in result.stdout


# --- --stdin ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", [("-",), ("--stdin",)])
def test_stdin_answers_one_json_line_per_query(mini_path: str, how: tuple[str, ...]) -> None:
    result = search(mini_path, *how, "--limit", "2", input="Seres\n\n  xylophone  \n500,000\n")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["Seres", "xylophone", "500,000"]
    assert [r["id"] for r in lines[0]["results"]] == ["thalys-exports"]
    assert lines[1]["results"] == []
    assert [r["id"] for r in lines[2]["results"]] == ["nev-2023"]
    assert set(lines[0]["results"][0]) >= {"id", "statement", "quote", "score"}


def test_stdin_with_fields_and_explain(mini_path: str) -> None:
    result = search(mini_path, "-", "--fields", "id,score", "--explain", input="AITO\n")
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert list(line["results"][0]) == ["id", "score"]
    result = search(mini_path, "-", "--explain", "-n", "1", input="AITO\n")
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert line["results"][0]["explain"][0]["how"] == "alias"


def test_stdin_exits_1_when_no_query_finds_anything(mini_path: str) -> None:
    result = search(mini_path, "-", input="xylophone\nzzzz\n")
    assert result.exit_code == 1
    assert [json.loads(x)["results"] for x in result.stdout.splitlines()] == [[], []]
    empty = search(mini_path, "-", input="")
    assert (empty.exit_code, empty.stdout) == (1, "")
