"""The status line: how many facts the query finds, how many are marked, the style and what Enter prints."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from cqfacts.output import one_line


class StatusLine(Static):
    def show(self, query: str, found: int, pool: int, capped: bool, marked: int, style: str, prints: str) -> None:
        if found:
            count = f"first {found:,} of {pool:,} facts: type to narrow" if capped else f"{found:,} of {pool:,} facts"
            parts: list[str | tuple[str, str]] = [count]
        else:
            nothing = (f"no fact matches “{one_line(query)}”: try fewer or other words" if query.strip()
                       else "no fact passes the filters given")
            parts = [(nothing, "bold $error")]
        if marked:
            parts.extend([" · ", (f"{marked} marked", "bold")])
        parts.append(f" · style {style} · Enter prints {prints}")
        self.update(Content.assemble(*parts), layout=False)  # one line, always: no layout needed
