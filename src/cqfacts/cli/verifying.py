"""Checking drafts against the fact base: ``verify``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cqfacts.cli.app import EXIT_FOUND, EXIT_NOTHING, SETTINGS, app
from cqfacts.cli.options import FactsOption, JsonOption, load_base
from cqfacts.errors import CqfactsError

if TYPE_CHECKING:
    from cqfacts.draft import Finding

FORMATS = ("text", "json", "ndjson")


def read_draft_file(name: str) -> tuple[str, str]:
    """(name shown in findings, text) of a draft file, or of stdin for '-'; a one-line error if unreadable."""
    shown = "<stdin>" if name == "-" else name
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except IsADirectoryError:
        raise CqfactsError(f"cannot read draft {shown}: it is a folder; give the draft files in it") from None
    except OSError as exc:
        raise CqfactsError(f"cannot read draft {shown}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CqfactsError(f"cannot read draft {shown}: line {line} is not UTF-8 text; save the draft as UTF-8"
                           ) from None
    return shown, text.replace("\r\n", "\n").replace("\r", "\n")


@app.command("verify")
def verify_command(
    files: Annotated[list[str], typer.Argument(
        help="Drafts to check: Markdown or plain text files; - reads a draft from stdin.", show_default=False,
        metavar="FILE...")],
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too: unbacked quotations, "
                                                          "figures and citations.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    as_json: JsonOption = False,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="text (FILE:LINE:COL: KIND STATUS: message), json or ndjson. [default: a summary "
                               "and the findings on a terminal, text in a pipe]", show_default=False)] = None,
    facts: FactsOption = None,
) -> None:
    """Check a draft's quotations, figures, forecasts and citation locators against the fact base.

    Example: cqfacts verify - <<< 'In 2023 Chongqing made over 500,000 NEVs.'

    Findings come in reading order, one a line: FILE:LINE:COL: KIND STATUS: message. Errors: a quotation
    altered, a figure that differs or has another comparator, a forecast stated as a result, a citation
    with the wrong paragraph. Warnings: a quotation, figure or citation the fact base does not back.
    Exit 0 when there is no error (and, with --strict, no warning), 1 otherwise, 2 when a draft or the
    fact base cannot be read.
    """
    from cqfacts.output import isatty

    if as_json and fmt not in (None, "json"):
        raise CqfactsError(f"--json and --format {fmt} disagree; give one of them")
    fmt = "json" if as_json else fmt
    if fmt is not None and fmt not in FORMATS:
        raise CqfactsError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if files.count("-") > 1:
        raise CqfactsError("- (stdin) can be given once")
    drafts = [read_draft_file(name) for name in files]
    from cqfacts.draft import DraftChecker, failed

    checker = DraftChecker(load_base(facts))
    findings = [finding for name, text in drafts for finding in checker.check(name, text)]
    shown = [f for f in findings if f.severity == "error"] if quiet else findings
    if fmt in ("json", "ndjson"):
        from cqfacts.output import write_text, writing

        with writing():
            write_text([f.to_json() for f in shown], None, fmt, sys.stdout)
    elif fmt is None and isatty(sys.stdout):
        from cqfacts.draft.render import report
        from cqfacts.output import console

        console(color=SETTINGS.color).print(report(shown, len(drafts)), soft_wrap=True)
    else:
        from cqfacts.output import clean, writing

        with writing():
            sys.stdout.writelines(clean(str(f)) + "\n" for f in shown)
        _summary_line(findings, len(drafts))
    raise typer.Exit(EXIT_NOTHING if failed(findings, strict) else EXIT_FOUND)


def _summary_line(findings: list[Finding], drafts: int) -> None:
    """The counts per status, on stderr: a pipe gets the findings alone on stdout."""
    from cqfacts.draft import counts

    found = counts(findings)
    parts = ", ".join(f"{n} {status}" for status, n in found.items()) or "nothing to check"
    sys.stderr.write(f"cqfacts: {parts} in {drafts} draft{'s' if drafts != 1 else ''}\n")
