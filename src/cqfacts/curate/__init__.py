"""Curating a fact base: archiving sources, finding quotes, drafting facts, editing TOML files, exporting."""
