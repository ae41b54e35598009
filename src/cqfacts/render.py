"""Rich renderables for people: one fact as a panel. Fact text is always Text, never markup."""

from __future__ import annotations

from typing import Any

from cqfacts.model import Fact, FactBase
from cqfacts.output import clean


def fact_panels(base: FactBase, facts: list[Fact]) -> Any:
    """Several facts, one panel each, as one renderable (so a pager gets them all at once)."""
    from rich.console import Group

    return Group(*(fact_panel(base, fact) for fact in facts))


def fact_panel(base: FactBase, fact: Fact) -> Any:
    """Everything known about a fact, as a titled panel: statement, quote, source, figures, names."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold blue", no_wrap=True)
    grid.add_column()

    def row(label: str, value: str | None, style: str = "") -> None:
        if value:
            grid.add_row(label, Text(clean(value), style=style))

    source = base.sources.get(fact.source)
    row("Kind", fact.kind)
    row("When", fact.when)
    if fact.speaker:
        row("Speaker", ", ".join(p for p in (fact.speaker.name, fact.speaker.role, fact.speaker.organization) if p))
    for figure in fact.figures:
        row("Figure", f"{figure.display}" + (f" ({figure.measure})" if figure.measure else ""))
    day = source.published_text[:10] if source else ""  # the day, not the printed time
    where = ", ".join(p for p in (source.container_title or source.publisher, day) if p) if source else ""
    row("Source", f"{source.title}" + (f" ({where})" if where else "") if source else fact.source)
    if source:
        row("URL", source.url)
    row("Paragraph", str(fact.paragraph))
    for entity_id in fact.entities:
        entity = base.entities.get(entity_id)
        if entity:
            others = [n for n in entity.names if n != entity.name]
            row("Entity", entity.name + (f" (also: {', '.join(others)})" if others else ""))
    row("Tags", ", ".join(fact.tags))
    row("Note", fact.note)
    body = Group(Text(clean(fact.statement), style="bold"), Text(""),
                 Text("“" + clean(fact.quote) + "”", style="italic"), Text(""), grid)
    return Panel(body, title=Text(fact.id, style="bold cyan"), title_align="left", expand=True)
