"""The cqfacts command line: option parsing and wiring only; the work is done in the library modules."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cqfacts import __version__
from cqfacts.errors import CqfactsError
from cqfacts.model import Fact, FactBase

try:  # Typer >= 0.24 vendors Click; its usage errors are needed to run it without standalone mode.
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException  # type: ignore[no-redef]

EXIT_FOUND, EXIT_NOTHING, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="cqfacts",
    # "\b" keeps Click from re-wrapping the example lines.
    help="Look up, check and cite curated facts about how Chongqing develops new productive forces.\n\n"
    "\b\nExamples:\n"
    "  cqfacts search Tianmu\n"
    "  cqfacts search \"new energy vehicles 2023\" --json | jq -r '.[0].statement'\n"
    "  cqfacts list --tag satellites\n"
    "  cqfacts show nev-production-sales-2023\n"
    "  cqfacts cite nev-production-sales-2023 --style apa\n"
    "  cqfacts tags\n"
    "  cqfacts stats --json | jq '.[] | select(.group == \"kind\")'\n"
    "  cqfacts check --source ../shared/source/chongqing-new-productive-forces-2024-03-31.txt\n\n"
    "Output is a table on a terminal and tab-separated rows in a pipe; --json, --format and --fields choose. "
    "Exit status: 0 found, 1 nothing found, 2 usage or data error.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Settings:
    """Options given before the command, shared by every command."""

    facts: Path | None = None
    color: bool | None = None
    debug: bool = False
    pager: bool = True  # False after --no-pager
    cache: bool = True  # False after --no-cache


SETTINGS = Settings()


def _version(value: bool) -> None:
    if value:
        print(f"cqfacts {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    facts: Annotated[Path | None, typer.Option(
        "--facts", help="Fact base: a TOML file or a folder of them. [env: CQFACTS_FACTS; default: the shipped base]",
        show_default=False)] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour, also when NO_COLOR is not set.")] = False,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", help="Never page, also when $CQFACTS_PAGER or $PAGER is set.")] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the traceback of an unexpected error. [env: CQFACTS_DEBUG=1]")] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Read the fact base from its TOML, not from the cache. [env: CQFACTS_NO_CACHE=1]")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    SETTINGS.facts = facts
    SETTINGS.color = False if no_color else None
    SETTINGS.pager = not no_pager
    SETTINGS.debug = debug or SETTINGS.debug
    SETTINGS.cache = not no_cache


# --- Shell completion: fact ids, tags, kinds, sources and citation styles ------------------------------

def _completion_base(ctx: Any) -> FactBase | None:
    """The fact base the command line being completed names; None when it cannot be loaded.

    Completion runs inside the user's shell on every Tab: it must never crash or print.
    """
    facts = None
    while ctx is not None and facts is None:
        facts = (getattr(ctx, "params", None) or {}).get("facts")
        ctx = getattr(ctx, "parent", None)
    try:
        return load_base(facts)
    except Exception:  # a broken base completes nothing rather than a traceback
        return None


def complete_fact_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Fact ids starting with what was typed, each with its statement as help."""
    base = _completion_base(ctx)
    if base is None:
        return []
    from cqfacts.output import one_line

    return [(f.id, one_line(f.statement)[:80]) for f in base.facts.values() if f.id.startswith(incomplete)]


def complete_tag(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Tags starting with what was typed, with how many facts carry each."""
    base = _completion_base(ctx)
    if base is None:
        return []
    from cqfacts.summary import tag_rows

    return [(r["tag"], f"{r['facts']} facts") for r in tag_rows(base.facts.values()) if r["tag"].startswith(incomplete)]


def complete_source(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Source ids starting with what was typed, with their short titles."""
    base = _completion_base(ctx)
    if base is None:
        return []
    from cqfacts.output import one_line

    return [(s.id, one_line(s.short_title or s.title)[:80]) for s in base.sources.values()
            if s.id.startswith(incomplete)]


def complete_kind(incomplete: str) -> list[str]:
    from cqfacts.spec import KINDS

    return [k for k in KINDS if k.startswith(incomplete)]


def complete_style(incomplete: str) -> list[str]:
    """Citation style names, for `cite --style` (autocompletion=complete_style)."""
    from cqfacts.citation import STYLE_NAMES

    return [s for s in STYLE_NAMES if s.startswith(incomplete)]


def complete_format(incomplete: str) -> list[str]:
    from cqfacts.output import FORMATS

    return [f for f in FORMATS if f.startswith(incomplete)]


# --- Options shared by commands -----------------------------------------------------------------------

FactsOption = Annotated[Path | None, typer.Option(
    "--facts", help="Fact base: a TOML file or a folder of them (overrides the global --facts).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON array (same as --format json).")]
FormatOption = Annotated[str | None, typer.Option(
    "--format", "-f", help="table, json, ndjson, csv, tsv or markdown. [default: table on a terminal, tsv in a pipe]",
    show_default=False, autocompletion=complete_format)]
FieldsOption = Annotated[str | None, typer.Option(
    "--fields", help="Comma-separated fields to print, e.g. id,statement,period.", show_default=False)]
TagOption = Annotated[list[str] | None, typer.Option("--tag", help="Only facts with this tag (repeatable).",
                                                        autocompletion=complete_tag)]
KindOption = Annotated[list[str] | None, typer.Option(
    "--kind", help="Only facts of this kind: result, forecast, target, status, event, opinion (repeatable).",
    autocompletion=complete_kind)]
YearOption = Annotated[list[int] | None, typer.Option("--year", help="Only facts about this year (repeatable).")]
SourceOption = Annotated[list[str] | None, typer.Option(
    "--source", help="Only facts from this source id (repeatable).", autocompletion=complete_source)]
EntityOption = Annotated[list[str] | None, typer.Option(
    "--entity", help="Only facts naming this entity: id or any of its names (repeatable).")]
PagerOption = Annotated[bool, typer.Option("--pager", help="Page long output on a terminal.")]


def load_base(facts: Path | None = None) -> FactBase:
    """The one way commands load a fact base: --facts, else the global --facts, else $CQFACTS_FACTS.

    Through the cache (cqfacts.cache) unless --no-cache; quietly while the shell completes a word.
    """
    from cqfacts.cache import load

    return load(facts or SETTINGS.facts, use_cache=SETTINGS.cache, quiet="_CQFACTS_COMPLETE" in os.environ)


def _select(base: FactBase, tag: list[str] | None, kind: list[str] | None, year: list[int] | None,
            source: list[str] | None, entity: list[str] | None) -> list[Fact]:
    from cqfacts.spec import KINDS

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
        "id": Column("id", "ID", lambda r: r["id"], no_wrap=True, style="cyan"),
        "statement": Column("statement", "Statement", lambda r: r["statement"], ratio=5),
        "figure": Column("figure", "Key figure", figure, ratio=2),
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
        columns["score"] = Column("score", "Score", lambda r: r["score"], justify="right", no_wrap=True,
                                  style="green")
        default = ("score", *default)
    return View(columns=columns, default=default, empty="no facts found")


def _emit(records: list[dict[str, Any]], view: Any, as_json: bool, fmt: str | None, fields: str | None,
          pager: bool = False) -> None:
    from cqfacts.output import emit, resolve_format, wants_pager

    emit(records, view, resolve_format(fmt, as_json), fields, color=SETTINGS.color,
         pager=SETTINGS.pager and wants_pager(pager))


# --- Commands -----------------------------------------------------------------------------------------

@app.command("search")
def search_command(
    query: Annotated[str | None, typer.Argument(
        help="Words, names, numbers or a question; - reads one query a line from stdin.", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many results.")] = 10,
    min_score: Annotated[float, typer.Option(
        "--min-score", min=0, max=100, help="Drop results scoring below this (0-100).")] = 0.0,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Show which query word matched which field of each result, and how.")] = False,
    stdin: Annotated[bool, typer.Option(
        "--stdin", help="Read one query a line from stdin; write one JSON line per query.")] = False,
    tag: TagOption = None, kind: KindOption = None, year: YearOption = None, source: SourceOption = None,
    entity: EntityOption = None,
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """Find facts by words, names, numbers or a question; best first.

    Words match in any order, as typed, as another form of the word, as the start of a word, or with a
    typo or two; numbers match with or without separators and scale words; aliases and Chinese names
    match too. Exit 0 when something is found, 1 when nothing is, 2 on an error.

    Example: cqfacts search "Tianmu satellites" --explain
    """
    from cqfacts.search import index_for, search

    if (stdin or query == "-") and query not in (None, "-"):
        raise CqfactsError("give a QUERY or --stdin, not both")
    if query is None and not stdin:
        raise CqfactsError("missing QUERY: give words to search for, or - to read queries from stdin")
    base = load_base(facts)
    pool = _select(base, tag, kind, year, source, entity) if (tag or kind or year or source or entity) else None
    index_for(base)  # filtered or not, words weigh by their rarity in the whole base
    if stdin or query == "-":
        if fmt not in (None, "json", "ndjson"):
            raise CqfactsError(f"--stdin writes JSON lines; --format {fmt} does not apply")
        from cqfacts.output import to_json, writing

        view, found = _search_view([], explain, "json"), False
        columns = view.pick(fields) if fields else None
        with writing():
            # Bytes, decoded here: a stray non-UTF-8 byte is U+FFFD in the query (and its JSON echo), whatever
            # the locale; sys.stdin would crash under PYTHONIOENCODING=utf-8 and echo raw bytes under C.
            for line in (raw.decode("utf-8", "replace") for raw in sys.stdin.buffer):
                if not line.strip():
                    continue
                hits = search(base, line.strip(), facts=pool, limit=limit, min_score=min_score)
                found = found or bool(hits)
                rows = _search_records(base, hits, explain)
                if columns:
                    rows = [{c.name: c.get(r) for c in columns} for r in rows]
                sys.stdout.write(to_json({"query": line.strip(), "results": rows}) + "\n")
                sys.stdout.flush()  # a script reading the answers line by line gets each one at once
        raise typer.Exit(EXIT_FOUND if found else EXIT_NOTHING)
    from cqfacts.output import resolve_format

    hits = search(base, query or "", facts=pool, limit=limit, min_score=min_score)
    view = _search_view(hits, explain, resolve_format(fmt, as_json))
    _emit(_search_records(base, hits, explain), view, as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if hits else EXIT_NOTHING)


def _search_records(base: FactBase, hits: list[Any], explain: bool) -> list[dict[str, Any]]:
    """Search results as records: the fact's JSON, its score and, with --explain, why it matched."""
    return [{**base.fact_json(h.fact), "score": h.score,
             **({"explain": [m.to_json() for m in h.matches]} if explain else {})} for h in hits]


def _search_view(hits: list[Any], explain: bool, fmt: str) -> Any:
    """The fact view with the matched words highlighted in the statement and, with --explain, why each
    result matched: under the statement in a table, as an "explain" field in the other formats (in JSON
    as objects, in text formats as readable lines)."""
    from cqfacts.output import Column
    from cqfacts.search import Match

    def why(record: dict[str, Any]) -> list[str]:
        return [Match(**m).describe() for m in record.get("explain", [])]

    view = _fact_view(with_score=True)
    matched = {h.fact.id: h.terms for h in hits}

    def highlight(record: dict[str, Any], column: str, text: Any) -> None:
        from cqfacts.normalize import word_spans

        if column != "statement":
            return
        for start, end in word_spans(text.plain, matched.get(record["id"], frozenset())):
            text.stylize("bold yellow", start, end)
        for line in why(record) if fmt == "table" else ():
            text.append(f"\n↳ {line}", style="dim")

    view.highlight = highlight
    if explain:
        structured = fmt in ("json", "ndjson")
        view.columns["explain"] = Column("explain", "Why", (lambda r: r.get("explain", [])) if structured else why,
                                         ratio=3)
        if fmt != "table":
            view.default = (*view.default, "explain")
    return view


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
    ids: Annotated[list[str], typer.Argument(help="One or more fact ids.", show_default=False, metavar="ID...",
                                             autocompletion=complete_fact_id)],
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """Show everything known about facts: quote, source, paragraph, figures, entities.

    Example: cqfacts show nev-production-sales-2023

    On a terminal each fact is a panel; --json, --format or --fields print records like `list` does.
    """
    from cqfacts.output import resolve_format

    base = load_base(facts)
    found = [require_fact(base, fact_id) for fact_id in ids]
    if resolve_format(fmt, as_json) == "table" and not fields:
        from cqfacts.output import print_renderable, wants_pager
        from cqfacts.render import fact_panels

        print_renderable(fact_panels(base, found), color=SETTINGS.color, pager=SETTINGS.pager and wants_pager(pager))
        return
    _emit([base.fact_json(f) for f in found], _fact_view(), as_json, fmt, fields, pager)


CITE_FORMATS = ("text", "markdown", "html")


@app.command("cite")
def cite_command(
    ids: Annotated[list[str], typer.Argument(help="One or more fact ids.", show_default=False, metavar="ID...",
                                             autocompletion=complete_fact_id)],
    style: Annotated[str, typer.Option(
        "--style", "-s", envvar="CQFACTS_STYLE", show_envvar=True, autocompletion=complete_style,
        help="apa, mla, chicago (notes and bibliography), chicago-author-date, harvard, ieee; "
             "or a file format: bibtex, biblatex, ris, csl-json.")] = "apa",
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
    as_json: JsonOption = False,
    facts: FactsOption = None,
) -> None:
    """Quote facts and cite them in a style: quotation, in-text citation and reference entry.

    Example: cqfacts cite nev-production-sales-2023 --style mla
    """
    from cqfacts.citation import check_style, cite, parse_accessed

    check_style(style)
    if fmt is not None and fmt not in CITE_FORMATS:
        raise CqfactsError(f"unknown format {fmt!r}; choose one of {', '.join(CITE_FORMATS)}")
    base = load_base(facts)
    found = [require_fact(base, fact_id) for fact_id in ids]
    result = cite(found, base.sources, style, url=url, accessed=parse_accessed(accessed) if accessed else None)
    picked = in_text or reference
    parts = {"quote": quote if quote is not None else not picked, "in_text": in_text or not picked,
             "reference": reference or not picked}
    if as_json:
        _write_json_citations(result, parts, fmt or "text")
    elif fmt is None and not result.machine and _stdout_is_terminal():
        from cqfacts.output import console

        console(color=SETTINGS.color).print(_citation_text(result, parts), soft_wrap=True)
    else:
        sys.stdout.write(_citation_lines(result, parts, fmt or "text"))
    if copy:
        from cqfacts.clipboard import copy as copy_to_clipboard
        from cqfacts.output import notice

        used = copy_to_clipboard(_citation_lines(result, parts, "text"))
        notice(f"copied to the clipboard with {' and '.join(used)}" if used
               else "no clipboard found (no terminal, pbcopy, wl-copy, xclip, xsel or clip.exe); nothing copied")


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _citation_blocks(result: Any, parts: dict[str, bool]) -> list[list[Any]]:
    """What `cite` prints, as blocks of lines of Styled text: each fact's quotation and in-text citation
    (one line: the passage as pasted; Chicago's note on its own line), then the reference entries."""
    from cqfacts.citation import Styled

    if result.machine:  # the file as it is, line by line (RIS lines end in CRLF, added when printed)
        lines = result.document.rstrip("\r\n").split("\r\n" if result.style == "ris" else "\n")
        return [[Styled.of(line) for line in lines]] if parts["reference"] else []
    lines = []
    for c in result.citations:
        quote = c.quote if parts["quote"] else Styled()
        note = c.in_text if parts["in_text"] else Styled()
        if result.style == "chicago" or not (quote and note):
            lines += [p for p in (quote, note) if p]
        else:
            lines.append(quote + " " + note)
    blocks = [lines] if lines else []
    if parts["reference"]:
        blocks.append([r.entry for r in result.references])
    return blocks


def _citation_lines(result: Any, parts: dict[str, bool], fmt: str) -> str:
    from cqfacts.output import clean

    newline = "\r\n" if result.style == "ris" else "\n"
    blocks = _citation_blocks(result, parts)
    text = (newline * 2).join(newline.join(clean(line.render(fmt)) for line in block) for block in blocks)
    return text + newline if text else ""


def _citation_text(result: Any, parts: dict[str, bool]) -> Any:
    """The terminal view: rich Text with italic spans (data never goes through markup)."""
    from rich.text import Text

    from cqfacts.output import clean

    out = Text()
    for b, block in enumerate(_citation_blocks(result, parts)):
        if b:
            out.append("\n\n")
        for n, line in enumerate(block):
            if n:
                out.append("\n")
            for piece, italic in line.pieces:
                out.append(clean(piece), style="italic" if italic else "")
    return out


def _write_json_citations(result: Any, parts: dict[str, bool], fmt: str) -> None:
    """--json: one object per fact ("type": "citation"), then one per source ("type": "reference")."""
    import json

    rows: list[dict[str, Any]] = []
    # A machine format is a file of records: its JSON is the records, one per source.
    for c in result.citations if (parts["quote"] or parts["in_text"]) and not result.machine else ():
        row: dict[str, Any] = {"type": "citation", "id": c.fact.id, "source": c.fact.source, "style": result.style,
                               "paragraph": c.fact.paragraph}
        if parts["quote"]:
            row["quote"] = c.quote.render(fmt)
        if parts["in_text"]:
            row["in_text"] = c.in_text.render(fmt)
            row.update({name: value.render(fmt) for name, value in c.extras.items()})
            row["note_number" if result.style == "chicago" else "number"] = (
                c.note if result.style == "chicago" else c.number)
        rows.append(row)
    if parts["reference"]:
        rows += [{"type": "reference", "source": r.source, "style": result.style, "key": r.key, "number": r.number,
                  "reference": r.entry.plain() if result.machine else r.entry.render(fmt)} for r in result.references]
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")


def require_fact(base: FactBase, fact_id: str) -> Fact:
    """The fact with this id, or a one-line error suggesting the closest ids."""
    fact = base.facts.get(fact_id)
    if fact is not None:
        return fact
    from cqfacts.errors import closest

    close = closest(fact_id, base.facts, n=3, cutoff=0.5)
    if not close:
        close = [f for f in base.facts if fact_id.casefold() in f][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'cqfacts list --fields id' lists the ids"
    raise CqfactsError(f"unknown fact id {fact_id!r}{hint}")


@app.command("sources")
def sources_command(
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """List the sources the facts come from, with how many facts cite each.

    Example: cqfacts sources --fields id,title,published
    """
    from cqfacts.output import Column, View
    from cqfacts.summary import source_rows

    rows = source_rows(load_base(facts))
    view = View(columns={
        "id": Column("id", "ID", lambda r: r["id"], no_wrap=True, style="cyan"),
        "title": Column("title", "Title", lambda r: r["title"], ratio=4),
        "short_title": Column("short_title", "Short title", lambda r: r.get("short_title")),
        "site": Column("site", "Site", lambda r: r["site"], ratio=2),
        "publisher": Column("publisher", "Publisher", lambda r: r["publisher"]),
        "authors": Column("authors", "Authors", lambda r: [_author_name(a) for a in r["authors"]]),
        "published": Column("published", "Published", lambda r: r["published"], no_wrap=True),
        "language": Column("language", "Lang.", lambda r: r["language"], no_wrap=True),
        "original_language": Column("original_language", "Orig.", lambda r: r.get("original_language")),
        "url": Column("url", "URL", lambda r: r.get("url")),
        "accessed": Column("accessed", "Accessed", lambda r: r.get("accessed")),
        "archive": Column("archive", "Archive", lambda r: r.get("archive")),
        "note": Column("note", "Note", lambda r: r.get("note")),
        "facts": Column("facts", "Facts", lambda r: r["facts"], justify="right", no_wrap=True),
    }, default=("id", "title", "published", "facts"), empty="no sources in this fact base")
    _emit(rows, view, as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if rows else EXIT_NOTHING)


def _author_name(author: dict[str, str]) -> str:
    if "organization" in author:
        return author["organization"]
    return " ".join(p for p in (author.get("given"), author.get("family")) if p)


@app.command("tags")
def tags_command(
    kind: KindOption = None, year: YearOption = None, source: SourceOption = None, entity: EntityOption = None,
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """List the tags of the facts with how many facts carry each, most used first.

    Example: cqfacts tags --kind result
    """
    from cqfacts.output import Column, View
    from cqfacts.summary import tag_rows

    base = load_base(facts)
    rows = tag_rows(_select(base, None, kind, year, source, entity))
    view = View(columns={
        "tag": Column("tag", "Tag", lambda r: r["tag"], no_wrap=True, style="cyan"),
        "facts": Column("facts", "Facts", lambda r: r["facts"], justify="right", no_wrap=True),
    }, default=("tag", "facts"), empty="no tagged facts found")
    _emit(rows, view, as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if rows else EXIT_NOTHING)


@app.command("stats")
def stats_command(
    tag: TagOption = None, kind: KindOption = None, year: YearOption = None, source: SourceOption = None,
    entity: EntityOption = None,
    as_json: JsonOption = False, fmt: FormatOption = None, fields: FieldsOption = None, pager: PagerOption = False,
    facts: FactsOption = None,
) -> None:
    """Summarise the fact base: facts in all, then by kind, tag, year and source.

    Example: cqfacts stats --json | jq '.[] | select(.group == "year")'

    A fact counts once for each of its tags and each year its period covers.
    """
    from cqfacts.output import Column, View
    from cqfacts.summary import stats_rows

    base = load_base(facts)
    selected = _select(base, tag, kind, year, source, entity)
    view = View(columns={
        "group": Column("group", "By", lambda r: r["group"], no_wrap=True, style="bold"),
        "value": Column("value", "Value", lambda r: r["value"], style="cyan"),
        "facts": Column("facts", "Facts", lambda r: r["facts"], justify="right", no_wrap=True),
    }, default=("group", "value", "facts"))
    _emit(stats_rows(selected), view, as_json, fmt, fields, pager)
    raise typer.Exit(EXIT_FOUND if selected else EXIT_NOTHING)


@app.command("check")
def check_command(
    path: Annotated[Path | None, typer.Argument(
        help="Fact base to check: a TOML file or a folder. [default: --facts, $CQFACTS_FACTS or the shipped base]",
        show_default=False)] = None,
    source_text: Annotated[Path | None, typer.Option(
        "--source", help="Archived text of a source: each of its quotes must occur there verbatim, in its paragraph.",
        show_default=False)] = None,
    source_id: Annotated[str | None, typer.Option(
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
    files = f"{len(base.files)} file{'s' if len(base.files) != 1 else ''}"
    sys.stderr.write(f"cqfacts: ok: {len(base.facts)} facts, {len(base.sources)} sources, "
                     f"{len(base.entities)} entities in {files}{checked}\n")


# --- Entry point --------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    """Run the CLI: errors become one line on stderr and exit 2; Ctrl-C exits 130; no tracebacks."""
    from cqfacts.output import OutputClosed, error_line

    SETTINGS.debug = os.environ.get("CQFACTS_DEBUG", "") not in ("", "0")
    code: Any = 0
    try:
        # Typer returns the code of typer.Exit, and turns Ctrl-C inside a command into 130.
        code = app(args=argv, prog_name="cqfacts", standalone_mode=False)
    except CqfactsError as exc:
        error_line(str(exc))
        code = exc.exit_code
    except typer.Exit as exc:
        code = exc.exit_code
    except ClickException as exc:  # usage errors, and `cqfacts` alone, which shows the help
        exc.show()
        code = EXIT_ERROR
    except (KeyboardInterrupt, typer.Abort):
        code = 130
    except (BrokenPipeError, OutputClosed):
        _quiet_broken_pipe()
        code = 0
    except Exception as exc:  # the last line of defence: no traceback reaches a user
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
