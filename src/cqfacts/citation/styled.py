"""Text with italic runs and links, rendered as plain text, Markdown or HTML (the terminal view is built by
the CLI)."""

from __future__ import annotations

from collections.abc import Iterable

from cqfacts.lazy import Pattern, record

_MARKDOWN_SPECIAL = Pattern(r"([\\`*_<])")  # what would start emphasis, code or HTML
_AUTOLINK_SAFE = Pattern(r"https?://[^\s<>]+")


@record(frozen=True)
class Styled:
    """A run of text pieces, each roman or italic, and each plain text or a link to an address: what a
    citation part is before it is printed. A piece is (text, italic, href); href is "" for plain text."""

    pieces: tuple[tuple[str, bool, str], ...] = ()

    @classmethod
    def of(cls, text: str, italic: bool = False) -> Styled:
        return cls(((text, italic, ""),) if text else ())

    @classmethod
    def link(cls, text: str, href: str | None = None) -> Styled:
        """A URL as a style prints it (MLA drops the https://), linking to the full address."""
        return cls(((text, False, href or text),) if text else ())

    def __add__(self, other: Styled | str) -> Styled:
        other = Styled.of(other) if isinstance(other, str) else other
        return Styled(self.pieces + other.pieces)

    def __radd__(self, other: str) -> Styled:
        return Styled.of(other) + self

    def __bool__(self) -> bool:
        return any(text for text, _, _ in self.pieces)

    def plain(self) -> str:
        return "".join(text for text, _, _ in self.pieces)

    def endswith(self, suffix: str) -> bool:
        return self.plain().endswith(suffix)

    def markdown(self) -> str:
        return "".join(_markdown_piece(text, italic, href) for text, italic, href in self.pieces)

    def html(self) -> str:
        import html

        return "".join(_wrap(html.escape(text, quote=False), "<i>", "</i>", italic) for text, italic, _ in self.pieces)

    def render(self, fmt: str) -> str:
        """The text in one of the formats: text, markdown or html."""
        return {"text": self.plain, "markdown": self.markdown, "html": self.html}[fmt]()

    def cut_end(self, count: int) -> Styled:
        """The text without its last `count` characters (all in the last piece)."""
        text, italic, href = self.pieces[-1]
        return Styled((*self.pieces[:-1], (text[:-count], italic, href)))


def _markdown_piece(text: str, italic: bool, href: str) -> str:
    # A URL stays whole: escaping its "_" as "\_" breaks the address in pandoc and CommonMark. An address
    # printed as it is becomes an autolink <https://…>; one printed without its scheme (MLA) a link.
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    if href and _AUTOLINK_SAFE.fullmatch(href):
        label = escaped.replace("]", r"\]")
        out = f"<{href}>" if text == href else f"[{label}](<{href}>)"
    else:
        out = escaped
    return _wrap(out, "*", "*", italic)


def _wrap(text: str, start: str, end: str, italic: bool) -> str:
    return f"{start}{text}{end}" if italic and text else text


def italic(text: str) -> Styled:
    return Styled.of(text, italic=True)


def join(separator: str, parts: Iterable[Styled | str | None]) -> Styled:
    """Join the non-empty parts with a separator, like str.join."""
    out = Styled()
    for part in parts:
        if not part:
            continue
        out = out + separator + part if out else out + part
    return out
