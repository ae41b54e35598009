"""Reading a draft (Markdown or plain text) into paragraphs, sentences and quotations, each with its offsets.

Markdown syntax is blanked out, not removed: ``plain`` is the draft with code, front matter, HTML, link
targets, citations, list and block-quote markers and emphasis marks replaced by spaces, so an offset in
``plain`` is the same offset in the text the writer wrote, and ``position`` turns it into line and column.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Markdown a reader does not read as words: blanked, keeping every character's offset.
_BLANKED = [
    re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL),  # YAML front matter
    re.compile(r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\n]*$|\Z)", re.DOTALL | re.MULTILINE),  # fenced code
    re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL),  # HTML comments
    re.compile(r"`[^`\n]+`"),  # inline code
    re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"),  # images
    # Links keep their text: [text](url "title"), [text][ref].
    re.compile(r"\[(?=[^\]\n]*\](?:\(|\[))|\](?:\([^)\s]*(?:\s+\"[^\"]*\")?\)|\[[^\]\n]*\])"),
    re.compile(r"^[ \t]*\[[^\]\n]+\]:.*$", re.MULTILINE),  # link definitions
    re.compile(r"\[\^[^\]\n]+\]:?"),  # footnote marks
    re.compile(r"<https?://[^>\s]*>|https?://\S+|</?[A-Za-z][^>\n]*>"),  # autolinks, URLs, HTML tags
    re.compile(r"^[ \t]*(?:#{1,6}(?=\s)|[-*+](?=\s)|\d{1,9}[.)](?=\s)|(?:[-*_][ \t]*){3,}$)", re.MULTILINE),
    re.compile(r"\*+|(?<!\w)_+|_+(?!\w)|\||~~"),  # emphasis, tables
]
_QUOTE_MARK_RE = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n\s*")
# Lines that start a block of their own: headings and list items (a heading also ends at its line's end).
_BLOCK_START_RE = re.compile(r"^[ \t]*(?:(?P<heading>#{1,6})|[-*+]|\d{1,9}[.)])[ \t]", re.MULTILINE)

# Quotation marks: curly double, straight double, curly single (a closing ’ followed by a letter is an
# apostrophe, as in Chongqing’s).
_QUOTED_RE = re.compile(r"\"(?P<straight>[^\"]+)\"|(?<![\w’])‘(?P<single>.+?)’(?![\w‘])", re.DOTALL)
_WORD_RE = re.compile(r"[^\W_]+(?:['’.,][^\W_]+)*")
MIN_QUOTE_WORDS = 5

# A sentence ends at . ! ? (and any closing quote or bracket) before a capital, a digit or an opening mark,
# except after these abbreviations.
_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)\]]*\s+(?=[\"“‘(\[A-Z0-9])")
_ABBREVIATIONS = frozenset((
    "para", "paras", "par", "p", "pp", "no", "nos", "vol", "fig", "figs", "mr", "mrs", "ms", "dr", "prof", "st",
    "approx", "ca", "c", "e.g", "i.e", "etc", "al", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "u.s", "u.k"))


@dataclass(frozen=True)
class Quotation:
    """Words the draft quotes: ``start``/``end`` of the marks (or the block), ``words`` inside them."""

    start: int
    end: int
    words: str
    block: bool = False


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str  # the plain text: Markdown blanked, citations blanked
    paragraph: int  # index of its paragraph in the draft


@dataclass
class Draft:
    """A draft as read: its name (a path, or <stdin>), its text, the plain text and what was found in it."""

    name: str
    text: str
    plain: str
    sentences: list[Sentence] = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of an offset."""
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def plain_text(text: str, citations: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The draft with Markdown syntax and citations blanked, and the spans of its block quotes."""
    plain = _blank(text, citations)
    for pattern in _BLANKED:
        plain = _blank(plain, [m.span() for m in pattern.finditer(plain)])
    blocks: list[tuple[int, int]] = []
    for m in _QUOTE_MARK_RE.finditer(plain):
        line_end = plain.find("\n", m.end())
        line_end = len(plain) if line_end < 0 else line_end
        if blocks and plain[blocks[-1][1]:m.start()].strip() == "":
            blocks[-1] = (blocks[-1][0], line_end)
        else:
            blocks.append((m.end(), line_end))
    plain = _blank(plain, [m.span() for m in _QUOTE_MARK_RE.finditer(plain)])
    return plain, blocks


def _paragraphs(text: str, plain: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: text between blank lines; a heading, list item or block quote is one."""
    cuts = {0, len(plain)}
    for m in _BLANK_LINE_RE.finditer(plain):
        cuts.update((m.start(), m.end()))
    for m in _BLOCK_START_RE.finditer(text):
        cuts.add(m.start())
        if m.group("heading"):
            line_end = text.find("\n", m.start())
            cuts.add(len(text) if line_end < 0 else line_end)
    for start, end in blocks:
        cuts.update((plain.rfind("\n", 0, start) + 1, end))
    edges = sorted(c for c in cuts if 0 <= c <= len(plain))
    spans = []
    for start, end in itertools.pairwise(edges):
        chunk = plain[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((start + lead, start + len(chunk.rstrip())))
    return spans


def word_count(text: str) -> int:
    return len(_WORD_RE.findall(text))


def _curly(plain: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the outermost “…” quotations, which may hold “…” of their own."""
    spans, depth, opened = [], 0, 0
    for i in range(start, end):
        char = plain[i]
        if char == "“":
            opened = i if depth == 0 else opened
            depth += 1
        elif char == "”" and depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, i + 1))
    return spans


def _quotations(plain: str, start: int, end: int) -> list[Quotation]:
    spans = _curly(plain, start, end) if "“" in plain[start:end] else []
    for m in _QUOTED_RE.finditer(plain, start, end):
        if not any(a <= m.start() < b for a, b in spans):
            spans.append(m.span())
    found = []
    for a, b in sorted(spans):
        if found and a < found[-1].end:
            continue  # a quotation inside another is part of it
        words = plain[a + 1:b - 1]
        if word_count(words) >= MIN_QUOTE_WORDS:
            found.append(Quotation(a, b, words))
    return found


def _sentences(plain: str, start: int, end: int, quoted: list[Quotation], number: int) -> list[Sentence]:
    inside = [(q.start, q.end) for q in quoted]
    cuts = [start]
    for m in _SENTENCE_END_RE.finditer(plain, start, end):
        if any(a < m.start() < b - 1 for a, b in inside):
            continue
        before = re.search(r"([\w.]+)\.$", plain[max(start, m.start() - 12):m.start() + 1])
        if before and before.group(1).casefold() in _ABBREVIATIONS:
            continue
        if before and len(before.group(1)) == 1 and before.group(1).isupper():
            continue  # an initial: "X. Shuyin"
        cuts.append(m.end())
    cuts.append(end)
    out = []
    for a, b in itertools.pairwise(cuts):
        text = plain[a:b].rstrip()
        if text.strip():
            out.append(Sentence(a, a + len(text), text, number))
    return out


def read_draft(name: str, text: str, citations: list[tuple[int, int]]) -> Draft:
    """Split a draft into sentences and quotations; ``citations`` are spans blanked from the plain text."""
    plain, blocks = plain_text(text, citations)
    draft = Draft(name, text, plain)
    block_paragraphs = set()
    for start, end in blocks:
        words = plain[start:end].strip()
        if word_count(words) >= MIN_QUOTE_WORDS:
            lead = len(plain[start:end]) - len(plain[start:end].lstrip())
            draft.quotations.append(Quotation(start + lead, start + lead + len(words), words, block=True))
            block_paragraphs.add(start)
    for number, (start, end) in enumerate(_paragraphs(text, plain, blocks)):
        in_block = any(a <= start < b for a, b in blocks)
        quoted = [] if in_block else _quotations(plain, start, end)
        draft.quotations.extend(quoted)
        if not in_block:
            draft.sentences.extend(_sentences(plain, start, end, quoted, number))
    draft.quotations.sort(key=lambda q: q.start)
    return draft
