"""cqfacts: a checked, citable fact base about how Chongqing develops new productive forces."""

__version__ = "0.1.0"


def interrupted_at_start_up(signum: int, frame: object) -> None:
    """Ctrl-C while cqfacts is still importing: nothing is done yet, nothing to clean up; exit 130 quietly.

    Installed by ``cqfacts.__main__`` before anything is imported; ``cqfacts.cli.main`` puts Python's own
    handler back (KeyboardInterrupt, so a command can clean up) before it runs a command.
    """
    import os

    os._exit(130)
