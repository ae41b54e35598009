"""The views of records each listing command prints: which columns a fact, a search result, a source, a tag
and a statistic have, and how a search result is highlighted and explained (see ``output.View``)."""

from __future__ import annotations

from typing import Any

from cqfacts.model import FactBase
from cqfacts.output import Column, View


def fact_view(with_score: bool = False) -> View:
    """The columns of a fact record; ``with_score`` adds the search score, first."""

    def figure(r: dict[str, Any]) -> list[str]:
        """Every figure of the fact, as people write it ('more than 500,000 vehicles')."""
        from cqfacts.model import Figure, Quantity

        return [Figure(value=f["value"], unit=f["unit"], comparator=f.get("comparator"),
                       baseline=Quantity(**f["baseline"]) if f.get("baseline") else None).display
                for f in r.get("figures") or []]

    columns = {
        "id": Column("id", "ID", lambda r: r["id"], no_wrap=True, style="cyan"),
        "statement": Column("statement", "Statement", lambda r: r["statement"], ratio=5),
        "figure": Column("figure", "Figures", figure, ratio=2),
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


def search_records(base: FactBase, hits: list[Any], explain: bool) -> list[dict[str, Any]]:
    """Search results as records: the fact's JSON, its score and, with --explain, why it matched."""
    return [{**base.fact_json(h.fact), "score": h.score,
             **({"explain": [m.to_json() for m in h.matches]} if explain else {})} for h in hits]


def search_view(hits: list[Any], explain: bool, fmt: str) -> View:
    """The fact view with the matched words highlighted in the statement and, with --explain, why each
    result matched: under the statement in a table, as an "explain" field in the other formats (in JSON
    as objects, in text formats as readable lines)."""
    from cqfacts.search import Match

    def why(record: dict[str, Any]) -> list[str]:
        return [Match(**m).describe() for m in record.get("explain", [])]

    view = fact_view(with_score=True)
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


def source_view() -> View:
    """The columns of a source record (``summary.source_rows``)."""
    return View(columns={
        "id": Column("id", "ID", lambda r: r["id"], no_wrap=True, style="cyan"),
        "title": Column("title", "Title", lambda r: r["title"], ratio=4),
        "short_title": Column("short_title", "Short title", lambda r: r.get("short_title")),
        "type": Column("type", "Type", lambda r: r["type"], no_wrap=True),
        "site": Column("site", "Site", lambda r: r.get("site"), ratio=2),
        "container_title": Column("container_title", "Appears in", lambda r: r.get("container_title"), ratio=2),
        "publisher": Column("publisher", "Publisher", lambda r: r.get("publisher")),
        "authors": Column("authors", "Authors", lambda r: [author_name(a) for a in r["authors"]]),
        "published": Column("published", "Published", lambda r: r.get("published"), no_wrap=True),
        "language": Column("language", "Lang.", lambda r: r["language"], no_wrap=True),
        "original_language": Column("original_language", "Orig.", lambda r: r.get("original_language")),
        "url": Column("url", "URL", lambda r: r.get("url")),
        "accessed": Column("accessed", "Accessed", lambda r: r.get("accessed")),
        "archive": Column("archive", "Archive", lambda r: r.get("archive")),
        "note": Column("note", "Note", lambda r: r.get("note")),
        "facts": Column("facts", "Facts", lambda r: r["facts"], justify="right", no_wrap=True),
    }, default=("id", "title", "published", "facts"), empty="no sources in this fact base")


def author_name(author: dict[str, str]) -> str:
    """An author record as a name: the organisation, or the person's given and family names."""
    if "organization" in author:
        return author["organization"]
    parts = (author.get("family"), author.get("given")) if author.get("family_first") else (
        author.get("given"), author.get("family"))
    return " ".join(p for p in parts if p)


def tag_view() -> View:
    """The columns of a tag record (``summary.tag_rows``)."""
    return View(columns={
        "tag": Column("tag", "Tag", lambda r: r["tag"], no_wrap=True, style="cyan"),
        "facts": Column("facts", "Facts", lambda r: r["facts"], justify="right", no_wrap=True),
    }, default=("tag", "facts"), empty="no tagged facts found")


def stats_view() -> View:
    """The columns of a statistics record (``summary.stats_rows``)."""
    return View(columns={
        "group": Column("group", "Group", lambda r: r["group"], no_wrap=True, style="bold"),
        "value": Column("value", "Value", lambda r: r["value"], style="cyan"),
        "facts": Column("facts", "Facts", lambda r: r["facts"], justify="right", no_wrap=True),
    }, default=("group", "value", "facts"))
