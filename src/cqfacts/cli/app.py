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
import typer.main

from cqfacts import __version__
from cqfacts.errors import CqfactsError

try:  # Typer >= 0.24 vendors Click; its usage errors are needed to run it without standalone mode.
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException, NoArgsIsHelpError  # type: ignore[no-redef]

EXIT_FOUND, EXIT_NOTHING, EXIT_ERROR = 0, 1, 2

# Command name -> the module (in cqfacts.cli) that defines it, in the order help lists them.
COMMANDS = {
    "search": "finding", "list": "finding", "show": "finding",
    "cite": "citing", "bib": "bibliography",
    "sources": "summaries", "tags": "summaries", "stats": "summaries",
    "check": "curating", "init": "curating",
    "verify": "verifying",
    "source": "adding", "paragraphs": "adding", "fact": "adding",
    "export": "exporting",
    "pick": "picking",
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
    "  cqfacts bib nev-production-sales-2023 --format bibtex\n"
    "  cqfacts tags\n"
    "  cqfacts stats --json | jq '.[] | select(.group == \"kind\")'\n"
    "  cqfacts check\n"
    "  cqfacts verify - <<< 'In 2023 Chongqing made over 500,000 NEVs.'\n\n"
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


def _man(ctx: typer.Context, value: bool) -> None:
    if value:
        from cqfacts.cli.manpage import render

        sys.stdout.write(render(ctx.command))
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
    man: Annotated[bool, typer.Option("--man", callback=_man, is_eager=True,
                                      help="Print the manual page (roff): cqfacts --man | man -l -")] = False,
) -> None:
    SETTINGS.facts = facts
    SETTINGS.color = False if no_color else None
    SETTINGS.pager = not no_pager
    SETTINGS.debug = debug or SETTINGS.debug
    SETTINGS.cache = not no_cache


# Global options a user may also give after the command (`cqfacts search Tianmu --no-color`): flags, and
# --facts, which every command also takes as its own.
GLOBAL_FLAGS = ("--no-color", "--no-cache", "--no-pager", "--debug")
_GLOBAL_WITH_VALUE = ("--facts",)


def _invoked(argv: list[str]) -> str | None:
    """The command named on the command line (after any global options), or None."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif arg in ("--", "--show-completion", "--install-completion"):  # these take a shell's name, or nothing
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def _globals_first(argv: list[str], command: str, takes_value: set[str]) -> list[str]:
    """The command line with the global options given after the command moved before it.

    A flag that is the value of an option (``--tag --debug``) or comes after ``--`` stays where it is, and
    so does --facts where the command has a --facts of its own.
    """
    at = argv.index(command)
    before, after, moved = argv[:at], [], []
    rest = iter(argv[at:])
    for arg in rest:
        if arg == "--":
            after += [arg, *rest]
            break
        name = arg.split("=", 1)[0]
        if arg in GLOBAL_FLAGS or (name in _GLOBAL_WITH_VALUE and name not in takes_value):
            moved.append(arg)
            if "=" not in arg and name in _GLOBAL_WITH_VALUE:
                moved.extend(value for value in [next(rest, None)] if value is not None)
            continue
        after.append(arg)
        if arg in takes_value:  # its value follows, whatever it looks like
            after.extend(value for value in [next(rest, None)] if value is not None)
    return before + moved + after


def register(names: list[str] | None = None) -> typer.Typer:
    """Import the modules that define these commands (all when None), which adds them to ``app``."""
    for module in dict.fromkeys(COMMANDS[n] for n in names or COMMANDS):
        importlib.import_module(f"cqfacts.cli.{module}")
    # Help and completion list commands in COMMANDS order, whichever module a process imported first.
    order = list(COMMANDS)
    app.registered_commands.sort(key=lambda c: order.index(c.name) if c.name in order else len(order))
    return app


def usage_error(message: str, hint: str | None = None) -> int:
    """A usage error as the README promises: one line, a hint line at most; the exit status is 2."""
    from cqfacts.output import error_line, notice

    error_line(message)
    if hint:
        notice(hint)
    return EXIT_ERROR


def _unknown_command(name: str) -> int:
    from cqfacts.errors import closest

    close = closest(name, COMMANDS, n=1, cutoff=0.5)
    if close:
        return usage_error(f"unknown command {name!r}; did you mean {close[0]!r}?")
    return usage_error(f"unknown command {name!r}", f"the commands: {', '.join(COMMANDS)} ('cqfacts --help')")


def _click_usage_error(exc: Any, command: str | None) -> int:
    """Click's usage error (Usage line, Try line, blank, Error line) as our one line and a hint."""
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else f"cqfacts {command or ''}".strip()  # some errors have no ctx
    return usage_error(exc.format_message().rstrip("."), f"see '{path} --help'")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: errors become one line on stderr and exit 2; Ctrl-C exits 130; no tracebacks."""
    from cqfacts.output import OutputClosed, error_line

    SETTINGS.debug = os.environ.get("CQFACTS_DEBUG", "") not in ("", "0")
    args = sys.argv[1:] if argv is None else list(argv)
    code: Any = 0
    command = None
    try:
        import signal

        from cqfacts import interrupted_at_start_up

        if signal.getsignal(signal.SIGINT) is interrupted_at_start_up:  # start-up is over: a command may clean up
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if sys.stdout is None:  # started with stdout closed (`cqfacts list >&-`): nothing could be printed
            sys.exit(usage_error("standard output is closed; nothing can be printed (was it `>&-`?)"))
        command = _invoked(args)
        if command is not None and command not in COMMANDS:
            sys.exit(_unknown_command(command))
        # Shell completion of a command's options needs that command only; of the top level, all of them.
        register([command] if command in COMMANDS else None)
        group = typer.main.get_command(app)
        if command is not None:
            params = group.commands[command].params  # type: ignore[attr-defined]
            takes_value = {o for p in params if not getattr(p, "is_flag", False) and p.param_type_name == "option"
                           for o in p.opts}
            args = _globals_first(args, command, takes_value)
        # Click returns the code of typer.Exit, and turns Ctrl-C inside a command into 130.
        code = group.main(args=args, prog_name="cqfacts", standalone_mode=False)
    except CqfactsError as exc:
        error_line(str(exc))
        code = exc.exit_code
    except typer.Exit as exc:
        code = exc.exit_code
    except NoArgsIsHelpError as exc:  # `cqfacts` alone: the help, on stderr, as a usage error
        exc.show()
        code = EXIT_ERROR
    except ClickException as exc:  # usage errors
        code = _click_usage_error(exc, command)
    except (KeyboardInterrupt, typer.Abort):
        code = 130
    except (BrokenPipeError, OutputClosed):
        quiet_broken_pipe()
        code = 0
    except OSError as exc:
        code = stdout_failed(exc) if _is_stdout_failure(exc) else _unexpected(exc)
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        code = _unexpected(exc)
    if sys.stdout is not None:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            quiet_broken_pipe()
        except OSError as exc:  # a full disk or a failing device (`>/dev/full`)
            code = stdout_failed(exc)
    sys.exit(code if isinstance(code, int) else 0)


def _unexpected(exc: BaseException) -> int:
    from cqfacts.output import error_line

    if SETTINGS.debug:
        import traceback

        traceback.print_exc()
    error_line(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug or CQFACTS_DEBUG=1 for details)")
    return EXIT_ERROR


def _is_stdout_failure(exc: OSError) -> bool:
    """An error writing stdout has no file name (an error on a file names it)."""
    import errno

    return exc.filename is None and exc.errno in (errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG,
                                                  getattr(errno, "EDQUOT", errno.ENOSPC))


def stdout_failed(exc: OSError) -> int:
    """Say once that the output did not arrive, and make sure Python's own flush at exit says nothing more."""
    from cqfacts.output import error_line

    error_line(f"cannot write to standard output: {exc.strerror or exc}; the output is incomplete")
    quiet_broken_pipe()
    return EXIT_ERROR


def quiet_broken_pipe() -> None:
    """Point stdout at devnull: Python flushes it again at exit, and that flush must not fail loudly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
