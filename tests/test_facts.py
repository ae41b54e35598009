"""The shipped fact base is true to its source: complete, verbatim, and with results kept apart from plans.

These tests read the archived article from ../shared (beside the repository); it is never copied here.
"""

from __future__ import annotations

import re

import pytest

from conftest import SHARED, SOURCE_TEXT, needs_source
from cqfacts.verify import ArchivedText

pytestmark = needs_source()

# The scraping site's boilerplate after the article (hashtags, comment form) is not the article.
BOILERPLATE_START = "#Chongqing #moving"


@pytest.fixture(scope="module")
def article() -> ArchivedText:
    archive = ArchivedText.read(SOURCE_TEXT)
    end = next(i for i, p in enumerate(archive.paragraphs) if p.startswith(BOILERPLATE_START))
    return ArchivedText(archive.path, archive.paragraphs[:end])


def test_size_of_the_base(base):
    assert 70 <= len(base.facts) <= 130
    assert len(base.sources) == 1


def test_every_number_in_the_article_is_in_some_quote(base, article):
    numbers_in_quotes: dict[int, set[str]] = {}
    for fact in base.facts.values():
        numbers_in_quotes.setdefault(fact.paragraph, set()).update(re.findall(r"\d[\d,.+]*\d|\d", fact.quote))
    missing = []
    for number, paragraph in enumerate(article.paragraphs, start=1):
        for found in re.findall(r"\d[\d,.+]*\d|\d", paragraph):
            if found not in numbers_in_quotes.get(number, set()):
                missing.append(f"paragraph {number}: {found}")
    assert not missing, "numbers in the article that no quote of their paragraph holds: " + ", ".join(missing)


def test_every_paragraph_with_a_claim_is_covered(base, article):
    cited = {fact.paragraph for fact in base.facts.values()}
    # Headings and one-line transitions carry no claim of their own; everything else must be cited.
    uncovered = [n for n, p in enumerate(article.paragraphs, start=1) if n not in cited and len(p) > 120]
    assert not uncovered, f"paragraphs with no fact: {uncovered}"


def test_results_are_stated_as_results(base):
    # The machine translation put 2023 results in the future tense; the statements must not.
    wrong = [f.id for f in base.facts.values() if f.kind == "result" and re.search(r"\bwill\b", f.statement)]
    assert not wrong, f"results stated in the future tense: {wrong}"


FORECAST_MARKERS = re.compile(r"expected to|[Bb]y 2025|next three years|According to the plan|will become")


def test_forecasts_and_targets_are_never_results(base):
    wrong = [f.id for f in base.facts.values() if FORECAST_MARKERS.search(f.quote) and f.kind == "result"
             and not re.search(r"\b2023\b", f.statement)]
    assert not wrong, f"forecast or target quotes filed as results: {wrong}"
    assert any(f.kind == "forecast" for f in base.facts.values())
    assert any(f.kind == "target" for f in base.facts.values())


def test_officials_words_are_attributed(base):
    for fact in base.facts.values():
        for official in ("Lan Qinghua", "Zhai Gang"):
            if official in fact.quote and re.search(r"\bsaid\b", fact.quote):
                assert fact.speaker is not None and fact.speaker.name == official, fact.id


def test_curation_names_are_searchable_aliases(base):
    """Every real name and Chinese name in CURATION.md's table is some entity's name or alias."""
    table = (SHARED / "CURATION.md").read_text("utf-8")
    rows = [line.split("|")[1:-1] for line in table.splitlines()
            if line.startswith("| ") and not line.startswith("| as printed") and "---" not in line]
    names = {n.casefold() for e in base.entities.values() for n in e.names}
    missing = []
    for _printed, real, chinese in ([c.strip() for c in row] for row in rows):
        # The real-name column may add a description after "(" or ", " ("Deepal, Changan's NEV brand").
        for name in (re.split(r" \(|, ", real)[0], chinese):
            if name and name.casefold() not in names:
                missing.append(name)
    assert not missing, f"names from CURATION.md that no entity carries: {missing}"


def test_no_url_or_access_date_is_invented(base):
    source = base.sources["cqgov-2024-03-31"]
    assert source.url is None and source.accessed is None
    assert source.published.isoformat() == "2024-03-31T23:44:00"
    assert source.language == "en" and source.original_language == "zh"
