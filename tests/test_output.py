"""Output for people and scripts, through the CLI: formats, fields, fitted tables, colour, and fact text
that is data (never markup, never raw control characters) in every format.

The fact bases here are small TOML files written into tmp_path; ``write_base`` is shared with the other
output tests.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import run

SOURCE = """schema_version = 1

[sources.src-a]
title = "Rising industries of a river city"
short_title = "River city"
site = "City Daily"
publisher = "City Daily Press"
authors = [{ family = "Wang", given = "Jiaxi" }]
published = 2024-03-31T23:44:00
language = "en"
original_language = "zh"
url = "https://example.org/river-city"
accessed = 2025-01-05
archive = "river-city.txt"

[entities.chongqing]
name = "Chongqing"
printed = "Chungking"
aliases = ["重庆"]
type = "place"
"""

PLAIN_FACTS = {
    "nev-output-2023": {
        "statement": "In 2023, the city made more than 500,000 new energy vehicles, ranking second in China.",
        "quote": "the production and sales of new energy vehicles will exceed the 500,000 mark",
        "paragraph": 12, "kind": "result", "period": "2023", "tags": ["nev", "rankings"], "entities": ["chongqing"],
        "figures": [{"value": 500000, "unit": "vehicles", "comparator": "more-than", "measure": "NEV output"}],
    },
    "supporting-rate-2025": {
        "statement": "The local supporting rate of NEV parts is expected to rise from about 30% to more than 50% by 2025.",
        "quote": "is expected to increase from about 30% currently to more than 50% by 2025",
        "paragraph": 20, "kind": "forecast", "period": "2024/2025", "tags": ["nev"],
        "figures": [{"value": 50, "unit": "percent", "comparator": "more-than",
                     "baseline": {"value": 30, "comparator": "about", "period": "2024"}}],
        "speaker": {"name": "Lan Feng", "role": "director", "organization": "City Commission"},
        "note": "The baseline year is inferred from 'currently'.",
    },
    "satellites-launch-2024-01-05": {
        "statement": "Eleven weather satellites were launched on 5 January 2024.",
        "quote": "eleven satellites were launched",
        "paragraph": 30, "kind": "event", "date": "2024-01-05", "tags": ["satellites"],
    },
}

MARKUP = "Bold [bold]x[/bold] close [/x] emoji :smile: link [link=https://evil.example]x[/link] end"
ESCAPES = ("red \x1b[31mRED\x1b[0m osc \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 bell \x07 csi \x9b31m "
           "cr \r nul \x00 del \x7f rlo \u202e end")
# What a terminal would act on. Rich's own colour and style codes (CSI ... m) are allowed; nothing else.
RAW_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OWN_SGR_RE = re.compile(r"\x1b\[[0-9;]*m")


def toml_value(value: Any) -> str:
    """A TOML value; JSON's string escapes (\\uXXXX, \\n, \\") are valid TOML basic-string escapes."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value  # a TOML date
    return json.dumps(value)


def write_base(tmp_path: Path, facts: dict[str, dict[str, Any]], name: str = "base.toml",
               header: str = SOURCE) -> Path:
    """A fact base file with the test source and these facts (source and quote filled in when missing)."""
    parts = [header]
    for fact_id, fields in facts.items():
        fields = {"quote": "q", "source": "src-a", "paragraph": 1, "kind": "result", **fields}
        parts.append(f"\n[facts.{fact_id}]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in fields.items()))
    path = tmp_path / name
    path.write_text("".join(parts), encoding="utf-8")
    return path


@pytest.fixture
def plain(tmp_path: Path) -> str:
    return str(write_base(tmp_path, PLAIN_FACTS))


@pytest.fixture
def hostile(tmp_path: Path) -> str:
    return str(write_base(tmp_path, {
        "markup": {"statement": MARKUP, "quote": MARKUP, "tags": ["nev"]},
        "escapes": {"statement": ESCAPES, "quote": ESCAPES, "tags": ["nev"], "note": ESCAPES},
    }))


def screen(text: str) -> str:
    """What a person reads: the text without Rich's style codes (NO_COLOR keeps bold, as the standard allows)."""
    return OWN_SGR_RE.sub("", text)


def colour_codes(text: str) -> list[str]:
    """The SGR parameters that set a colour (foreground or background) in text."""
    found = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        for p in filter(None, params.split(";")):
            n = int(p)
            if 30 <= n <= 38 or 40 <= n <= 48 or 90 <= n <= 97 or 100 <= n <= 107:
                found.append(p)
    return found


# --- Machine formats ---------------------------------------------------------------------------------

def test_json_is_an_array_of_whole_facts(plain):
    result = run("list", "--facts", plain, "--json")
    assert result.exit_code == 0, result.stderr
    facts = result.json()
    assert [f["id"] for f in facts] == list(PLAIN_FACTS)
    rate = facts[1]
    assert rate["speaker"] == {"name": "Lan Feng", "role": "director", "organization": "City Commission"}
    assert rate["figures"][0]["baseline"] == {"value": 30, "comparator": "about", "period": "2024"}
    assert facts[0]["entities"] == [{"id": "chongqing", "name": "Chongqing", "printed": "Chungking",
                                     "aliases": ["重庆"], "type": "place"}]
    assert facts[2]["date"] == "2024-01-05" and facts[2]["period"] is None
    assert result.stderr == ""


def test_format_json_is_the_same_as_json(plain):
    assert run("list", "--facts", plain, "--format", "json").stdout == run("list", "--facts", plain, "--json").stdout


@pytest.mark.parametrize("args", [("--json",), ("--format", "json")])
def test_nothing_found_is_an_empty_array_and_exit_1(plain, args):
    result = run("list", "--facts", plain, "--tag", "no-such-tag", *args)
    assert result.exit_code == 1
    assert result.json() == []


def test_ndjson_is_one_fact_per_line(plain):
    result = run("list", "--facts", plain, "--format", "ndjson")
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == list(PLAIN_FACTS)


def test_csv_has_a_header_and_quotes_commas(plain):
    result = run("list", "--facts", plain, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "statement", "figure", "when"]
    assert rows[1] == ["nev-output-2023", PLAIN_FACTS["nev-output-2023"]["statement"], "more than 500,000 vehicles",
                       "2023"]
    assert rows[2][2] == "about 30% → more than 50%"
    assert rows[3][3] == "2024-01-05"


def test_csv_with_no_rows_still_has_its_header(plain):
    result = run("list", "--facts", plain, "--tag", "none", "--format", "csv", "--fields", "id,kind")
    assert (result.exit_code, result.stdout) == (1, "id,kind\n")


def test_tsv_is_one_row_per_fact_without_header(plain):
    result = run("list", "--facts", plain, "--format", "tsv", "--fields", "id,kind,tags,when")
    assert result.stdout.splitlines() == [
        "nev-output-2023\tresult\tnev; rankings\t2023",
        "supporting-rate-2025\tforecast\tnev\t2024/2025",
        "satellites-launch-2024-01-05\tevent\tsatellites\t2024-01-05",
    ]


def test_markdown_is_a_table_with_pipes_escaped(tmp_path):
    base = write_base(tmp_path, {"pipes": {"statement": "Either a | b, or c."}})
    result = run("list", "--facts", str(base), "--format", "markdown", "--fields", "id,statement")
    assert result.stdout.splitlines() == ["| ID | Statement |", "| --- | --- |", "| pipes | Either a \\| b, or c. |"]


def test_fields_pick_and_order_columns_in_every_format(plain):
    assert run("list", "--facts", plain, "--fields", "kind,id").stdout.splitlines()[0] == "result\tnev-output-2023"
    assert run("list", "--facts", plain, "--json", "--fields", "kind,id").json()[0] == {
        "kind": "result", "id": "nev-output-2023"}
    table = screen(run("list", "--facts", plain, "--fields", "kind,id", tty=True).stdout)
    assert table.splitlines()[0].split() == ["Kind", "ID"]


@pytest.mark.parametrize("command", [("list",), ("show", "nev-output-2023"), ("sources",), ("tags",), ("stats",)])
def test_an_unknown_field_exits_2_and_lists_the_valid_ones(plain, command):
    result = run(*command, "--facts", plain, "--fields", "colour")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("cqfacts: error: unknown field 'colour'; valid fields: ")
    assert len(result.stderr.splitlines()) == 1


def test_an_unknown_format_exits_2_and_lists_the_formats(plain):
    result = run("list", "--facts", plain, "--format", "xml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "cqfacts: error: unknown format 'xml'; choose one of table, json, ndjson, csv, tsv, markdown\n"


def test_json_and_another_format_disagree(plain):
    result = run("list", "--facts", plain, "--json", "--format", "csv")
    assert result.exit_code == 2
    assert "--json and --format csv disagree" in result.stderr


# --- For people: tables and panels --------------------------------------------------------------------

def test_in_a_pipe_without_a_format_rows_are_plain_tab_separated(plain):
    result = run("list", "--facts", plain, env={"NO_COLOR": None, "FORCE_COLOR": None})
    assert result.stdout.splitlines()[0] == (
        "nev-output-2023\t" + PLAIN_FACTS["nev-output-2023"]["statement"] + "\tmore than 500,000 vehicles\t2023")
    assert "\x1b" not in result.stdout and "─" not in result.stdout
    assert all(line.count("\t") == 3 for line in result.stdout.splitlines())


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_on_a_terminal_the_table_fills_the_width_and_wraps_the_statement(plain, width):
    out = screen(run("list", "--facts", plain, tty=True, env={"COLUMNS": str(width)}).stdout)
    lines = out.splitlines()
    assert lines[0].split()[:2] in (["ID", "Statement"], ["ID", "/"])  # side by side, or the id above
    assert "─" * 10 in out
    assert max(len(line) for line in lines) <= width
    for fact_id in PLAIN_FACTS:  # never split, at any width
        assert any(line.split()[:1] == [fact_id] for line in lines), fact_id
    words = " ".join(out.split())
    statement = PLAIN_FACTS["supporting-rate-2025"]["statement"]
    wrapped = width < 140
    assert (statement in out) is not wrapped
    assert all(word in words for word in statement.split())


def test_a_wide_terminal_gives_the_statement_the_room(plain):
    narrow = screen(run("list", "--facts", plain, tty=True, env={"COLUMNS": "80"}).stdout).splitlines()
    wide = screen(run("list", "--facts", plain, tty=True, env={"COLUMNS": "160"}).stdout).splitlines()
    assert len(wide) < len(narrow)
    assert max(map(len, wide)) == 160  # the longest statement wraps exactly at the edge


LONG_ID = "a-very-long-fact-identifier-that-goes-on-and-on"  # 47 characters, as long as the longest shipped id
LONG_STATEMENT = ("A statement that must stay readable however long the identifier is, so it gets forty columns "
                  "or more on an eighty-column terminal, and the identifier is never split.")


@pytest.mark.parametrize("width", [60, 80, 100])
def test_a_long_id_is_never_split_and_the_statement_keeps_forty_columns(tmp_path, width):
    base = write_base(tmp_path, {LONG_ID: {"statement": LONG_STATEMENT, "period": "2023",
                                           "figures": [{"value": 3, "unit": "percent"}]}})
    out = screen(run("list", "--facts", str(base), tty=True, env={"COLUMNS": str(width)}).stdout)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    assert any(line.split()[:1] == [LONG_ID] for line in lines)  # whole, on one line
    statement_lines = [line for line in lines if any(w in line for w in ("readable", "columns", "terminal"))]
    widest = max(len(line.strip()) for line in statement_lines)
    assert widest >= 35 and " ".join(" ".join(statement_lines).split()).count("A statement that must") == 1
    assert "forty" in out and "split." in out  # nothing of the statement is lost


def test_the_layout_gives_the_statement_forty_columns_beside_or_below_the_id():
    from cqfacts.table import plan
    from cqfacts.views import fact_view

    view = fact_view()
    columns = view.pick(None)
    record = {"id": LONG_ID, "statement": LONG_STATEMENT, "figures": [], "kind": "result", "period": "2023"}
    rows = [[c.get(record) if isinstance(c.get(record), str) else "" for c in columns]]
    for width in (60, 80, 100, 120, 200):
        layout = plan(columns, rows, width)
        got = dict(zip(layout.kept, layout.widths, strict=True))
        assert sum(layout.widths) + 3 * (len(layout.kept) - 1) <= width
        assert got[1] >= 40  # the statement
        if not layout.stacked:
            assert got[0] == len(LONG_ID)  # the id, whole


def test_the_figure_column_shows_every_figure_of_a_fact(tmp_path):
    base = write_base(tmp_path, {"two-figures": {"statement": "Output rose and exports doubled.", "figures": [
        {"value": 500000, "unit": "vehicles", "comparator": "more-than"},
        {"value": 2, "unit": "times", "comparator": "about"}]}})
    tsv = run("list", "--facts", str(base), "--fields", "id,figure").stdout
    assert tsv == "two-figures\tmore than 500,000 vehicles; about 2 times\n"
    table = " ".join(screen(run("list", "--facts", str(base), tty=True).stdout).split())
    assert "more than 500,000 vehicles; about 2 times" in table


def test_a_huge_cell_is_cut_with_an_ellipsis_in_tables_only(tmp_path):
    from cqfacts.table import MAX_CELL

    huge = "word " * 2_000_000  # 10 MB
    base = write_base(tmp_path, {"huge": {"statement": huge.strip(), "note": huge.strip()}})
    table = run("list", "--facts", str(base), "--no-cache", tty=True, env={"COLUMNS": "80"})
    assert table.exit_code == 0
    text = screen(table.stdout)
    assert "…" in text and len(text) < 4 * MAX_CELL  # a few screens, not 10 MB
    assert len(text.splitlines()) < MAX_CELL // 20
    whole = run("list", "--facts", str(base), "--no-cache", "--json").json()
    assert whole[0]["statement"] == huge.strip()  # the other formats are whole
    tsv = run("list", "--facts", str(base), "--no-cache", "--fields", "statement").stdout
    assert tsv == huge.strip() + "\n"


def test_an_empty_table_is_a_notice_on_stderr(plain):
    result = run("list", "--facts", plain, "--tag", "none", tty=True)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "cqfacts: no facts found\n")


def test_show_on_a_terminal_is_a_panel_with_everything_known(plain):
    result = run("show", "supporting-rate-2025", "--facts", plain, tty=True)
    out = screen(result.stdout)
    assert result.exit_code == 0
    assert out.startswith("╭─ supporting-rate-2025 ")
    assert max(len(line) for line in out.splitlines()) == 120
    text = " ".join(out.replace("│", " ").split())
    for expected in ("The local supporting rate of NEV parts is expected",
                     "“is expected to increase from about 30% currently",
                     "Kind forecast", "When 2024/2025", "Speaker Lan Feng, director, City Commission",
                     "Figure about 30% → more than 50%", "Paragraph 20", "Tags nev",
                     "Source Rising industries of a river city (City Daily, 2024-03-31)",
                     "URL https://example.org/river-city", "Note The baseline year is inferred"):
        assert expected in text


def test_show_names_entities_with_all_their_names(plain):
    text = " ".join(screen(run("show", "nev-output-2023", "--facts", plain, tty=True).stdout).replace("│", " ").split())
    assert "Entity Chongqing (also: Chungking, 重庆)" in text


def test_show_several_ids_is_one_panel_each_in_order(plain):
    out = screen(run("show", "satellites-launch-2024-01-05", "nev-output-2023", "--facts", plain, tty=True).stdout)
    titles = [line for line in out.splitlines() if line.startswith("╭")]
    assert [t.split()[1] for t in titles] == ["satellites-launch-2024-01-05", "nev-output-2023"]


def test_show_in_a_pipe_or_with_a_format_prints_records(plain):
    assert run("show", "nev-output-2023", "--facts", plain).stdout.startswith("nev-output-2023\tIn 2023")
    assert run("show", "nev-output-2023", "--facts", plain, "--json").json()[0]["paragraph"] == 12
    fields = run("show", "nev-output-2023", "--facts", plain, "--fields", "id,paragraph", tty=True).stdout
    assert screen(fields).splitlines()[-1].split() == ["nev-output-2023", "12"]


# --- Fact text is data ---------------------------------------------------------------------------------

LITERALS = ("[bold]x[/bold]", "[/x]", ":smile:", "[link=https://evil.example]x[/link]")
COLOUR_ON = {"NO_COLOR": None, "FORCE_COLOR": "1"}  # Rich styles everything it can: markup would show


@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "json", "ndjson", "markdown"])
def test_markup_in_a_statement_prints_literally(hostile, fmt):
    result = run("list", "--facts", hostile, "--tag", "nev", "--format", fmt, "--fields", "id,statement", tty=True,
                 env=COLOUR_ON)
    assert result.exit_code == 0, result.stderr
    out = result.stdout if fmt not in ("json", "ndjson") else result.stdout.replace("\\/", "/")
    for literal in LITERALS:
        assert literal in out, (fmt, literal)
    assert "😄" not in out
    assert "\x1b]8;" not in out  # no hyperlink escape


def test_markup_in_a_panel_prints_literally(hostile):
    out = run("show", "markup", "--facts", hostile, tty=True, env=COLOUR_ON).stdout
    assert colour_codes(out)  # colour is on, so a bold or link from markup would show as codes
    for literal in LITERALS:
        assert literal in screen(out)
    assert "😄" not in out and "\x1b]8;" not in out


@pytest.mark.parametrize(("fmt", "command"), [(f, c) for f in ("table", "tsv", "csv", "markdown")
                                              for c in ("list", "show")])
def test_escape_sequences_never_reach_a_terminal(hostile, fmt, command):
    args = ("show", "escapes") if command == "show" else ("list", "--fields", "id,statement,quote,note")
    result = run(*args, "--facts", hostile, "--format", fmt, tty=True, env=COLOUR_ON)
    assert result.exit_code == 0, result.stderr
    out = screen(result.stdout)
    assert not RAW_CONTROL_RE.findall(out.replace("\n", "")), repr(out)
    assert "RED" in out and "click" in out  # the text around the sequences is kept
    assert "\x1b[31m" not in result.stdout


def test_escape_sequences_in_a_panel_never_reach_a_terminal(hostile):
    out = run("show", "escapes", "--facts", hostile, tty=True, env=COLOUR_ON).stdout
    assert not RAW_CONTROL_RE.findall(screen(out).replace("\n", ""))
    assert "red RED osc click bell ? csi cr" in " ".join(screen(out).split())


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_json_keeps_control_characters_exactly_but_escaped(hostile, fmt):
    result = run("list", "--facts", hostile, "--format", fmt)
    assert not RAW_CONTROL_RE.findall(result.stdout.replace("\n", ""))
    rows = result.json() if fmt == "json" else [json.loads(line) for line in result.stdout.splitlines()]
    escapes = next(r for r in rows if r["id"] == "escapes")
    assert escapes["statement"] == ESCAPES and escapes["note"] == ESCAPES
    assert "\\u001b[31mRED" in result.stdout and "\\u009b31m" in result.stdout and "\\u202e" in result.stdout


def test_an_error_message_cannot_carry_escape_sequences(plain):
    result = run("show", "x\x1b[31mred\x07", "--facts", plain)
    assert result.exit_code == 2
    assert not RAW_CONTROL_RE.findall(result.stderr.replace("\n", ""))
    assert result.stderr.startswith("cqfacts: error: unknown fact id 'x\\x1b[31mred\\x07'")


# --- Colour --------------------------------------------------------------------------------------------

def test_colour_on_a_terminal_by_default(plain):
    out = run("list", "--facts", plain, tty=True, env={"NO_COLOR": None}).stdout
    assert colour_codes(out)  # the baseline the next tests switch off


def test_no_color_environment_variable(plain):
    out = run("list", "--facts", plain, tty=True, env={"NO_COLOR": "1"}).stdout
    assert not colour_codes(out)


def test_no_color_option_beats_force_color(plain):
    out = run("--no-color", "list", "--facts", plain, tty=True, env={"NO_COLOR": None, "FORCE_COLOR": "1"}).stdout
    assert not colour_codes(out)
    assert "nev-output-2023" in out


def test_no_color_option_in_a_panel(plain):
    out = run("--no-color", "show", "nev-output-2023", "--facts", plain, tty=True, env={"NO_COLOR": None}).stdout
    assert not colour_codes(out) and "╭" in out


def test_force_color_colours_a_table_in_a_pipe(plain):
    out = run("list", "--facts", plain, "--format", "table", env={"NO_COLOR": None, "FORCE_COLOR": "1"}).stdout
    assert colour_codes(out)


def test_force_color_does_not_turn_a_pipe_into_a_table(plain):
    out = run("list", "--facts", plain, env={"NO_COLOR": None, "FORCE_COLOR": "1"}).stdout
    assert "\x1b" not in out and out.count("\t") == 9


def test_term_dumb_gets_no_escape_sequences_at_all(plain):
    out = run("list", "--facts", plain, tty=True, env={"NO_COLOR": None, "TERM": "dumb"}).stdout
    assert "\x1b" not in out
    assert "nev-output-2023" in out
