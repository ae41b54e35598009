"""Archiving a source's text in the layout ``check`` counts paragraphs in (see ``cqfacts.verify``).

A text already in the archive layout is copied byte for byte. Markdown and saved web pages are turned into
it: one paragraph per line, blank lines between, the title first and the dateline (from ``--published``)
second. A plain text whose second line is a date in another form, or whose paragraphs are broken over
several lines, is refused with what to do: either would shift every paragraph number without a word.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from cqfacts.errors import CqfactsError
from cqfacts.verify import DATELINE_RE, MAX_SOURCE_BYTES, ArchivedText

MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_OTHER_DATELINE_RE = re.compile(
    rf"^\W*(?:(?:published|updated|posted|date)\b|{_MONTHS}\s+\d{{1,2}}\b|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\d{4}年|\d{4}/\d{1,2}/\d{1,2})", re.IGNORECASE)
_ENDS_SENTENCE_RE = re.compile(r"[.!?:;…\"”’)\]」』。！？]\s*$")


@dataclass(frozen=True)
class Prepared:
    """The text to archive, how it was read, and its paragraphs as ``check`` will number them."""

    text: str
    layout: str  # "archive layout", "Markdown", "HTML"
    archive: ArchivedText

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def prepare(path: Path, from_html: bool = False, title: str | None = None, published: str | None = None) -> Prepared:
    """Read a text to archive and put it in the archive layout; a clear error instead of a guess."""
    from cqfacts.loader import read_bytes

    try:
        raw = read_bytes(path, limit=MAX_SOURCE_BYTES, what="a text file", too_big="too big for a source text")
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise CqfactsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CqfactsError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and add it again") from None
    suffix = path.suffix.lower()
    looks_html = bool(re.search(r"<(?:!doctype html|html|body|p)[\s>]", text[:4096], re.IGNORECASE))
    if from_html:
        found_title, paragraphs = html_paragraphs(text)
        return _normalised(path, title or found_title, published, paragraphs, "HTML")
    if suffix in HTML_SUFFIXES or looks_html:
        raise CqfactsError(f"{path}: this is a web page (HTML); add it with --from-html to archive its text")
    if suffix in MARKDOWN_SUFFIXES:
        found_title, paragraphs = markdown_paragraphs(text)
        return _normalised(path, title or found_title, published, paragraphs, "Markdown")
    _check_plain_layout(path, text)
    return Prepared(text, "archive layout", ArchivedText.from_text(str(path), text))


def _normalised(path: Path, title: str, published: str | None, paragraphs: list[str], layout: str) -> Prepared:
    if not title:
        raise CqfactsError(f"{path}: no title found in the {layout}; give one with --title")
    if not paragraphs:
        raise CqfactsError(f"{path}: no paragraphs of text found in the {layout}")
    if DATELINE_RE.match(paragraphs[0]):  # the text's own dateline
        dateline, paragraphs = [paragraphs[0]], paragraphs[1:]
    else:
        dateline = [published.replace("T", " ")] if published else []
    text = "\n\n".join([_one_line(title), *dateline, *paragraphs]) + "\n"
    return Prepared(text, layout, ArchivedText.from_text(str(path), text))


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _check_plain_layout(path: Path, text: str) -> None:
    """Refuse a plain text whose paragraph numbers would come out shifted."""
    lines = text.splitlines()
    numbered = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise CqfactsError(f"{path}: the text is empty")
    if len(numbered) > 1:
        n, second = numbered[1]
        if not DATELINE_RE.match(second) and _OTHER_DATELINE_RE.match(second) and len(second) <= 100:
            raise CqfactsError(
                f"{path}:{n}: {second[:60]!r} looks like a dateline but does not start with YYYY-MM-DD, so it"
                " would be counted as paragraph 1; write the date as YYYY-MM-DD at the start of that line"
                " (e.g. 2024-03-31), or delete the line if it is not a dateline")
    wrapped = 0
    for i in range(1, len(lines)):
        before, line = lines[i - 1].strip(), lines[i].strip()
        if before and line and not _ENDS_SENTENCE_RE.search(before) and line[:1].islower():
            wrapped += 1
    if wrapped >= 2:
        raise CqfactsError(
            f"{path}: paragraphs seem to be broken over several lines ({wrapped} lines continue a sentence), but"
            " in a plain text every line is a paragraph; join each paragraph into one line, or save the file"
            " as Markdown (.md), where a blank line ends a paragraph")


# --- Markdown ------------------------------------------------------------------------------------------

_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"
                             r"|(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)")
_MD_BLOCK_MARK_RE = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")


def markdown_paragraphs(text: str) -> tuple[str, list[str]]:
    """The title (the first ``#`` heading) and the paragraphs of a Markdown text: a blank line ends a
    paragraph, a heading or a list item is one of its own; links, emphasis and code marks are dropped."""
    title = ""
    paragraphs: list[str] = []
    block: list[str] = []
    fenced = False

    def flush() -> None:
        if block:
            paragraphs.append(_md_inline(" ".join(block)))
            block.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            flush()
            fenced = not fenced
            continue
        if fenced or not stripped or re.fullmatch(r"[-*_=]{3,}", stripped):
            flush()
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*$", stripped)
        if heading or re.match(r"^(?:[-*+]|\d+[.)])\s+", stripped):
            flush()
            content = _md_inline(_MD_BLOCK_MARK_RE.sub("", stripped).rstrip("#").strip())
            if heading and not title and stripped.startswith("# "):
                title = content
            else:
                paragraphs.append(content)
            continue
        block.append(_MD_BLOCK_MARK_RE.sub("", stripped) if stripped.startswith(">") else stripped)
    flush()
    if not title and paragraphs:
        title = paragraphs.pop(0)
    return title, [p for p in paragraphs if p]


def _md_inline(text: str) -> str:
    text = _MD_LINK_RE.sub(r"\1", text)
    text = _MD_EMPHASIS_RE.sub(lambda m: next(g for g in m.groups()[1:] if g is not None), text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return _one_line(text.replace("\\", ""))


# --- Saved web pages -----------------------------------------------------------------------------------

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre", "dd", "dt", "td", "th"}
_SKIPPED = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg", "button"}


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.h1 = ""
        self.paragraphs: list[str] = []
        self._skip = 0
        self._in_title = False
        self._block: list[str] | None = None
        self._block_tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCKS and not self._skip:
            self._end_block()
            self._block, self._block_tag = [], tag
        elif tag == "br" and self._block is not None:
            self._block.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _BLOCKS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip and self._block is not None:
            self._block.append(data)

    def _end_block(self) -> None:
        if self._block is not None:
            text = _one_line("".join(self._block))
            if text and self._block_tag == "h1" and not self.h1:
                self.h1 = text
            elif text:
                self.paragraphs.append(text)
        self._block = None

    def close(self) -> None:
        super().close()
        self._end_block()


def html_paragraphs(text: str) -> tuple[str, list[str]]:
    """The title (the first ``<h1>``, else ``<title>``) and the text of each paragraph, heading and list item
    of a saved web page, leaving out scripts, styles, navigation, headers, footers and asides."""
    page = _PageText()
    page.feed(text)
    page.close()
    return page.h1 or _one_line(page.title), page.paragraphs


def archive_name(source_id: str) -> str:
    """Where ``source add`` archives a source's text, relative to its fact file."""
    return f"sources/{source_id}.txt"
