"""`cqfacts check` and the loader, driven through the CLI with each kind of broken fact base."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FACTS, SOURCE_TEXT, needs_source, run

VALID = """\
schema_version = 1

[sources.example]
title = "An example article"
site = "Example Site"
publisher = "Example Publisher"
authors = [{ organization = "Example Publisher" }]
published = 2024-03-31
language = "en"

[entities.chongqing]
name = "Chongqing"
aliases = ["重庆"]

[facts.first-fact]
statement = "Something happened."
quote = "Something will happen."
source = "example"
paragraph = 1
kind = "result"
period = "2023"
tags = ["nev"]
entities = ["chongqing"]
"""


def write(tmp_path: Path, text: str, name: str = "facts.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def check(path: Path, *extra: str):
    result = run("check", str(path), *extra)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_valid_base_passes(tmp_path):
    path = write(tmp_path, VALID)
    result = check(path)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert "ok: 1 fact, 1 source, 1 entity in 1 file" in result.stderr


def test_shipped_base_passes():
    result = run("check", str(FACTS))
    assert result.exit_code == 0, result.stdout + result.stderr


@needs_source()
def test_shipped_base_quotes_are_verbatim_in_the_article():
    result = run("check", "--source", str(SOURCE_TEXT))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "quotes checked" in result.stderr


def test_toml_syntax_error_names_line_and_column(tmp_path):
    text = VALID.replace('kind = "result"', 'kind = "result')
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    line = line_of(text, 'kind = "result')
    assert re.fullmatch(rf"{re.escape(str(path))}:{line}: TOML syntax error: .*\(column \d+\); a string is not closed"
                        r" where it should be: .*\n", result.stdout)


def test_duplicate_id_in_one_file_names_both_lines_and_the_other_problems_are_still_listed(tmp_path):
    text = VALID + '\n[facts.first-fact]\nstatement = "again"\n'
    text = text.replace('period = "2023"', 'period = "2023-13"', 1)
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    second = len(text.splitlines()) - 1
    first = line_of(text, "[facts.first-fact]")
    assert (f"{path}:{second}: first-fact: duplicate id: [facts.first-fact] is defined twice in this file"
            f" (first at line {first}); ids must be unique: rename or remove one of them") in result.stdout
    # The rest of the file is still checked: the bad period of the first copy is reported too.
    assert f"{path}:{line_of(text, 'period =')}: first-fact: period: '2023-13' is not a valid date" in result.stdout
    assert "2 problems found" in result.stderr


def test_unknown_key_suggests_the_right_one(tmp_path):
    text = VALID.replace("statement =", "statment =")
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    line = line_of(text, "statment =")
    assert f"{path}:{line}: first-fact: unknown key 'statment' (did you mean 'statement'?)" in result.stdout
    # The missing key it stands for is reported too, at the table header.
    assert f"{path}:{line_of(text, '[facts.first-fact]')}: first-fact: missing required key 'statement'" in result.stdout


def test_missing_required_keys_are_all_listed(tmp_path):
    text = VALID.replace('kind = "result"\n', "").replace("paragraph = 1\n", "")
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    header = line_of(text, "[facts.first-fact]")
    assert f"{path}:{header}: first-fact: missing required key 'kind'" in result.stdout
    assert f"{path}:{header}: first-fact: missing required key 'paragraph'" in result.stdout
    assert "2 problems found" in result.stderr


WRONG_TYPES = [
    ("paragraph = 1", 'paragraph = "1"', "paragraph: must be a whole number, not a string"),
    ("paragraph = 1", "paragraph = 0", "paragraph: must be at least 1"),
    ('tags = ["nev"]', 'tags = "nev"', "tags: must be a list of strings, not a string"),
    ('kind = "result"', 'kind = "resutl"', "kind: 'resutl' is not one of result, forecast"),
    ('period = "2023"', "period = 2023", "period: must be a string, not a whole number"),
    ('source = "example"', "source = true", "source: must be a string, not a boolean"),
    ('tags = ["nev"]', 'tags = ["New Energy"]', "tags[0]: 'New Energy' is not a valid id"),
    ('tags = ["nev"]', 'tags = ["nev", 3]', "tags[1]: must be a string, not a whole number"),
    ('tags = ["nev"]', 'tags = ["nev", " "]', "tags[1]: must not be empty"),
]
INVALID_DATES = [
    ('period = "2023"', 'period = "2023-13"', "period: '2023-13' is not a valid date"),
    ('period = "2023"', 'period = "2025/2023"', "period: '2025/2023' ends before it starts"),
    ('period = "2023"', 'period = "last year"', "period: 'last year' is not a year, month or day"),
    ('period = "2023"', 'date = "2023-02-30"', "date: '2023-02-30' is not a valid date; write YYYY-MM-DD"),
    ('period = "2023"', "date = 2023-12-16T10:00:00", "date: must be a date (YYYY-MM-DD), not a date-time"),
]


@pytest.mark.parametrize(("old", "new", "message"), WRONG_TYPES + INVALID_DATES)
def test_wrong_types_and_invalid_dates_name_the_key_and_the_fix(tmp_path, old, new, message):
    text = VALID.replace(old, new)
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    assert f"{path}:{line_of(text, new)}: first-fact: {message}" in result.stdout


def test_invalid_source_fields(tmp_path):
    text = VALID.replace('language = "en"', 'language = "English"\naccessed = "2024-02-30"\nurl = "example.org"')
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    assert f"{path}:{line_of(text, 'language =')}: sources.example: language: 'English' is not a language tag" in result.stdout
    assert f"{path}:{line_of(text, 'accessed =')}: sources.example: accessed: '2024-02-30' is not a valid date" in result.stdout
    assert f"{path}:{line_of(text, 'url =')}: sources.example: url: 'example.org' is not an http(s) URL" in result.stdout


def test_empty_strings_are_rejected(tmp_path):
    text = VALID.replace('statement = "Something happened."', 'statement = "   "')
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    assert f"{path}:{line_of(text, 'statement =')}: first-fact: statement: must not be empty" in result.stdout


def test_unknown_source_and_entity_references(tmp_path):
    text = VALID.replace('source = "example"', 'source = "exampel"').replace('["chongqing"]', '["chongqin"]')
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    assert (f"{path}:{line_of(text, 'source = ')}: first-fact: source 'exampel' is not defined "
            "(did you mean 'example'?); add a [sources.ID] table or fix the id") in result.stdout
    assert (f"{path}:{line_of(text, 'entities = ')}: first-fact: entity 'chongqin' is not defined "
            "(did you mean 'chongqing'?)") in result.stdout


def test_author_must_be_an_organisation_or_a_person(tmp_path):
    text = VALID.replace('authors = [{ organization = "Example Publisher" }]',
                         'authors = [{ organization = "X", family = "Wang" }, { given = "Jiaxi" }]')
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    assert "sources.example: authors: an author is an organization or a person (family, given), not both" in result.stdout


def test_missing_schema_version_and_unknown_top_level_table(tmp_path):
    text = VALID.replace("schema_version = 1\n", "").replace("[facts.first-fact]", "[fact.first-fact]")
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    assert f"{path}:1: missing schema_version" in result.stdout
    assert f"{path}:{line_of(text, '[fact.first-fact]')}: unknown top-level key 'fact' (did you mean 'facts'?)" in result.stdout


def test_duplicate_ids_across_files_of_a_folder(tmp_path):
    write(tmp_path, VALID, "a.toml")
    second = VALID.replace("[sources.example]", "[sources.other]").replace('source = "example"', 'source = "other"')
    second = second.replace("[entities.chongqing]", "[entities.chongqing-city]").replace('["chongqing"]', '["chongqing-city"]')
    path_b = write(tmp_path, second, "b.toml")
    result = check(tmp_path)
    assert result.exit_code == 2
    assert (f"{path_b}:{line_of(second, '[facts.first-fact]')}: first-fact: duplicate id: also defined at "
            f"{tmp_path / 'a.toml'}:{line_of(VALID, '[facts.first-fact]')}") in result.stdout


def test_folder_base_merges_files(tmp_path):
    write(tmp_path, VALID, "a.toml")
    extra = 'schema_version = 1\n\n[facts.second-fact]\nstatement = "S."\nquote = "Q."\nsource = "example"\nparagraph = 2\nkind = "status"\n'
    write(tmp_path, extra, "b.toml")
    (tmp_path / "notes.txt").write_text("not a fact file")
    result = run("list", "--facts", str(tmp_path), "--json")
    assert result.exit_code == 0, result.stderr
    assert [f["id"] for f in result.json()] == ["first-fact", "second-fact"]


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    text = VALID.replace("statement =", "statment =").replace('kind = "result"', 'kind = 3').replace(
        'source = "example"', 'source = "nowhere"')
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert len(lines) == 4, lines  # unknown key, missing statement, wrong kind type, unknown source
    assert all(re.match(rf"{re.escape(str(path))}:\d+: first-fact: ", line) for line in lines)
    assert lines == sorted(lines, key=lambda s: int(s.split(":")[1]))


def test_other_commands_fail_the_same_clear_way(tmp_path):
    text = VALID.replace("statement =", "statment =")
    path = write(tmp_path, text)
    for args in (["list"], ["search", "Something"], ["show", "first-fact"]):
        result = run(*args, "--facts", str(path))
        assert result.exit_code == 2, args
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        # The first problem in line order, then a pointer to the full list.
        assert result.stderr.startswith(f"cqfacts: error: {path}:{line_of(text, '[facts.first-fact]')}: "
                                        "first-fact: missing required key 'statement' (and 1 more problem;")
        assert "run 'cqfacts check' to list them" in result.stderr


def test_facts_env_and_missing_paths(tmp_path):
    path = write(tmp_path, VALID)
    result = run("list", "--json", env={"CQFACTS_FACTS": str(path)})
    assert result.exit_code == 0
    assert [f["id"] for f in result.json()] == ["first-fact"]
    # The global option and the command option both work; the command's wins.
    assert run("--facts", str(path), "list", "--json").json()[0]["id"] == "first-fact"
    missing = tmp_path / "nowhere.toml"
    result = run("list", "--facts", str(missing))
    assert result.exit_code == 2
    assert result.stderr == f"cqfacts: error: {missing}: no such file or folder; point --facts (or $CQFACTS_FACTS) at a fact base\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("list", "--facts", str(empty))
    assert result.exit_code == 2
    assert "no *.toml files in this folder" in result.stderr


def test_invalid_utf8_and_bom(tmp_path):
    path = tmp_path / "facts.toml"
    path.write_bytes(VALID.encode().replace(b"Something happened.", b"Something \xff happened."))
    result = check(path)
    assert result.exit_code == 2
    assert result.stdout == f"{path}:{line_of(VALID, 'Something happened.')}: not valid UTF-8 (byte 0xff); save the file as UTF-8\n"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode())
    assert check(path).exit_code == 0


# --- check --source -------------------------------------------------------------------------------

ARTICLE = """Title of the article
\n2024-03-31 23:44:00
\nA caption.
\nSomething will happen.  And more text follows here.
\nA third paragraph about satellites in orbit.
"""


def test_source_check_finds_quotes_in_their_paragraph(tmp_path):
    path = write(tmp_path, VALID.replace("paragraph = 1", "paragraph = 2"))
    article = write(tmp_path, ARTICLE, "article.txt")
    result = check(path, "--source", str(article))
    assert result.exit_code == 0, result.stdout


def test_source_check_reports_wrong_paragraph(tmp_path):
    text = VALID  # the quote is in paragraph 2, the fact says 1
    path = write(tmp_path, text)
    article = write(tmp_path, ARTICLE, "article.txt")
    result = check(path, "--source", str(article))
    assert result.exit_code == 2
    assert result.stdout == f"{path}:{line_of(text, 'paragraph =')}: first-fact: paragraph is 1 but the quote is in paragraph 2\n"


def test_source_check_shows_nearest_passage_for_a_miss(tmp_path):
    text = VALID.replace('quote = "Something will happen."', 'quote = "Something will happened."').replace(
        "paragraph = 1", "paragraph = 2")
    path = write(tmp_path, text)
    article = write(tmp_path, ARTICLE, "article.txt")
    result = check(path, "--source", str(article))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"{path}:{line_of(text, 'quote =')}: first-fact: quote not found in article.txt; "
                                    'nearest passage (paragraph 2): "Something will happen')


def test_source_check_ignores_whitespace_differences(tmp_path):
    text = VALID.replace('quote = "Something will happen."', 'quote = "Something will happen. And more"').replace(
        "paragraph = 1", "paragraph = 2")
    path = write(tmp_path, text)
    article = write(tmp_path, ARTICLE, "article.txt")
    assert check(path, "--source", str(article)).exit_code == 0


def test_source_check_unreadable_text(tmp_path):
    path = write(tmp_path, VALID)
    result = check(path, "--source", str(tmp_path / "missing.txt"))
    assert result.exit_code == 2
    assert "missing.txt: cannot read the source text" in result.stderr


def test_key_figure_reads_naturally(tmp_path):
    figures = ('figures = [{ value = 1, unit = "years", comparator = "about" }]\n'
               '[facts.second-fact]\nstatement = "S."\nquote = "Q."\nsource = "example"\nparagraph = 2\nkind = "target"\n'
               'figures = [{ value = 50, unit = "percent", comparator = "more-than", baseline = { value = 30, comparator = "about" } }]\n'
               '[facts.third-fact]\nstatement = "S."\nquote = "Q."\nsource = "example"\nparagraph = 2\nkind = "result"\n'
               'figures = [{ value = 76900000000, unit = "yuan" }]\n'
               '[facts.fourth-fact]\nstatement = "S."\nquote = "Q."\nsource = "example"\nparagraph = 2\nkind = "result"\n'
               'figures = [{ value = 22250000, unit = "usd" }, { value = 3, unit = "count" }]\n')
    path = write(tmp_path, VALID + figures)
    result = run("list", "--facts", str(path), "--fields", "id,figure", "--format", "tsv")
    assert result.stdout == ("first-fact\tabout 1 year\n"
                             "second-fact\tabout 30% → more than 50%\n"
                             "third-fact\t76.9 billion yuan\n"
                             "fourth-fact\tUS$22.25 million; 3\n")  # every figure of the fact


# --- check that never misleads (issue 13) ----------------------------------------------------------

def test_every_source_with_an_archive_is_checked_on_every_check(tmp_path):
    (tmp_path / "sources").mkdir()
    write(tmp_path, ARTICLE, "sources/article.txt")
    text = VALID.replace('language = "en"', 'language = "en"\narchive = "sources/article.txt"')
    path = write(tmp_path, text)  # the quote is in paragraph 2, the fact says 1: found without --source
    result = check(path)
    assert result.exit_code == 2
    assert f"{path}:{line_of(text, 'paragraph =')}: first-fact: paragraph is 1 but the quote is in paragraph 2" in result.stdout
    fixed = write(tmp_path, text.replace("paragraph = 1", "paragraph = 2"))
    ok = check(fixed)
    assert ok.exit_code == 0, ok.stdout
    assert f"quotes checked against {tmp_path / 'sources' / 'article.txt'}" in ok.stderr


def test_a_missing_archive_is_a_warning_that_fails_only_with_strict(tmp_path):
    text = VALID.replace('language = "en"', 'language = "en"\narchive = "sources/gone.txt"')
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{path}:{line_of(text, 'archive =')}: sources.example: warning: archive 'sources/gone.txt'"
                                    f" not found at {tmp_path / 'sources' / 'gone.txt'}")
    assert "; 1 warning" in result.stderr
    assert check(path, "--strict").exit_code == 2


def test_every_source_text_given_is_checked_not_only_the_last(tmp_path):
    two = VALID.replace("paragraph = 1", "paragraph = 2") + """
[sources.other]
title = "Another article"
site = "Other Site"
authors = [{ organization = "Other" }]
published = 2024-04-01
language = "en"
archive = "other.txt"

[facts.second-fact]
statement = "Other."
quote = "A 22 per cent rise."
source = "other"
paragraph = 1
kind = "result"
"""
    path = write(tmp_path, two.replace('language = "en"\n\n[entities', 'language = "en"\narchive = "article.txt"\n\n[entities'))
    (tmp_path / "copy").mkdir()
    article = write(tmp_path / "copy", ARTICLE, "article.txt")
    other = write(tmp_path / "copy", "Other\n\n2024-04-01\n\nA 24 per cent rise.\n", "other.txt")
    result = check(path, "--source", str(article), "--source", str(other))
    assert result.exit_code == 2
    assert "second-fact: quote not found in other.txt" in result.stdout
    assert 'first difference at character 4 of the quote: quote "A 2[2] per cen…", source "A 2[4] per cen…"' in result.stdout


def test_a_mismatched_quote_mark_is_named(tmp_path):
    text = VALID.replace('quote = "Something will happen."', 'quote = "He said \\"yes\\"."').replace(
        "paragraph = 1", "paragraph = 2")
    path = write(tmp_path, text)
    article = write(tmp_path, ARTICLE.replace("Something will happen.", "He said “yes”."), "article.txt")
    result = check(path, "--source", str(article))
    assert result.exit_code == 2
    assert ("the quote has \" (U+0022 quotation mark) where the source has “ (U+201C left double quotation mark);"
            " copy the source's character") in result.stdout


def test_a_toml_syntax_error_is_reported_as_such_also_with_source(tmp_path):
    path = write(tmp_path, VALID.replace('kind = "result"', 'kind = "result'))
    article = write(tmp_path, ARTICLE, "article.txt")
    result = check(path, "--source", str(article))
    assert result.exit_code == 2
    assert "TOML syntax error" in result.stdout
    assert "no source has archive" not in result.stdout + result.stderr


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_source_text_that_never_ends_gives_one_line(tmp_path, special):
    import os

    path = write(tmp_path, VALID)
    if special == "fifo":
        special = str(tmp_path / "pipe.txt")
        os.mkfifo(special)
    result = check(path, "--source", special)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{special}: cannot read the source text: a {'device' if special == '/dev/zero' else 'named pipe'}" in result.stderr


def test_a_broken_source_or_entity_is_reported_once_not_on_each_fact(tmp_path):
    text = VALID.replace('language = "en"\n', "").replace('aliases = ["重庆"]', 'aliases = ["重庆"]\ntype = "city"')
    text += text[text.index("[facts.first-fact]"):].replace("first-fact", "second-fact")
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"{path}:{line_of(text, '[sources.example]')}: sources.example: missing required key 'language'",
        f"{path}:{line_of(text, 'type = ')}: entities.chongqing: type: 'city' is not one of organization, person,"
        " place, product, project, program, concept",
    ]


def test_an_unterminated_string_says_so_with_a_hint(tmp_path):
    text = VALID.replace('statement = "Something happened."', 'statement = "He said "yes" to it."')
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 2
    assert (f"{path}:{line_of(text, 'statement =')}: TOML syntax error:") in result.stdout
    assert "a string is not closed where it should be: inside \"...\" write a straight quote as \\\"" in result.stdout


def test_a_bad_period_lists_the_accepted_forms(tmp_path):
    text = VALID.replace('period = "2023"', 'period = "2023-13"')
    path = write(tmp_path, text)
    result = check(path)
    assert ("period: '2023-13' is not a valid date; write YYYY, YYYY-MM, YYYY-MM-DD or a range START/END such as"
            " 2024/2025") in result.stdout


def test_a_tag_one_edit_from_a_common_tag_is_a_warning(tmp_path):
    facts = "".join(f'\n[facts.f{i}]\nstatement = "S."\nquote = "Q."\nsource = "example"\nparagraph = 1\n'
                    f'kind = "result"\ntags = ["satellites"]\n' for i in range(3))
    text = VALID.replace('tags = ["nev"]', 'tags = ["satelites"]') + facts
    path = write(tmp_path, text)
    result = check(path)
    assert result.exit_code == 0
    assert result.stdout == (f"{path}:{line_of(text, 'satelites')}: first-fact: warning: tag 'satelites' is used once"
                             " and looks like 'satellites' (3 facts); fix the tag if it is a typo\n")
    assert check(path, "--strict").exit_code == 2


def test_check_json_lists_problems_as_objects_that_follow_the_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    from test_scripting import SCHEMA

    text = VALID.replace('["chongqing"]', '["chongqin"]').replace('tags = ["nev"]', 'tags = ["satelites"]')
    text += "".join(f'\n[facts.f{i}]\nstatement = "S."\nquote = "Q."\nsource = "example"\nparagraph = 1\n'
                    f'kind = "result"\ntags = ["satellites"]\n' for i in range(3))
    path = write(tmp_path, text)
    result = check(path, "--json")
    assert result.exit_code == 2
    rows = result.json()
    jsonschema.Draft202012Validator({**SCHEMA, "items": {"$ref": "#/$defs/checkProblem"}}).validate(rows)
    assert {(r["id"], r["severity"]) for r in rows} == {("first-fact", "error"), ("first-fact", "warning")}
    error = next(r for r in rows if r["severity"] == "error")
    assert error == {"file": str(path), "line": line_of(text, "entities = "), "id": "first-fact",
                     "message": error["message"], "severity": "error"}
    assert error["message"].startswith("entity 'chongqin' is not defined")
    clean = check(write(tmp_path, VALID, "clean.toml"), "--json")
    assert (clean.exit_code, clean.json()) == (0, [])
