"""The cqfacts command line: option parsing and wiring only; the work is done in the library modules."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cqfacts import __version__
from cqfacts.errors import CqfactsError
from cqfacts.model import Fact, FactBase

try:  # Typer >= 0.24 vendors Click; the exceptions are needed to run it without standalone mode.
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

EXIT_FOUND, EXIT_NOTHING, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="cqfacts",
    help="Look up, check and cite curated facts about how Chongqing develops new productive forces.\n\n"
    "Examples:\n\n"
    "  cqfacts search Tianmu\n\n"
    "  cqfacts search \"new energy vehicles 2023\" --json | jq '.[0].statement'\n\n"
    "  cqfacts show nev-production-sales-2023\n\n"
    "  cqfacts check --source ../shared/source/chongqing-new-productive-forces-2024-03-31.txt",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Settings:
    """Options given before the command, shared by every command."""

    facts: Optional[Path] = None
    color: Optional[bool] = None
    debug: bool = False


SETTINGS = Settings()


def _version(value: bool) -> None:
    if value:
        print(f"cqfacts {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    facts: Annotated[Optional[Path], typer.Option(
        "--facts", help="Fact base: a TOML file or a folder of them. [env: CQFACTS_FACTS; default: the shipped base]",
        show_default=False)] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour, also when NO_COLOR is not set.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    SETTINGS.facts = facts
    SETTINGS.color = False if no_color else None
    SETTINGS.debug = debug or SETTINGS.debug


# --- Options shared by commands -----------------------------------------------------------------------

FactsOption = Annotated[Optional[Path], typer.Option(
    "--facts", help="Fact base: a TOML file or a folder of them (overrides the global --facts).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON array (same as --format json).")]
FormatOption = Annotated[Optional[str], typer.Option(
    "--format", "-f", help="table, json, ndjson, csv, tsv or markdown. [default: table on a terminal, tsv in a pipe]",
    show_default=False)]
FieldsOption = Annotated[Optional[str], typer.Option(
    "--fields", help="Comma-separated fields to print, e.g. id,statement,period.", show_default=False)]
TagOption = Annotated[Optional[list[str]], typer.Option("--tag", help="Only facts with this tag (repeatable).")]
KindOption = Annotated[Optional[list[str]], typer.Option(
    "--kind", help="Only facts of this kind: result, forecast, target, status, event, opinion (repeatable).")]
YearOption = Annotated[Optional[list[int]], typer.Option("--year", help="Only facts about this year (repeatable).")]
SourceOption = Annotated[Optional[list[str]], typer.Option("--source", help="Only facts from this source id (repeatable).")]
EntityOption = Annotated[Optional[list[str]], typer.Option(
    "--entity", help="Only facts naming this entity: id or any of its names (repeatable).")]
PagerOption = Annotated[bool, typer.Option("--pager", help="Page long output on a terminal.")]


def load_base(facts: Optional[Path] = None) -> FactBase:
    """The one way commands load a fact base: --facts, else the global --facts, else $CQFACTS_FACTS."""
    from cqfacts.loader import load

    return load(facts or SETTINGS.facts)


def _select(base: FactBase, tag: Optional[list[str]], kind: Optional[list[str]], year: Optional[list[int]],
            source: Optional[list[str]], entity: Optional[list[str]]) -> list[Fact]:
    from cqfacts.loader import KINDS

    for k in kind or ():
        if k not in KINDS:
            raise CqfactsError(f"unknown kind {k!r}; choose one of {', '.join(KINDS)}")
    return base.select(tag=tag, kind=kind, year=year, source=source, entity=entity)


def _fact_view(with_score: bool = False) -> Any:
    from cqfacts.output import Column, View

    def figure(r: dict[str, Any]) -> str:
        from cqfacts.model import Figure, Quantity

        figs = r.get("figures") or []
        if not figs:
            return ""
        f = figs[0]
        base = f.get("baseline")
        return Figure(value=f["value"], unit=f["unit"], comparator=f.get("comparator"),
                      baseline=Quantity(**base) if base else None).display

    columns = {
        "id": Column("id", "ID", lambda r: r["id"], no_wrap=True),
        "statement": Column("statement", "Statement", lambda r: r["statement"], ratio=5),
        "figure": Column("figure", "Key figure", figure, ratio=1),
        "when": Column("when", "When", lambda r: r.get("date") or r.get("period") or "", no_wrap=True),
        "kind": Column("kind", "Kind", lambda r: r["kind"], no_wrap=True),
        "quote": Column("quote", "Quote", lambda r: r["quote"], ratio=5),
        "source": Column("source", "Source", lambda r: r["source"], no_wrap=True),
        "paragraph": Column("paragraph", "Para.", lambda r: r["paragraph"], justify="right"),
        "period": Column("period", "Period", lambda r: r.get("period")),
        "date": Column("date", "Date", lambda r: r.get("date")),
        "tags": Column("tags", "Tags", lambda r: r.get("tags")),
        "entities": Column("entities", "Entities", lambda r: [e["name"] for e in r.get("entities", [])]),
        "speaker": Column("speaker", "Speaker", lambda r: (r.get("speaker") or {}).get("name")),
        "figures": Column("figures", "Figures", lambda r: r.get("figures")),
        "note": Column("note", "Note", lambda r: r.get("note")),
    }
    default = ("id", "statement", "figure", "when")
    if with_score:
        columns["score"] = Column("score", "Score", lambda r: r["score"], justify="right", no_wrap=True)
        default = ("score", *default)
    return View(columns=columns, default=default)


def _emit(records: list[dict[str, Any]], view: Any, as_json: bool, fmt: Optional[str], fields: Optional[str],
          pager: bool = False) -> None:
    from cqfacts.output import emit, resolve_format, wants_pager

    emit(records, view, resolve_format(fmt, as_json), fields, color=SETTINGS.color, pager=wants_pager(pager))


# --- Commands -----------------------------------------------------------------------------------------

@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Words, names, numbers or a question.", show_default=False)],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many results.")] = 10,
    min_score: Annotated[float, typer.Option("--min-score", min=0, max=100, help="Drop results scoring below this (0-100).")] = 0.0,
    tag: TagOption = None, kind: KindOption = None, year: YearOption = None, source: SourceOption = None,
    entity: EntityOption = None,
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """Find facts by words, names, numbers or a question; best first.

    Example: cqfacts search "Tianmu satellites"
    """
    from cqfacts.search import search

    base = load_base(facts)
    pool = _select(base, tag, kind, year, source, entity)
    hits = search(base, query, facts=pool, limit=limit, min_score=min_score)
    records = [{**base.fact_json(h.fact), "score": h.score} for h in hits]
    _emit(records, _fact_view(with_score=True), as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if hits else EXIT_NOTHING)


@app.command("list")
def list_command(
    tag: TagOption = None, kind: KindOption = None, year: YearOption = None, source: SourceOption = None,
    entity: EntityOption = None,
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """List facts, in fact base order, optionally filtered.

    Example: cqfacts list --tag satellites --kind result
    """
    base = load_base(facts)
    selected = _select(base, tag, kind, year, source, entity)
    _emit([base.fact_json(f) for f in selected], _fact_view(), as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if selected else EXIT_NOTHING)


@app.command("show")
def show_command(
    ids: Annotated[list[str], typer.Argument(help="One or more fact ids.", show_default=False)],
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None,
    facts: FactsOption = None,
) -> None:
    """Show everything known about facts: quote, source, paragraph, figures, entities.

    Example: cqfacts show tianmu-1-first-phase-networking
    """
    from cqfacts.output import resolve_format

    base = load_base(facts)
    found = [require_fact(base, fact_id) for fact_id in ids]
    chosen = resolve_format(fmt, as_json)
    if chosen == "table" and not fields:
        from cqfacts.render import fact_panel
        from cqfacts.output import print_renderable

        for fact in found:
            print_renderable(fact_panel(base, fact), color=SETTINGS.color)
        return
    _emit([base.fact_json(f) for f in found], _fact_view(), as_json, fmt, fields)


def require_fact(base: FactBase, fact_id: str) -> Fact:
    """The fact with this id, or a one-line error suggesting the closest ids."""
    fact = base.facts.get(fact_id)
    if fact is not None:
        return fact
    import difflib

    close = difflib.get_close_matches(fact_id, list(base.facts), n=3, cutoff=0.5)
    if not close:
        close = [f for f in base.facts if fact_id.casefold() in f][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'cqfacts list --fields id' lists the ids"
    raise CqfactsError(f"unknown fact id {fact_id!r}{hint}")


@app.command("check")
def check_command(
    path: Annotated[Optional[Path], typer.Argument(
        help="Fact base to check: a TOML file or a folder. [default: --facts, $CQFACTS_FACTS or the shipped base]",
        show_default=False)] = None,
    source_text: Annotated[Optional[Path], typer.Option(
        "--source", help="Archived text of a source: each of its quotes must occur there verbatim, in its paragraph.",
        show_default=False)] = None,
    source_id: Annotated[Optional[str], typer.Option(
        "--source-id", help="Which source --source is the text of. [default: the source whose archive names the file]",
        show_default=False)] = None,
    facts: FactsOption = None,
) -> None:
    """Validate a fact base and list every problem as file:line: id: what is wrong.

    Example: cqfacts check --source ../shared/source/chongqing-new-productive-forces-2024-03-31.txt
    """
    from cqfacts.loader import load_with_problems

    base, problems = load_with_problems(path or facts or SETTINGS.facts)
    if source_text is not None:
        from cqfacts.verify import ArchivedText, check_quotes, sources_for

        archive = ArchivedText.read(source_text)
        problems += check_quotes(base, archive, sources_for(base, archive, source_id))
    if problems:
        from cqfacts.output import one_line

        for problem in sorted(problems):
            sys.stdout.write(one_line(str(problem)) + "\n")
        sys.stderr.write(f"cqfacts: {len(problems)} problem{'s' if len(problems) != 1 else ''} found\n")
        raise typer.Exit(EXIT_ERROR)
    checked = f", quotes checked against {source_text}" if source_text else ""
    sys.stderr.write(f"cqfacts: ok: {len(base.facts)} facts, {len(base.sources)} sources, "
                     f"{len(base.entities)} entities in {len(base.files)} file{'s' if len(base.files) != 1 else ''}{checked}\n")


# --- Entry point --------------------------------------------------------------------------------------

def main(argv: Optional[list[str]] = None) -> None:
    """Run the CLI: errors become one line on stderr and exit 2; Ctrl-C exits 130; no tracebacks."""
    from cqfacts.output import error_line

    SETTINGS.debug = os.environ.get("CQFACTS_DEBUG", "") not in ("", "0")
    code: Any = 0
    try:
        code = app(args=argv, prog_name="cqfacts", standalone_mode=False)
    except CqfactsError as exc:
        error_line(str(exc))
        code = exc.exit_code
    except click_exceptions.Exit as exc:
        code = exc.exit_code
    except click_exceptions.ClickException as exc:
        exc.show()
        code = EXIT_ERROR
    except (KeyboardInterrupt, click_exceptions.Abort):
        sys.stderr.write("\n")
        code = 130
    except BrokenPipeError:
        _quiet_broken_pipe()
        code = 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback reaches a user
        if SETTINGS.debug:
            import traceback

            traceback.print_exc()
        error_line(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug or CQFACTS_DEBUG=1 for details)")
        code = EXIT_ERROR
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    sys.exit(code if isinstance(code, int) else 0)


def _quiet_broken_pipe() -> None:
    # Python flushes stdout again at exit; point it at devnull so that flush cannot fail loudly.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
