"""The exceptions cqfacts raises for problems a user can fix; the CLI prints them as one line, exit 2."""

from __future__ import annotations

from collections.abc import Iterable

from cqfacts.lazy import record


def closest(word: str, choices: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The choices most like a mistyped word, for "did you mean" hints."""
    if len(word) > 100:  # difflib is quadratic in the length; no id or key is that long
        return []
    import difflib

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


class CqfactsError(Exception):
    """A problem with the user's input or data: printed as one line, exit code 2, no traceback."""

    exit_code = 2


@record(frozen=True, order=True)
class Problem:
    """One thing wrong with a fact base, located as precisely as the file allows."""

    file: str
    line: int
    item: str  # a fact, source or entity id ("sources.x"), or "" for the file itself
    message: str
    severity: str = "error"  # or "warning": reported, but fails `check` only with --strict

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        message = f"warning: {self.message}" if self.severity == "warning" else self.message
        return f"{where}: {self.item}: {message}" if self.item else f"{where}: {message}"

    def to_json(self) -> dict[str, object]:
        """The documented JSON form (``check --json``)."""
        return {"file": self.file, "line": self.line or None, "id": self.item or None, "message": self.message,
                "severity": self.severity}


class FactBaseError(CqfactsError):
    """A fact base that does not load; carries every problem found, in file and line order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        first = str(self.problems[0])
        more = len(self.problems) - 1
        hint = f" (and {more} more problem{'s' if more != 1 else ''}; run 'cqfacts check' to list them)" if more else ""
        super().__init__(first + hint)
