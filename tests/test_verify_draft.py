"""cqfacts verify: a writer's draft checked against the shipped fact base, through the real entry point.

The drafts in tests/data/drafts are written from real facts of facts.toml and the archived article:
clean.md is correct throughout (paraphrase, years, dates, paragraph numbers, figures written another
way) and must pass; mistakes.md makes each mistake at least twice; notes.txt is plain text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, run
from test_scripting import documented, validate

DRAFTS = DATA / "drafts"
CLEAN, MISTAKES, NOTES = (str(DRAFTS / name) for name in ("clean.md", "mistakes.md", "notes.txt"))


def findings(*args: str, input: str = "") -> list[dict]:
    result = run("verify", *args, "--json", input=input)
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def test_a_clean_draft_has_no_error_no_warning_and_exits_0():
    result = run("verify", CLEAN, "--strict")
    assert result.exit_code == 0, result.stdout
    rows = findings(CLEAN)
    assert {r["status"] for r in rows} == {"verbatim", "matches"}
    assert sum(r["kind"] == "quotation" for r in rows) >= 3 and sum(r["kind"] == "figure" for r in rows) >= 10
    said = {r["text"]: r["fact"] for r in rows if r["kind"] == "figure"}
    # The same values written another way than the fact base writes them.
    assert said["more than half a million new energy vehicles"] == "nev-production-sales-2023"
    assert said["76.9bn yuan"] == "display-output-2023"
    assert said["3.2 per cent"] == "industrial-added-value-growth-2023"
    assert said["About two-thirds"] == "china-share-global-nev-sales"
    assert said["exceed 2.2 trillion yuan"] == "electronics-cluster-target-2025"  # a target, said as one
    quoted = {r["text"]: r["fact"] for r in rows if r["kind"] == "quotation"}
    assert quoted["[Chongqing] has built a 500 billion-level industrial cluster for smart terminals"] == \
        "smart-terminal-cluster-500-billion"  # an insertion in brackets
    # Years, dates, list numbers and paragraph numbers are not figures.
    assert not [t for t in said if any(n in t for n in ("2023", "2024", "2025", "31 March", "21", "47"))]


MISTAKES_FOUND = [
    (3, "quotation", "altered", "nev-production-sales-2023"),
    (4, "quotation", "altered", "china-share-global-nev-sales"),
    (5, "quotation", "unbacked", None),
    (6, "quotation", "unbacked", None),
    (8, "figure", "differs", "display-output-2023"),
    (9, "figure", "differs", "seres-exports-germany-france"),
    (10, "figure", "unbacked", None),
    (10, "figure", "unbacked", None),
    (12, "figure", "comparator", "deepal-southeast-asia-orders"),
    (13, "figure", "comparator", "china-share-global-nev-sales"),
    (15, "figure", "forecast-as-result", "nev-local-supporting-rate-2025"),
    (16, "figure", "forecast-as-result", "digital-bill-financing-estimate"),
    (18, "quotation", "verbatim", "nev-rise-model-new-productive-forces"),
    (18, "citation", "locator", "nev-rise-model-new-productive-forces"),
    (19, "figure", "matches", "tianmu-1-satellites-in-orbit"),
    (19, "citation", "locator", "tianmu-1-satellites-in-orbit"),
    (20, "citation", "unbacked", None),
    (20, "citation", "unbacked", None),
]


def test_each_mistake_is_found_where_it_is_made():
    result = run("verify", MISTAKES)
    assert result.exit_code == 1
    rows = findings(MISTAKES)
    assert [(r["line"], r["kind"], r["status"], r["fact"]) for r in rows] == MISTAKES_FOUND


def test_findings_say_what_the_fact_base_has_instead():
    by_line = {(r["line"], r["status"]): r for r in findings(MISTAKES)}
    assert by_line[3, "altered"]["message"].endswith(": will exceed → exceeded")
    assert by_line[4, "altered"]["message"].endswith(": china → chongqing")
    assert by_line[8, "differs"]["expected"] == "76.9 billion yuan"
    assert by_line[9, "differs"]["message"] == ("fact seres-exports-germany-france says more than 20,000 vehicles; "
                                                "the draft says 'more than 30,000 vehicles'")
    assert by_line[12, "comparator"]["expected"] == "more than 3,000 units"
    assert by_line[15, "forecast-as-result"]["expected"].startswith("the localized supporting rate")
    assert by_line[18, "locator"]["expected"] == "para. 5" and by_line[18, "locator"]["paragraph"] == 5
    assert by_line[19, "locator"]["message"] == ("cites para. 9; the figure is in para. 21 "
                                                 "(fact tianmu-1-satellites-in-orbit)")
    assert [r["text"] for r in findings(MISTAKES) if r["line"] == 20] == ["[@xinhua2024rising]", "(Smith, 2021)"]


def test_text_output_is_one_linter_line_per_finding_in_reading_order():
    result = run("verify", MISTAKES)
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{MISTAKES}:3:27: quotation altered: differs from fact nev-production-sales-2023 "
                        "(cqgov-2024-03-31, para. 12): will exceed → exceeded")
    assert f"{MISTAKES}:8:56: figure differs: fact display-output-2023 says 76.9 billion yuan; " \
           "the draft says '80 billion yuan'" in lines
    assert len(lines) == len(MISTAKES_FOUND)
    assert result.stderr.startswith("cqfacts: 1 verbatim, 1 matches, 6 unbacked, 2 altered")


def test_line_and_column_point_at_the_words_found():
    for path in (CLEAN, MISTAKES, NOTES):
        lines = Path(path).read_text("utf-8").splitlines()
        for row in findings(path):
            at = lines[row["line"] - 1][row["column"] - 1:]
            if row["kind"] == "quotation":
                assert at[0] in "“\"" or lines[row["line"] - 1].startswith(">"), row
            elif row["status"] != "forecast-as-result":
                assert at.startswith(row["text"]), row


def test_figures_the_base_does_not_hold_are_warnings_not_errors():
    draft = ("Chongqing’s GDP grew 6.1% in 2023. Retail sales in Chongqing rose 8% in 2023.\n"
             "Chongqing exported 1.2 million cars in 2023. The city has 32 million residents.\n"
             "Industrial output in Chongqing grew 5% in 2022. Sales of the firm grew 50% in 2023.\n")
    result = run("verify", "-", input=draft)
    assert result.exit_code == 0
    assert [line.split(": ")[1] for line in result.stdout.splitlines()] == ["figure unbacked"] * 6


def test_quiet_prints_only_errors():
    result = run("verify", MISTAKES, "--quiet")
    assert result.exit_code == 1
    statuses = {line.split(": ")[1].split()[1] for line in result.stdout.splitlines()}
    assert statuses == {"altered", "differs", "comparator", "forecast-as-result", "locator"}
    assert run("verify", CLEAN, "--quiet").stdout == ""


def test_strict_fails_on_warnings():
    draft = "“Chongqing will become the world’s largest carmaker within five years,” one analyst said.\n"
    assert run("verify", "-", input=draft).exit_code == 0
    assert run("verify", "-", "--strict", input=draft).exit_code == 1


def test_plain_text_from_stdin_and_several_files():
    rows = findings("-", CLEAN, input=Path(NOTES).read_text("utf-8"))
    notes = [(r["line"], r["kind"], r["status"], r["fact"]) for r in rows if r["file"] == "<stdin>"]
    assert notes == [(3, "figure", "matches", "seres-exports-germany-france"),
                     (4, "figure", "differs", "tianmu-1-satellites-in-orbit"),
                     (4, "figure", "matches", "tianmu-1-satellites-in-orbit"),
                     (5, "quotation", "verbatim", "tianmu-1-networking-record")]
    assert {r["file"] for r in rows} == {"<stdin>", CLEAN}


def test_json_follows_the_published_schema():
    rows = findings(MISTAKES) + findings(CLEAN) + findings(NOTES)
    validate(rows, "finding")
    for row in rows:
        assert set(row) <= documented("finding")
    ndjson = run("verify", MISTAKES, "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in ndjson] == findings(MISTAKES)


def test_a_terminal_gets_a_summary_then_each_finding_with_the_fact_beneath():
    result = run("verify", MISTAKES, tty=True)
    assert result.exit_code == 1
    out = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # NO_COLOR keeps bold and italics
    assert "1 draft checked" in out and "forecast-as-result" in out.split("\n\n")[0]
    assert "  draft: Chongqing’s new display cluster" not in out  # the figure, not the sentence
    assert "  draft: 80 billion yuan\n  fact:  76.9 billion yuan" in out


def test_markdown_syntax_code_and_links_are_not_prose():
    draft = ("```\n“This quotation is inside a code block and not checked”\n```\n\n"
             "See [the article](https://example.org/2024/500000-vehicles) and `“a long quote in code here”`.\n"
             "<!-- “a long quotation in an HTML comment here” 80 billion yuan -->\n")
    assert findings("-", input=draft) == []


@pytest.mark.parametrize(("args", "message"), [
    (("verify", "missing.md"), "cannot read draft missing.md:"),
    (("verify", str(DRAFTS)), "is a folder"),
    (("verify", "-", "-"), "- (stdin) can be given once"),
    (("verify", CLEAN, "--format", "xml"), "unknown format 'xml'"),
])
def test_unreadable_drafts_and_bad_options_exit_2_with_one_line(args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.stderr and len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


def test_a_draft_that_is_not_utf8_exits_2(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("Chongqing’s output\n“Café au lait”".encode("cp1252"))
    result = run("verify", str(path))
    assert result.exit_code == 2 and "line 1 is not UTF-8 text" in result.stderr


def test_a_broken_fact_base_exits_2(tmp_path):
    bad = tmp_path / "facts.toml"
    bad.write_text("schema_version = 1\n[facts.x\n", encoding="utf-8")
    result = run("verify", CLEAN, "--facts", str(bad))
    assert result.exit_code == 2 and str(bad) in result.stderr


@given(st.text(max_size=400) | st.lists(st.sampled_from(
    ["“", "”", '"', "‘", "’", "> ", "\n", "\n\n", "[@", "]", "(", ")", "para. 12", "more than ", "500,000 ",
     "vehicles", " billion yuan", "…", "[…]", "# ", "```", "76.9bn", "In 2023, ", "will exceed the "]),
    max_size=40).map("".join))
def test_any_draft_is_checked_without_an_error(text):
    from cqfacts.cache import load
    from cqfacts.draft import DraftChecker

    found = DraftChecker(load()).check("draft", text)
    assert all(f.line >= 1 and f.column >= 1 for f in found)


def test_the_readme_example_is_what_verify_prints(tmp_path, monkeypatch):
    from conftest import REPO

    section = (REPO / "README.md").read_text("utf-8").split("### `cqfacts verify", 1)[1].split("\n### ", 1)[0]
    draft = re.search(r"```markdown\n(.*?)```", section, re.DOTALL).group(1)
    shown = re.search(r"```console\n\$ cqfacts verify draft.md\n(.*?)```", section, re.DOTALL).group(1)
    (tmp_path / "draft.md").write_text(draft, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("verify", "draft.md")
    assert result.exit_code == 1
    assert result.stdout + result.stderr == shown


@pytest.mark.parametrize("style", ["apa", "mla", "chicago", "chicago-author-date", "harvard", "ieee"])
def test_what_cqfacts_cite_prints_verifies_without_an_error(style):
    cited = run("cite", "tianmu-1-satellites-in-orbit", "display-output-2023", "--style", style, "--format", "markdown")
    assert cited.exit_code == 0
    result = run("verify", "-", input=cited.stdout)
    assert result.exit_code == 0, result.stdout
    assert "quotation verbatim: quotes fact tianmu-1-satellites-in-orbit" in result.stdout


def test_a_locator_may_name_a_range_and_a_value_alone_never_faults_one():
    draft = ("“It took only one year to set a new national record” [@cqgov2024newchongqing, paras. 21–23].\n"
             "The rate reached 3.2% last year (Chongqing Municipal People’s Government, 2024, para. 5).\n")
    result = run("verify", "-", "--strict", input=draft)
    assert result.exit_code == 0, result.stdout
