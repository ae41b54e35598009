"""The ranker and text folding, on a small base built here: each rule of the search on a case a person types."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cqfacts.loader import load
from cqfacts.normalize import fold, number_term, stem, terms, word_spans
from cqfacts.search import build_index, parse_query, search, typo_allowance

MINI = '''schema_version = 1

[sources.src]
title = "New Chongqing"
site = "Site"
publisher = "Publisher"
authors = [{ organization = "Publisher" }]
published = 2024-03-31
language = "en"

[entities.chongqing]
name = "Chongqing"
aliases = ["重庆"]
type = "place"

[entities.tianmu-1]
name = "Tianmu-1"
printed = "Tianmu-1 constellation"
aliases = ["天目一号"]
type = "project"

[entities.seres]
name = "Seres"
printed = "Thalys"
aliases = ["AITO", "赛力斯"]
type = "organization"

[entities.changan]
name = "Changan Automobile"
aliases = ["长安汽车", "Chongqing Changan"]
type = "organization"

[entities.cat-linh]
name = "Cát Linh–Hà Đông line"
printed = "Ji Linh-Ha Dong line"
aliases = ["Hanoi Metro Line 2A"]
type = "project"

[entities.lan-qinghua]
name = "Lan Qinghua"
type = "person"

[facts.nev-2023]
statement = "In 2023, production and sales of new energy vehicles made in Chongqing exceeded 500,000, ranking second in China."
quote = "In 2023, the production and sales of “Made in Chongqing” new energy vehicles will exceed the 500,000 mark"
source = "src"
paragraph = 12
kind = "result"
period = "2023"
figures = [{ value = 500000, unit = "vehicles", comparator = "more-than", measure = "NEV production and sales" }]
tags = ["nev"]
entities = ["chongqing"]

[facts.china-exports-2023]
statement = "In 2023, China's automobile exports ranked first in the world; about two-thirds of new energy vehicles sold globally were made in China."
quote = "in 2023, China’s automobile export volume will rank first in the world for the first time"
source = "src"
paragraph = 4
kind = "result"
period = "2023"
tags = ["nev"]

[facts.display-2023]
statement = "In 2023, Chongqing's new display industry cluster achieved an output value of 76.9 billion yuan."
quote = "In 2023, Chongqing’s new display industry cluster will achieve an output value of 76.9 billion yuan."
source = "src"
paragraph = 18
kind = "result"
period = "2023"
figures = [{ value = 76900000000, unit = "yuan", comparator = "exactly", measure = "output value" }]
tags = ["electronics"]
entities = ["chongqing"]

[facts.trade-1500000]
statement = "Chongqing's invented trade volume reached 1,500,000 tonnes."
quote = "1,500,000 tonnes"
source = "src"
paragraph = 30
kind = "result"
figures = [{ value = 1500000, unit = "tonnes" }]
entities = ["chongqing"]

[facts.tianmu-constellation]
statement = "The Tianmu-1 meteorological constellation has 22 satellites in orbit about 520 kilometres above the ground."
quote = "there are 22 satellites in orbit"
source = "src"
paragraph = 20
kind = "status"
tags = ["satellites"]
entities = ["tianmu-1", "chongqing"]

[facts.thalys-exports]
statement = "Thalys new energy vehicles were exported to Germany and France, with orders exceeding 20,000 vehicles."
quote = "Thalys new energy vehicle products have been exported to Germany and France"
source = "src"
paragraph = 9
kind = "result"
figures = [{ value = 20000, unit = "vehicles", comparator = "more-than" }]
tags = ["nev", "exports"]
entities = ["seres"]

[facts.deepal-southeast-asia]
statement = "Changan Automobile's right-hand-drive car was launched in Southeast Asia, with orders exceeding 3,000 in one month."
quote = "The dark blue right-hand drive car produced by Changan Automobile was launched in Southeast Asia"
source = "src"
paragraph = 8
kind = "result"
tags = ["nev", "exports"]
entities = ["changan"]

[facts.pattern-1-10-1000]
statement = "Chongqing formed a “1+10+1000” industrial pattern for intelligent connected new energy vehicles."
quote = "a “1+10+1000” industrial pattern has been formed"
source = "src"
paragraph = 15
kind = "status"
tags = ["nev"]
entities = ["chongqing"]

[facts.light-rail]
statement = "Professor Liu Hanlong's team contributed PCC pile technology to Vietnam's first urban light rail."
quote = "Vietnam’s first urban light rail Ji Linh-Ha Dong line"
source = "src"
paragraph = 40
kind = "result"
tags = ["overseas-projects"]
entities = ["cat-linh"]

[facts.lan-33618]
statement = "Lan Qinghua said the “33618” manufacturing cluster system is consistent with developing new productive forces."
quote = "the ‘33618’ modern manufacturing cluster system led by technological innovation is consistent"
source = "src"
paragraph = 22
kind = "opinion"
speaker = { name = "Lan Qinghua", role = "director", organization = "Chongqing Municipal Economic and Information Commission" }
entities = ["lan-qinghua", "chongqing"]
'''


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> object:
    path: Path = tmp_path_factory.mktemp("mini") / "facts.toml"
    path.write_text(MINI, encoding="utf-8")
    return load(path)


def first_ids(base: object, query: str, n: int = 3) -> list[str]:
    return [h.fact.id for h in search(base, query, limit=n)]  # type: ignore[arg-type]


# --- Folding ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "folded"), [
    ("ＴＩＡＮＭＵ", "tianmu"),
    ("“Made in Chongqing”", '"made in chongqing"'),
    ("Chongqing’s", "chongqing's"),
    ("Cát Linh–Hà Đông", "cat linh-ha dong"),
    ("zero\u200bwidth soft\u00adhyphen", "zerowidth softhyphen"),
    ("500,000 and 1,500,000 and 76.9 and 1\u202f000", "500000 and 1500000 and 76.9 and 1000"),
    ("2,5 and 12,34", "2,5 and 12,34"),  # not digit groups of three: left alone
    ("  many \t spaces\n", "many spaces"),
    ("Straße", "strasse"),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_terms_split_words_numbers_codes_and_chinese() -> None:
    assert terms("In 2023, “1+10+1000” and “13+2”; 76.90 US$22.25 Chongqing’s Land-Sea 天目一号") == [
        "in", "2023", "1+10+1000", "and", "13+2", "76.9", "us", "22.25", "chongqing", "land", "sea",
        "天目", "目一", "一号", "天", "目", "一", "号", "landsea"]


def test_number_terms_have_one_form() -> None:
    assert [number_term(v) for v in (500000, 76900000000.0, 0.5, 2.25)] == ["500000", "76900000000", "0.5", "2.25"]


@pytest.mark.parametrize(("forms", "same"), [
    (("produce", "produced", "production", "producing"), True),
    (("vehicle", "vehicles"), True),
    (("laboratory", "laboratories"), True),
    (("innovation", "innovative"), True),
    (("construction", "constellation"), False),
])
def test_stem_joins_word_forms_only(forms: tuple[str, ...], same: bool) -> None:
    assert (len({stem(f) for f in forms}) == 1) is same


def test_word_spans_find_words_as_printed() -> None:
    text = "Chongqing’s 500,000 vehicles; 1,500,000 cars"
    spans = list(word_spans(text, {"chongqing", "500000"}))
    assert [text[a:b] for a, b in spans] == ["Chongqing’s", "500,000"]


def test_typo_allowance_grows_with_length() -> None:
    assert [typo_allowance(w) for w in ("tian", "tianmo", "chongquing")] == [0, 1, 2]


def test_questions_lose_their_stop_words_but_stop_words_alone_stay() -> None:
    assert [w.text for w in parse_query("How many satellites are in the Tianmu-1 network?")] == [
        "satellites", "tianmu", "1", "network"]
    assert [w.text for w in parse_query("the")] == ["the"]


def test_a_number_with_a_scale_word_stands_for_its_value() -> None:
    words = parse_query("76.9 billion yuan")
    assert [(w.text, w.also) for w in words] == [("76.9", ("76900000000",)), ("billion", ("76900000000",)),
                                                 ("yuan", ())]


# --- Ranking ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "fact_id"), [
    ("Tianmu", "tianmu-constellation"),
    ("ＴＩＡＮＭＵ", "tianmu-constellation"),
    ("Tianmo", "tianmu-constellation"),
    ("constelation", "tianmu-constellation"),
    ("天目", "tianmu-constellation"),
    ("Seres", "thalys-exports"),
    ("AITO", "thalys-exports"),
    ("长安", "deepal-southeast-asia"),
    ("Changan exports Southeast Asia", "deepal-southeast-asia"),
    ("Cat Linh", "light-rail"),
    ("Cát Linh–Hà Đông", "light-rail"),
    ("Lan Qinghua", "lan-33618"),
    ("33618", "lan-33618"),
    ("1+10+1000", "pattern-1-10-1000"),
    ("500000", "nev-2023"),
    ("500,000", "nev-2023"),
    ("76.9 billion", "display-2023"),
    ("how many new energy vehicles did Chongqing produce in 2023", "nev-2023"),
    ("“made in Chongqing” — new-energy vehicles", "nev-2023"),
])
def test_the_fact_meant_comes_first(mini: object, query: str, fact_id: str) -> None:
    assert first_ids(mini, query, 1) == [fact_id]


def test_a_number_never_matches_inside_a_longer_number(mini: object) -> None:
    assert first_ids(mini, "500000", 10) == ["nev-2023"]
    assert first_ids(mini, "1500000", 10) == ["trade-1500000"]
    assert first_ids(mini, "500", 10) == []


def test_a_scaled_number_matches_the_figure_value(mini: object) -> None:
    hit = search(mini, "76.9 billion")[0]  # type: ignore[arg-type]
    assert {(m.word, m.field, m.term) for m in hit.matches} >= {("76.9", "figure", "76900000000")} or \
        {(m.word, m.field) for m in hit.matches} >= {("76.9", "figure"), ("billion", "figure")}
    assert search(mini, "0.0769 trillion")[0].fact.id == "display-2023"  # type: ignore[arg-type]


@pytest.mark.parametrize("query", ["xylophone", "purple xylophone quartet", "", "!!! ???", "zzzz"])
def test_nonsense_finds_nothing(mini: object, query: str) -> None:
    assert search(mini, query) == []  # type: ignore[arg-type]


def test_matches_say_which_word_matched_where_and_how(mini: object) -> None:
    seres = search(mini, "Seres")[0].matches  # type: ignore[arg-type]
    assert [(m.word, m.field, m.how, m.term) for m in seres] == [("seres", "entity:seres", "exact", "seres")]
    aito = search(mini, "AITO")[0].matches  # type: ignore[arg-type]
    assert [(m.word, m.field, m.how, m.term) for m in aito] == [("aito", "entity:seres", "alias", "aito")]
    typo = search(mini, "Chongquing")[0].matches  # type: ignore[arg-type]
    assert [(m.how, m.term) for m in typo] == [("typo", "chongqing")]
    prefix = search(mini, "meteo")[0].matches  # type: ignore[arg-type]
    assert [(m.how, m.term) for m in prefix] == [("prefix", "meteorological")]
    forms = search(mini, "produce", limit=None)[0].matches  # type: ignore[arg-type]
    assert [(m.how, m.term) for m in forms] == [("stem", "production")]


def test_scores_are_0_to_100_best_first_and_ties_break_by_id(mini: object) -> None:
    hits = search(mini, "Chongqing", limit=None)  # type: ignore[arg-type]
    assert len(hits) >= 5
    assert all(0 < h.score <= 100 for h in hits)
    keys = [(-h.score, h.fact.id) for h in hits]
    assert keys == sorted(keys)
    assert search(mini, "Chongqing", limit=None) == hits  # type: ignore[arg-type]


def test_min_score_and_limit(mini: object) -> None:
    hits = search(mini, "new energy vehicles", limit=None)  # type: ignore[arg-type]
    assert len(hits) >= 3
    assert search(mini, "new energy vehicles", limit=2) == hits[:2]  # type: ignore[arg-type]
    cut = hits[1].score
    assert all(h.score >= cut for h in search(mini, "new energy vehicles", min_score=cut, limit=None))  # type: ignore[arg-type]
    assert search(mini, "new energy vehicles", min_score=100.1) == []  # type: ignore[arg-type]


def test_a_subset_is_ranked_with_the_whole_base_weights(mini: object) -> None:
    everything = search(mini, "new energy vehicles exports", limit=None)  # type: ignore[arg-type]
    subset = [h.fact for h in everything[1:3]]
    assert search(mini, "new energy vehicles exports", facts=subset, limit=None) == everything[1:3]  # type: ignore[arg-type]
    assert search(mini, "new energy vehicles exports", facts=[]) == []  # type: ignore[arg-type]


def test_candidates_of_a_base_not_yet_indexed_are_indexed_alone() -> None:
    from cqfacts import search as search_module

    base = load_mini_again()
    candidates = [base.facts["thalys-exports"], base.facts["nev-2023"]]
    hits = search(base, "new energy vehicles", facts=candidates, limit=None)  # type: ignore[arg-type]
    assert sorted(h.fact.id for h in hits) == ["nev-2023", "thalys-exports"]
    assert search_module._cached_index(base) is None  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="facts not in the index: trade-1500000"):
        search(base, "vehicles", facts=[base.facts["trade-1500000"]], index=build_index(base, candidates))  # type: ignore[arg-type]


def load_mini_again() -> object:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.toml"
        path.write_text(MINI, encoding="utf-8")
        return load(path)


def test_the_index_is_plain_picklable_data(mini: object) -> None:
    index = build_index(mini)  # type: ignore[arg-type]
    again = pickle.loads(pickle.dumps(index))
    assert search(mini, "Tianmo", index=again) == search(mini, "Tianmo")  # type: ignore[arg-type]


def test_importing_search_does_not_import_rapidfuzz() -> None:
    import subprocess
    import sys

    code = ("import sys, cqfacts.search, cqfacts.normalize; "
            "print(sorted(m for m in sys.modules if m.startswith('rapidfuzz')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_valid_query(mini: object, query: str) -> None:
    hits = search(mini, query, limit=None)  # type: ignore[arg-type]
    assert all(0 <= h.score <= 100 for h in hits)
    assert hits == search(mini, query, limit=None)  # type: ignore[arg-type]


def test_every_format_character_is_dropped() -> None:
    import sys
    import unicodedata

    format_chars = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert fold("a" + "".join(format_chars) + "b") == "ab"


# Text that is ASCII but for curly quotes and dashes (half of all statements) folds without the Unicode
# steps: the shortcut must give what those steps give, digit groups and spaces included.
_MOSTLY_ASCII = st.text(st.sampled_from(list("0123456789 ,.'+-`aZsé\u00a0\u2009“”‘’′″´–—‑﹘﹣«ıæ\t")), max_size=30)


@settings(max_examples=3000, deadline=None)
@given(_MOSTLY_ASCII.filter(lambda t: not t.isascii()))
def test_folding_typographic_punctuation_takes_a_shortcut_to_the_same_text(text: str) -> None:
    from cqfacts.normalize import _DIGIT_GROUP_RE, _fold_unicode, _unicode_terms

    full = " ".join(_DIGIT_GROUP_RE.sub("", _fold_unicode(text)).split())
    assert fold(text) == full
    assert terms(text)[:len(_unicode_terms(full))] == _unicode_terms(full)

