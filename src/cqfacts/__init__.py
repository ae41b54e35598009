"""cqfacts: a checked, citable fact base about how Chongqing develops new productive forces."""

__version__ = "0.1.0"
