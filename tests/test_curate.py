"""A new curator's session, through the CLI: init, source add, fact add, check, then search, show and cite."""

from __future__ import annotations

import hashlib
import re
import stat
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO, SOURCE_TEXT, needs_source, run
from cqfacts.curate.quotefind import difference, find, fold

ARTICLE = """\
Chongqing’s rail freight to Laos doubles

2024-05-06

CHONGQING — The city’s “Lancang–Mekong Express” carried more than 20,000 vehicles to Vientiane last year, the operator said.

Freight revenue reached 76.9 billion yuan in 2023, up from 61.2 billion yuan a year earlier.

“We will raise the share of rail in exports from about 30% today to more than 50% by 2025,” said Li Ming, the line’s manager.

About a third of the cargo was electronics.

The next train leaves on May 10.
"""
SOURCE_ID = "daily-2024-05-06"
NEWSPAPER = ("--id", SOURCE_ID, "--type", "article-newspaper", "--title", "Chongqing’s rail freight to Laos doubles",
             "--container", "Chongqing Daily", "--publisher", "Chongqing Daily Press Group",
             "--publisher-place", "Chongqing", "--author", "Wang, Jiaxi", "--published", "2024-05-06")


@pytest.fixture
def curator(tmp_path, monkeypatch) -> Path:
    """A folder where `cqfacts init` was run and the article saved: the curator works in it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    result = run("init")
    assert result.exit_code == 0, result.stderr
    return tmp_path


def add_source(*extra: str, file: str = "article.txt"):
    return run("source", "add", file, *NEWSPAPER, *extra)


def test_a_new_curator_adds_an_article_and_two_facts_and_cites_them(curator):
    (curator / "facts.toml").write_text((curator / "facts.toml").read_text("utf-8") + "# my own note, kept\n",
                                        encoding="utf-8")
    added = add_source()
    assert added.exit_code == 0, added.stderr
    # The paragraphs as check counts them, reported: nobody counts them by hand.
    assert added.stdout.splitlines()[0].startswith("1\tCHONGQING — The city’s")
    assert len(added.stdout.splitlines()) == 5
    assert "5 paragraphs" in added.stderr and "check: ok" in added.stderr
    archive = curator / "sources" / f"{SOURCE_ID}.txt"
    assert archive.read_text("utf-8") == ARTICLE
    assert f'sha256 = "{hashlib.sha256(ARTICLE.encode()).hexdigest()}"' in (curator / "facts.toml").read_text("utf-8")

    # Typed with straight quotes and a hyphen; the archive has curly quotes and an en dash.
    first = run("fact", "add", "--source", SOURCE_ID, "--quote",
                'The city\'s "Lancang-Mekong Express" carried more than 20,000 vehicles to Vientiane last year',
                "--statement", "The Lancang–Mekong Express carried more than 20,000 vehicles to Vientiane in 2023.",
                "--kind", "result", "--tag", "logistics")
    assert first.exit_code == 0, first.stderr
    second = run("fact", "add", "--source", SOURCE_ID, "--quote", "Freight revenue reached 76.9 billion yuan in 2023",
                 "--statement", "Freight revenue reached 76.9 billion yuan in 2023.", "--kind", "result",
                 "--tag", "logistics")
    assert second.exit_code == 0, second.stderr

    text = (curator / "facts.toml").read_text("utf-8")
    assert text.startswith("#:schema ")
    assert "# my own note, kept\n" in text and "# An example of what `cqfacts fact add` appends:" in text
    assert 'quote = "The city’s “Lancang–Mekong Express” carried more than 20,000 vehicles to Vientiane last year"' in text
    assert "paragraph = 1\n" in text and "paragraph = 2\n" in text
    assert 'figures = [{value = 20000, unit = "vehicles", comparator = "more-than"}]' in text
    assert 'figures = [{value = 76900000000, unit = "yuan"}]' in text
    assert (curator / "facts.toml~").exists()

    check = run("check")
    assert check.exit_code == 0, check.stdout + check.stderr
    assert f"ok: 2 facts, 1 source, 0 entities in 1 file of {curator / 'facts.toml'} (the nearest facts.toml)" in check.stderr
    assert "quotes checked against" in check.stderr

    ids = [f["id"] for f in run("search", "Vientiane vehicles", "--json").json()]
    assert ids[0] == first.stdout.splitlines()[0].strip("[]").removeprefix("facts.")
    revenue_id = second.stdout.splitlines()[0].strip("[]").removeprefix("facts.")
    shown = run("show", revenue_id, "--json").json()[0]
    assert shown["paragraph"] == 2 and shown["source"] == SOURCE_ID
    cited = run("cite", ids[0], revenue_id, "--style", "apa")
    assert cited.exit_code == 0, cited.stderr
    assert "(Wang, 2024, para. 1)" in cited.stdout and "(Wang, 2024, para. 2)" in cited.stdout
    assert "Wang, J. (2024, May 6). Chongqing’s rail freight to Laos doubles." in cited.stdout


def test_init_writes_a_base_that_checks_with_a_schema_line_that_exists(tmp_path):
    result = run("init", str(tmp_path / "new"))
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "new" / "facts.toml").read_text("utf-8")
    schema = re.match(r"#:schema (.+)\n", text).group(1)
    assert Path(schema).is_file()
    assert (tmp_path / "new" / "sources").is_dir()
    assert run("check", str(tmp_path / "new" / "facts.toml")).exit_code == 0
    again = run("init", str(tmp_path / "new"))
    assert again.exit_code == 2 and "already there; nothing was changed" in again.stderr
    assert (tmp_path / "new" / "facts.toml").read_text("utf-8") == text


def test_the_nearest_facts_toml_is_read_before_the_shipped_base(curator):
    (curator / "sub" / "deeper").mkdir(parents=True)
    (curator / "facts.toml").write_text('schema_version = 1\n[facts.broken]\nstatement = "x"\n', encoding="utf-8")
    import os

    os.chdir(curator / "sub" / "deeper")
    result = run("check")
    assert result.exit_code == 2  # the curator's broken file, not the installed copy, was checked
    assert f"{curator / 'facts.toml'}:2: broken: missing required key 'quote'" in result.stdout
    assert f"checked {curator / 'facts.toml'} (the nearest facts.toml)" in result.stderr
    stats = run("stats", "--facts", str(REPO / "facts.toml"))
    assert stats.stderr == ""  # named: nothing to say
    assert "fact base: " not in stats.stderr
    (curator / "facts.toml").unlink()
    os.chdir(curator)
    shipped = run("stats")
    assert "(the shipped base)" in shipped.stderr


def test_source_add_refuses_a_dateline_in_another_form_instead_of_shifting_paragraphs(curator):
    (curator / "other.txt").write_text(ARTICLE.replace("2024-05-06", "May 6, 2024 | Chongqing Daily"), encoding="utf-8")
    result = add_source(file="other.txt")
    assert result.exit_code == 2
    assert "other.txt:3: 'May 6, 2024 | Chongqing Daily' looks like a dateline but does not start with YYYY-MM-DD" in result.stderr
    assert not (curator / "sources" / f"{SOURCE_ID}.txt").exists()
    assert "[sources." not in (curator / "facts.toml").read_text("utf-8").replace("# [sources.", "")


def test_source_add_numbers_markdown_and_a_saved_page_as_the_readme_says(curator):
    (curator / "a.md").write_text("# Rail freight doubles\n\nThe line carried **more than 20,000** vehicles\nlast year.\n\n"
                                  "## Next\n\n- About 30% was electronics.\n", encoding="utf-8")
    result = run("source", "add", "a.md", "--id", "md-source", "--publisher", "P", "--site", "S",
                 "--published", "2024-05-06")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("1\tThe line carried more than 20,000 vehicles last year.\n2\tNext\n"
                             "3\tAbout 30% was electronics.\n")
    assert (curator / "sources" / "md-source.txt").read_text("utf-8").startswith("Rail freight doubles\n\n2024-05-06\n\n")
    (curator / "page.html").write_text("<html><head><title>T</title><script>var x</script></head><body><nav><p>Menu</p>"
                                       "</nav><h1>Page title</h1><p>First &amp; only.</p><footer><p>©</p></footer>"
                                       "</body></html>", encoding="utf-8")
    refused = run("source", "add", "page.html", "--id", "page", "--publisher", "P", "--site", "S",
                  "--published", "2024-05-06")
    assert refused.exit_code == 2 and "add it with --from-html" in refused.stderr
    page = run("source", "add", "page.html", "--from-html", "--id", "page", "--publisher", "P", "--site", "S",
               "--published", "2024-05-06")
    assert page.exit_code == 0, page.stderr
    assert page.stdout == "1\tFirst & only.\n"
    assert run("paragraphs", "page").stdout == "1\tFirst & only.\n"


def test_paragraphs_prints_what_check_counts_and_greps_forgivingly(curator):
    assert add_source().exit_code == 0
    result = run("paragraphs", SOURCE_ID, "--grep", 'city\'s "lancang-mekong')
    assert result.exit_code == 0
    assert result.stdout.startswith("1\tCHONGQING") and len(result.stdout.splitlines()) == 1
    assert run("paragraphs", SOURCE_ID, "--grep", "nowhere").exit_code == 1


def test_fact_add_proposes_figures_with_a_baseline_and_warns_about_a_forecast(curator):
    assert add_source().exit_code == 0
    before = (curator / "facts.toml").read_bytes()
    result = run("fact", "add", "--source", SOURCE_ID, "--quote",
                 "raise the share of rail in exports from about 30% today to more than 50% by 2025",
                 "--statement", "Rail's share of exports is to rise from about 30% to more than 50% by 2025.",
                 "--kind", "result", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "paragraph = 3\n" in result.stdout
    assert ('figures = [{value = 50, unit = "percent", comparator = "more-than", '
            'baseline = {value = 30, comparator = "about"}}]') in result.stdout
    assert "warning: the quote reads as a forecast or a target ('by 2025') but --kind result was given" in result.stderr
    assert "nothing was changed" in result.stderr
    assert (curator / "facts.toml").read_bytes() == before


def test_a_quote_not_in_the_archive_exits_2_with_the_first_differing_character(curator):
    assert add_source().exit_code == 0
    before = (curator / "facts.toml").read_bytes()
    result = run("fact", "add", "--source", SOURCE_ID, "--quote", "Freight revenue reached 76.9 billion yuan in 2022",
                 "--statement", "x", "--kind", "result")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert 'nearest passage (paragraph 2): "Freight revenue reached 76.9 billion yuan in 2023"' in result.stderr
    assert 'quote "…76.9 billion yuan in 202[2]", source "…76.9 billion yuan in 202[3]"' in result.stderr
    assert (curator / "facts.toml").read_bytes() == before


def test_fact_add_without_statement_opens_the_editor_on_a_terminal(curator, monkeypatch):
    assert add_source().exit_code == 0
    no_tty = run("fact", "add", "--source", SOURCE_ID, "--quote", "The next train leaves on May 10", "--kind", "event")
    assert no_tty.exit_code == 2 and "give --statement" in no_tty.stderr
    editor = curator / "editor.py"
    editor.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text().replace('statement = \"\"', 'statement = \"The next train leaves on"
                      " 10 May.\"'))\n", encoding="utf-8")
    import cqfacts.cli.adding as adding

    monkeypatch.setattr(adding, "on_terminal", lambda: True)
    result = run("fact", "add", "--source", SOURCE_ID, "--quote", "The next train leaves on May 10", "--kind", "event",
                 "--id", "next-train", env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": None})
    assert result.exit_code == 0, result.stderr
    assert 'statement = "The next train leaves on 10 May."' in (curator / "facts.toml").read_text("utf-8")
    assert run("check").exit_code == 0


def test_a_write_that_would_fail_check_is_refused_and_nothing_changes(curator):
    assert add_source().exit_code == 0
    before = (curator / "facts.toml").read_bytes()
    result = run("fact", "add", "--source", SOURCE_ID, "--quote", "The next train leaves on May 10",
                 "--statement", "A train leaves.", "--kind", "event", "--entity", "no-such-entity")
    assert result.exit_code == 2
    assert "not changed: the change would make the fact base fail check" in result.stderr
    assert "entity 'no-such-entity' is not defined" in result.stderr
    assert (curator / "facts.toml").read_bytes() == before
    assert not [p for p in curator.iterdir() if p.name.endswith(".cqfacts-tmp")]
    mode = stat.S_IMODE((curator / "sources" / f"{SOURCE_ID}.txt").stat().st_mode)
    assert mode & 0o044  # an archive is readable like any file the curator makes, not private to a temp file


def test_adding_to_the_shipped_base_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    result = add_source()
    assert result.exit_code == 2
    assert "start one with 'cqfacts init'" in result.stderr or "not edited" in result.stderr


def test_an_id_cannot_leave_the_sources_folder(curator):
    result = run("source", "add", "article.txt", "--id", "../../escape", "--publisher", "P", "--site", "S",
                 "--published", "2024-05-06")
    assert result.exit_code == 2 and "--id '../../escape'" in result.stderr
    assert not (curator.parent / "escape.txt").exists()


@needs_source()
def test_the_shipped_archive_in_the_repo_is_byte_identical_to_the_shared_one():
    assert (REPO / "sources" / SOURCE_TEXT.name).read_bytes() == SOURCE_TEXT.read_bytes()
    assert f'archive = "sources/{SOURCE_TEXT.name}"' in (REPO / "facts.toml").read_text("utf-8")


# --- Finding quotes as people type them: properties ---------------------------------------------------

TYPED = st.text(alphabet=st.sampled_from(list("ab “”\"'’–-—\n\t.")), max_size=40)


@given(TYPED, st.integers(0, 40), st.integers(1, 40))
def test_any_stretch_of_a_paragraph_is_found_with_the_paragraphs_own_characters(paragraph, start, length):
    quote = paragraph[start:start + length]
    if not fold(quote)[0]:
        return
    found = find([paragraph], quote)
    assert found
    for number, exact in found:
        assert number == 1 and exact in paragraph
        assert fold(exact)[0] == fold(quote)[0]


@given(st.text(max_size=60), st.text(max_size=60))
def test_difference_never_fails_and_marks_a_character(quote, passage):
    text = difference(quote, passage)
    assert text == "they differ only in spacing" or "[" in text
