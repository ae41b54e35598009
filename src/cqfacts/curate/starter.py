"""``cqfacts init``: a new fact base, ready for ``source add`` and ``fact add``."""

from __future__ import annotations

from pathlib import Path

from cqfacts.errors import CqfactsError
from cqfacts.spec import SCHEMA_VERSION

STARTER = """\
#:schema {schema}
# A cqfacts fact base. Add a source:  cqfacts source add ARTICLE.txt --id ID --title "…" --publisher "…"
# then its facts:                     cqfacts fact add --source ID --quote "…" --statement "…" --kind result
# Check it:                           cqfacts check        (the format: README, "The fact base format")
schema_version = {version}

# An example of what `cqfacts source add` appends (uncomment and adapt to write one by hand):
# [sources.daily-2024-05-06]
# type = "article-newspaper"
# title = "Chongqing opens a new rail freight line"
# container_title = "Chongqing Daily"
# site = "Chongqing Daily"
# publisher = "Chongqing Daily Press Group"
# authors = [{{ family = "Wang", given = "Jiaxi" }}]
# published = 2024-05-06
# language = "en"
# archive = "sources/daily-2024-05-06.txt"
# sha256 = "…"                    # what `source add` recorded for the archived text

# An example of what `cqfacts fact add` appends:
# [facts.rail-freight-line-2024]
# statement = "A rail freight line from Chongqing to Vientiane opened in May 2024."
# quote = "The line opened on May 6."
# source = "daily-2024-05-06"
# paragraph = 2                   # filled in by `fact add`: never counted by hand
# kind = "event"
# tags = ["logistics"]
"""


def schema_file() -> Path:
    """The fact base JSON Schema as installed on this machine (for the ``#:schema`` line editors read)."""
    return (Path(__file__).resolve().parents[1] / "schema" / "facts.schema.json")


def init_base(folder: Path) -> Path:
    """Create ``facts.toml`` and ``sources/`` in a folder; never overwrite a fact base that is there."""
    target = folder / "facts.toml"
    if target.exists() or target.is_symlink():
        raise CqfactsError(f"{target}: a fact base is already there; nothing was changed")
    try:
        (folder / "sources").mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8", newline="\n") as out:
            out.write(STARTER.format(schema=schema_file().as_posix(), version=SCHEMA_VERSION))
    except OSError as exc:
        raise CqfactsError(f"{target}: cannot create: {exc.strerror or exc}") from None
    return target
