"""The preview pane: everything a writer checks before citing the highlighted fact, and the citation as
Enter will print it in the current style."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from cqfacts.output import clean

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from cqfacts.model import Fact, FactBase

LABEL = "bold $accent"


class Preview(VerticalScroll, can_focus=False):
    def compose(self) -> ComposeResult:
        yield Static(id="preview-text")

    def show(self, base: FactBase, fact: Fact | None, heading: str = "", citation: str = "") -> None:
        """Show a fact (None: nothing to show) and, under a heading, its citation."""
        text = self.query_one("#preview-text", Static)
        self.scroll_home(animate=False)
        if fact is None:
            text.update(Content(""))
            return
        parts: list[str | tuple[str, str]] = [(clean(fact.statement), "bold"), "\n\n",
                                               ("“" + clean(fact.quote) + "”", "italic"), "\n"]

        def row(label: str, value: str) -> None:
            parts.extend(["\n", (f"{label:<10}", LABEL), clean(value)])

        for figure in fact.figures:
            row("Figure", figure.display + (f" ({figure.measure})" if figure.measure else ""))
        if fact.speaker:
            row("Speaker", ", ".join(p for p in (fact.speaker.name, fact.speaker.role, fact.speaker.organization)
                                     if p))
        source = base.sources.get(fact.source)
        row("Source", source.title if source else fact.source)
        row("Paragraph", str(fact.paragraph))
        row("Fact", " · ".join(p for p in (fact.id, fact.kind, fact.when) if p))
        parts.extend(["\n\n", (heading, LABEL), "\n", clean(citation.rstrip("\n"))])
        text.update(Content.assemble(*parts))
