"""Adding to a fact base: ``source add``, ``paragraphs`` and ``fact add``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cqfacts.cli.app import EXIT_FOUND, EXIT_NOTHING, SETTINGS, app
from cqfacts.cli.options import FactsOption, complete_kind, complete_source, complete_tag
from cqfacts.errors import CqfactsError

if TYPE_CHECKING:
    from cqfacts.curate.adding import Written

# "\b": Click keeps the example on one line, as it must be typed.
source_app = typer.Typer(help="Sources of the fact base.\n\n\b\nExample: cqfacts source add article.txt"
                         " --id daily-2024-05-06 --title \"…\" --publisher \"…\" --published 2024-05-06",
                         no_args_is_help=True)
fact_app = typer.Typer(help="Facts of the fact base.\n\n\b\nExample: cqfacts fact add --source daily-2024-05-06"
                       " --quote \"…\" --statement \"…\" --kind result", no_args_is_help=True)
app.add_typer(source_app, name="source")
app.add_typer(fact_app, name="fact")

FileOption = Annotated[Path | None, typer.Option(
    "--file", help="Fact file to add to. [default: the base's facts.toml; for a fact, the file defining its source]",
    show_default=False)]


def _report(written: Written) -> None:
    from cqfacts.output import notice

    kept = f"; the previous version is {written.backup}" if written.backup else ""
    notice(f"added [{written.section}.{written.item_id}] to {written.file}{kept}")


@source_app.command("add")
def source_add_command(
    text_file: Annotated[Path, typer.Argument(help="The source's text: plain text in the archive layout, Markdown "
                                              "(.md), or a saved web page with --from-html.", show_default=False)],
    source_id: Annotated[str, typer.Option("--id", help="Id of the new source, e.g. daily-2024-05-06.",
                                           show_default=False)],
    title: Annotated[str | None, typer.Option("--title", help="Title as published. [default: the text's title line]",
                                              show_default=False)] = None,
    source_type: Annotated[str | None, typer.Option(
        "--type", help="webpage (default), post, article-newspaper, article-magazine, article-journal, report, book "
        "or chapter.", show_default=False)] = None,
    authors: Annotated[list[str] | None, typer.Option("--author", help='A person, "Family, Given" (repeatable).',
                                                      show_default=False)] = None,
    family_first: Annotated[bool, typer.Option(
        "--family-first", help="The --author names are printed family name first (Wang Jiaxi).")] = False,
    organizations: Annotated[list[str] | None, typer.Option(
        "--organization", help="An organisation as author (repeatable).", show_default=False)] = None,
    container: Annotated[str | None, typer.Option("--container", help="Newspaper, journal or site it appeared in.",
                                                  show_default=False)] = None,
    site: Annotated[str | None, typer.Option("--site", help="Website name (for a web page).",
                                             show_default=False)] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Publishing organisation.",
                                                  show_default=False)] = None,
    publisher_place: Annotated[str | None, typer.Option("--publisher-place", help="City of the publisher.",
                                                        show_default=False)] = None,
    volume: Annotated[str | None, typer.Option("--volume", show_default=False)] = None,
    issue: Annotated[str | None, typer.Option("--issue", show_default=False)] = None,
    page: Annotated[str | None, typer.Option("--page", help="Page or page range.", show_default=False)] = None,
    section: Annotated[str | None, typer.Option("--section", help="Newspaper section.", show_default=False)] = None,
    published: Annotated[str | None, typer.Option(
        "--published", help="YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS as printed, or YYYY / YYYY-MM.",
        show_default=False)] = None,
    url: Annotated[str | None, typer.Option("--url", help="Only when known: never invent one.",
                                            show_default=False)] = None,
    accessed: Annotated[str | None, typer.Option("--accessed", help="YYYY-MM-DD the URL was read.",
                                                 show_default=False)] = None,
    language: Annotated[str, typer.Option("--language", help="Language of this copy.")] = "en",
    original_language: Annotated[str | None, typer.Option("--original-language", help="When the copy is a translation.",
                                                          show_default=False)] = None,
    short_title: Annotated[str | None, typer.Option("--short-title", help="For short notes.",
                                                    show_default=False)] = None,
    from_html: Annotated[bool, typer.Option("--from-html",
                                            help="TEXT_FILE is a saved web page: archive its text.")] = False,
    file: FileOption = None,
    facts: FactsOption = None,
) -> None:
    """Archive a source's text in sources/, record its SHA-256, add its [sources.ID] table, check the base.

    Example: cqfacts source add article.txt --id daily-2024-05-06 --title "…" --publisher "…" --published 2024-05-06

    Prints the paragraphs as check and fact add number them.
    """
    import datetime as dt

    from cqfacts.curate.adding import add_source, author, curated_base, parse_published

    people = [author(a, family_first) for a in authors or ()]
    orgs = [{"organization": o} for o in organizations or ()]
    if not people and not orgs and publisher:
        orgs = [{"organization": publisher}]
    try:
        accessed_date = dt.date.fromisoformat(accessed) if accessed else None
    except ValueError:
        raise CqfactsError(f"--accessed {accessed!r}: write YYYY-MM-DD") from None
    metadata = {"title": title, "type": source_type, "short_title": short_title, "container_title": container,
                "site": site, "publisher": publisher, "publisher_place": publisher_place, "volume": volume,
                "issue": issue, "page": page, "section": section, "authors": people + orgs,
                "published": parse_published(published) if published else None, "language": language,
                "original_language": original_language, "url": url, "accessed": accessed_date}
    base_path = curated_base(facts or SETTINGS.facts)
    written, archive = add_source(base_path, text_file, source_id, metadata, from_html=from_html, file=file)
    _print_paragraphs(archive.lines, None)
    from cqfacts.output import notice

    for note in written.notes:
        notice(note)
    _report(written)
    notice("check: ok")


def _print_paragraphs(paragraphs: tuple[str, ...], grep: str | None) -> int:
    from cqfacts.curate.quotefind import fold
    from cqfacts.output import one_line, writing

    wanted = fold(grep)[0].casefold() if grep else None
    shown = 0
    with writing():
        for number, text in enumerate(paragraphs, start=1):
            if wanted is None or wanted in fold(text)[0].casefold():
                sys.stdout.write(f"{number}\t{one_line(text)}\n")
                shown += 1
    return shown


@app.command("paragraphs")
def paragraphs_command(
    source: Annotated[str, typer.Argument(help="A source id (its archive is read) or the path of a text file.",
                                          autocompletion=complete_source, show_default=False)],
    grep: Annotated[str | None, typer.Option("--grep", help="Only paragraphs containing this text (case, quote "
                                             "marks, dashes and spacing aside).", show_default=False)] = None,
    facts: FactsOption = None,
) -> None:
    """Print an archived source's paragraphs, numbered as check and fact add count them.

    Example: cqfacts paragraphs cqgov-2024-03-31 --grep "Tianmu"
    """
    from cqfacts.verify import ArchivedText, archive_path

    path = Path(source)
    if not path.is_file():
        from cqfacts.cli.options import load_base

        base = load_base(facts or SETTINGS.facts)
        if source not in base.sources:
            raise CqfactsError(f"{source!r} is neither a source id of the fact base nor a file")
        found = archive_path(base.sources[source])
        if found is None:
            raise CqfactsError(f"source {source!r} has no archive; add its text with 'cqfacts source add'")
        path = found
    archive = ArchivedText.read(path)
    shown = _print_paragraphs(archive.lines, grep)
    raise typer.Exit(EXIT_FOUND if shown else EXIT_NOTHING)


def on_terminal() -> bool:
    """Is a person at a terminal to write in $EDITOR (both standard input and output are terminals)?"""
    from cqfacts.output import isatty

    return isatty(sys.stdin) and isatty(sys.stdout)


@fact_app.command("add")
def fact_add_command(
    source: Annotated[str, typer.Option("--source", help="Id of the source the quote is from.",
                                        autocompletion=complete_source, show_default=False)],
    quote: Annotated[str, typer.Option("--quote", help="The words of the source, as you read them: spacing, "
                                       "straight or curly quotes and dashes are forgiven; the archive's exact "
                                       "characters are stored.", show_default=False)],
    statement: Annotated[str | None, typer.Option("--statement", help="The curated claim. [default: written in $EDITOR "
                                                  "on a terminal]", show_default=False)] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="result, forecast, target, status, event or opinion.",
                                             autocompletion=complete_kind, show_default=False)] = None,
    tags: Annotated[list[str] | None, typer.Option("--tag", help="A topic tag (repeatable).",
                                                   autocompletion=complete_tag)] = None,
    entities: Annotated[list[str] | None, typer.Option("--entity", help="An entity id or name (repeatable).")] = None,
    period: Annotated[str | None, typer.Option("--period", help="YYYY, YYYY-MM, YYYY-MM-DD or START/END. "
                                               "[default: the one year the quote names]", show_default=False)] = None,
    note: Annotated[str | None, typer.Option("--note", help="A curator's note.", show_default=False)] = None,
    fact_id: Annotated[str | None, typer.Option("--id", help="Id of the new fact. [default: from the statement]",
                                                show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run",
                                          help="Print the fact that would be added; change nothing.")] = False,
    file: FileOption = None,
    facts: FactsOption = None,
) -> None:
    """Add a fact from a quote: its paragraph, exact characters, an id and figures are filled in.

    Example: cqfacts fact add --source daily-2024-05-06 --quote "more than 20,000 vehicles" --kind result

    Prints the fact's TOML; warns when the quote reads as a forecast but --kind result was given.
    """
    from cqfacts.curate.adding import curated_base, draft_fact, edited_draft, fact_toml, write_fact
    from cqfacts.loader import load_with_problems
    from cqfacts.output import notice
    from cqfacts.spec import KINDS

    if kind is not None and kind not in KINDS:
        raise CqfactsError(f"--kind {kind!r}: choose one of {', '.join(KINDS)}")
    base_path = curated_base(facts or SETTINGS.facts)
    base, _ = load_with_problems(base_path)
    draft = draft_fact(base, base_path, source, quote, statement=statement, kind=kind, tags=list(tags or ()),
                       entities=list(entities or ()), fact_id=fact_id, file=file, note=note, period=period)
    if statement is None and not dry_run:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not (editor and on_terminal()):
            raise CqfactsError("give --statement (or run on a terminal with $EDITOR set to write it there)")
        draft = edited_draft(draft, editor)
    for warning in draft.warnings:
        notice(f"warning: {warning}")
    if dry_run:
        sys.stdout.write(fact_toml(draft))
        notice(f"dry run: would add [facts.{draft.item_id}] to {draft.target}; nothing was changed")
        return
    written = write_fact(base_path, draft)
    sys.stdout.write(written.toml)
    _report(written)
