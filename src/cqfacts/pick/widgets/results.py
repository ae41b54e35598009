"""The ranked result list: one line per fact (its statement), marks for choosing several."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from cqfacts.output import one_line

if TYPE_CHECKING:
    from cqfacts.model import Fact

MARK, UNMARKED = "● ", "  "


class ResultList(OptionList, can_focus=False):
    """The facts of the current ranking; the query line keeps the focus, the app moves the highlight."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.facts: list[Fact] = []
        self.marks: dict[str, Fact] = {}  # fact id -> fact, in the order marked (kept across queries)

    def show(self, facts: list[Fact]) -> None:
        """List these facts, best first, and highlight the first."""
        self.facts = facts
        self.set_options(Option(self._prompt(f), id=f.id) for f in facts)
        self.highlighted = 0 if facts else None

    @property
    def current(self) -> Fact | None:
        index = self.highlighted
        return self.facts[index] if index is not None and index < len(self.facts) else None

    def move(self, step: int) -> None:
        if step < 0:
            self.action_cursor_up()
        else:
            self.action_cursor_down()

    def toggle_mark(self) -> None:
        """Tab: mark the highlighted fact, or unmark it, and move to the next."""
        fact, index = self.current, self.highlighted
        if fact is None or index is None:
            return
        if self.marks.pop(fact.id, None) is None:
            self.marks[fact.id] = fact
        self.replace_option_prompt_at_index(index, self._prompt(fact))
        if index + 1 < len(self.facts):
            self.highlighted = index + 1

    def chosen(self) -> list[Fact]:
        """Enter: the marked facts, else the highlighted one."""
        if self.marks:
            return list(self.marks.values())
        return [self.current] if self.current is not None else []

    def _prompt(self, fact: Fact) -> Content:
        # Fact text is data, never markup: plain strings become Content as they are.
        marked = fact.id in self.marks
        return Content.assemble((MARK, "bold $accent") if marked else UNMARKED,
                                (one_line(fact.statement), "bold" if marked else ""))
