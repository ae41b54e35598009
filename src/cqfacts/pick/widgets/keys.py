"""The keys, shown at the bottom as one line of text: key and what it does, as Textual's Footer shows them,
but a single Static drawn with the first frame (the Footer makes a widget per key, after mounting)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from collections.abc import Iterable

KEY, DESCRIPTION = "bold $footer-key-foreground", "$footer-description-foreground"


def key_line(keys: Iterable[tuple[str, str]]) -> Content:
    """' KEY description  KEY description ...' for (key as shown, description) pairs."""
    parts: list[str | tuple[str, str]] = []
    for key, description in keys:
        parts.extend([(f" {key} ", KEY), (f"{description} ", DESCRIPTION)])
    return Content.assemble(*parts)


class KeyLine(Static):
    def __init__(self, keys: Iterable[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(key_line(keys), **kwargs)  # type: ignore[arg-type]
