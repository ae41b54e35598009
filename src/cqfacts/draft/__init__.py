"""Checking a writer's draft against the fact base (``cqfacts verify``): quotations, figures, forecasts
stated as results, and citation locators, reported like a linter reports code.

``reader`` splits Markdown or plain text into sentences and quotations with their offsets; ``quotes``,
``figures`` and ``citations`` check each kind of claim; ``checker`` puts them together and ``findings``
holds what was found. Numbers are read by ``cqfacts.numbers``, the parser search uses too.
"""

from cqfacts.draft.checker import DraftChecker
from cqfacts.draft.findings import ERRORS, STATUSES, WARNINGS, Finding, counts, failed

__all__ = ["ERRORS", "STATUSES", "WARNINGS", "DraftChecker", "Finding", "counts", "failed"]
