"""Heredocs of shell scripts (and of the scripts Dockerfiles and workflows hold) read
as the shell reads them, so a compose file or manifest a script writes is checked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint import classify
from ztlint.embedded.documents import (
    KINDS,
    Embedded,
    _block_lines,
    _Budget,
    _parse,
    _Virtual,
    _virtual,
)
from ztlint.embedded.patches import _scalar
from ztlint.parsers.data import Mapping, Node, Scalar, walk
from ztlint.rule import FileContext

# Words without which a heredoc holds no configuration the rules read.
_HEREDOC_MARKERS = ("services:", "apiVersion", "_resources", "type.googleapis.com/envoy.")
_HEREDOC = re.compile(
    r"<<(-?)[ \t]*(?:'([^'\n]+)'|\"([^\"\n]+)\"|\\?([A-Za-z_][\w.-]*))",
)
_JSON_TARGET = re.compile(r"\.json\b")


def heredocs(text: str) -> Iterator[tuple[str, bool, list[tuple[int, str, int]]]]:
    """Each heredoc of a shell script: (the line of its command, whether its delimiter
    is quoted, its body as (line number, text, columns removed) rows). The body is never
    expanded: `$VAR` stays text. Here-strings (`<<<`) and arithmetic shifts are no
    heredocs."""
    return heredocs_in([(n, line, 0) for n, line in enumerate(text.split("\n"), 1)])


def heredocs_in(
    rows: list[tuple[int, str, int]],
) -> Iterator[tuple[str, bool, list[tuple[int, str, int]]]]:
    """The heredocs of a script given as (line number, text, columns removed) rows: a
    file's lines, or a script inside another file (a workflow step's `run: |` block,
    its indentation removed)."""
    i = 0
    while i < len(rows):
        _, line, _ = rows[i]
        i += 1
        if "<<" not in line or line.lstrip().startswith("#"):
            continue
        pending = []
        for m in _HEREDOC.finditer(line):
            if m.start() > 0 and line[m.start() - 1] == "<":
                continue
            delimiter = m.group(2) or m.group(3) or m.group(4)
            quoted = m.group(4) is None or m.group(0)[: -len(delimiter)].endswith("\\")
            pending.append((bool(m.group(1)), delimiter, quoted))
        for strip, delimiter, quoted in pending:
            body: list[tuple[int, str, int]] = []
            while i < len(rows):
                number, raw, removed = rows[i]
                raw = raw.rstrip("\r")
                i += 1
                content = raw.lstrip("\t") if strip else raw
                if content == delimiter:
                    break
                body.append((number, content, removed + len(raw) - len(content)))
            yield line, quoted, body


_SHELL_ESCAPE = re.compile(r"\\([$`\\])")


def unescape(
    rows: list[tuple[int, str, int]],
) -> tuple[list[tuple[int, str, int]], dict[int, list[int]]]:
    """The text an unquoted heredoc writes for `\\$`, `\\``, `\\\\`: the character itself
    (nothing is expanded), and per line the columns from which a backslash was taken
    out before them."""
    out: list[tuple[int, str, int]] = []
    cuts: dict[int, list[int]] = {}
    for number, text, removed in rows:
        if "\\" not in text:
            out.append((number, text, removed))
            continue
        columns: list[int] = []
        parts: list[str] = []
        last = 0
        for m in _SHELL_ESCAPE.finditer(text):
            parts.append(text[last : m.start()])
            columns.append(m.start() - len(columns) + 1)
            parts.append(m.group(1))
            last = m.end()
        parts.append(text[last:])
        out.append((number, "".join(parts), removed))
        if columns:
            cuts[number] = columns
    return out, cuts


# Files that hold shell scripts besides shell scripts themselves.
_SCRIPT_HOLDERS = frozenset({classify.DOCKERFILE, classify.WORKFLOW})


def _script_rows(ctx: FileContext) -> Iterator[list[tuple[int, str, int]]]:
    """The scripts of a file as rows: a shell script or a Dockerfile (whose `RUN <<EOF`
    and `COPY <<EOF` heredocs are the shell's) is one; a workflow has one per step's
    `run: |` block, its indentation removed."""
    if classify.WORKFLOW not in ctx.kinds:
        yield [(n, line, 0) for n, line in enumerate(ctx.text.split("\n"), 1)]
        return
    for doc in ctx.try_documents() or ():
        for node, _ in walk(doc):
            if not isinstance(node, Mapping):
                continue
            run = node.get("run")
            if not isinstance(run, Scalar) or "<<" not in run.value:
                continue
            rows = _block_lines(ctx.source, run)
            if not rows:
                continue
            indent = min(len(t) - len(t.lstrip(" ")) for _, t, _ in rows if t.strip())
            yield [(n, t[indent:], indent) for n, t, _ in rows]


def _nested(
    rows: list[tuple[int, str, int]], depth: int = 0
) -> Iterator[tuple[str, bool, list[tuple[int, str, int]]]]:
    """The heredocs of a script, and those of scripts its heredocs hold (a Dockerfile's
    `RUN <<SH` whose script writes a file with `cat <<EOF`), a few levels deep."""
    for command, quoted, body in heredocs_in(rows):
        yield command, quoted, body
        if depth < 2 and any("<<" in t for _, t, _ in body):
            yield from _nested(body, depth + 1)


def _heredoc_embedded(ctx: FileContext, budget: _Budget) -> Iterator[Embedded]:
    text = ctx.text
    if "<<" not in text or not any(m in text for m in _HEREDOC_MARKERS):
        return
    for command, quoted, body in (h for rows in _script_rows(ctx) for h in _nested(rows)):
        if budget.spent():
            return
        cuts: dict[int, list[int]] = {}
        if not quoted:
            body, cuts = unescape([(n, _run_time_text(t), r) for n, t, r in body])
        joined = "\n".join(t for _, t, _ in body)
        if not body or not any(m in joined for m in (*_HEREDOC_MARKERS, "image:")):
            continue
        if "<<:" in joined:
            body = [(n, _unknown_merge(t, joined), r) for n, t, r in body]
        json = bool(_JSON_TARGET.search(command)) or joined.lstrip().startswith("{")
        parser = "json" if json else "yaml"
        kinds = classify.classify(f"embedded.{parser}", _dedent(joined)).kinds & KINDS
        fragment = not kinds and parser == "yaml" and "image:" in joined
        if not kinds and not fragment:
            continue
        read = _readable(body, cuts, parser, quoted, budget)
        if read is None:
            continue
        virtual, documents = read
        if fragment:
            if len(documents) != 1 or not _services_fragment(documents[0]):
                continue
            # Part of a compose file a script writes in pieces: its services.
            kinds = frozenset({classify.COMPOSE})
            services = Mapping(documents[0].span)
            services.entries = [(_scalar("services", documents[0].span), documents[0])]
            documents = [services]
        yield Embedded(
            kinds,
            virtual.source,
            parser,
            tuple(documents),
            virtual.first,
            virtual.last,
            virtual.shifts,
            cuts=virtual.cuts,
        )


def _readable(
    body: list[tuple[int, str, int]],
    cuts: dict[int, list[int]],
    parser: str,
    quoted: bool,
    budget: _Budget,
) -> tuple[_Virtual, list[Node]] | None:
    """The heredoc's virtual text and documents, or None when it does not parse. An
    unquoted heredoc's `${VAR}` inside a flow mapping (`{ address: ${HOST} }`) is not
    YAML until the shell expands it: when the text does not parse as written, its
    expansions' braces in flow collections are read as word characters (`$_HOST_`,
    column for column)."""
    virtual = _virtual(body, budget, cuts)
    documents = _parse(virtual, parser) if virtual is not None else None
    if documents is None and not quoted and any("${" in t for _, t, _ in body):
        braced = [(n, _in_flow_braced(t), r) for n, t, r in body]
        virtual = _virtual(braced, budget, cuts)
        documents = _parse(virtual, parser) if virtual is not None else None
    if virtual is None or documents is None:
        return None
    return virtual, documents


_BRACED = re.compile(r"\$\{([^{}\n]*)\}")
_FLOW_START = re.compile(r"(?<!\$)[\[{]")


def _in_flow_braced(line: str) -> str:
    """The expansions' braces inside a flow collection (after the line's first `[` or
    `{`) read as word characters; elsewhere `${VAR}` is YAML already."""
    m = _FLOW_START.search(line)
    if m is None:
        return line
    at = m.start()
    return line[:at] + _BRACED.sub(lambda e: "$_" + e.group(1) + "_", line[at:])


_EXPANSION = r"\$(?:[A-Za-z_]\w*|\{[^}\n]*\}|\([^)\n]*\))"
# A line that is only expansions, or expansions right after a key's colon: text the
# script makes at run time (more YAML, or nothing). Blanked, column for column, so that
# the rest reads as written.
_WHOLE_LINE_EXPANSION = re.compile(rf"[ \t]*(?:{_EXPANSION})+[ \t]*")
_TRAILING_EXPANSION = re.compile(rf"^([ \t]*(?:- )?[\w.-]+:)((?:{_EXPANSION})+[ \t]*)$")
_MERGE_ALIAS = re.compile(r"[ \t]*<<:[ \t]*\*([\w.-]+)[ \t]*")


def _run_time_text(line: str) -> str:
    if _WHOLE_LINE_EXPANSION.fullmatch(line):
        return ""
    return _TRAILING_EXPANSION.sub(lambda m: m.group(1) + " " * len(m.group(2)), line)


def _unknown_merge(line: str, body: str) -> str:
    """A merge key (`<<: *default`) of an anchor another heredoc defines: left out (an
    unknown alias would make the whole text unreadable)."""
    m = _MERGE_ALIAS.fullmatch(line)
    return "" if m is not None and f"&{m.group(1)}" not in body else line


def _services_fragment(doc: Node) -> bool:
    """A mapping of compose services: every value a mapping with `image` or `build`."""
    if not isinstance(doc, Mapping) or not doc.entries:
        return False
    return all(
        isinstance(v, Mapping) and (v.get("image") is not None or v.get("build") is not None)
        for _, v in doc.entries
    )


def _dedent(text: str) -> str:
    rows = [t for t in text.split("\n") if t.strip()]
    indent = min((len(t) - len(t.lstrip(" ")) for t in rows), default=0)
    return "\n".join(t[indent:] for t in text.split("\n"))
