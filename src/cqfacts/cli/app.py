"""The Typer app: global options, the table of commands, and the entry point that turns errors into one line.

Each command lives in the module of its group (``COMMANDS``). Only the invoked command's module is
imported, so Typer builds one Click command per run and a new command never slows the others; help and
completion of the top level import them all.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cqfacts import __version__
from cqfacts.errors import CqfactsError

try:  # Typer >= 0.24 vendors Click; its usage errors are needed to run it without standalone mode.
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException  # type: ignore[no-redef]

EXIT_FOUND, EXIT_NOTHING, EXIT_ERROR = 0, 1, 2

# Command name -> the module (in cqfacts.cli) that defines it, in the order help lists them.
COMMANDS = {
    "search": "finding", "list": "finding", "show": "finding",
    "cite": "citing",
    "sources": "summaries", "tags": "summaries", "stats": "summaries",
    "check": "curating", "init": "curating",
    "verify": "verifying",
    "source": "adding", "paragraphs": "adding", "fact": "adding",
    "export": "exporting",
}

app = typer.Typer(
    name="cqfacts",
    # "\b" keeps Click from re-wrapping the example lines.
    help="Look up, check and cite curated facts about how Chongqing develops new productive forces.\n\n"
    "\b\nExamples:\n"
    "  cqfacts search Tianmu\n"
    "  cqfacts search \"new energy vehicles 2023\" --json | jq -r '.[0].statement'\n"
    "  cqfacts list --tag satellites\n"
    "  cqfacts show nev-production-sales-2023\n"
    "  cqfacts cite nev-production-sales-2023 --style apa\n"
    "  cqfacts tags\n"
    "  cqfacts stats --json | jq '.[] | select(.group == \"kind\")'\n"
    "  cqfacts check --source ../shared/source/chongqing-new-productive-forces-2024-03-31.txt\n"
    "  cqfacts verify draft.md\n\n"
    "Output is a table on a terminal and tab-separated rows in a pipe; --json, --format and --fields choose. "
    "Exit status: 0 found, 1 nothing found, 2 usage or data error.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Settings:
    """Options given before the command, shared by every command."""

    facts: Path | None = None
    color: bool | None = None
    debug: bool = False
    pager: bool = True  # False after --no-pager
    cache: bool = True  # False after --no-cache


SETTINGS = Settings()


def _version(value: bool) -> None:
    if value:
        print(f"cqfacts {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    facts: Annotated[Path | None, typer.Option(
        "--facts", help="Fact base: a TOML file or a folder of them. [env: CQFACTS_FACTS; default: the shipped base]",
        show_default=False)] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour, also when NO_COLOR is not set.")] = False,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", help="Never page, also when $CQFACTS_PAGER or $PAGER is set.")] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the traceback of an unexpected error. [env: CQFACTS_DEBUG=1]")] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Read the fact base from its TOML, not from the cache. [env: CQFACTS_NO_CACHE=1]")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    SETTINGS.facts = facts
    SETTINGS.color = False if no_color else None
    SETTINGS.pager = not no_pager
    SETTINGS.debug = debug or SETTINGS.debug
    SETTINGS.cache = not no_cache


_GLOBAL_WITH_VALUE = ("--facts",)


def _invoked(argv: list[str]) -> str | None:
    """The command named on the command line (after any global options), or None."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def register(names: list[str] | None = None) -> typer.Typer:
    """Import the modules that define these commands (all when None), which adds them to ``app``."""
    for module in dict.fromkeys(COMMANDS[n] for n in names or COMMANDS):
        importlib.import_module(f"cqfacts.cli.{module}")
    # Help and completion list commands in COMMANDS order, whichever module a process imported first.
    order = list(COMMANDS)
    app.registered_commands.sort(key=lambda c: order.index(c.name) if c.name in order else len(order))
    return app


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: errors become one line on stderr and exit 2; Ctrl-C exits 130; no tracebacks."""
    from cqfacts.output import OutputClosed, error_line

    SETTINGS.debug = os.environ.get("CQFACTS_DEBUG", "") not in ("", "0")
    args = sys.argv[1:] if argv is None else list(argv)
    code: Any = 0
    try:
        command = _invoked(args)
        # Shell completion of a command's options needs that command only; of the top level, all of them.
        register([command] if command in COMMANDS else None)
        # Typer returns the code of typer.Exit, and turns Ctrl-C inside a command into 130.
        code = app(args=args, prog_name="cqfacts", standalone_mode=False)
    except CqfactsError as exc:
        error_line(str(exc))
        code = exc.exit_code
    except typer.Exit as exc:
        code = exc.exit_code
    except ClickException as exc:  # usage errors, and `cqfacts` alone, which shows the help
        exc.show()
        code = EXIT_ERROR
    except (KeyboardInterrupt, typer.Abort):
        code = 130
    except (BrokenPipeError, OutputClosed):
        quiet_broken_pipe()
        code = 0
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        if SETTINGS.debug:
            import traceback

            traceback.print_exc()
        error_line(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug or CQFACTS_DEBUG=1 for details)")
        code = EXIT_ERROR
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_broken_pipe()
    sys.exit(code if isinstance(code, int) else 0)


def quiet_broken_pipe() -> None:
    """Point stdout at devnull: Python flushes it again at exit, and that flush must not fail loudly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
