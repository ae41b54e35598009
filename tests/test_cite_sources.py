"""The source format: CSL item types, where a work appears, names written family name first, partial and
missing dates. Driven through `cqfacts check` and `cqfacts sources --json` as a curator would use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run

HEAD = "schema_version = 1\n\n[sources.s]\n"
FACT = '\n[facts.f]\nstatement = "S."\nquote = "Q."\nsource = "s"\nparagraph = 1\nkind = "result"\n'

# The fewest keys each type needs (besides title, authors and language, which every source needs).
MINIMAL = {
    "webpage": 'site = "Example Site"',
    "post": 'container_title = "Example Blog"',
    "article-newspaper": 'container_title = "Example Daily"',
    "article-magazine": 'container_title = "Example Monthly"',
    "article-journal": 'container_title = "Journal of Examples"',
    "report": "",
    "book": 'publisher = "Example Press"',
    "chapter": 'container_title = "An Edited Book"\npublisher = "Example Press"',
}


def base(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "facts.toml"
    path.write_text(HEAD + 'title = "A title"\nauthors = [{ family = "Wang", given = "Jiaxi" }]\nlanguage = "en"\n'
                    + body + "\n" + FACT, encoding="utf-8")
    return path


def check(path: Path) -> tuple[int, list[str]]:
    result = run("check", str(path))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout.splitlines()


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_each_type_with_its_required_keys_passes(tmp_path: Path, kind: str) -> None:
    type_line = "" if kind == "webpage" else f'type = "{kind}"\n'
    path = base(tmp_path, type_line + MINIMAL[kind])
    assert check(path) == (0, [])
    [row] = run("sources", "--facts", str(path), "--json").json()
    assert row["type"] == kind and "published" not in row  # no date: the source is undated, nothing invented


def test_site_is_the_container_title_of_a_web_page(tmp_path: Path) -> None:
    [row] = run("sources", "--facts", str(base(tmp_path, MINIMAL["webpage"])), "--json").json()
    assert row["container_title"] == row["site"] == "Example Site"


# Each broken source, the key whose line the message names (None: the table's header line), and the message.
BROKEN = [
    ('type = "article-journal"\nsite = "J"', "site",
     "site is the name of a web page's site; for a article-journal write container_title = \"...\" (the journal)"),
    ('type = "article-newspaper"', None,
     "missing required key container_title (the newspaper a article-newspaper appears in)"),
    ("", None, "missing required key site = \"...\" or container_title (the site a webpage appears in)"),
    ('type = "book"', None, "missing required key publisher (a book source needs it)"),
    ('site = "S"\nvolume = 3', "volume",
     "volume does not apply to a webpage source; it is for article-magazine, article-journal, book, chapter "
     "(set type = \"...\")"),
    ('type = "report"\ncontainer_title = "Series"', "container_title",
     "container_title does not apply to a report source; it is for webpage, post, article-newspaper, "
     "article-magazine, article-journal, chapter (set type = \"...\")"),
    ('site = "S"\ncontainer_title = "S"', "site", "give container_title or its older name site, not both"),
    ('type = "article"\nsite = "S"', "type",
     "type: 'article' is not one of webpage, post, article-newspaper, article-magazine, article-journal, report, "
     "book, chapter (did you mean 'article-journal'?)"),
    ('type = "article-journal"\ncontainer_title = "J"\ndoi = "https://doi.org/10.1234/abc"', "doi",
     "doi: 'https://doi.org/10.1234/abc' is not a DOI; write it alone, as 10.1234/abc (no https://doi.org/)"),
    ('site = "S"\npublished = "2024-13"', "published",
     "published: '2024-13' is not a date; write 2024-03-31 (a TOML date), or \"2024\" or \"2024-03\" when only "
     "the year or month is printed"),
    ('type = "article-journal"\ncontainer_title = "J"\nvolume = -3', "volume", "volume: must not be negative"),
    ('site = "S"\neditors = [{ family = "Li", family_first = true }]', "editors",
     "editors: family_first = true needs both family and given (\"Li Wei\" is family = \"Li\", given = \"Wei\")"),
    ('site = "S"\neditors = [{ family = "Li", given = "Wei", family_first = "yes" }]', "editors",
     "editors[0].family_first: must be true or false, not a string"),
]


@pytest.mark.parametrize(("body", "key", "message"), BROKEN, ids=[m[:40] for _, _, m in BROKEN])
def test_a_source_that_breaks_its_type_names_file_line_and_fix(tmp_path: Path, body: str, key: str | None,
                                                               message: str) -> None:
    path = base(tmp_path, body)
    lines = path.read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith(f"{key} =")) if key else 3
    code, out = check(path)
    assert code == 2
    assert any(text.startswith(f"{path}:{line}: sources.s: {message}") for text in out), out


def test_numbers_may_be_written_as_numbers_and_dates_as_a_year(tmp_path: Path) -> None:
    path = base(tmp_path, 'type = "article-journal"\ncontainer_title = "J"\nvolume = 12\nissue = "3"\n'
                          'page = "45–67"\npublished = "2023"\ndoi = "10.1234/abc.5"')
    assert check(path) == (0, [])
    [row] = run("sources", "--facts", str(path), "--json").json()
    assert (row["volume"], row["issue"], row["page"], row["published"], row["doi"]) == (
        "12", "3", "45–67", "2023", "10.1234/abc.5")


def test_a_name_written_family_name_first_is_shown_as_written(tmp_path: Path) -> None:
    path = base(tmp_path, 'site = "S"').read_text("utf-8").replace(
        '{ family = "Wang", given = "Jiaxi" }', '{ family = "Li", given = "Wei", family_first = true }')
    (tmp_path / "facts.toml").write_text(path, "utf-8")
    result = run("sources", "--facts", str(tmp_path / "facts.toml"), "--fields", "id,authors")
    assert result.stdout == "s\tLi Wei\n"
    [row] = run("sources", "--facts", str(tmp_path / "facts.toml"), "--json").json()
    assert row["authors"] == [{"family": "Li", "given": "Wei", "family_first": True}]
