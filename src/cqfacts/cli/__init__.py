"""The cqfacts command line: option parsing and wiring only; the work is done in the library modules.

``app`` holds the Typer app and the entry point; each command group has a module of its own: ``finding``
(search, list, show), ``citing`` (cite), ``summaries`` (sources, tags, stats), ``curating`` (check),
``verifying`` (verify).
"""

from cqfacts.cli.app import SETTINGS, app, main, register

__all__ = ["SETTINGS", "app", "main", "register"]
