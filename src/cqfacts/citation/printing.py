"""How ``cqfacts cite`` prints a citation result: blocks of quotation, in-text citation and reference lines,
as plain/Markdown/HTML text, as Rich ``Text`` for a terminal, or as JSON rows."""

from __future__ import annotations

from typing import Any

from cqfacts.citation.styled import Styled
from cqfacts.output import clean

FORMATS = ("text", "markdown", "html")


def blocks(result: Any, parts: dict[str, bool]) -> list[list[Styled]]:
    """What `cite` prints, as blocks of lines of Styled text: each fact's quotation and in-text citation
    (one line: the passage as pasted; Chicago's note on its own line), then the reference entries."""
    if result.machine:  # the file as it is, line by line (RIS lines end in CRLF, added when printed)
        lines = result.document.rstrip("\r\n").split("\r\n" if result.style == "ris" else "\n")
        return [[Styled.of(line) for line in lines]] if parts["reference"] else []
    if result.combined is not None:  # pandoc: the quotations, if asked for, then one citation for them all
        return [[*(c.quote for c in result.citations if parts["quote"]),
                 *([result.combined] if parts["in_text"] else [])]]
    lines = []
    for c in result.citations:
        quote = c.quote if parts["quote"] else Styled()
        note = c.in_text if parts["in_text"] else Styled()
        if result.notes_style or not (quote and note):
            lines += [p for p in (quote, note) if p]
        else:
            lines.append(c.passage)
    out = [lines] if lines else []
    if parts["reference"]:
        out.append([r.entry for r in result.references])
    return out


def as_text(result: Any, parts: dict[str, bool], fmt: str) -> str:
    """The citation as text in a format (text, markdown, html); RIS lines end in CRLF."""
    newline = "\r\n" if result.style == "ris" else "\n"
    text = (newline * 2).join(newline.join(clean(line.render(fmt)) for line in block)
                              for block in blocks(result, parts))
    return text + newline if text else ""


def as_rich_text(result: Any, parts: dict[str, bool]) -> Any:
    """The terminal view: rich Text with italic spans (data never goes through markup)."""
    from rich.text import Text

    out = Text()
    for b, block in enumerate(blocks(result, parts)):
        if b:
            out.append("\n\n")
        for n, line in enumerate(block):
            if n:
                out.append("\n")
            for piece, italic, _ in line.pieces:
                out.append(clean(piece), style="italic" if italic else "")
    return out


def as_json_rows(result: Any, parts: dict[str, bool], fmt: str) -> list[dict[str, Any]]:
    """--json: one object per fact ("type": "citation"), then one per source ("type": "reference")."""
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
    return rows
