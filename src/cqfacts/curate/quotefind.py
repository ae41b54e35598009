"""Finding a quote in an archived text as a person types it, and saying exactly where a quote and a text part.

A curator types straight quotes and hyphens where the source has “curly” ones and dashes, and may break
lines differently: ``find`` forgives those and answers with the source's own characters, which are what a
fact stores. ``difference`` points at the first character that differs, for the messages of ``check``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Characters a keyboard types differently from print: each maps to what a curator would type.
_FOLD = {
    **dict.fromkeys("“”„‟″〝〞＂", '"'),
    **dict.fromkeys("‘’‚‛′＇", "'"),
    **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"),
}
_SPACE_RE = re.compile(r"\s+")
CONTEXT = 24  # characters shown before the first difference


def fold(text: str) -> tuple[str, list[int]]:
    """Text with whitespace runs as one space and look-alike quotes and dashes as ASCII, and for each of its
    characters the index of the character it came from."""
    out: list[str] = []
    where: list[int] = []
    in_space = False
    for i, char in enumerate(text):
        if char.isspace():
            if not in_space and out:
                out.append(" ")
                where.append(i)
            in_space = True
            continue
        in_space = False
        out.append(_FOLD.get(char, char))
        where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def find(paragraphs: Sequence[str], quote: str) -> list[tuple[int, str]]:
    """Every place the quote occurs, forgiving whitespace, quote marks and dashes: (paragraph number, the
    paragraph's exact characters there)."""
    needle, _ = fold(quote)
    if not needle:
        return []
    found: list[tuple[int, str]] = []
    for number, paragraph in enumerate(paragraphs, start=1):
        folded, where = fold(paragraph)
        start = folded.find(needle)
        while start >= 0:
            end = start + len(needle) - 1
            found.append((number, paragraph[where[start]:where[end] + 1]))
            start = folded.find(needle, start + 1)
    return found


def nearest(paragraphs: Sequence[str], quote: str) -> tuple[int, str]:
    """The paragraph number and the passage most like a quote that is not in the text (0, "" for none).

    The passage starts where the quote's beginning lines up best, so that ``difference`` compares like
    with like.
    """
    from rapidfuzz import fuzz

    needle = squash(quote)
    best = (0.0, 0, "")
    for number, paragraph in enumerate(paragraphs, start=1):
        text = squash(paragraph)
        found = fuzz.partial_ratio_alignment(needle, text)
        if found is not None and found.score > best[0]:
            start = _aligned_start(needle, text, found.dest_start)
            best = (found.score, number, text[start:start + max(len(needle), found.dest_end - start)])
    return best[1], best[2]


def _aligned_start(needle: str, text: str, guess: int) -> int:
    """Where in ``text`` the longest stretch of the needle's beginning matches (look-alikes forgiven)."""
    folded_needle, folded_text = fold(needle)[0], fold(text)[0]
    if len(folded_text) != len(text) or len(folded_needle) != len(needle):
        return guess  # squashed text folds one to one; anything else keeps the fuzzy alignment
    best, best_len = guess, 0
    head = folded_needle[:1]
    start = folded_text.find(head) if head else -1
    tries = 0
    while start >= 0 and tries < 5000:
        length = _common_prefix(folded_needle, folded_text, start)
        if length > best_len:
            best, best_len = start, length
        start = folded_text.find(head, start + 1)
        tries += 1
    return best


def _common_prefix(needle: str, text: str, start: int) -> int:
    n = 0
    limit = min(len(needle), len(text) - start)
    while n < limit and needle[n] == text[start + n]:
        n += 1
    return n


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space: quotes are compared 'whitespace differences aside'."""
    return _SPACE_RE.sub(" ", text).strip()


def difference(quote: str, passage: str) -> str:
    """Where a quote first differs from a passage, with that character marked in both: for messages."""
    quote, passage = squash(quote), squash(passage)
    i = _common_prefix(quote, passage, 0)
    if i == len(quote) and i == len(passage):
        return "they differ only in spacing"
    shown_quote = _marked(quote, i)
    shown_passage = _marked(passage, i)
    what = f"first difference at character {i + 1} of the quote: quote {shown_quote}, source {shown_passage}"
    if i < len(quote) and i < len(passage) and _FOLD.get(quote[i], quote[i]) == _FOLD.get(passage[i], passage[i]):
        what += (f" (the quote has {_named(quote[i])} where the source has {_named(passage[i])};"
                 " copy the source's character)")
    return what


def _marked(text: str, i: int) -> str:
    before = ("…" if i > CONTEXT else "") + text[max(0, i - CONTEXT):i]
    char = text[i] if i < len(text) else ""
    after = text[i + 1:i + 1 + 8] + ("…" if i + 9 < len(text) else "")
    return f'"{before}[{char}]{after}"' if char else f'"{before}[end]"'


def _named(char: str) -> str:
    return f"{char} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed').lower()})"
