"""Any source metadata the loader accepts cites in every style, and the file formats stay parseable.

Random titles (very long, with braces, backslashes, TeX specials, quotes, newlines), odd author names,
missing optional fields, URLs with braces: `cqfacts cite` exits 0 in every style and format; BibTeX and
biblatex records keep their braces balanced with every TeX special escaped; RIS stays one tag a line;
CSL-JSON parses.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run
from cqfacts.citation import STYLE_NAMES
from cqfacts.citation.records import MACHINE_STYLES
from cqfacts.loader import load_with_problems
from cqfacts.spec import DOI_RE, ISSUED_RE, SOURCE_TYPE_RULES, SOURCE_TYPES
from test_fuzz_loader import toml_document

ODD = st.sampled_from(["{", "}", "}{", "\\", "\\textbf{x}", "%", "&", "$", "#", "_", "~", "^", "@", '"', "“”‘’",
                       "—", "\n", "\t", "  ", ",", "and", "\u202e", "\x1b[1m", "é", "重庆", "🚗", "<i>", "*"])
TEXT = st.lists(ODD | st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12), min_size=1,
                max_size=8).map("".join).filter(str.strip)
LONG = st.builds(lambda t, n: (t + " ") * n, TEXT, st.integers(1, 400))
NAME = st.fixed_dictionaries({"organization": TEXT}) | st.fixed_dictionaries(
    {"family": TEXT}, optional={"given": TEXT}) | st.fixed_dictionaries(
    {"family": TEXT, "given": TEXT, "family_first": st.booleans()})
AUTHORS = st.lists(NAME, min_size=1, max_size=4)
NUMBER = TEXT | st.integers(0, 10**6)
DATE = st.dates(dt.date(1, 1, 1)) | st.datetimes(dt.datetime(1, 1, 1)) | st.from_regex(ISSUED_RE, fullmatch=True)
COMMON = {"title": TEXT | LONG, "authors": AUTHORS, "language": st.sampled_from(["en", "zh", "de", "zh-Hans", "xx", "qaa"])}
OPTIONAL = {"short_title": TEXT, "original_title": TEXT, "original_language": st.sampled_from(["zh", "fr", "tlh"]),
            "url": st.builds(lambda t: "https://example.org/" + re.sub(r"\s", "", t), TEXT),
            "accessed": st.dates(dt.date(1, 1, 1)), "archive": TEXT, "note": TEXT, "published": DATE,
            "publisher": TEXT, "publisher_place": TEXT, "genre": TEXT,
            "doi": st.from_regex(DOI_RE, fullmatch=True).filter(lambda d: "\n" not in d)}
# Per type: its required keys and the type-specific keys it may have (spec.SOURCE_TYPE_RULES).
TYPE_KEYS = {"container_title": TEXT, "volume": NUMBER, "issue": NUMBER, "page": NUMBER, "section": TEXT,
             "edition": NUMBER, "number": NUMBER, "isbn": TEXT, "editors": AUTHORS}


def _source_of(kind: str) -> st.SearchStrategy[dict]:
    rule = SOURCE_TYPE_RULES[kind]
    required = {**COMMON, **({"container_title": TEXT} if rule.container else {}),
                **{k: TEXT for k in rule.required}, "type": st.just(kind)}
    optional = {**OPTIONAL, **{k: v for k, v in TYPE_KEYS.items() if k in rule.uses and k not in required}}
    return st.fixed_dictionaries(required, optional={k: v for k, v in optional.items() if k not in required})


SOURCES = st.sampled_from(SOURCE_TYPES).flatmap(_source_of)


def assert_bib_parseable(text: str) -> None:
    """Read records as BibTeX does: @type{key, name = {value} or macro, ...}. BibTeX counts every brace, a
    backslash before it or not, so each value's braces must balance; TeX's specials must be escaped."""
    pos = 0
    while pos < len(text):
        head = re.compile(r"\s*@(\w+)\{([A-Za-z0-9]+),\n").match(text, pos)
        assert head, text[pos:pos + 80]
        pos = head.end()
        while not text.startswith("}\n", pos):
            field = re.compile(r"  (\w+) = ").match(text, pos)
            assert field, text[pos:pos + 80]
            pos, name = field.end(), field.group(1)
            if text[pos] != "{":
                macro = re.compile(r"[a-z]+").match(text, pos)
                assert macro and name == "month", text[pos:pos + 80]
                pos = macro.end()
            else:
                depth, start = 0, pos
                while True:
                    depth += {"{": 1, "}": -1}.get(text[pos], 0)
                    pos += 1
                    if depth == 0:
                        break
                    assert pos < len(text), f"{name}: unbalanced braces"
                value = text[start:pos]
                if name not in ("url", "doi"):  # verbatim fields (biblatex manual 2.2.2), braces percent-encoded
                    assert not re.search(r"(?<!\\)[&%$#_]", value), (name, value)
            assert text.startswith(",\n", pos), text[pos:pos + 80]
            pos += 2
        pos += 2


def assert_ris_parseable(text: str) -> None:
    lines = text.split("\r\n")
    assert lines[-1] == "" and lines[-2] == "ER  - "
    for line in lines[:-2]:
        assert re.fullmatch(r"[A-Z][A-Z0-9]  - [^\r\n]*", line), line


# Each example runs cite in every style (and the file formats twice): a longer hang guard than the profile's.
# Each example cites in every style through the CLI (about a second): fewer than the profile's default, so
# CI stays within its ten minutes; HYPOTHESIS_PROFILE=long still runs hundreds.
@settings(deadline=30_000, max_examples=max(10, settings.default.max_examples * 3 // 8))
@given(source=SOURCES, statement=TEXT, quote=TEXT, fmt=st.sampled_from(["text", "markdown", "html"]))
def test_any_source_cites_in_every_style(tmp_path_factory, source, statement, quote, fmt):
    path = tmp_path_factory.mktemp("cite") / "facts.toml"
    path.write_text(toml_document({"schema_version": 1, "sources": {"src": source}, "facts": {"f": {
        "statement": statement, "quote": quote, "source": "src", "paragraph": 3, "kind": "result"}}}), "utf-8")
    _, problems = load_with_problems(path)
    assert not problems, problems  # everything drawn here is valid metadata
    for style in STYLE_NAMES:
        result = run("cite", "f", "--style", style, "--format", fmt, "--facts", str(path))
        assert (result.exit_code, "Traceback" in result.stderr) == (0, False), (style, fmt, result)
        assert result.stdout.strip(), (style, fmt)
        if fmt == "html" and style not in MACHINE_STYLES:  # the data's "<i>" is escaped; only real italics remain
            assert not re.search(r"<(?!/?i>)", result.stdout), result.stdout
        if style in ("bibtex", "biblatex"):
            assert_bib_parseable(run("cite", "f", "--style", style, "--no-quote", "--facts", str(path)).stdout)
        elif style == "ris":
            assert_ris_parseable(run("cite", "f", "--style", style, "--no-quote", "--facts", str(path)).stdout)
        elif style == "csl-json":
            item = json.loads(run("cite", "f", "--style", style, "--no-quote", "--facts", str(path)).stdout)[0]
            assert item["title"] and item["author"]
