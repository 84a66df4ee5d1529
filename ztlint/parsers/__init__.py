"""The parser layer: one module per format, and the list that names them.

A format whose files detectors read as data nodes (`FileContext.documents()`) is a
`Format`: its name (the parser name ztlint.classify gives a file) and `parse(source)
-> documents`, which raises ParseFailure for a file that does not parse. FORMATS maps
each name to the module attribute that holds its Format; the module is imported when
the first file of that format asks for its documents, never before (the pre-commit
path imports no parser it does not use). Nothing registers itself on import.

Adding a format is a parser module with a Format, an entry here, and a classification
entry in ztlint.classify; FileContext does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ztlint.parsers.data import Node
    from ztlint.source import SourceText


@dataclass(frozen=True)
class Format:
    """A format read into data nodes."""

    name: str
    # The file's documents; raises ParseFailure (OverBudget for a text too big to parse).
    parse: Callable[[SourceText], list[Node]]
    # A file that does not parse but holds Go template actions (`{{`) is read as a Go
    # template, through the YAML composer (a chart's `files/`, a rendered bootstrap).
    template_fallback: bool = False
    # A templated file of this format (a Helm chart's template) is read through its
    # TemplateReader rather than `parse`.
    templated: bool = False
    # Whether `FileContext.try_documents()` (a reader that only looks for something
    # optional) parses the format too.
    optional_reads: bool = True


# Parser name -> "module:attribute" of its Format (explicit; imported lazily).
FORMATS: dict[str, str] = {
    "yaml": "ztlint.parsers.yaml:FORMAT",
    "json": "ztlint.parsers.structured:JSON",
    "toml": "ztlint.parsers.structured:TOML",
}


def format_of(parser: str | None) -> Format | None:
    """The Format of a parser name, or None when files of it have no documents."""
    where = FORMATS.get(parser or "")
    if where is None:
        return None
    module, _, attribute = where.partition(":")
    found = getattr(import_module(module), attribute)
    if not isinstance(found, Format):
        raise TypeError(f"{where} is not a parsers.Format")
    return found
