"""Sources, entities and facts as plain JSON, and back: data only, nothing a reader could run.

An item is a JSON array of its fields' values in the dataclass's field order (the fingerprint of
``model.py`` keeps writer and reader in step). Within it a date is ``{"d": "2024-03-31"}``, a date-time
``{"t": "2024-03-31T08:00:00+08:00"}``, a tuple a list, and a nested value of the model (an author, a
figure, a speaker...) ``{"Figure": [its fields]}``: only the classes in ``_CLASSES`` are ever built.
Origins (the file and line numbers an item was read from) are not kept: only ``check`` shows them, and
it always reads the TOML.
"""

from __future__ import annotations

import datetime as dt
import json
from operator import attrgetter
from typing import Any

from cqfacts.model import Author, Entity, Fact, Figure, Quantity, Source, Speaker, Term

_CLASSES = {cls.__name__: cls for cls in (Author, Entity, Fact, Figure, Quantity, Source, Speaker, Term)}


def _field_names(cls: type) -> tuple[str, ...]:
    """The fields in dataclass order (base classes first), read from the annotations: asking ``dataclasses``
    would make each lazy ``record`` class a dataclass on every run that reads the cache."""
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        names += [name for name in klass.__dict__.get("__annotations__", {}) if name not in names]  # noqa: RUF063
    return tuple(name for name in names if name != "origin")


_FIELDS = {cls: _field_names(cls) for cls in _CLASSES.values()}
_WITH_ORIGIN = (Entity, Fact, Source, Term)
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"), allow_nan=False)
encode_json = _ENCODER.encode
# An item's field values, as a tuple (attrgetter: in C); the encoder calls _plain for dates and nested items.
_GETTERS = {cls: attrgetter(*names) if len(names) > 1 else lambda item, name=names[0]: (getattr(item, name),)
            for cls, names in _FIELDS.items()}


def _plain(value: Any) -> Any:
    """What JSON cannot hold as it is, as JSON holds it (the encoder asks for each such value; a tuple is a list)."""
    cls = type(value)
    getter = _GETTERS.get(cls)
    if getter is not None:  # a nested item (a figure, a speaker...): most often
        return {cls.__name__: getter(value)}
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    raise TypeError(f"cannot cache a {cls.__name__}")


_RECORDS = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"), allow_nan=False,
                            default=_plain)


def _record_chunks() -> Any:
    """The C encoder ``_RECORDS.encode`` makes for each item it encodes, made once (a build encodes millions of
    items): given the item's values, the pieces of its text; None without json's C accelerator."""
    from json.encoder import c_make_encoder, encode_basestring, encode_basestring_ascii

    records = _RECORDS
    if c_make_encoder is None or records.check_circular:  # pragma: no cover - CPython has it; cycles are not checked
        return None
    return c_make_encoder(None, records.default, encode_basestring_ascii if records.ensure_ascii else encode_basestring,
                          records.indent, records.key_separator, records.item_separator, records.sort_keys,
                          records.skipkeys, records.allow_nan)


_CHUNKS = _record_chunks()


def _value(data: Any) -> Any:
    if isinstance(data, list):
        return tuple(_value(v) for v in data)
    if isinstance(data, dict):
        ((tag, inner),) = data.items()
        if tag == "d":
            return dt.date.fromisoformat(inner)
        if tag == "t":
            return dt.datetime.fromisoformat(inner)
        return _build(_CLASSES[tag], inner)
    return data


def _build(cls: type, values: list[Any]) -> Any:
    """An item with these field values, made as pickle makes one: its attributes set, no ``__init__`` run (so
    the lazy ``record`` class is not made a dataclass by a command that reads a thousand facts)."""
    names = _FIELDS[cls]
    if len(values) != len(names):
        raise ValueError(f"{len(values)} values for the {len(names)} fields of a {cls.__name__}")
    item = object.__new__(cls)
    item.__dict__.update(zip(names, map(_value, values), strict=True))
    if cls in _WITH_ORIGIN:
        item.__dict__["origin"] = None
    return item


def encode(item: Source | Entity | Fact | Term) -> str:
    """One item as a JSON array of its fields (the text ``_RECORDS.encode`` gives)."""
    values = _GETTERS[type(item)](item)
    return "".join(_CHUNKS(values, 0)) if _CHUNKS is not None else _RECORDS.encode(values)


def decoder(cls: type) -> Any:
    """The function that turns ``encode``'s text back into an item of ``cls``."""
    return lambda text: _build(cls, json.loads(text))


DECODERS = {"facts": decoder(Fact), "entities": decoder(Entity), "sources": decoder(Source), "terms": decoder(Term)}
