"""The loader never crashes, hangs or points at the wrong line, whatever bytes a fact file holds.

Every case ends in one of two ways: a clean load (exit 0), or exit 2 with each problem on one line that names
the file and a line inside it. Hypothesis draws the inputs; ``HYPOTHESIS_PROFILE=long`` draws many more.
The shipped facts.toml is only ever read: mutations are written to a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import FACTS, Result, run, run_process
from cqfacts.loader import load, load_with_problems
from cqfacts.spec import ID_RE, KINDS, SPECS
from cqfacts.toml_text import tomllib

SHIPPED = FACTS.read_bytes()
SHIPPED_LINES = SHIPPED.decode("utf-8").splitlines(keepends=True)


# --- What every outcome must look like --------------------------------------------------------------------

def line_count(raw: bytes) -> int:
    """Lines as TOML counts them: only LF ends a line (CR LF too; U+2028 and friends do not)."""
    return raw.count(b"\n") + 1


def assert_located(result: Result, path: Path, raw: bytes) -> None:
    """`cqfacts check PATH`: exit 0 and an ok line, or exit 2 and every problem as PATH:LINE: on one line."""
    assert "Traceback" not in result.stdout + result.stderr
    assert "unexpected" not in result.stderr, result.stderr
    assert result.exit_code in (0, 2), result
    if result.exit_code == 0:  # warnings only (a copy of the shipped base has no sources/ beside it)
        assert all(": warning: " in line for line in result.stdout.splitlines()), result.stdout
        assert result.stderr.startswith("cqfacts: ok: ")
        return
    problems = result.stdout.splitlines()
    assert problems, result
    assert result.stderr.endswith(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found\n")
    for problem in problems:
        where = re.match(rf"{re.escape(str(path))}:(\d+): \S", problem)
        assert where, problem
        assert 1 <= int(where.group(1)) <= line_count(raw), (problem, line_count(raw))


def assert_one_line_error_or_output(result: Result, path: Path) -> None:
    """Any other command: its output, or exit 2 with one line on stderr naming the file and a line."""
    assert "Traceback" not in result.stdout + result.stderr
    assert "unexpected" not in result.stderr, result.stderr
    if result.exit_code == 2:
        assert result.stdout == ""
        assert re.fullmatch(rf"cqfacts: error: {re.escape(str(path))}:\d+: [^\n]+\n", result.stderr), result.stderr
    else:
        assert result.exit_code in (0, 1), result


def check_bytes(folder: Path, raw: bytes) -> Result:
    """Write RAW as a fact file, check it and list it; assert both outcomes are clean; return the check."""
    path = folder / "facts.toml"
    path.write_bytes(raw)
    result = run("check", str(path))
    assert_located(result, path, raw)
    assert_one_line_error_or_output(run("list", "--facts", str(path), "--format", "json"), path)
    assert path.read_bytes() == raw, "cqfacts changed the fact file"
    return result


def problem_lines(result: Result) -> set[int]:
    return {int(line.split(":")[1]) for line in result.stdout.splitlines() if ": warning: " not in line}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# --- Random TOML documents --------------------------------------------------------------------------------

def toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else "inf" if value == math.inf else "-inf" if value == -math.inf \
            else repr(value)
    if isinstance(value, (int, dt.date, dt.time)):
        return value.isoformat() if not isinstance(value, int) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(doc: dict[str, Any]) -> str:
    """TOML text for a document: plain keys first, then a [section] and a [section.ID] header per item."""
    lines = [f"{toml_string(k)} = {toml_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for section, items in doc.items():
        if not isinstance(items, dict):
            continue
        lines.append(f"[{toml_string(section)}]")
        lines += [f"{toml_string(k)} = {toml_value(v)}" for k, v in items.items() if not isinstance(v, dict)]
        for item_id, body in items.items():
            if isinstance(body, dict):
                lines.append(f"[{toml_string(section)}.{toml_string(item_id)}]")
                lines += [f"{toml_string(k)} = {toml_value(v)}" for k, v in body.items()]
    return "\n".join(lines) + "\n"


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
SCALARS = (TEXT | st.integers(-(2**63), 2**63 - 1) | st.floats() | st.booleans() | st.dates() | st.datetimes()
           | st.times())
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                      max_leaves=6)
KEYS = st.sampled_from(sorted({k for spec in SPECS.values() for k in spec})) | TEXT
IDS = st.from_regex(ID_RE, fullmatch=True) | TEXT
ITEMS = st.dictionaries(IDS, st.dictionaries(KEYS, VALUES, max_size=8) | VALUES, max_size=3)
DOCUMENTS = st.fixed_dictionaries({}, optional={
    "schema_version": st.just(1) | VALUES, "sources": ITEMS, "entities": ITEMS, "facts": ITEMS,
    "extra": VALUES,
})


@given(doc=DOCUMENTS)
def test_random_documents_load_or_name_file_and_line(folder, doc):
    check_bytes(folder, toml_document(doc).encode())


@given(text=st.text(st.characters(exclude_categories=("Cs",))))
def test_random_text_loads_or_names_file_and_line(folder, text):
    check_bytes(folder, text.encode())


SOURCE = {"title": "T", "site": "S", "publisher": "P", "authors": [{"organization": "P"}],
          "published": dt.date(2024, 3, 31), "language": "en"}
NONBLANK = TEXT.filter(str.strip)


@given(facts=st.dictionaries(st.from_regex(ID_RE, fullmatch=True), st.fixed_dictionaries(
    {"statement": NONBLANK, "quote": NONBLANK, "source": st.just("src"), "paragraph": st.integers(1, 10**6),
     "kind": st.sampled_from(KINDS)},
    optional={"note": NONBLANK, "tags": st.lists(st.from_regex(ID_RE, fullmatch=True), max_size=3),
              "figures": st.lists(st.fixed_dictionaries(
                  {"value": st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False),
                   "unit": NONBLANK}), max_size=2)}),
    min_size=1, max_size=4))
def test_valid_documents_load_exactly_what_they_say(folder, facts):
    """Escapes, control characters and any Unicode in values come back unchanged: nothing is mangled."""
    path = folder / "facts.toml"
    path.write_text(toml_document({"schema_version": 1, "sources": {"src": SOURCE}, "facts": facts}), "utf-8")
    base = load(path)
    assert list(base.facts) == list(facts)
    for fact_id, fact in facts.items():
        loaded = base.facts[fact_id]
        assert (loaded.statement, loaded.quote, loaded.paragraph, loaded.kind, loaded.note, list(loaded.tags)) == (
            fact["statement"], fact["quote"], fact["paragraph"], fact["kind"], fact.get("note"), fact.get("tags", []))
        assert [(f.value, f.unit) for f in loaded.figures] == [(f["value"], f["unit"]) for f in fact.get("figures", [])]


# What the loader accepts for a field, an independent oracle decides: the whole value matches, ASCII digits only.
ORACLES = {
    "tags": (lambda v: f"tags = [{toml_string(v)}]", re.compile(r"[a-z0-9][a-z0-9-]*")),
    "period": (lambda v: f"period = {toml_string(v)}", re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}(/[0-9]{4}(-[0-9]{2}){0,2})?")),
}


@given(field=st.sampled_from(sorted(ORACLES)),
       value=st.from_regex(r"\A[a-z0-9-]{1,6}\n?\Z") | st.from_regex(r"\A\d{4}(-\d\d)?\n?\Z") | TEXT)
def test_accepted_ids_and_periods_are_whole_and_ascii(folder, field, value):
    """A tag "nev\\n" or a period "٢٠٢٣" (Arabic-Indic digits) is an error, not a fact that half matches."""
    line, oracle = ORACLES[field]
    path = folder / "facts.toml"
    text = toml_document({"schema_version": 1, "sources": {"src": SOURCE}, "facts": {"f": {
        "statement": "S.", "quote": "Q.", "source": "src", "paragraph": 1, "kind": "result"}}}) + line(value) + "\n"
    path.write_text(text, "utf-8")
    _, problems = load_with_problems(path)
    if oracle.fullmatch(value):
        assert all(field not in p.message for p in problems), problems
    else:
        assert [p.line for p in problems if p.message.startswith(field)] == [text.count("\n")], problems


# --- The shipped fact base, mutated -----------------------------------------------------------------------

# Values of every TOML type; each is wrong for most keys of the schema.
OTHER_VALUES = ("1", "-7", "1.5", "nan", "inf", "true", '"text"', '""', '"   "', "[1, 2]", "[]", '["a", 3]',
                "{ a = 1 }", "{}", "2024-01-01", "2024-01-01T10:00:00Z", "10:00:00", "'literal'")
KEY_LINE_RE = re.compile(r"^([a-z_]+) = (.+)$")


def key_lines() -> list[int]:
    """Indexes of the shipped base's `key = value` lines whose value is complete on that line."""
    found = []
    for index, line in enumerate(SHIPPED_LINES):
        match = KEY_LINE_RE.match(line.rstrip("\n"))
        if match:
            try:
                tomllib.loads(line)
            except tomllib.TOMLDecodeError:
                continue
            found.append(index)
    return found


KEY_LINES = key_lines()
TABLE_STARTS = [i for i, line in enumerate(SHIPPED_LINES) if line.startswith("[")]


@st.composite
def mutations(draw: st.DrawFn) -> bytes:
    """The shipped base with one to four random edits of the kinds that break real files."""
    lines = list(SHIPPED_LINES)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "swap", "duplicate", "insert-line"]))
        if kind == "delete":
            start = draw(st.integers(0, len(lines) - 1))
            del lines[start:start + draw(st.integers(1, 8))]
        elif kind == "swap":
            index = draw(st.sampled_from(KEY_LINES))
            if index < len(lines) and "=" in lines[index]:
                lines[index] = lines[index].split("=", 1)[0] + "= " + draw(st.sampled_from(OTHER_VALUES)) + "\n"
        elif kind == "duplicate":
            start = draw(st.sampled_from(TABLE_STARTS))
            end = next((i for i in TABLE_STARTS if i > start), len(SHIPPED_LINES))
            lines.insert(draw(st.integers(0, len(lines))), "".join(SHIPPED_LINES[start:end]))
        else:
            lines.insert(draw(st.integers(0, len(lines))), draw(TEXT) + "\n")
    raw = "".join(lines).encode("utf-8")
    for _ in range(draw(st.integers(0, 2))):
        offset = draw(st.integers(0, len(raw)))
        raw = raw[:offset] + draw(st.binary(min_size=1, max_size=8)) + raw[offset:]
    if draw(st.booleans()):
        raw = raw.replace(b"\n", b"\r\n")
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    return raw


@given(raw=mutations())
def test_mutated_shipped_base_loads_or_names_file_and_line(folder, raw):
    check_bytes(folder, raw)


@given(index=st.sampled_from(KEY_LINES), value=st.sampled_from(OTHER_VALUES),
       noise=st.lists(st.sampled_from(['# """', "# '''", "# \u2028 \u2029 \x85", 'noise-a = """two\n[lines]"""',
                                       "# [facts.not-a-table]", 'noise-b = [\n  [1],\n]']), max_size=3, unique=True))
def test_a_wrong_value_is_reported_at_its_own_line(folder, index, value, noise):
    """Comments and strings that look like line breaks, headers or string delimiters do not shift the lines."""
    lines = list(SHIPPED_LINES)
    key = KEY_LINE_RE.match(lines[index]).group(1)  # type: ignore[union-attr]
    lines[index] = f"{key} = {value}\n"
    path = folder / "facts.toml"
    path.write_text("".join(lines), "utf-8")
    assume(load_with_problems(path)[1])  # the value can be right for the key: '"text"' is a good statement
    # Noise goes right after the edited line's table header (an unknown key is one more problem, elsewhere).
    header = max(i for i in [-1, *TABLE_STARTS] if i < index)
    for extra in noise:
        lines[header + 1:header + 1] = [part + "\n" for part in extra.split("\n")]
        index += 1 + extra.count("\n")
    result = check_bytes(folder, "".join(lines).encode())
    assert index + 1 in problem_lines(result), (lines[index], result.stdout)


def test_truncated_every_few_hundred_bytes(tmp_path):
    path = tmp_path / "facts.toml"
    for end in range(0, len(SHIPPED), 317):
        raw = SHIPPED[:end]
        path.write_bytes(raw)
        _, problems = load_with_problems(path)
        for problem in problems:
            assert problem.file == str(path)
            assert 1 <= problem.line <= line_count(raw), (end, problem)
            assert "\n" not in str(problem)


@given(offset=st.integers(0, len(SHIPPED) - 1), bad=st.sampled_from([b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80",
                                                                     b"\xc0\xaf", b"\xf8\x88\x80\x80\x80"]))
def test_invalid_utf8_names_the_line_of_the_bad_byte(folder, offset, bad):
    # Move the bad bytes to a character boundary so the reported byte is one that was inserted.
    while SHIPPED[offset] & 0xC0 == 0x80:
        offset -= 1
    raw = SHIPPED[:offset] + bad + SHIPPED[offset:]
    result = check_bytes(folder, raw)
    line = SHIPPED[:offset].count(b"\n") + 1
    assert result.stdout == (f"{folder / 'facts.toml'}:{line}: not valid UTF-8 "
                             f"(byte 0x{bad[0]:02x}); save the file as UTF-8\n")


def test_bom_and_crlf_load_the_same_base(tmp_path):
    shipped = load(FACTS)
    for raw in (b"\xef\xbb\xbf" + SHIPPED, SHIPPED.replace(b"\n", b"\r\n"),
                b"\xef\xbb\xbf" + SHIPPED.replace(b"\n", b"\r\n")):
        path = tmp_path / "facts.toml"
        path.write_bytes(raw)
        base = load(path)
        assert [base.fact_json(f) for f in base.facts.values()] == [shipped.fact_json(f) for f in shipped.facts.values()]


def test_duplicated_table_is_reported_at_the_second_header(tmp_path):
    start = next(i for i in TABLE_STARTS if SHIPPED_LINES[i].startswith("[facts."))
    end = next(i for i in TABLE_STARTS if i > start)
    raw = ("".join(SHIPPED_LINES) + "\n" + "".join(SHIPPED_LINES[start:end])).encode()
    result = check_bytes(tmp_path, raw)
    assert result.exit_code == 2
    assert problem_lines(result) == {len(SHIPPED_LINES) + 2}
    assert "ids must be unique" in result.stdout


# --- Big and deep: a real process with a timeout, so a hang fails instead of stalling CI --------------------

MB = 2**20
BIG = {
    "comment": lambda: SHIPPED + b"# " + b"x" * (20 * MB) + b"\n",
    "comment-lines": lambda: SHIPPED + b"# padding\n" * MB,
    "header-spaces": lambda: SHIPPED + b"[facts" + b" " * (20 * MB) + b".spaced]\n",
    "long-statement": lambda: SHIPPED.replace(b'statement = "', b'statement = "' + b"word " * (4 * MB), 1),
    "long-bad-kind": lambda: SHIPPED.replace(b'kind = "result"', b'kind = "' + b"z" * (20 * MB) + b'"', 1),
    "garbage": lambda: bytes(range(256)) * (20 * MB // 256),
    "deep-arrays": lambda: b"schema_version = 1\nx = " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "deep-inline-tables": lambda: b"schema_version = 1\nx = " + b"{a=" * 50_000 + b"1" + b"}" * 50_000 + b"\n",
    "deep-headers": lambda: b"schema_version = 1\n[" + b".".join([b"a"] * 200_000) + b"]\nb = 1\n",
    "many-headers": lambda: SHIPPED + b"".join(b"[x.a%d]\n" % i for i in range(150_000)),
}


@pytest.mark.parametrize("case", sorted(BIG))
def test_big_and_deep_files_end_in_bounded_time(tmp_path, case):
    raw = BIG[case]()
    path = tmp_path / "facts.toml"
    path.write_bytes(raw)
    done = run_process("check", str(path), timeout=60)  # a hang guard, not a timing assertion
    result = Result(done.returncode, done.stdout, done.stderr)
    assert_located(result, path, raw)
    assert max(map(len, result.stdout.splitlines()), default=0) < 1000, "a problem line should stay readable"
    assert path.stat().st_size == len(raw)
