"""A file's comments: where its real comments are (from the tree or documents a
detector already parsed), and the suppression directives they hold."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ztlint import classify, embedded, suppress
from ztlint.model import Finding
from ztlint.parsers.data import ParseFailure
from ztlint.rule import FileContext
from ztlint.scan.findings import (
    SecretLines,
    cut_snippet,
)


def comment_finder(ctx: FileContext) -> Callable[[int, int], bool]:
    """Where the file's real comments are, from the tree or documents a detector
    already parsed (parsed here otherwise)."""
    from ztlint.parsers import comments

    assert ctx.source is not None
    tree = None
    yaml_ok = True
    try:
        if ctx.parser in classify.LANGUAGES:
            tree = ctx.tree()
        elif ctx.parser == "yaml":
            ctx.documents()
    except ParseFailure:
        yaml_ok = False
    own = comments.finder(ctx.source, ctx.parser, ctx.kinds, tree, yaml_ok, ctx.path)
    found: list[embedded.Embedded] = ctx.memo("embedded", list)
    if not found:
        return own
    starts = embedded.comment_starts(found)

    def is_comment(line: int, column: int) -> bool:
        start = starts.get(line)
        return own(line, column) or (start is not None and column > start)

    return is_comment


def find_directives(
    ctx: FileContext, findings: Sequence[Finding], unchecked: bool
) -> tuple[suppress.Directive, ...]:
    """The suppression directives in the file's real comments. Their snippets go
    through the findings' masking, with every secret span found in the file; a file
    whose detectors did not run (unchecked test code) shows none."""
    source = ctx.source
    is_comment = comment_finder(ctx)
    secrets = SecretLines([s for f in findings for s in f.secret_spans])

    def snippet(line: int) -> str:
        return "" if unchecked else cut_snippet(source, line, secrets.on(line))

    return suppress.parse_directives(source.text, source.lines, is_comment, snippet)
