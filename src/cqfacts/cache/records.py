"""Sources, entities and facts as plain JSON arrays, and back: data only, nothing a reader could run.

Each item is one compact JSON array of its fields in a fixed order; dates are ``"D2024-03-31"``, date-times
``"T2024-03-31T08:00:00+08:00"``; an origin's file is a number into the base's files, and the keys whose
lines it records are numbers into ``KEYS`` (any other key is written out). Decoding builds the same
frozen dataclasses the loader builds, so a base read from the cache compares equal to one read from TOML.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cqfacts.model import Author, Entity, Fact, Figure, Origin, Quantity, Source, Speaker
from cqfacts.spec import SPECS

KEYS = tuple(sorted({key for spec in SPECS.values() for key in spec}))
_KEY_CODES = {key: code for code, key in enumerate(KEYS)}
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"), allow_nan=False)
encode_json = _ENCODER.encode


def _when(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    return ("T" if isinstance(value, dt.datetime) else "D") + value.isoformat()


def _from_when(value: str | None) -> Any:
    if value is None:
        return None
    if value[0] == "T":
        return dt.datetime.fromisoformat(value[1:])
    if value[0] == "D":
        return dt.date.fromisoformat(value[1:])
    raise ValueError(f"not a date: {value[:20]!r}")


def _origin(origin: Origin | None, files: dict[str, int]) -> list[Any] | None:
    if origin is None:
        return None
    lines: list[Any] = []
    for key, line in origin.key_lines.items():
        lines += (_KEY_CODES.get(key, key), line)
    return [files[origin.file], origin.line, lines]


def _from_origin(data: list[Any] | None, files: tuple[str, ...]) -> Origin | None:
    if data is None:
        return None
    file, line, lines = data
    keys = {(KEYS[k] if isinstance(k, int) else k): v for k, v in zip(lines[::2], lines[1::2], strict=True)}
    return Origin(files[file], line, keys)


def encode(item: Source | Entity | Fact, files: dict[str, int]) -> str:
    """One item as a JSON array; ``files`` numbers the base's files."""
    if isinstance(item, Fact):
        return encode_json([
            item.id, item.statement, item.quote, item.source, item.paragraph, item.kind, item.prefix, item.suffix,
            [item.speaker.name, item.speaker.role, item.speaker.organization] if item.speaker else None,
            item.period, _when(item.date),
            [[f.value, f.unit, f.comparator, f.measure,
              [f.baseline.value, f.baseline.comparator, f.baseline.period] if f.baseline else None]
             for f in item.figures],
            item.tags, item.entities, item.note, _origin(item.origin, files)])
    if isinstance(item, Entity):
        return encode_json([item.id, item.name, item.printed, item.aliases, item.type, item.note,
                            _origin(item.origin, files)])
    return encode_json([
        item.id, item.title, item.site, item.publisher,
        [[a.organization, a.family, a.given] for a in item.authors], _when(item.published), item.language,
        item.short_title, item.original_language, item.url, _when(item.accessed), item.archive, item.note,
        _origin(item.origin, files)])


def decode_fact(text: str | bytes, files: tuple[str, ...]) -> Fact:
    (fact_id, statement, quote, source, paragraph, kind, prefix, suffix, speaker, period, date, figures, tags,
     entities, note, origin) = json.loads(text)
    return Fact(id=fact_id, statement=statement, quote=quote, source=source, paragraph=paragraph, kind=kind,
                prefix=prefix, suffix=suffix, speaker=Speaker(*speaker) if speaker else None, period=period,
                date=_from_when(date),
                figures=tuple(Figure(value, unit, comparator, measure, Quantity(*baseline) if baseline else None)
                              for value, unit, comparator, measure, baseline in figures),
                tags=tuple(tags), entities=tuple(entities), note=note, origin=_from_origin(origin, files))


def decode_entity(text: str | bytes, files: tuple[str, ...]) -> Entity:
    entity_id, name, printed, aliases, kind, note, origin = json.loads(text)
    return Entity(id=entity_id, name=name, printed=printed, aliases=tuple(aliases), type=kind, note=note,
                  origin=_from_origin(origin, files))


def decode_source(text: str | bytes, files: tuple[str, ...]) -> Source:
    (source_id, title, site, publisher, authors, published, language, short_title, original_language, url,
     accessed, archive, note, origin) = json.loads(text)
    return Source(id=source_id, title=title, site=site, publisher=publisher,
                  authors=tuple(Author(*author) for author in authors), published=_from_when(published),
                  language=language, short_title=short_title, original_language=original_language, url=url,
                  accessed=_from_when(accessed), archive=archive, note=note, origin=_from_origin(origin, files))


DECODERS = {"facts": decode_fact, "entities": decode_entity, "sources": decode_source}
