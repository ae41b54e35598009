"""The terminal view of a draft's findings: a summary of counts per status, then each finding with the
draft's words above the fact's, the words that differ highlighted. Text from the draft or the base is
always ``rich.text.Text``, never markup."""

from __future__ import annotations

from typing import Any

from cqfacts.draft.findings import Finding, counts, severity
from cqfacts.normalize import fold
from cqfacts.output import clean

_STYLE = {"error": "bold red", "warning": "yellow", "ok": "green"}


def summary(findings: list[Finding], drafts: int) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{drafts} draft{'s' if drafts != 1 else ''} checked", title_justify="left",
                  show_edge=False, pad_edge=False)
    table.add_column("status")
    table.add_column("findings", justify="right")
    for status, n in counts(findings).items():
        table.add_row(Text(status, style=_STYLE[severity(status)]), Text(str(n)))
    if not findings:
        table.add_row(Text("nothing to check", style="dim"), Text("0"))
    return table


def _words_differing(a: str, b: str) -> tuple[set[int], set[int]]:
    """Indexes of the whitespace-separated words of a and of b that the other lacks, compared folded."""
    import difflib

    left, right = a.split(), b.split()
    key = [fold(w).strip(".,;:!?\"'()[]") for w in left], [fold(w).strip(".,;:!?\"'()[]") for w in right]
    only_a: set[int] = set()
    only_b: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, key[0], key[1], autojunk=False).get_opcodes():
        if tag != "equal":
            only_a.update(range(i1, i2))
            only_b.update(range(j1, j2))
    return only_a, only_b


def _marked(text: str, marked: set[int], style: str) -> Any:
    from rich.text import Text

    out = Text()
    for n, word in enumerate(clean(text).split()):
        if n:
            out.append(" ")
        out.append(word, style=style if n in marked else "")
    return out


def finding_block(finding: Finding) -> Any:
    from rich.console import Group
    from rich.text import Text

    head = Text()
    head.append(clean(f"{finding.file}:{finding.line}:{finding.column}"), style="bold")
    head.append(f"  {finding.kind} ")
    head.append(finding.status, style=_STYLE[finding.severity])
    lines: list[Any] = [head, Text("  " + clean(finding.message))]
    if finding.expected and finding.severity == "error":
        only_draft, only_fact = _words_differing(finding.text, finding.expected)
        lines.append(Text("  draft: ").append(_marked(finding.text, only_draft, "bold red")))
        lines.append(Text("  fact:  ").append(_marked(finding.expected, only_fact, "bold green")))
    return Group(*lines)


def report(findings: list[Finding], drafts: int) -> Any:
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = [summary(findings, drafts)]
    for finding in findings:
        parts.extend((Text(""), finding_block(finding)))
    return Group(*parts)
