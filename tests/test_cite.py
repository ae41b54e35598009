"""`cqfacts cite` in the seven human styles, read through the CLI as a writer would paste it.

The shipped source's strings are ../shared/CITATIONS.md's, verbatim. The second source (tests/data/
cite-persons.toml: three personal authors, a URL and an access date; and one with two authors and a URL)
has strings derived here from the style guides; the comment above each says which rules made it.
"""

from __future__ import annotations

import re

import pytest

from conftest import DATA, run

FACT = "nev-production-sales-2023"  # paragraph 12 of cqgov-2024-03-31
PERSONS = str(DATA / "cite-persons.toml")
LABS, FREIGHT = "test-shared-lab-sites", "test-freight-doubled"  # test-labs-2024 (3 authors), test-freight-2023 (2)

TITLE_SENTENCE = ("New Chongqing is moving toward a “new” direction—A panoramic “observation” on how Chongqing "
                  "cultivates and develops new productive forces")
TITLE_TITLE = ("New Chongqing Is Moving toward a ‘New’ Direction—A Panoramic ‘Observation’ on How Chongqing "
               "Cultivates and Develops New Productive Forces")
GOV = "Chongqing Municipal People’s Government"

# ../shared/CITATIONS.md, "Expected output for the shipped source" (`*…*` marks italics).
SHIPPED_REFERENCE = {
    "apa": f"{GOV}. (2024, March 31). *{TITLE_SENTENCE}*.",
    "mla": f"“{TITLE_TITLE}.” *{GOV} Website*, 31 Mar. 2024.",
    "chicago": f"{GOV}. “{TITLE_TITLE}.” {GOV} Website, March 31, 2024.",
    "chicago-author-date": f"{GOV}. 2024. “{TITLE_TITLE}.” {GOV} Website, March 31, 2024.",
    "harvard": f"{GOV} (2024) *{TITLE_SENTENCE.replace('“', '‘').replace('”', '’')}*.",
    "ieee": f"[1] {GOV}, “{TITLE_SENTENCE.replace('“', '‘').replace('”', '’')},” {GOV} Website, Mar. 31, 2024.",
}
# The in-text column; APA adds the paragraph locator ("para. 12"), the only style that uses one here
# (MLA cites paragraphs only where the source numbers them, and this one does not).
SHIPPED_IN_TEXT = {
    "apa": f"({GOV}, 2024, para. 12)",
    "mla": "(“New Chongqing”)",
    "chicago-author-date": f"({GOV} 2024)",
    "harvard": f"({GOV}, 2024)",
    "ieee": "[1]",
}
CHICAGO_NOTE = f"1. “{TITLE_TITLE},” {GOV} Website, March 31, 2024."
CHICAGO_SHORT_NOTE = "“New Chongqing.”"


def cite(*args: str, facts: str | None = None) -> str:
    result = run(*(("--facts", facts) if facts else ()), "cite", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def plain(markdown: str) -> str:
    return markdown.replace("*", "")


@pytest.mark.parametrize("style", sorted(SHIPPED_REFERENCE))
def test_shipped_reference_entries_are_the_expected_strings(style: str) -> None:
    expected = SHIPPED_REFERENCE[style]
    assert cite(FACT, "--style", style, "--reference", "--format", "markdown") == expected + "\n"
    assert cite(FACT, "--style", style, "--reference", "--format", "text") == plain(expected) + "\n"


@pytest.mark.parametrize("style", sorted(SHIPPED_IN_TEXT))
def test_shipped_in_text_citations_are_the_expected_strings(style: str) -> None:
    assert cite(FACT, "--style", style, "--in-text", "--format", "text") == SHIPPED_IN_TEXT[style] + "\n"


def test_chicago_gives_a_full_note_first_and_a_short_note_after() -> None:
    out = cite(FACT, FACT, "--style", "chicago", "--in-text", "--format", "text")
    assert out == f"{CHICAGO_NOTE}\n2. {CHICAGO_SHORT_NOTE}\n"


def test_html_italics() -> None:
    out = cite(FACT, "--reference", "--format", "html")
    assert out == SHIPPED_REFERENCE["apa"].replace("*", "<i>", 1).replace("*", "</i>", 1) + "\n"


def test_default_is_quote_with_in_text_then_the_reference() -> None:
    # American styles: the quote's own double quotes turn single inside the double marks.
    quote = ("“In 2023, the production and sales of ‘Made in Chongqing’ new energy vehicles will exceed the "
             "500,000 mark, ranking second in the country”")
    assert cite(FACT) == f"{quote} {SHIPPED_IN_TEXT['apa']}\n\n{plain(SHIPPED_REFERENCE['apa'])}\n"
    assert cite(FACT, "--in-text", "--quote") == f"{quote} {SHIPPED_IN_TEXT['apa']}\n"
    assert cite(FACT, "--no-quote") == f"{SHIPPED_IN_TEXT['apa']}\n\n{plain(SHIPPED_REFERENCE['apa'])}\n"


def test_harvard_quotes_in_british_single_marks() -> None:
    out = cite(FACT, "--style", "harvard", "--in-text", "--quote", "--format", "text")
    assert out.startswith("‘In 2023, the production and sales of “Made in Chongqing” new energy vehicles")
    assert out.endswith("ranking second in the country’ (Chongqing Municipal People’s Government, 2024)\n")


def test_several_facts_of_one_source_give_one_reference() -> None:
    out = cite(FACT, FACT, "--style", "ieee", "--format", "text")
    assert out.count("[1] Chongqing") == 1 and out.count(" [1]\n") == 2 and "[2]" not in out


def test_url_and_accessed_are_placed_by_each_style() -> None:
    extra = ("--url", "https://example.org/cq", "--accessed", "2025-01-05", "--reference", "--format", "text")
    # APA 7: URL last, no retrieval date (the article is not meant to change).
    assert cite(FACT, *extra).endswith("productive forces. https://example.org/cq\n")
    # MLA 9: URL without the protocol after the date; "Accessed" last (MLA 5.95, 5.111).
    assert cite(FACT, "--style", "mla", *extra).endswith(", 31 Mar. 2024, example.org/cq. Accessed 5 Jan. 2025.\n")
    # Chicago 17: URL last; an access date only when there is no publication date (14.12).
    assert cite(FACT, "--style", "chicago", *extra).endswith("March 31, 2024. https://example.org/cq.\n")
    # Cite Them Right: "Available at: URL (Accessed: date)."
    assert cite(FACT, "--style", "harvard", *extra).endswith(
        "productive forces*. Available at: https://example.org/cq (Accessed: 5 January 2025).\n".replace("*", ""))
    # IEEE: "Accessed: Mon. day, year. [Online]. Available: URL" (no period after a URL).
    assert cite(FACT, "--style", "ieee", *extra).endswith(
        "Mar. 31, 2024. Accessed: Jan. 5, 2025. [Online]. Available: https://example.org/cq\n")


def test_accessed_today() -> None:
    import datetime as dt

    from cqfacts.citation.words import MLA_MONTHS

    before = dt.date.today()
    out = cite(FACT, "--style", "mla", "--accessed", "today", "--reference", "--format", "text")
    days = {before, dt.date.today()}  # the run may cross midnight
    assert any(out.endswith(f" Accessed {d.day} {MLA_MONTHS[d.month - 1]} {d.year}.\n") for d in days), out


# --- The second source: personal authors, URL, access date --------------------------------------------

PERSONS_EXPECTED = {
    # APA 7 (9.8, 9.12, 10.16): Surname, I., up to 20 names with "&" after a comma; (year, Month day);
    # italic sentence-case title, the subtitle capitalised; the site name; the URL. In text (8.17): et al. from
    # three authors, "&" for two; "para." locator (8.28).
    "apa": (["(Wang et al., 2024, para. 4)", "(Li & Brennan, 2023, para. 2)"], [
        "Li, N., & Brennan, T. (2023, November 2). *Why inland exporters are betting on rail–sea freight*. "
        "Example Trade Monitor. https://example.org/trade-monitor/rail-sea-freight",
        "Wang, J., Hartmann, L., & Okafor, D. (2024, May 20). *Laboratories without walls: How Sichuan and "
        "Chongqing share research facilities*. Example Regional Review. "
        "https://example.org/regional-review/2024/05/laboratories-without-walls"]),
    # MLA 9 (5.6-5.8): first author inverted, "and" + second in reading order, et al. from three; title case
    # (prepositions lower: "without"); italic site; publisher unless it is the site (Example Trade Monitor);
    # day Mon. year; URL without https://; optional "Accessed" last. In text: surnames, et al. from three.
    "mla": (["(Wang et al.)", "(Li and Brennan)"], [
        "Li, Na, and Thomas Brennan. “Why Inland Exporters Are Betting on Rail–Sea Freight.” *Example Trade "
        "Monitor*, 2 Nov. 2023, example.org/trade-monitor/rail-sea-freight.",
        "Wang, Jiaxi, et al. “Laboratories without Walls: How Sichuan and Chongqing Share Research Facilities.” "
        "*Example Regional Review*, Example Academic Press, 20 May 2024, "
        "example.org/regional-review/2024/05/laboratories-without-walls. Accessed 5 Jan. 2025."]),
    # Chicago 17 notes (14.76, 14.206): names in reading order, up to three in a note, et al. from four; the
    # site and its owner when different; no access date (there is a publication date); the URL. Bibliography:
    # first name inverted, the rest in reading order; a period before the URL.
    "chicago": ([
        "1. Jiaxi Wang, Lena Hartmann, and Daniel Okafor, “Laboratories without Walls: How Sichuan and Chongqing "
        "Share Research Facilities,” Example Regional Review, Example Academic Press, May 20, 2024, "
        "https://example.org/regional-review/2024/05/laboratories-without-walls.",
        "2. Na Li and Thomas Brennan, “Why Inland Exporters Are Betting on Rail–Sea Freight,” Example Trade "
        "Monitor, November 2, 2023, https://example.org/trade-monitor/rail-sea-freight."], [
        "Li, Na, and Thomas Brennan. “Why Inland Exporters Are Betting on Rail–Sea Freight.” Example Trade "
        "Monitor, November 2, 2023. https://example.org/trade-monitor/rail-sea-freight.",
        "Wang, Jiaxi, Lena Hartmann, and Daniel Okafor. “Laboratories without Walls: How Sichuan and Chongqing "
        "Share Research Facilities.” Example Regional Review, Example Academic Press, May 20, 2024. "
        "https://example.org/regional-review/2024/05/laboratories-without-walls."]),
    # Chicago 17 author-date (15.9, 15.29): the year after the names; in text all of up to three surnames
    # with a serial comma, et al. from four.
    "chicago-author-date": (["(Wang, Hartmann, and Okafor 2024)", "(Li and Brennan 2023)"], [
        "Li, Na, and Thomas Brennan. 2023. “Why Inland Exporters Are Betting on Rail–Sea Freight.” Example Trade "
        "Monitor, November 2, 2023. https://example.org/trade-monitor/rail-sea-freight.",
        "Wang, Jiaxi, Lena Hartmann, and Daniel Okafor. 2024. “Laboratories without Walls: How Sichuan and "
        "Chongqing Share Research Facilities.” Example Regional Review, Example Academic Press, May 20, 2024. "
        "https://example.org/regional-review/2024/05/laboratories-without-walls."]),
    # Cite Them Right (Harvard): Surname, I. joined with "and", no serial comma, et al. from four; (year);
    # italic title; "Available at: URL (Accessed: day Month year)."; no site name for a web page.
    "harvard": (["(Wang, Hartmann and Okafor, 2024)", "(Li and Brennan, 2023)"], [
        "Li, N. and Brennan, T. (2023) *Why inland exporters are betting on rail–sea freight*. Available at: "
        "https://example.org/trade-monitor/rail-sea-freight.",
        "Wang, J., Hartmann, L. and Okafor, D. (2024) *Laboratories without walls: How Sichuan and Chongqing "
        "share research facilities*. Available at: "
        "https://example.org/regional-review/2024/05/laboratories-without-walls (Accessed: 5 January 2025)."]),
    # IEEE Reference Guide: I. Surname, up to six names with a serial comma ("and" alone for two); sentence-case
    # title in quotes, the comma inside; site; Mon. day, year; "Accessed:"; "[Online]. Available: URL".
    # Numbered in citation order.
    "ieee": (["[1]", "[2]"], [
        "[1] J. Wang, L. Hartmann, and D. Okafor, “Laboratories without walls: How Sichuan and Chongqing share "
        "research facilities,” Example Regional Review, May 20, 2024. Accessed: Jan. 5, 2025. [Online]. "
        "Available: https://example.org/regional-review/2024/05/laboratories-without-walls",
        "[2] N. Li and T. Brennan, “Why inland exporters are betting on rail–sea freight,” Example Trade Monitor, "
        "Nov. 2, 2023. [Online]. Available: https://example.org/trade-monitor/rail-sea-freight"]),
}


def markdown_links(text: str) -> str:
    """Markdown keeps a URL whole: <https://…> (an autolink), or MLA's address without https:// as a link."""
    text = re.sub(r"https://\S+?(?=[.,]?(?:\s|$))", lambda m: f"<{m.group()}>", text)
    return re.sub(r"(?<![/<])\bexample\.org/\S+?(?=[.,]?(?:\s|$))", lambda m: f"[{m.group()}](<https://{m.group()}>)",
                  text)


@pytest.mark.parametrize("style", sorted(PERSONS_EXPECTED))
def test_personal_authors_url_and_access_date_in_every_style(style: str) -> None:
    in_text, references = PERSONS_EXPECTED[style]
    out = cite(LABS, FREIGHT, "--style", style, "--no-quote", "--format", "markdown", facts=PERSONS)
    # Reference lists run alphabetically by author, except IEEE's, numbered in citation order.
    assert out == markdown_links("\n".join(in_text) + "\n\n" + "\n".join(references)) + "\n"
    text = cite(LABS, FREIGHT, "--style", style, "--no-quote", "--format", "text", facts=PERSONS)
    assert text == plain("\n".join(in_text) + "\n\n" + "\n".join(references) + "\n")


def test_chicago_short_notes_for_persons() -> None:
    out = cite(LABS, LABS, FREIGHT, FREIGHT, "--style", "chicago", "--in-text", "--format", "text", facts=PERSONS)
    lines = out.splitlines()
    # Chicago 17 14.30: surnames (up to three) and the short title, in title case.
    assert lines[1] == "2. Wang, Hartmann, and Okafor, “Laboratories without Walls.”"
    assert lines[3] == "4. Li and Brennan, “Inland Exporters.”"


def test_quote_inside_double_marks_turns_inner_quotes_single() -> None:
    out = cite(LABS, "--style", "apa", "--in-text", "--quote", facts=PERSONS)
    assert out == ("“The partners describe the network as a ‘laboratory without walls’ linking 14 sites across "
                   "Sichuan and Chongqing” (Wang et al., 2024, para. 4)\n")
