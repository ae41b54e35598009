"""TOML text: parsing one file into a document, with messages that name the line, and where each key is.

tomllib gives no positions, so ``LineIndex`` scans the text for table headers and keys; the loader and
the checker use it to put a line number on every problem.
"""

from __future__ import annotations

import functools
import re
import sys
from typing import Any

from cqfacts.errors import Problem
from cqfacts.model import Origin

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


# TOML's own grammar, per line: only LF ends a line (U+2028 or a form feed inside a string does not), keys may be
# quoted and dotted, and strings and multi-line arrays may hold anything that looks like a header or a key.
# Each pattern is matched at a position and cannot backtrack far, so a 50 MB line scans in linear time.
_KEY_PART_RE = re.compile(r"""[ \t]*([A-Za-z0-9_-]+|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*')[ \t]*""")
_VALUE_TOKEN_RE = re.compile(r'"""|\'\'\'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\n]*\'|[\[\]{}#]')
_MULTILINE_END_RE = {
    '"""': re.compile(r'[^"\\]*(?:(?:\\.|\\$|""?(?!"))[^"\\]*)*"""(?:"{0,2})'),
    "'''": re.compile(r"[^']*(?:''?(?!')[^']*)*'''(?:'{0,2})"),
}


def _key_path(line: str, pos: int) -> tuple[tuple[str, ...], int]:
    """The dotted key starting at pos (quotes removed, escapes decoded) and where it ends; () when none."""
    parts: list[str] = []
    while True:
        part = _KEY_PART_RE.match(line, pos)
        if not part:
            return (), pos
        word, pos = part.group(1), part.end()
        if word[0] == '"':
            try:
                word = next(iter(tomllib.loads(f"{word} = 0")))
            except (tomllib.TOMLDecodeError, StopIteration):
                return (), pos
        elif word[0] == "'":
            word = word[1:-1]
        parts.append(word)
        if not line.startswith(".", pos):
            return tuple(parts), pos
        pos += 1


class LineIndex:
    """Maps table paths and their keys to line numbers by scanning the TOML text.

    tomllib gives no positions, so this reads headers and ``key =`` lines itself, skipping what is inside
    strings (multi-line ones too), comments and arrays that span lines; anything it cannot place falls back
    to the table's header line. For files too deep to parse it notes ``deepest``, the line where brackets
    nest deepest, and ``dottiest``, the line with the most dots outside strings (key parts, in TOML).
    """

    def __init__(self, text: str):
        self.tables: dict[tuple[str, ...], int] = {}
        self.keys: dict[tuple[str, ...], dict[str, int]] = {}
        self.deepest = self.dottiest = 1
        self.most_dots = 0
        self._depth = self._max_depth = 0
        self._multiline: str | None = None
        self._unplaced: Origin | None = None
        current: tuple[str, ...] = ()
        for number, line in enumerate(text.split("\n"), start=1):
            pos, dots = 0, 0
            if self._multiline:
                end = _MULTILINE_END_RE[self._multiline].match(line)
                if not end:
                    continue
                self._multiline, pos = None, end.end()
            elif self._depth == 0:
                pos = len(line) - len(line.lstrip(" \t"))
                if line.startswith("[", pos):
                    path, _ = _key_path(line, pos + 2 if line.startswith("[[", pos) else pos + 1)
                    if path:
                        current = path
                        self.tables.setdefault(current, number)
                        self._count_dots(len(path) - 1, number)
                    continue
                path, pos = _key_path(line, pos)
                if not path or not line.startswith("=", pos):
                    continue
                for i, name in enumerate(path):  # a.b.c = 1 also places the tables a and a.b
                    self.keys.setdefault(current + path[:i], {}).setdefault(name, number)
                pos, dots = pos + 1, len(path) - 1
            self._count_dots(dots + self._scan_value(line, pos, number), number)

    def _count_dots(self, dots: int, number: int) -> None:
        if dots > self.most_dots:
            self.most_dots, self.dottiest = dots, number

    def _scan_value(self, line: str, pos: int, number: int) -> int:
        """Follow brackets and strings to the end of the line (does a string or an array go on?); count dots."""
        dots = 0
        while True:
            token = _VALUE_TOKEN_RE.search(line, pos)
            dots += line.count(".", pos, token.start() if token else len(line))
            if not token or token.group() == "#":
                return dots
            text, pos = token.group(), token.end()
            if text in _MULTILINE_END_RE:
                end = _MULTILINE_END_RE[text].match(line, pos)
                if not end:
                    self._multiline = text
                    return dots
                pos = end.end()
            elif text in "[{":
                self._depth += 1
                if self._depth > self._max_depth:
                    self._max_depth, self.deepest = self._depth, number
            elif text in "]}":
                self._depth = max(0, self._depth - 1)

    def origin(self, file: str, path: tuple[str, ...]) -> Origin:
        if not (self.tables or self.keys):
            # An index that places nothing (the cache's, for a file it expects to be clean) gives every item of a file
            # the same origin: made once.
            if self._unplaced is None or self._unplaced.file != file:
                self._unplaced = Origin(file=file, line=0, key_lines={})
            return self._unplaced
        line = self.tables.get(path, 0)
        key_lines = dict(self.keys.get(path, {}))
        if not line and len(path) > 1:  # a table written inline or with dotted keys
            line = self.keys.get(path[:-1], {}).get(path[-1], 0)
        return Origin(file=file, line=line, key_lines=key_lines)


# parse_document scans a file before parsing it and check_document after: one scan serves both.
line_index = functools.lru_cache(maxsize=1)(LineIndex)


# --- Parsing -------------------------------------------------------------------------------------------

_TOML_POS_RE = re.compile(r"\(at line (\d+), column (\d+)\)")
MAX_DOTS = 10_000


def parse_document(name: str, raw: bytes) -> tuple[str, dict[str, Any] | None, list[Problem]]:
    """Decode and parse the bytes of one TOML file; a problem (with its line) instead of a document when it cannot."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        return "", None, [Problem(name, line, "", message)]
    lines = line_index(text)
    if lines.most_dots > MAX_DOTS:
        # tomllib takes time quadratic in the parts of a dotted key: [a.a.a...] with a million parts would hang.
        return text, None, [Problem(name, lines.dottiest, "", f"{lines.most_dots:,} dots outside strings on one line: "
                                    "a key this deeply dotted (or a list this long) is too big to read")]
    problems: list[Problem] = []
    parsed, placeholders = text, []
    while True:
        try:
            data = tomllib.loads(parsed)
        except tomllib.TOMLDecodeError as exc:
            duplicate = _duplicate_table(name, parsed, lines, str(exc), len(placeholders))
            if duplicate is None or len(placeholders) >= MAX_DUPLICATES:
                return text, None, [*problems, _syntax_problem(name, parsed, str(exc))]
            problem, parsed, placeholder = duplicate
            problems.append(problem)
            placeholders.append(placeholder)
            continue
        except RecursionError:
            message = "TOML nesting too deep to read: nest arrays and tables less"
            return text, None, [*problems, Problem(name, lines.deepest, "", message)]
        break
    for placeholder in placeholders:  # the second copy of a duplicated table is set aside, not checked
        data.pop(placeholder, None)
    return text, data, problems



MAX_DUPLICATES = 100
_DUPLICATE_RE = re.compile(r"Cannot declare (\(.*\)) twice \(at line (\d+), column \d+\)")
_LOOSE_STRING_RE = re.compile(r"Illegal character '\\n'|Unterminated string|Expected newline or end of document")
_UNESCAPED_QUOTE_RE = re.compile(r'(?<!\\)"')
LOOSE_QUOTE_HINT = ("; a string is not closed where it should be: inside \"...\" write a straight quote as \\\""
                    " or type curly quotes “ ”, or put the text in '...' or '''...'''")


def _duplicate_table(name: str, text: str, lines: LineIndex, message: str, count: int
                     ) -> tuple[Problem, str, str] | None:
    """A table header written twice: the problem naming both lines, and the text with the second header
    renamed to a placeholder, so that the rest of the file is still parsed and checked."""
    import ast

    found = _DUPLICATE_RE.search(message)
    if not found:
        return None
    try:
        path = tuple(ast.literal_eval(found.group(1)))
    except (ValueError, SyntaxError):
        return None
    line = int(found.group(2))
    rows = text.split("\n")
    header = rows[line - 1].lstrip() if 0 < line <= len(rows) else ""
    if not header.startswith("[") or header.startswith("[["):
        return None
    first = lines.tables.get(path, 0)
    label = path[-1] if path[:1] == ("facts",) and len(path) == 2 else ".".join(path)
    also = f" (first at line {first})" if first and first != line else ""
    problem = Problem(name, line, label, f"duplicate id: [{'.'.join(path)}] is defined twice in this file{also};"
                      " ids must be unique: rename or remove one of them")
    placeholder = f"cqfacts-duplicate-{count}"
    rows[line - 1] = f"[{placeholder}]"
    return problem, "\n".join(rows), placeholder


def _syntax_problem(name: str, text: str, message: str) -> Problem:
    pos = _TOML_POS_RE.search(message)
    # "(at end of document)": the last line, as an editor numbers it.
    line = int(pos.group(1)) if pos else text.count("\n") + (not text.endswith("\n") or not text)
    loose = bool(_LOOSE_STRING_RE.search(message)) and _has_loose_quote(text, line)
    message = _TOML_POS_RE.sub("", message).replace("(at end of document)", "at the end of the file")
    message = message.strip().rstrip(".")
    if pos:
        message += f" (column {pos.group(2)})"
    message = f"TOML syntax error: {message[:1].lower()}{message[1:]}"
    if re.search(r"overwrite|redefine|declare .* twice", message):
        message += "; ids must be unique: rename one of them"
    if loose:
        message += LOOSE_QUOTE_HINT
    return Problem(name, line, "", message)


def _has_loose_quote(text: str, line: int) -> bool:
    """Does this line hold a string that never ends, or one that a straight quote ends early?"""
    rows = text.split("\n")
    row = rows[line - 1] if 0 < line <= len(rows) else ""
    quotes = len(_UNESCAPED_QUOTE_RE.findall(row))
    return quotes % 2 == 1 or quotes > 2 or "'''" in row or '"""' in row


def parse_fast(raw: bytes) -> tuple[str, dict[str, Any]] | None:
    """The text and document of a file that parses cleanly, read by rtoml (Rust, about 7 times faster than
    tomllib); None on any problem, or without rtoml: then ``parse_document`` reads it and says what is wrong.
    The cache's builds use it; a problem's message is always tomllib's."""
    try:
        import rtoml
    except ImportError:  # pragma: no cover - rtoml is a dependency; a platform without its wheel still works
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
        return text, rtoml.loads(text)
    except Exception:  # whatever rtoml refuses (its recursion limit too), the stdlib's parser will explain
        return None
