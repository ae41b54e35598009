"""The manual page, made from the same help text as ``--help`` (``cqfacts --man``): one source, never stale."""

from __future__ import annotations

from typing import Any

from cqfacts import __version__


def roff(text: str) -> str:
    """Text safe in a man page line: backslashes and hyphens escaped, no line read as a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if not text.isascii():  # groff reads ASCII: other characters by their code point, \[u2026] for …
        text = "".join(c if c.isascii() else f"\\[u{ord(c):04X}]" for c in text)
    return "\n".join("\\&" + line if line[:1] in (".", "'") else line for line in text.split("\n"))


def _paragraphs(help_text: str) -> list[str]:
    """The help as roff paragraphs: Click's \\b blocks and 'Example:' lines keep their lines as written."""
    out = []
    for block in help_text.strip().split("\n\n"):
        lines = block.split("\n")
        if lines[0].strip() == "\b" or block.lstrip().startswith("Example:"):
            kept = [line.rstrip() for line in lines if line.strip() != "\b"]
            out.append(".PP\n.nf\n" + roff("\n".join(kept)) + "\n.fi")
        else:
            out.append(".PP\n" + roff(" ".join(line.strip() for line in lines)))
    return out


def _options(command: Any, ctx: Any) -> list[str]:
    out = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        out.append(f".TP\n\\fB{roff(names)}\\fR\n{roff(' '.join(help_text.split()))}")
    return out


def render(group: Any) -> str:
    """The whole manual: name, synopsis, description, global options, each command, exit status."""
    try:  # Typer >= 0.24 vendors Click
        from typer._click.core import Context
    except ImportError:  # pragma: no cover
        from click import Context  # type: ignore[no-redef]

    ctx = Context(group, info_name="cqfacts")
    summary, _, description = (group.help or "").partition("\n\n")
    page = [
        f'.TH CQFACTS 1 "" "cqfacts {__version__}" "User Commands"',
        ".nh",  # no hyphenation: ids, paths and options are never split
        ".ad l",
        ".SH NAME",
        f"cqfacts \\- {roff(summary.strip())}",
        ".SH SYNOPSIS",
        ".B cqfacts",
        "[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]...",
        ".SH DESCRIPTION",
        *_paragraphs(description),
        ".SH GLOBAL OPTIONS",
        ".PP",
        "Given before or after the command.",
        *_options(group, ctx),
        ".SH COMMANDS",
    ]
    for name, command in group.commands.items():
        sub = Context(command, info_name=name, parent=ctx)
        usage = " ".join(command.collect_usage_pieces(sub))
        page += [f'.SS "cqfacts {roff(name)} {roff(usage)}"', *_paragraphs(command.help or ""), *_options(command, sub)]
    page += [
        ".SH EXIT STATUS",
        ".TP\n0\nSomething was found, or the check passed.",
        ".TP\n1\nNothing was found.",
        ".TP\n2\nA usage or data error, said in one line on standard error.",
        ".TP\n130\nInterrupted (Ctrl\\-C).",
        ".SH SEE ALSO",
        "The README of cqfacts, and \\fBcqfacts COMMAND \\-\\-help\\fR.",
    ]
    return "\n".join(page) + "\n"
