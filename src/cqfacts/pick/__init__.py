"""``cqfacts pick``: an interactive finder that prints the citation of the facts a writer chooses.

``picker`` is the work without a screen (ranking through ``cqfacts.search``, citing through
``cqfacts.citation``, the text Enter prints); ``terminal`` runs the app on the terminal even when stdout is
a pipe; ``shell`` writes the key bindings for bash, zsh and fish. ``app`` (the Textual ``App``, its keys),
``widgets/`` and ``pick.tcss`` (layout and colours) only show the picker and route keys. Textual is
imported by ``app`` and ``widgets`` alone, which only the pick command imports.
"""
