"""``source add`` and ``fact add``: archive a text, draft its tables, and write them into the curator's file
(through ``tomledit``: checked before it replaces the file, which keeps its comments and a backup)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cqfacts.errors import CqfactsError
from cqfacts.model import FactBase
from cqfacts.spec import ID_RE


@dataclass
class Written:
    """What an add did: the file and table written, the TOML added, and what to tell the curator."""

    file: Path
    section: str  # "sources" or "facts"
    item_id: str
    toml: str
    backup: Path | None = None
    notes: list[str] = field(default_factory=list)


def curated_base(facts: str | os.PathLike[str] | None) -> Path:
    """The fact base an add writes to: named, or the nearest facts.toml; never the base shipped with cqfacts."""
    from cqfacts.loader import which_facts

    path, why = which_facts(facts)
    if why == "the shipped base":
        raise CqfactsError("no facts.toml here or in a folder above: start one with 'cqfacts init', or name a"
                           " fact base with --facts (the base shipped with cqfacts is not edited)")
    return path


def _target(base_path: Path, file: Path | None) -> Path:
    if file is not None:
        return file
    if base_path.is_dir():
        candidate = base_path / "facts.toml"
        if candidate.is_file():
            return candidate
        raise CqfactsError(f"{base_path}: a folder base; name the file to add to with --file")
    return base_path


def _check_of(base_path: Path, target: Path) -> Any:
    from cqfacts.curate.checking import check_base

    return lambda draft: check_base(base_path, [], substitute=(target, draft)).problems


def _toml_of(section: str, item_id: str, values: dict[str, Any]) -> str:
    from cqfacts.curate.tomledit import with_item

    return with_item("", section, item_id, values, Path("-")).lstrip("\n")


def parse_published(value: str) -> dt.date | dt.datetime | str:
    """--published as a date, a local date-time as printed (never converted to another zone), or a year or
    month when only that is printed ("2024", "2024-03")."""
    from cqfacts.spec import ISSUED_RE

    try:
        if len(value) < 10 and ISSUED_RE.fullmatch(value):
            return value
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        raise CqfactsError(f"--published {value!r}: write YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS as printed, or YYYY"
                           " or YYYY-MM when only that is printed") from None


def author(value: str, family_first: bool = False) -> dict[str, Any]:
    """--author "Family, Given" (or a single name, kept whole as the family name); ``family_first`` for a
    name printed family name first (Wang Jiaxi)."""
    family, _, given = (part.strip() for part in value.partition(","))
    if not family:
        raise CqfactsError(f"--author {value!r}: write \"Family, Given\"")
    out: dict[str, Any] = {"family": family, **({"given": given} if given else {})}
    if family_first and given:
        out["family_first"] = True
    return out


def add_source(base_path: Path, text_file: Path, source_id: str, metadata: dict[str, Any], *,
               from_html: bool = False, file: Path | None = None) -> tuple[Written, Any]:
    """Archive a text as ``sources/ID.txt`` beside the fact file and append its ``[sources.ID]``."""
    from cqfacts.curate.archive import archive_name, prepare
    from cqfacts.curate.tomledit import read_text, replace_text, with_item

    if not ID_RE.fullmatch(source_id):
        raise CqfactsError(f"--id {source_id!r}: use lower-case letters, digits and hyphens, e.g. daily-2024-05-06")
    target = _target(base_path, file)
    published = metadata.get("published")
    dateline = published.isoformat(sep=" ") if isinstance(published, dt.datetime) else (
        published.isoformat() if isinstance(published, dt.date) else None)  # a year alone is no dateline
    prepared = prepare(text_file, from_html=from_html, title=metadata.get("title"), published=dateline)
    values = {"title": metadata.get("title") or prepared.archive.title, **{k: v for k, v in metadata.items()
                                                                         if k != "title" and v not in (None, [], "")}}
    name = archive_name(source_id)
    values["archive"], values["sha256"] = name, prepared.sha256
    archive = target.parent / name
    data = prepared.text.encode("utf-8")
    created = False
    if archive.exists():
        if archive.read_bytes() != data:
            raise CqfactsError(f"{archive}: already exists with other text; choose another --id")
    else:
        archive.parent.mkdir(parents=True, exist_ok=True)
        replace_text(archive, prepared.text, backup=False, overwrite=False)
        created = True
    try:
        new_text = with_item(read_text(target), "sources", source_id, values, target)
        backup = replace_text(target, new_text, check=_check_of(base_path, target))
    except CqfactsError:
        if created:
            archive.unlink()
        raise
    written = Written(target, "sources", source_id, _toml_of("sources", source_id, values), backup)
    undated = "" if prepared.archive.dateline else "; no dateline: numbered from the line after the title"
    written.notes.append(f"archived {text_file} as {archive} ({prepared.layout};"
                         f" {len(prepared.archive.paragraphs)} paragraphs{undated})")
    return written, prepared.archive


@dataclass
class FactDraft:
    """A fact as ``fact add`` would write it, and where."""

    item_id: str
    values: dict[str, Any]
    target: Path
    warnings: list[str]


def draft_fact(base: FactBase, base_path: Path, source_id: str, quote: str, *, statement: str | None,
               kind: str | None, tags: list[str], entities: list[str], fact_id: str | None,
               file: Path | None = None, note: str | None = None, period: str | None = None) -> FactDraft:
    """Find the quote in the source's archive and draft the fact: paragraph, exact quote, id, figures."""
    from cqfacts.curate.drafting import forecast_warning, locate, propose_figures, propose_id, propose_period
    from cqfacts.verify import ArchivedText, archive_path

    source = base.sources.get(source_id)
    if source is None:
        from cqfacts.errors import closest

        near = closest(source_id, base.sources)
        hint = f"; did you mean {near[0]!r}?" if near else f"; sources: {', '.join(sorted(base.sources)) or 'none'}"
        raise CqfactsError(f"unknown source {source_id!r}{hint}")
    path = archive_path(source)
    if path is None:
        raise CqfactsError(f"source {source_id!r} has no archive; add its text with 'cqfacts source add'")
    archive = ArchivedText.read(path)
    paragraph, exact = locate(archive, quote)
    kind = kind or "result"
    values: dict[str, Any] = {"statement": statement or "", "quote": exact, "source": source_id,
                              "paragraph": paragraph, "kind": kind}
    period = period or propose_period(exact)
    if period:
        values["period"] = period
    figures = propose_figures(exact)
    if figures:
        values["figures"] = figures
    if tags:
        values["tags"] = list(tags)
    if entities:
        values["entities"] = [base.entity_id(e) for e in entities]
    if note:
        values["note"] = note
    item_id = fact_id or propose_id(statement or exact, base.facts)
    if not ID_RE.fullmatch(item_id):
        raise CqfactsError(f"--id {item_id!r}: use lower-case letters, digits and hyphens")
    if item_id in base.facts:
        raise CqfactsError(f"fact {item_id!r} is already defined; choose another id with --id")
    warnings = [w for w in [forecast_warning(exact, kind, source.published_date.year)] if w]
    target = file or Path(source.origin.file if source.origin else _target(base_path, None))
    return FactDraft(item_id, values, target, warnings)


def write_fact(base_path: Path, draft: FactDraft) -> Written:
    from cqfacts.curate.tomledit import read_text, replace_text, with_item

    new_text = with_item(read_text(draft.target), "facts", draft.item_id, draft.values, draft.target)
    backup = replace_text(draft.target, new_text, check=_check_of(base_path, draft.target))
    return Written(draft.target, "facts", draft.item_id, fact_toml(draft), backup)


def fact_toml(draft: FactDraft) -> str:
    return _toml_of("facts", draft.item_id, draft.values)


def edited_draft(draft: FactDraft, editor: str) -> FactDraft:
    """Open ``$EDITOR`` on the drafted TOML and take the fact as saved (a quote edited out of the archive is
    caught by the check before writing)."""
    import shlex
    import subprocess
    import tempfile

    from cqfacts.toml_text import tomllib

    text = ("# Write the statement (the curated claim, past tense for results), check kind, tags, entities and\n"
            "# the proposed id and figures; save and quit. An empty statement adds nothing.\n" + fact_toml(draft))
    fd, name = tempfile.mkstemp(prefix="cqfacts-fact-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            subprocess.run([*shlex.split(editor), name], check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise CqfactsError(f"the editor {editor!r} failed ({exc}); nothing was added") from None
        try:
            data = tomllib.loads(Path(name).read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CqfactsError(f"the edited fact is not valid TOML ({exc}); nothing was added") from None
    finally:
        os.unlink(name)
    facts = data.get("facts")
    if not isinstance(facts, dict) or len(facts) != 1:
        raise CqfactsError("the edited text must hold exactly one [facts.ID] table; nothing was added")
    ((item_id, values),) = facts.items()
    if not isinstance(values, dict) or not str(values.get("statement", "")).strip():
        raise CqfactsError("no statement written; nothing was added")
    return FactDraft(item_id, values, draft.target, draft.warnings)
