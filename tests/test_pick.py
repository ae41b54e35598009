"""`cqfacts pick` driven by Textual's pilot through the real entry point: keys in, stdout and exit code out.

Only the terminal is replaced: ``cqfacts.pick.terminal.run_app`` (which runs the app on /dev/tty) becomes a
headless ``App.run_test()`` that presses the test's keys. The command line, the fact base, the ranking,
the citations and what is printed are the real ones; test_pick_pty.py runs it on a real pseudo-terminal.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from conftest import DATA, run


def typed(text: str) -> list[str]:
    """The key presses that type a text (the pilot names the space bar)."""
    return ["space" if ch == " " else ch for ch in text]


def state(app: Any) -> dict[str, Any]:
    """What the writer sees, read from the widgets."""
    from cqfacts.pick.widgets import Preview, StatusLine

    results = app.results
    return {"query": app.query_one("#query").value, "ids": [f.id for f in results.facts],
            "highlighted": results.current.id if results.current else None, "marked": list(results.marks),
            "style": app.picker.style, "status": app.query_one(StatusLine).content.plain,
            "preview": app.query_one(Preview).query_one("#preview-text").content.plain, "no_color": app.no_color}


LOOK = object()  # a step that records the state


class Pick:
    """Run `cqfacts pick ARGS`, pressing keys; LOOK among the steps records what the screen shows then."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.monkeypatch, self.seen = monkeypatch, []

    def __call__(self, *args: str, steps: list[Any], env: dict[str, str | None] | None = None,
                 size: tuple[int, int] = (100, 30)) -> Any:
        from cqfacts.pick import terminal

        def drive(build: Any) -> Any:
            app = build()

            async def go() -> None:
                async with app.run_test(size=size) as pilot:
                    await pilot.pause()
                    for step in steps:
                        if step is LOOK:
                            self.seen.append(state(app))
                        elif isinstance(step, list):
                            await pilot.press(*step)
                        else:
                            await pilot.press(step)
                        await pilot.pause()

            asyncio.run(go())
            return app

        self.monkeypatch.setattr(terminal, "run_app", drive)
        return run("pick", *args, env=env)


@pytest.fixture
def pick(monkeypatch: pytest.MonkeyPatch) -> Pick:
    return Pick(monkeypatch)


def ranked(query: str, *filters: str) -> list[str]:
    """The ids `cqfacts search` ranks for a query, best first."""
    return [r["id"] for r in run("search", query, "--json", "--limit", "200", *filters).json()]


def blocks(text: str) -> list[str]:
    return text.rstrip("\n").split("\n\n")


def test_type_with_a_typo_move_mark_two_cycle_the_style_and_choose(pick):
    found = ranked("tianmo")  # a typo for Tianmu
    assert len(found) >= 3
    done = pick(steps=[typed("tianmo"), LOOK, "down", "tab", "tab", LOOK, "ctrl+s", LOOK, "enter"])
    typing, marking, styled = pick.seen
    assert typing["query"] == "tianmo" and typing["ids"] == found and typing["highlighted"] == found[0]
    assert marking["marked"] == found[1:3] and marking["highlighted"] == found[3]
    assert "2 marked" in marking["status"] and "style apa" in marking["status"]
    assert styled["style"] == "mla" and "style mla" in styled["status"]
    assert done.exit_code == 0, done.stderr
    # One block each: the quotation and its in-text citation, as `cite --quote --in-text` writes them.
    cited = run("cite", *found[1:3], "--style", "mla", "--quote", "--in-text")
    assert blocks(done.stdout) == cited.stdout.rstrip("\n").split("\n")
    assert done.stderr == ""


@pytest.mark.parametrize(("prints", "cite_args"), [
    ("quote", ["--quote", "--in-text"]),
    ("in-text", ["--in-text"]),
    ("reference", ["--reference"]),
    ("json", ["--json"]),
    ("pandoc", ["--style", "pandoc"]),
])
def test_enter_prints_what_print_names(pick, prints, cite_args):
    top = ranked("Tianmu networking")[0]
    done = pick("Tianmu networking", "--print", prints, steps=["enter"])
    assert done.exit_code == 0, done.stderr
    cited = run("cite", top, "--style", "apa", *cite_args)
    if prints == "json":
        assert done.json() == cited.json()
    else:
        assert done.stdout == cited.stdout


def test_print_id_prints_the_marked_ids_one_a_line_in_the_order_marked(pick):
    found = ranked("satellites")
    done = pick("satellites", "--print", "id", steps=["down", "tab", "up", "up", "tab", "enter"])
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"{found[1]}\n{found[0]}\n"


def test_several_facts_of_one_source_print_its_reference_once(pick):
    found = ranked("satellites")
    done = pick("satellites", "--print", "reference", "--style", "harvard", steps=["tab", "tab", "enter"])
    assert done.exit_code == 0, done.stderr
    once = run("cite", *found[:2], "--style", "harvard", "--reference").stdout
    assert done.stdout == once and once.count("\n") == 1


@pytest.mark.parametrize("key", ["escape", "ctrl+c"])
def test_esc_and_ctrl_c_print_nothing_and_exit_1(pick, key):
    done = pick("Tianmu", steps=["tab", key])
    assert (done.exit_code, done.stdout, done.stderr) == (1, "", "")


def test_an_empty_query_lists_every_fact_and_filters_narrow_it(pick, base):
    pick(steps=[LOOK])
    pick("--tag", "satellites", steps=[LOOK])
    everything, satellites = pick.seen
    assert everything["ids"] == list(base.facts)
    assert everything["status"].startswith(f"{len(base.facts)} of {len(base.facts)} facts")
    listed = [r["id"] for r in run("list", "--tag", "satellites", "--json").json()]
    assert satellites["ids"] == listed and satellites["status"].startswith(f"{len(listed)} of {len(listed)} facts")


def test_filters_apply_to_the_ranking_as_in_search(pick):
    pick("networking", "--kind", "event", steps=[LOOK])
    assert pick.seen[0]["ids"] == ranked("networking", "--kind", "event")


def test_a_query_that_finds_nothing_says_so_and_enter_waits(pick):
    done = pick(steps=[typed("qqxzzv"), LOOK, "enter", LOOK, "escape"])
    nothing, after_enter = pick.seen
    assert nothing["ids"] == [] and nothing["preview"] == ""
    assert "no fact matches “qqxzzv”" in nothing["status"]
    assert after_enter == nothing
    assert (done.exit_code, done.stdout) == (1, "")


@pytest.mark.parametrize("query", ["天目", "22 satellites", "Tianmu1", "liangjiang"])
def test_chinese_numbers_and_aliases_rank_as_search_does(pick, query):
    pick(steps=[typed(query), LOOK])
    assert pick.seen[0]["ids"] == ranked(query) != []


def test_backspace_reranks_and_the_prefilled_query_can_be_edited(pick):
    pick("tianmuxx", steps=[LOOK, "backspace", "backspace", LOOK])
    before, after = pick.seen
    assert before["query"] == "tianmuxx" and after["query"] == "tianmu"
    assert after["ids"] == ranked("tianmu")


def test_the_preview_shows_the_fact_and_the_citation_enter_prints(pick, base):
    top = ranked("Tianmu networking")[0]
    fact = base.facts[top]
    pick("Tianmu networking", "--style", "chicago", steps=[LOOK, "ctrl+s", LOOK])
    chicago, author_date = pick.seen
    preview = chicago["preview"]
    for shown in (fact.statement, fact.quote, base.sources[fact.source].title, f"Paragraph {fact.paragraph}",
                  *(f.display for f in fact.figures)):
        assert shown in preview
    as_cited = run("cite", top, "--style", "chicago", "--quote", "--in-text").stdout.rstrip("\n")
    assert preview.endswith("Enter prints (quote, chicago):\n" + as_cited)
    assert author_date["style"] == "chicago-author-date"
    assert author_date["preview"].endswith(run("cite", top, "--style", "chicago-author-date", "--quote",
                                               "--in-text").stdout.rstrip("\n"))


def test_ctrl_s_cycles_every_text_style_and_back(pick):
    from cqfacts.pick.picker import text_styles

    styles = text_styles()
    assert {"apa", "mla", "chicago", "chicago-author-date", "harvard", "ieee"} <= set(styles)
    pick("Tianmu", steps=[*(["ctrl+s", LOOK] * len(styles))])
    assert [s["style"] for s in pick.seen] == [*styles[1:], styles[0]]


def test_ctrl_y_copies_the_citation_and_stays(pick, monkeypatch):
    copied: list[str] = []

    def fake_copy(text: str) -> list[str]:
        copied.append(text)
        return ["xclip"]

    monkeypatch.setattr("cqfacts.clipboard.copy", fake_copy)
    top = ranked("Tianmu networking")[0]
    done = pick("Tianmu networking", "--print", "in-text", steps=["ctrl+y", LOOK, "escape"])
    assert copied == [run("cite", top, "--in-text").stdout]
    assert pick.seen[0]["query"] == "Tianmu networking"  # still picking
    assert (done.exit_code, done.stdout) == (1, "")


def test_no_color_and_the_no_color_option_turn_colours_off(pick):
    pick(steps=[LOOK], env={"NO_COLOR": "1"})
    pick(steps=[LOOK], env={"NO_COLOR": None})
    assert [s["no_color"] for s in pick.seen] == [True, False]


def test_the_global_no_color_option_turns_colours_off(monkeypatch):
    import os

    pick = Pick(monkeypatch)
    from cqfacts.pick import terminal

    pick(steps=[])  # installs the headless runner
    drive = terminal.run_app
    seen: list[bool] = []
    def build_and_look(build: Any) -> Any:
        app = drive(build)
        seen.append(app.no_color)
        return app

    monkeypatch.setattr(terminal, "run_app", build_and_look)
    run("--no-color", "pick", env={"NO_COLOR": None})
    assert seen == [True] and "NO_COLOR" not in os.environ


def test_fact_text_is_shown_as_text_never_as_markup(pick, tmp_path):
    text = (DATA / "cite-persons.toml").read_text(encoding="utf-8")
    markup = "[bold red]14[/] sites [link=x]linked[/link]"
    base = tmp_path / "facts.toml"
    base.write_text(text.replace("links 14 sites across", markup + " across"), encoding="utf-8")
    pick("laboratory", "--facts", str(base), steps=[LOOK])
    shown = pick.seen[0]
    assert shown["ids"][0] == "test-shared-lab-sites"
    assert markup in shown["preview"]


@pytest.mark.parametrize(("args", "message"), [
    (["--print", "bibtex"], "unknown --print 'bibtex'; choose one of quote, in-text, reference, pandoc, id, json"),
    (["--style", "ris"], "pick cites in a text style; choose --style apa"),
    (["--kind", "rumour"], "unknown kind 'rumour'"),
    (["--shell", "tcsh"], "unknown --shell 'tcsh'; choose one of bash, zsh, fish"),
])
def test_bad_options_are_one_line_errors_before_any_screen(pick, args, message):
    done = pick(*args, steps=[])
    assert done.exit_code == 2 and done.stdout == ""
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not re.search(r"Traceback", done.stderr)


def test_a_long_list_is_capped_and_says_how_many_are_listed(pick, monkeypatch, base):
    from cqfacts.pick import picker

    monkeypatch.setattr(picker, "SHOWN", 10)
    pick(steps=[LOOK, typed("tianmu"), LOOK])
    capped, typed_query = pick.seen
    assert len(capped["ids"]) == 10 and capped["status"].startswith(f"first 10 of {len(base.facts)} facts: type to narrow")
    assert typed_query["ids"] == ranked("tianmu")[:10]


def test_pandoc_prints_one_citation_for_the_marked_facts_and_cycles_with_the_styles(pick):
    from cqfacts.pick.picker import text_styles

    assert text_styles()[-1] == "pandoc" and "pandoc" not in text_styles("reference")
    found = ranked("satellites")
    done = pick("satellites", "--print", "pandoc", steps=["tab", "tab", "enter"])
    assert done.exit_code == 0, done.stderr
    assert done.stdout == run("cite", *found[:2], "--style", "pandoc").stdout
    assert re.fullmatch(r"\[@\w+, paras?\. [\d, ]+\]\n", done.stdout)
    quoted = pick("satellites", "--style", "pandoc", steps=["tab", "tab", "enter"])
    alone = [run("cite", f, "--style", "pandoc", "--quote", "--in-text").stdout.rstrip("\n") for f in found[:2]]
    assert blocks(quoted.stdout) == alone
    refused = pick("--style", "pandoc", "--print", "reference", steps=[])
    assert refused.exit_code == 2 and "the pandoc style is a citation only" in refused.stderr


def test_ctrl_n_and_ctrl_p_move_as_down_and_up(pick):
    found = ranked("satellites")
    pick("satellites", steps=["ctrl+n", "ctrl+n", LOOK, "ctrl+p", LOOK])
    assert [s["highlighted"] for s in pick.seen] == [found[2], found[1]]


def test_a_resized_terminal_is_laid_out_again_and_the_highlight_stays_on_screen():
    from cqfacts.loader import load
    from cqfacts.pick.app import PickApp
    from cqfacts.pick.picker import Picker

    app = PickApp(Picker(load(None)), "")

    async def go() -> tuple[int, int, int, int]:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            wide = app.results.size.width
            for _ in range(40):  # far below the bottom row
                await pilot.press("down")
            await pilot.resize_terminal(70, 20)
            await pilot.pause()
            await pilot.pause()
            results = app.results
            return wide, results.size.width, results.size.height, results.highlighted - results.top

    wide, narrow, rows, row = asyncio.run(go())
    assert narrow < wide and rows < 25  # laid out for the new size
    assert 0 <= row < rows  # the highlighted fact is on one of the rows shown
