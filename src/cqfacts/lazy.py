"""Things built on first use rather than at import, because every run of cqfacts pays for its imports.

``record`` is ``dataclasses.dataclass`` made lazy: the dataclass machinery (which compiles half a dozen
methods per class, 0.3-0.5 ms each class) runs when a class first needs it: an instance is compared,
hashed, printed or changed, ``dataclasses.fields`` is asked, or many instances are made. The first few
instances are made by a plain ``__init__`` that sets the same fields the same way, and instances read from
a pickle (the cache) need nothing at all, so a run that answers one query pays none of it. After that
the class is a real dataclass, in every way. ``maker`` makes instances as a pickle does (a build's checker
makes millions), so those need nothing either.

``Pattern`` is ``re.compile`` made lazy: the expression is compiled when first used (a character class
with the CJK ranges takes milliseconds to compile).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

_FIELDS = "__dataclass_fields__"


class Field:
    """``dataclasses.field`` for a ``record`` class: its arguments, passed on when the class is made."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


def field(**kwargs: Any) -> Any:
    """Like ``dataclasses.field`` (default, default_factory, compare, repr, ...), in a ``record`` class."""
    return Field(**kwargs)


class _Fields:
    """Stands for ``__dataclass_fields__`` until the class is made: asking for it makes the class."""

    def __get__(self, instance: Any, owner: type) -> Any:
        _realize(owner)
        return owner.__dict__[_FIELDS]


_EAGER_AFTER = 64  # instances made before a class is turned into its dataclass (whose __init__ is faster)
_NO_DEFAULT = object()


class _Spec:
    """What ``record`` knows of a class before it is made: its dataclass options, the stand-in methods, the
    fields in order and their defaults (a ``Field`` when made by a factory), and how many instances it made."""

    def __init__(self, params: dict[str, Any], stand_ins: dict[str, Any]) -> None:
        self.params = params
        self.stand_ins = stand_ins
        self.made = 0
        self.names: list[str] | None = None
        self.defaults: dict[str, Any] = {}

    def fields(self, cls: type) -> list[str] | None:
        """The field names, in dataclass order; None when only the dataclass knows (ClassVar, InitVar)."""
        if self.names is None:
            names: list[str] = []
            for klass in reversed(cls.__mro__):
                annotations = klass.__dict__.get("__annotations__", {})  # noqa: RUF063  # not inherited ones
                for name, annotation in annotations.items():
                    if "ClassVar" in str(annotation) or "InitVar" in str(annotation):
                        return None
                    if name not in names:
                        names.append(name)
                    value = klass.__dict__.get(name, _NO_DEFAULT)
                    if isinstance(value, Field):
                        value = value.kwargs.get("default", value if "default_factory" in value.kwargs else _NO_DEFAULT)
                    if value is not _NO_DEFAULT:
                        self.defaults[name] = value
            self.names = names
        return self.names


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    """The stand-in ``__init__``: the fields, by position or name, else their defaults, as dataclass sets them.

    Anything unusual (a missing or unknown argument, more instances than a few) goes to the dataclass.
    """
    cls = next(c for c in type(self).__mro__ if c.__dict__.get("__init__") is _init)
    spec: _Spec = cls.__dict__["__cqfacts_record__"]
    spec.made += 1
    names = spec.fields(cls) if spec.made <= _EAGER_AFTER else None
    values = dict(zip(names or (), args, strict=False))
    if names is not None and len(args) <= len(names) and kwargs.keys() <= set(names[len(args):]):
        values.update(kwargs)
        for name in names:
            if name not in values and name in spec.defaults:
                default = spec.defaults[name]
                values[name] = default.kwargs["default_factory"]() if isinstance(default, Field) else default
        if len(values) == len(names):
            for name in names:
                object.__setattr__(self, name, values[name])
            return
    _realize(cls)
    cls.__init__(self, *args, **kwargs)  # type: ignore[misc]


def _stand_in(name: str) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        cls = next(c for c in type(self).__mro__ if c.__dict__.get(name) is method)
        _realize(cls)
        real = getattr(cls, name)
        if real is None:  # a dataclass that is not frozen has no hash
            raise TypeError(f"unhashable type: {cls.__name__!r}")
        return real(self, *args, **kwargs)

    method.__name__ = name
    return method


_METHODS = ("__init__", "__repr__", "__eq__", "__hash__")
_ORDER = ("__lt__", "__le__", "__gt__", "__ge__")
_FROZEN = ("__setattr__", "__delattr__")


def record(cls: type | None = None, /, **params: Any) -> Any:
    """``@record``, ``@record(frozen=True, order=True)``: a dataclass, made when first needed."""

    def wrap(cls: type) -> type:
        names = [*_METHODS, *(_ORDER if params.get("order") else ()), *(_FROZEN if params.get("frozen") else ())]
        stand_ins = {n: _init if n == "__init__" else _stand_in(n) for n in names if n not in cls.__dict__}
        for name, method in stand_ins.items():
            setattr(cls, name, method)
        cls.__cqfacts_record__ = _Spec(params, stand_ins)  # type: ignore[attr-defined]
        setattr(cls, _FIELDS, _Fields())
        return cls

    return wrap if cls is None else wrap(cls)


def maker(cls: type) -> Callable[[dict[str, Any]], Any]:
    """``lambda fields: cls(**fields)`` for a ``record`` class, made as pickle makes an instance: its attributes set
    (the defaults for the fields not given), no ``__init__`` run, in a third of the time (a build makes millions).
    Anything unusual (a field missing or unknown; one with a default made by a factory, not given) goes to ``cls``."""
    spec: _Spec = cls.__dict__["__cqfacts_record__"]
    names = spec.fields(cls)
    if names is None:
        return lambda fields: cls(**fields)
    made_by_factory = {name for name, default in spec.defaults.items() if isinstance(default, Field)}
    required = {name for name in names if name not in spec.defaults or name in made_by_factory}
    # An instance holding every field (its default, or None until given), in order, as ``__init__`` sets them, pair
    # by pair: its attributes' dict shares its keys with the class's other instances, and so does a copy of it, which
    # each instance made starts from (a dict of its own would take 260 bytes more for a fact).
    new, set_attribute = object.__new__, object.__setattr__
    model = new(cls)
    model.__dict__.update((name, None if name in required else spec.defaults[name]) for name in names)
    defaults, size = model.__dict__, len(names)

    def make(fields: dict[str, Any]) -> Any:
        item = new(cls)
        set_attribute(item, "__dict__", defaults.copy())
        attributes = item.__dict__
        attributes.update(fields)
        if len(attributes) != size or not fields.keys() >= required:  # a field unknown or missing
            return cls(**fields)
        return item

    return make


def _realize(cls: type) -> None:
    """Turn a ``record`` class into the dataclass it stands for (once)."""
    if not isinstance(cls.__dict__.get(_FIELDS), _Fields):
        return
    import dataclasses

    spec: _Spec = cls.__dict__["__cqfacts_record__"]
    for base in cls.__mro__[1:]:  # a record's record bases first, as dataclass reads their fields
        _realize(base)
    delattr(cls, _FIELDS)
    for name, method in spec.stand_ins.items():
        if cls.__dict__.get(name) is method:
            delattr(cls, name)
    for name, value in list(cls.__dict__.items()):
        if isinstance(value, Field):
            setattr(cls, name, dataclasses.field(**value.kwargs))
    dataclasses.dataclass(cls, **spec.params)


class Pattern:
    """A regular expression compiled on first use; then its methods are the compiled pattern's own."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str) -> Any:
        import re

        compiled = re.compile(self.pattern, self.flags)
        for method in ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)
