"""The progress bar a large cache build shows on stderr (when it is a terminal): files read, then facts indexed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


class Progress:
    """A Rich progress bar on stderr while a large base is read and indexed; nothing when not enabled."""

    def __init__(self, enabled: bool, files: int):
        self.enabled, self.files = enabled, files
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            from cqfacts.output import console

            self._bar = Bar(TextColumn("cqfacts: {task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console(stderr=True), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task(f"reading {self.files} files", total=self.files)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def counting(self, results: Iterable[Any]) -> Iterator[Any]:
        """``results``, advancing the bar as each file is read."""
        for result in results:
            if self._bar is not None:
                self._bar.advance(self._task)
            yield result

    def indexing(self, facts: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description="indexing facts", completed=0, total=facts)

    def indexed(self, facts: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, facts)
