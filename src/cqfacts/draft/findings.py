"""What checking a draft finds: one record per quotation, figure and citation checked, in reading order.

Statuses and what they mean for the exit code: ``altered``, ``differs``, ``comparator``,
``forecast-as-result`` and ``locator`` are errors; ``unbacked`` is a warning (the draft may quote or cite
sources the base does not hold); ``verbatim`` and ``matches`` are fine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ERRORS = ("altered", "differs", "comparator", "forecast-as-result", "locator")
WARNINGS = ("unbacked",)
FINE = ("verbatim", "matches")
STATUSES = (*FINE, *WARNINGS, *ERRORS)
KINDS = ("quotation", "figure", "citation")


def severity(status: str) -> str:
    """error, warning or ok."""
    return "error" if status in ERRORS else "warning" if status in WARNINGS else "ok"


@dataclass(frozen=True)
class Finding:
    """One thing checked: where (file, line, column), what (kind, status, the draft's words) and the fact."""

    file: str
    line: int
    column: int
    kind: str
    status: str
    text: str
    message: str
    fact: str | None = None
    source: str | None = None
    paragraph: int | None = None
    expected: str | None = None
    offset: int = 0  # in the draft's text, for reading order

    @property
    def severity(self) -> str:
        return severity(self.status)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "kind": self.kind,
                "status": self.status, "severity": self.severity, "text": self.text, "fact": self.fact,
                "source": self.source, "paragraph": self.paragraph, "expected": self.expected,
                "message": self.message}

    def __str__(self) -> str:
        """The linter line: ``FILE:LINE:COL: KIND STATUS: message``."""
        return f"{self.file}:{self.line}:{self.column}: {self.kind} {self.status}: {self.message}"


def counts(findings: list[Finding]) -> dict[str, int]:
    """How many findings have each status, in the order of STATUSES, statuses with none left out."""
    found = {status: 0 for status in STATUSES}
    for finding in findings:
        found[finding.status] += 1
    return {status: n for status, n in found.items() if n}


def failed(findings: list[Finding], strict: bool = False) -> bool:
    """Whether the findings fail the check: any error, or with ``strict`` any warning."""
    bad = (*ERRORS, *WARNINGS) if strict else ERRORS
    return any(f.status in bad for f in findings)
