"""What ``cqfacts check`` finds: the loader's problems, every source's quotes against its archive, warnings."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from cqfacts.errors import Problem
from cqfacts.model import Fact, FactBase, Origin


@dataclass
class Report:
    """The outcome of checking one fact base."""

    base: FactBase
    problems: list[Problem]
    path: Path
    why: str  # how the base was chosen: "named with --facts", "the nearest facts.toml", ...
    archives: list[str]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "warning"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> list[str]:
        """The closing lines, for stderr: which base was read and what was found."""
        where = f"{self.path} ({self.why})"
        errors, warnings = len(self.errors), len(self.warnings)
        warned = f"{warnings} warning{'s' if warnings != 1 else ''}"
        if errors:
            total = errors + warnings
            return [f"checked {where}" + (f"; {warned}" if warnings else ""),
                    f"{total} problem{'s' if total != 1 else ''} found"]
        from cqfacts.output import plural

        base = self.base
        checked = f"; quotes checked against {', '.join(self.archives)}" if self.archives else ""
        counts = ", ".join(plural(len(items), noun) for items, noun in
                           ((base.facts, "fact"), (base.sources, "source"), (base.entities, "entity")))
        return [f"ok: {counts} in {plural(len(base.files), 'file')} of {where}{checked}"
                + (f"; {warned}" if warnings else "")]


def check_base(path: str | os.PathLike[str] | None, texts: list[Path], source_id: str | None = None,
               substitute: tuple[Path, Path] | None = None) -> Report:
    """Check a fact base (as commands resolve it), its quotes against the archives, and its tags.

    ``substitute`` = (file, draft) checks the base as it would be with the draft in place of the file.
    """
    from cqfacts.loader import load_with_problems, which_facts
    from cqfacts.verify import check_archives

    resolved, why = which_facts(path)
    base, problems = load_with_problems(resolved, substitute=substitute)
    quote_problems, archives = check_archives(base, texts, source_id, quiet_unmatched=bool(problems))
    problems = problems + quote_problems + tag_warnings(base)
    if substitute is not None:
        original, draft = (str(p) for p in substitute)
        problems = [replace(p, file=original) if p.file == draft else p for p in problems]
    problems.sort()
    return Report(base, problems, resolved, why, archives)


COMMON_TAG_USES = 3  # a tag on this many facts is established; one used once and an edit away is likely a typo


def tag_warnings(base: FactBase) -> list[Problem]:
    """Warnings for a tag used once that is one edit away from a common tag (``satelites`` for ``satellites``)."""
    from rapidfuzz.distance import Levenshtein

    uses: dict[str, list[Fact]] = {}
    for fact in base.facts.values():
        for tag in fact.tags:
            uses.setdefault(tag, []).append(fact)
    common = [t for t, facts in uses.items() if len(facts) >= COMMON_TAG_USES]
    problems: list[Problem] = []
    for tag, facts in uses.items():
        if len(facts) != 1 or len(tag) < 4:
            continue
        near = [c for c in common if Levenshtein.distance(tag, c, score_cutoff=1) <= 1]
        if near:
            origin = facts[0].origin or Origin("?", 0)
            problems.append(Problem(origin.file, origin.line_of("tags"), facts[0].id,
                                    f"tag {tag!r} is used once and looks like {near[0]!r}"
                                    f" ({len(uses[near[0]])} facts); fix the tag if it is a typo",
                                    severity="warning"))
    return problems
