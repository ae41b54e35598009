"""The ranker takes any query a person or a shell can pass and returns a ranked list, possibly empty.

Random Unicode (control characters, regex and TOML metacharacters, emoji, right-to-left text, combining
marks, lone surrogates), empty and whitespace-only queries and 10,000-character ones, through the library
and through the CLI; and bytes that are not UTF-8 in argv, which Python hands over as lone surrogates
(surrogateescape), through a real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CLEARED_ENV, FACTS, PINNED_ENV, run
from cqfacts.search import search
from test_search import MINI

NASTY = ["", " ", "\t\n ", "\u3000", "\x00", "\x1b[31mred\x1b[0m", "\u202etxet\u202c", "^$.*+?()[]{}|\\",
         "\\d+(?=x)", "[facts.x]", 'a = "b"', "'''", '"""', "#", "🚗🛰️👩‍🔬", "e\u0301\u0301\u0301", "مرحبا بالعالم",
         "שלום", "重庆 天目一号", "\ud800", "\udcff\udc80", "%s%n{0}", "--help", "-", "500,000", "1e309", "nan",
         "∞", "٥٠٠", "Ⅻ", "ﬁ", "ß", "İ", "\u200b\u200d\ufeff", "\U0010ffff", "x" * 10_000,
         "Tianmu " * 1_500]
QUERIES = (st.sampled_from(NASTY) | st.text() | st.text(st.characters(codec="utf-8"), max_size=50)
           | st.lists(st.sampled_from(NASTY[:30]), max_size=6).map(" ".join))


def assert_ranked(hits, base, limit):
    assert isinstance(hits, list) and len(hits) <= limit
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    ids = [h.fact.id for h in hits]
    assert len(set(ids)) == len(ids) and all(base.facts[i] is h.fact for i, h in zip(ids, hits, strict=True))


@given(query=QUERIES, limit=st.integers(1, 200))
def test_any_query_returns_a_ranked_list(base, query, limit):
    assert_ranked(search(base, query, limit=limit), base, limit)


@given(query=QUERIES, pool=st.sets(st.integers(0, 91), max_size=20))
def test_any_query_over_a_subset_stays_inside_it(base, query, pool):
    facts = [f for n, f in enumerate(base.facts.values()) if n in pool]
    hits = search(base, query, facts=facts, limit=len(base.facts))
    assert {h.fact.id for h in hits} <= {f.id for f in facts}


@given(query=QUERIES.filter(lambda q: not q.startswith("-")),
       fmt=st.sampled_from(["json", "ndjson", "tsv", "csv", "markdown", "table"]), explain=st.booleans())
def test_any_query_through_the_cli(query, fmt, explain):
    result = run("search", query, "--format", fmt, *(["--explain"] if explain else []), "--facts", str(FACTS))
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1), result
    assert result.stderr.count("\n") <= 1
    if fmt == "json":
        assert isinstance(result.json(), list)


# Bytes a shell can put in argv that are not UTF-8: Python decodes them with surrogateescape.
ARGV_BYTES = [b"\xff", b"Tianmu \xfe\xff", b"\xed\xa0\x80", b"\xc3", b"caf\xe9", b"\x80" * 100, b"\xf0\x9f\x9a",
              b"Chongqing\xa0NEV", b"\x1b]0;title\x07"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX argv carries bytes")
@pytest.mark.parametrize("fmt", ["json", "tsv", "table", "markdown"])
def test_argv_bytes_that_are_not_utf8(fmt):
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV} | PINNED_ENV | {"LC_ALL": "C.UTF-8"}
    for raw in ARGV_BYTES:
        args = [os.fsencode(sys.executable), b"-m", b"cqfacts", b"search", raw, b"--format", fmt.encode(),
                b"--explain", b"--facts", os.fsencode(FACTS)]
        done = subprocess.run(args, capture_output=True, env=env, timeout=30)  # a hang guard
        stderr = done.stderr.decode("utf-8", "replace")
        assert b"Traceback" not in done.stderr and "unexpected" not in stderr, (raw, stderr)
        assert done.returncode in (0, 1), (raw, done.returncode, stderr)
        done.stdout.decode("utf-8")  # whatever came in, what goes out is UTF-8
        if fmt == "json":
            assert isinstance(json.loads(done.stdout), list)


@pytest.mark.parametrize("io_env", [{}, {"PYTHONIOENCODING": "utf-8"}, {"LC_ALL": "C"}])
def test_stdin_queries_that_are_not_utf8(io_env):
    """Answers are JSON in UTF-8 in every locale: a stray byte was echoed raw, or crashed with PYTHONIOENCODING."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV} | PINNED_ENV | io_env
    queries = [b"Tianmu", *ARGV_BYTES, b"", b"\x00", "重庆".encode(), b"x" * 10_000]
    done = subprocess.run([sys.executable, "-m", "cqfacts", "search", "--stdin", "--facts", str(FACTS)],
                          input=b"\n".join(queries) + b"\n", capture_output=True, env=env, timeout=60)
    assert (done.returncode, done.stderr) == (0, b"")
    lines = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(lines) == len(queries) - 1  # the empty line asks nothing
    assert lines[0]["results"] and all(isinstance(line["results"], list) for line in lines)


# --- The terms table: any table a curator could write is checked with lines, and searched ----------------

_IDS = st.sampled_from(["nev", "europe", "germany", "chongqing", "a", "b"]) | st.from_regex(
    r"[a-z][a-z0-9-]{0,6}", fullmatch=True)
_NAMES = st.sampled_from(["EV", "EVs", "electric vehicle", "新能源汽車", "Chongqing", "—", "", " ", "the", "US",
                          "bills of lading", "1+10+1000", "76.9", "天目"]) | st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=12)
_TERM = st.fixed_dictionaries({"preferred": _NAMES}, optional={
    "variants": st.lists(_NAMES, max_size=4), "broader": st.lists(_IDS, max_size=2),
    "narrower": st.lists(_IDS, max_size=2)})


def _toml(value):
    """A TOML basic string, or an array of them: control characters, quotes and backslashes escaped."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + "".join(f"\\u{ord(c):04x}" if c < " " or c in '\x7f"\\' else c for c in value) + '"'


@given(terms=st.dictionaries(_IDS, _TERM, max_size=5), query=QUERIES)
def test_any_terms_table_is_checked_with_lines_and_searched(tmp_path_factory, terms, query):
    from cqfacts.errors import FactBaseError
    from cqfacts.loader import load_with_problems

    text = MINI + "".join(
        f"\n[terms.{term_id}]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in body.items())
        for term_id, body in terms.items())
    path = tmp_path_factory.mktemp("terms") / "facts.toml"
    path.write_text(text, encoding="utf-8")
    base, problems = load_with_problems(path)
    lines = text.count("\n") + 1
    assert all(p.file == str(path) and 0 < p.line <= lines for p in problems), problems
    assert all(p.item.startswith("terms.") for p in problems), problems  # the facts part stays valid
    if not problems:
        assert_ranked(search(base, query, limit=10), base, 10)
    else:
        assert str(FactBaseError(problems))
