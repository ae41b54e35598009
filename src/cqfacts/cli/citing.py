"""Citing facts: ``cite``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cqfacts.cli.app import SETTINGS, app
from cqfacts.cli.options import FactsOption, complete_fact_id, complete_style, load_base, require_fact
from cqfacts.errors import CqfactsError


@app.command("cite")
def cite_command(
    ids: Annotated[list[str], typer.Argument(help="One or more fact ids.", show_default=False, metavar="ID...",
                                             autocompletion=complete_fact_id)],
    style: Annotated[str, typer.Option(
        "--style", "-s", envvar="CQFACTS_STYLE", show_envvar=True, autocompletion=complete_style,
        help="apa, mla, chicago (notes and bibliography), chicago-author-date, harvard, ieee; pandoc "
             "([@key, para. 12] for a Markdown draft); or a file format: bibtex, biblatex, ris, csl-json.")] = "apa",
    csl: Annotated[str | None, typer.Option(
        "--csl", help="Any CSL style, rendered by pandoc: a .csl file or an official style name (nature, "
                      "american-sociological-association). Needs: pip install 'cqfacts[csl]'.",
        show_default=False)] = None,
    quote: Annotated[bool | None, typer.Option(
        "--quote/--no-quote", help="Print the quotation. [default: yes, unless --in-text or --reference picks]",
        show_default=False)] = None,
    in_text: Annotated[bool, typer.Option("--in-text", help="Print the in-text citation (Chicago: the note).")] = False,
    reference: Annotated[bool, typer.Option("--reference", help="Print the reference entry.")] = False,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="text, markdown (*italics*) or html (<i>italics</i>). [default: italics on a "
                               "terminal, text in a pipe]", show_default=False)] = None,
    url: Annotated[str | None, typer.Option("--url", help="The source's URL, when the fact base lacks it.",
                                               show_default=False)] = None,
    accessed: Annotated[str | None, typer.Option(
        "--accessed", help="When you read the source: YYYY-MM-DD or 'today'.", show_default=False)] = None,
    copy: Annotated[bool, typer.Option("--copy", help="Also put the plain-text citation on the clipboard.")] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print a JSON array: each fact's quotation, in-text citation and reference.")] = False,
    facts: FactsOption = None,
) -> None:
    """Quote facts and cite them in a style: quotation, in-text citation and reference entry.

    Example: cqfacts cite nev-production-sales-2023 --style mla
    """
    from cqfacts.citation import MACHINE_STYLES, PANDOC, check_style, cite, cite_csl, parse_accessed
    from cqfacts.citation.printing import FORMATS, as_json_rows, as_rich_text, as_text
    from cqfacts.output import isatty

    if csl is None:
        check_style(style)
        if style in MACHINE_STYLES and in_text:
            raise CqfactsError(f"{style} is a file format for reference managers: it has no in-text form; "
                               "for --in-text pick a citation style (apa, mla, chicago, ...)")
    elif as_json or copy:
        raise CqfactsError("--csl prints pandoc's text; --json and --copy work with the built-in styles only")
    if fmt is not None and fmt not in FORMATS:
        raise CqfactsError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    base = load_base(facts)
    found = [require_fact(base, fact_id) for fact_id in ids]
    when = parse_accessed(accessed) if accessed else None
    picked = in_text or reference
    if style == PANDOC and reference:
        raise CqfactsError("the pandoc style is a citation only; write the bibliography with "
                           "'cqfacts bib ID... --format csl-json > refs.json'")
    parts = {"quote": quote if quote is not None else not picked and style != PANDOC,
             "in_text": in_text or not picked, "reference": reference or not picked}
    if csl is not None:  # one pandoc run renders the citations and the bibliography
        sys.stdout.write(cite_csl(found, base.sources, csl, parts, fmt or "text", url=url, accessed=when))
        return
    result = cite(found, base.sources, style, url=url, accessed=when)
    if as_json:  # the shared writer: C1 and bidi controls escaped, as in every other JSON output
        from cqfacts.output import to_json

        sys.stdout.write(to_json(as_json_rows(result, parts, fmt or "text"), indent=2) + "\n")
    elif fmt is None and not result.machine and isatty(sys.stdout):
        from cqfacts.output import console

        console(color=SETTINGS.color).print(as_rich_text(result, parts), soft_wrap=True)
    else:
        sys.stdout.write(as_text(result, parts, fmt or "text"))
    if copy:
        from cqfacts.clipboard import copy as copy_to_clipboard
        from cqfacts.clipboard import copy_notice
        from cqfacts.output import notice

        notice(copy_notice(copy_to_clipboard(as_text(result, parts, "text"))))
