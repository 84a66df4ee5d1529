"""ztlint: a static security linter for zero-trust systems."""

__version__ = "0.1.0"
