"""``python -m cqfacts`` and the installed ``cqfacts`` command.

``cqfacts --version`` is answered here, before the CLI and Typer (about 50 ms of imports) are loaded, so a
script that checks the version pays the interpreter's start-up only. Everything else is cqfacts.cli.main.
"""

from __future__ import annotations

import _signal
import gc
import sys

from cqfacts import interrupted_at_start_up

# Ctrl-C during the imports below exits 130 without a traceback (Python's handler would raise
# KeyboardInterrupt from deep inside some import). Unless Ctrl-C is ignored (a background job).
if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
    _signal.signal(_signal.SIGINT, interrupted_at_start_up)


def main(argv: list[str] | None = None) -> None:
    """Run cqfacts: ``--version`` alone at once, anything else through the CLI."""
    if (sys.argv[1:] if argv is None else argv) == ["--version"] and sys.stdout is not None:
        from cqfacts import __version__

        try:
            sys.stdout.write(f"cqfacts {__version__}\n")
            sys.stdout.flush()
        except BrokenPipeError:  # as the CLI does: the reader went away, exit quietly
            from cqfacts.cli.app import quiet_broken_pipe

            quiet_broken_pipe()
        except OSError as exc:  # as the CLI does: a full disk (`>/dev/full`) is one line and exit 2
            from cqfacts.cli.app import stdout_failed

            sys.exit(stdout_failed(exc))
        sys.exit(0)
    # Importing the CLI makes some 100,000 objects that live as long as the process: the cyclic garbage
    # collector would walk them again and again while they are made, and after (4 ms of a 90 ms run).
    gc.disable()
    from cqfacts.cli import main as cli_main

    gc.freeze()
    gc.enable()
    cli_main(argv)


if __name__ == "__main__":
    main()
