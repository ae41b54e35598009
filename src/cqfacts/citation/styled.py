"""Text with italic runs, rendered as plain text, Markdown or HTML (the terminal view is built by the CLI)."""

from __future__ import annotations

from collections.abc import Iterable

from cqfacts.lazy import Pattern, record

_MARKDOWN_SPECIAL = Pattern(r"([\\`*_<])")  # what would start emphasis, code or HTML


@record(frozen=True)
class Styled:
    """A run of text pieces, each roman or italic: what a citation part is before it is printed."""

    pieces: tuple[tuple[str, bool], ...] = ()

    @classmethod
    def of(cls, text: str, italic: bool = False) -> Styled:
        return cls(((text, italic),) if text else ())

    def __add__(self, other: Styled | str) -> Styled:
        other = Styled.of(other) if isinstance(other, str) else other
        return Styled(self.pieces + other.pieces)

    def __radd__(self, other: str) -> Styled:
        return Styled.of(other) + self

    def __bool__(self) -> bool:
        return any(text for text, _ in self.pieces)

    def plain(self) -> str:
        return "".join(text for text, _ in self.pieces)

    def markdown(self) -> str:
        return "".join(_wrap(_MARKDOWN_SPECIAL.sub(r"\\\1", text), "*", "*", italic) for text, italic in self.pieces)

    def html(self) -> str:
        import html

        return "".join(_wrap(html.escape(text, quote=False), "<i>", "</i>", italic) for text, italic in self.pieces)

    def render(self, fmt: str) -> str:
        """The text in one of the formats: text, markdown or html."""
        return {"text": self.plain, "markdown": self.markdown, "html": self.html}[fmt]()


def _wrap(text: str, start: str, end: str, italic: bool) -> str:
    return f"{start}{text}{end}" if italic and text else text


def italic(text: str) -> Styled:
    return Styled.of(text, italic=True)


def join(separator: str, parts: Iterable[Styled | str]) -> Styled:
    """Join the non-empty parts with a separator, like str.join."""
    out = Styled()
    for part in parts:
        if not part:
            continue
        out = out + separator + part if out else out + part
    return out
