"""Configuration written inside other files, found and handed to the rules as documents
of their own: a compose file or a manifest a shell script writes from a heredoc, the
patches of a kustomization (inline strategic-merge or JSON 6902, with their target),
a patch file named by a kustomization that is only part of a manifest, and the patch a
Kubernetes custom resource applies to the workload it creates (Envoy Gateway's
`EnvoyProxy`).

Each embedded document is a virtual text that keeps the outer file's line numbers
(lines outside the document are empty) with the document's indentation removed, and a
column shift per line; the detectors read it as a file of its own kind, and the engine
maps every span back onto the outer file. A patch becomes a document the workload rules
understand: the target's kind and name from `target:`, and the pod template it changes
counted as a pod spec even when it lists no containers (a patch names only what it
changes). Absence means nothing in a patch, so only what a patch sets is reported.

Everything here is data: no path a kustomization names is opened (a patch file in the
scanned tree is checked as a file of its own, by its content), nothing is expanded or
run, and the work per file is bounded (MAX_DOCUMENTS, MAX_VIRTUAL_CHARS).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ztlint import classify
from ztlint.model import Span
from ztlint.parsers.data import Mapping, Node, ParseFailure, Scalar, Sequence, walk
from ztlint.rule import FileContext, Hit
from ztlint.source import SourceText

# The kinds an embedded document can have: what the configuration rules read.
KINDS = frozenset({classify.COMPOSE, classify.KUBERNETES, classify.ENVOY})
# Every kind an embedded document is read as (a Vault template's text as dotenv).
READ_AS = KINDS | {classify.DOTENV}
MAX_DOCUMENTS = 64  # embedded documents read per file
MAX_VIRTUAL_CHARS = 4_000_000  # characters of virtual text made per file, padding included

KUSTOMIZATION_NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "kustomization"})
_PATCH_OPS = frozenset({"add", "replace", "remove", "move", "copy", "test"})
# Where a workload kind keeps its pod template's spec.
_POD_PATHS = (("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template", "spec"))
# Pod-level settings: a patch or partial manifest that sets one of these says something
# the workload rules read; without any, nothing is reported and nothing is built.
_POD_MARKERS = (
    "privileged",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "hostPath",
    "capabilities",
    "allowPrivilegeEscalation",
    "seccomp",
    "apparmor",
    "procMount",
)
# Words without which a heredoc holds no configuration the rules read.
_HEREDOC_MARKERS = ("services:", "apiVersion", "_resources", "type.googleapis.com/envoy.")
_HEREDOC = re.compile(
    r"<<(-?)[ \t]*(?:'([^'\n]+)'|\"([^\"\n]+)\"|\\?([A-Za-z_][\w.-]*))",
)
_JSON_TARGET = re.compile(r"\.json\b")
VAULT_TEMPLATE = "vault.hashicorp.com/agent-inject-template-"
# A template action (`{{ with secret "..." }}`, `{{ .Data.data.password }}`): blanked,
# column for column, so what is left is the text the template writes as it is.
_ACTION = re.compile(r"\{\{.*?\}\}")
_ENV_LINE = re.compile(r"\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=")


@dataclass(frozen=True)
class Embedded:
    """One embedded document: its kinds, the virtual text the detectors read, its
    documents when they are built here (else the detectors parse the text), and how a
    span of the virtual text maps onto the outer file."""

    kinds: frozenset[str]
    source: SourceText
    parser: str
    documents: tuple[Node, ...] | None
    first_line: int
    last_line: int
    shifts: tuple[tuple[int, int], ...] = ()  # (line, columns removed) where not 0
    pinned: Span | None = None  # every span maps here (a quoted or folded string)
    # (line, virtual columns from which one more outer column lies behind): where a
    # shell escape's backslash was taken out (`\$` in an unquoted heredoc).
    cuts: tuple[tuple[int, tuple[int, ...]], ...] = ()

    def remap(self, span: Span) -> Span:
        if self.pinned is not None:
            return self.pinned
        if not self.shifts and not self.cuts:
            return span
        return Span(
            span.start_line,
            self._column(span.start_line, span.start_col),
            span.end_line,
            self._column(span.end_line, span.end_col),
        )

    def _column(self, line: int, column: int) -> int:
        cuts = dict(self.cuts).get(line, ())
        return column + dict(self.shifts).get(line, 0) + sum(1 for c in cuts if c <= column)

    def hit(self, hit: Hit, path: str) -> Hit:
        related = tuple(
            replace(r, span=self.remap(r.span)) if r.path == path else r for r in hit.related
        )
        return replace(
            hit,
            span=self.remap(hit.span),
            related=related,
            secret_spans=tuple(self.remap(s) for s in hit.secret_spans),
        )


def comment_starts(found: list[Embedded]) -> dict[int, int]:
    """Where each line's comment starts (1-based column of its `#`, on the outer
    file's lines) in the embedded documents: a YAML comment in a heredoc or in a
    block-scalar patch is a comment of that document, so a suppression written there
    applies to the findings in it. A comment on a document's last line is left out:
    a directive there would also cover the outer file's next line, which is no part
    of the document."""
    from ztlint.parsers import comments

    out: dict[int, int] = {}
    for emb in found:
        if emb.pinned is not None:
            continue
        lines = emb.source.lines
        if emb.parser == "dotenv":
            starts = comments.dotenv_comment_starts(lines)
        elif emb.parser == "yaml":
            starts = comments.yaml_comment_starts(lines)
        else:
            continue
        for line, column in starts.items():
            if line >= emb.last_line:
                continue
            shifted = emb.remap(Span(line, column, line, column)).start_col
            out.setdefault(line, shifted)
    return out


# --- virtual texts ------------------------------------------------------------------


@dataclass(frozen=True)
class _Virtual:
    source: SourceText
    first: int
    last: int
    shifts: tuple[tuple[int, int], ...]
    cuts: tuple[tuple[int, tuple[int, ...]], ...] = ()


class _Budget:
    def __init__(self) -> None:
        self.documents = 0
        self.chars = 0

    def spent(self) -> bool:
        return self.documents >= MAX_DOCUMENTS or self.chars >= MAX_VIRTUAL_CHARS

    def take(self, chars: int) -> bool:
        if self.documents >= MAX_DOCUMENTS or self.chars + chars > MAX_VIRTUAL_CHARS:
            return False
        self.documents += 1
        self.chars += chars
        return True


def _virtual(
    lines: list[tuple[int, str, int]],
    budget: _Budget,
    cuts: dict[int, list[int]] | None = None,
) -> _Virtual | None:
    """A virtual text from (outer line number, text, columns already removed) rows:
    their common indentation removed, each row on its own line number. `cuts` are the
    columns of each row's text from which a removed character lies behind."""
    rows = [r for r in lines if r[1].strip()]
    if not rows:
        return None
    indent = min(len(t) - len(t.lstrip(" ")) for _, t, _ in rows)
    first, last = lines[0][0], lines[-1][0]
    size = first + sum(len(t) + 1 for _, t, _ in lines)
    if not budget.take(size):
        return None
    out = ["\n" * (first - 1)]
    shifts = []
    for number, text, removed in lines:
        out.append(text[indent:] if text.strip() else "")
        out.append("\n")
        if removed + indent and text.strip():
            shifts.append((number, removed + indent))
    moved = tuple(
        (number, tuple(c - indent for c in columns))
        for number, columns in sorted((cuts or {}).items())
        if columns
    )
    return _Virtual(SourceText("".join(out)), first, last, tuple(shifts), moved)


def _parse(virtual: _Virtual, parser: str) -> list[Node] | None:
    from ztlint.parsers import structured
    from ztlint.parsers import yaml as yaml_parser

    try:
        if parser == "json":
            return structured.parse_json(virtual.source)
        return yaml_parser.parse_yaml(virtual.source.text)
    except ParseFailure:
        return None  # not configuration after all, or not readable: nothing to check


def _block_lines(source: SourceText, value: Scalar) -> list[tuple[int, str, int]] | None:
    """The outer lines of a literal block scalar (`|`, `|-`), when they are exactly its
    text once indented alike; None for other styles."""
    start = value.span.start_line
    line = source.line(start)
    if line[value.span.start_col - 1 : value.span.start_col] != "|":
        return None
    rows: list[tuple[int, str, int]] = []
    indent: int | None = None
    for number in range(start + 1, value.span.end_line + 1):
        text = source.line(number)
        if text.strip():
            width = len(text) - len(text.lstrip(" "))
            if indent is None:
                indent = width
            elif width < indent:
                break
        rows.append((number, text, 0))
    while rows and not rows[-1][1].strip():
        rows.pop()
    if indent is None or not rows:
        return None
    body = "\n".join(t[indent:] for _, t, _ in rows)
    if body.strip() != value.value.strip():
        return None  # an indentation indicator or an escape: positions are not plain
    return rows


def _string_documents(
    source: SourceText, value: Scalar, budget: _Budget
) -> tuple[list[Node], _Virtual, Span | None] | None:
    """The documents of a string that holds YAML or JSON (a patch), with its virtual
    text; a string not written as a literal block is read from its value, and all its
    spans are pinned to where the string starts."""
    rows = _block_lines(source, value)
    pinned = None
    if rows is not None:
        virtual = _virtual(rows, budget)
    else:
        if not budget.take(len(value.value)):
            return None
        virtual = _Virtual(SourceText(value.value), 1, 1, ())
        pinned = Span(
            value.span.start_line,
            value.span.start_col,
            value.span.start_line,
            value.span.start_col + 1,
        )
    if virtual is None:
        return None
    docs = _parse(virtual, "yaml")
    if docs is None:
        return None
    return docs, virtual, pinned


# --- patches as documents -----------------------------------------------------------


def _scalar(value: str, span: Span) -> Scalar:
    return Scalar(span, value)


def _with_entry(m: Mapping, key: str, value: Node) -> Mapping:
    """A copy of `m` (the parsed node is shared and stays as it is) with `key` set."""
    out = Mapping(m.span)
    out.entries = [(k, v) for k, v in m.entries if k.value != key]
    out.entries.append((_scalar(key, m.span), value))
    out.merges = list(m.merges)
    return out


def _pod_path(doc: Mapping) -> tuple[str, ...] | None:
    for path in _POD_PATHS:
        node: Node | None = doc
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping):
            return path
    return None


def _with_containers(m: Mapping, path: tuple[str, ...]) -> Mapping:
    """A copy of `m` whose mapping at `path` has a `containers` list (an empty one
    when a patch names none), so that the workload rules see a pod spec there."""
    if not path:
        if isinstance(m.get("containers"), Sequence):
            return m
        return _with_entry(m, "containers", Sequence(m.span, []))
    child = m.get(path[0])
    assert isinstance(child, Mapping)
    return _with_entry(m, path[0], _with_containers(child, path[1:]))


def patched_workload(
    patch: Mapping, kind: str | None, name: str | None, span: Span
) -> Mapping | None:
    """A strategic-merge patch (or a partial manifest) as a document the workload rules
    read: its kind and name set from the target where it has none, its pod template
    counted as a pod spec. None when it changes no pod template."""
    path = _pod_path(patch)
    if path is None:
        return None
    doc = _with_containers(patch, path)
    if doc.get_str("kind") is None:
        doc = _with_entry(doc, "kind", _scalar(f"{kind or 'workload'} patch", span))
    if name is not None:
        meta = doc.get_map("metadata")
        if meta is None or meta.get_str("name") is None:
            named = _with_entry(meta or Mapping(span), "name", _scalar(name, span))
            doc = _with_entry(doc, "metadata", named)
    return doc


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def json_patch_ops(node: Node) -> list[Mapping] | None:
    """The operations of a JSON 6902 patch (a list of `{op, path}` mappings), or None
    when the node is no such patch."""
    if not isinstance(node, Sequence) or not node.items:
        return None
    ops = []
    for item in node.items:
        if not isinstance(item, Mapping):
            return None
        op, path = item.get_str("op"), item.get_str("path")
        if op not in _PATCH_OPS or path is None or not path.startswith("/"):
            return None
        ops.append(item)
    return ops


def _op_document(op: Mapping) -> Mapping | None:
    """What an `add` or `replace` operation sets, as the document it makes: the path's
    segments become nested keys (list positions a one-item list) around the value, all
    placed at the value (the line a reader fixes). Other operations set nothing."""
    if op.get_str("op") not in ("add", "replace"):
        return None
    value = op.get("value")
    path = op.get_str("path")
    if value is None or path is None:
        return None
    node: Node = value
    for segment in reversed(path.split("/")[1:]):
        if segment == "-" or segment.isdigit():
            if isinstance(node, Mapping) and node.get("name") is None:
                # Named by its position, for the message: `container '#0'`.
                label = "new" if segment == "-" else f"#{segment}"
                node = _with_entry(node, "name", _scalar(label, value.span))
            node = Sequence(value.span, [node])
        else:
            m = Mapping(value.span)
            m.entries = [(_scalar(_unescape(segment), value.span), node)]
            node = m
    return node if isinstance(node, Mapping) else None


def _patch_documents(
    nodes: list[Node], kind: str | None, name: str | None, span: Span
) -> list[Node]:
    """The workload documents a patch's parsed nodes make: each strategic-merge
    document, or each setting operation of a JSON 6902 patch."""
    out: list[Node] = []
    for node in nodes:
        ops = json_patch_ops(node)
        parts: list[Mapping] = []
        if ops is not None:
            parts = [d for d in map(_op_document, ops) if d is not None]
        elif isinstance(node, Mapping):
            parts = [node]
        for part in parts:
            doc = patched_workload(part, kind, name, span)
            if doc is not None:
                out.append(doc)
    return out


def _target(item: Mapping) -> tuple[str | None, str | None]:
    target = item.get_map("target")
    if target is None:
        return None, None
    return target.get_str("kind"), target.get_str("name")


def _kustomization_patches(doc: Mapping) -> Iterator[tuple[Scalar, str | None, str | None]]:
    """The inline patch strings of a kustomization (or of a Flux Kustomization's
    spec), with their target's kind and name. Paths are not followed."""
    holders = [doc]
    spec = doc.get_map("spec")
    if spec is not None:
        holders.append(spec)
    for holder in holders:
        for key in ("patches", "patchesJson6902", "patchesStrategicMerge"):
            items = holder.get_seq(key)
            for item in items.items if items is not None else []:
                if isinstance(item, Mapping):
                    patch = item.get("patch")
                    if isinstance(patch, Scalar) and patch.value.strip():
                        yield (patch, *_target(item))
                elif isinstance(item, Scalar) and "\n" in item.value.strip():
                    yield item, None, None  # an inline strategic-merge patch, not a path


def _is_kustomization(path: str, doc: Mapping) -> bool:
    if posixpath.basename(path).lower() in KUSTOMIZATION_NAMES:
        return True
    return doc.get_str("kind") == "Kustomization"


def _resource_patches(doc: Mapping) -> Iterator[tuple[Mapping, str | None]]:
    """Patches a custom resource applies to a workload it creates: a `patch` mapping
    with `type: StrategicMerge|JSONMerge` and a `value` (Envoy Gateway's `EnvoyProxy`
    `envoyDeployment.patch`), with the kind its holder's key names (`envoyDeployment`
    -> Deployment, `envoyDaemonSet` -> DaemonSet)."""
    for node, _ in walk(doc):
        if not isinstance(node, Mapping):
            continue
        for key, holder in node.entries:
            patch = holder.get_map("patch") if isinstance(holder, Mapping) else None
            if patch is None or patch.get_str("type") not in ("StrategicMerge", "JSONMerge"):
                continue
            value = patch.get_map("value")
            if value is not None:
                named = key.value.lower()
                kind = next((k for k in _WORKLOAD_KINDS if named.endswith(k.lower())), None)
                yield value, kind


_WORKLOAD_KINDS = ("DaemonSet", "Deployment", "StatefulSet")


def _vault_templates(doc: Mapping) -> Iterator[Scalar]:
    """The Vault agent templates a manifest's annotations hold."""
    for node, _ in walk(doc):
        if isinstance(node, Mapping):
            annotations = node.get_map("annotations")
            for key, value in annotations.entries if annotations is not None else []:
                if key.value.startswith(VAULT_TEMPLATE) and isinstance(value, Scalar):
                    yield value


def _vault_embedded(source: SourceText, value: Scalar, budget: _Budget) -> Embedded | None:
    """A Vault agent template renders a file; when what it writes literally is shell
    or dotenv assignments (`export NAME="..."`), that text is read as a dotenv file,
    so that a credential written into the template itself is found by the rules that
    find it in a `.env` file, and a value the template fills from Vault (an action,
    blanked here) is nothing."""
    rows = _block_lines(source, value)
    if rows is None:
        return None
    blanked = [(n, _ACTION.sub(lambda m: " " * len(m.group()), t), r) for n, t, r in rows]
    written = [t for _, t, _ in blanked if t.strip()]
    if not written or not all(_ENV_LINE.match(t) for t in written):
        return None
    virtual = _virtual(blanked, budget)
    if virtual is None:
        return None
    return Embedded(
        frozenset({classify.DOTENV}),
        virtual.source,
        "dotenv",
        None,
        virtual.first,
        virtual.last,
        virtual.shifts,
    )


def _meta_name(doc: Mapping) -> str | None:
    meta = doc.get_map("metadata")
    return meta.get_str("name") if meta is not None else None


# --- finding embedded documents -----------------------------------------------------


def _region(source: SourceText, node: Node, budget: _Budget) -> _Virtual | None:
    """The outer lines of a parsed node, as they are: its documents keep the outer
    file's spans, so the text needs no shift either."""
    first, last = node.span.start_line, node.span.end_line
    rows = source.lines[first - 1 : last]
    if not budget.take(first + sum(len(r) + 1 for r in rows)):
        return None
    return _Virtual(SourceText("\n" * (first - 1) + "\n".join(rows) + "\n"), first, last, ())


def _documents_embedded(ctx: FileContext, budget: _Budget) -> Iterator[Embedded]:
    """Patches and partial manifests in a YAML or JSON file. Each kind of search runs
    only where its words occur (a manifest's nodes are walked only for a resource
    patch's `type:`)."""
    text = ctx.text
    if not _marked(text):
        return
    kubernetes = classify.KUBERNETES in ctx.kinds
    named = posixpath.basename(ctx.path).lower() in KUSTOMIZATION_NAMES
    kustomization = named or (kubernetes and "Kustomization" in text)
    resource_patches = kubernetes and ("StrategicMerge" in text or "JSONMerge" in text)
    vault = kubernetes and VAULT_TEMPLATE in text
    partial = "template:" in text and (kubernetes or _TOP_SPEC.search(text) is not None)
    ops = not kubernetes and _SETTING_OP.search(text) is not None
    if not (kustomization or resource_patches or vault or partial or ops):
        return
    if kubernetes:
        # A manifest's rules parse it when their words occur in it; when none did,
        # none of them can find anything in a part of it either.
        docs: list[Node] | None = ctx.parsed_documents
    else:
        docs = ctx.try_documents()  # a file no rule reads: no notification of ours
    for doc in docs or ():
        if ops and json_patch_ops(doc) is not None:  # a JSON 6902 patch file
            made = _patch_documents([doc], "JSON", None, doc.span)
            virtual = _region(ctx.source, doc, budget) if made else None
            if virtual is not None:
                yield _embedded(virtual, ctx.parser or "yaml", made)
            continue
        if not isinstance(doc, Mapping):
            continue
        kind = doc.get_str("kind")
        if kustomization and _is_kustomization(ctx.path, doc):
            yield from _kustomization_embedded(ctx.source, doc, budget)
            continue
        if kind == "CustomResourceDefinition":
            continue  # a schema: its words describe fields, it sets none
        if vault:
            for template in _vault_templates(doc):
                found = _vault_embedded(ctx.source, template, budget)
                if found is not None:
                    yield found
        if resource_patches and kind is not None:
            name = _meta_name(doc)
            for value, target in _resource_patches(doc):
                made = _patch_documents([value], target, name, value.span)
                virtual = _region(ctx.source, value, budget) if made else None
                if virtual is not None:
                    yield _embedded(virtual, "yaml", made)
        # A partial manifest (a patch file a kustomization names): its pod template
        # without containers, with or without a kind.
        path = _pod_path(doc) if partial else None
        if path is None or (kubernetes and kind is None):
            continue
        spec: Node | None = doc
        for key in path:
            spec = spec.get(key) if isinstance(spec, Mapping) else None
        if isinstance(spec, Mapping) and spec.get("containers") is None:
            made_doc = patched_workload(doc, None, None, doc.span)
            virtual = _region(ctx.source, doc, budget) if made_doc is not None else None
            if made_doc is not None and virtual is not None:
                yield _embedded(virtual, ctx.parser or "yaml", [made_doc])


# A partial manifest's top-level `spec:`, and a JSON 6902 operation that sets a value.
_TOP_SPEC = re.compile(r"^spec:[ \t]*$", re.M)
_SETTING_OP = re.compile(r"""["']?op["']?[ \t]*:[ \t]*["']?(?:add|replace)\b""")


def _marked(text: str) -> bool:
    return any(m in text for m in _POD_MARKERS) or VAULT_TEMPLATE in text


def _kustomization_embedded(
    source: SourceText, doc: Mapping, budget: _Budget
) -> Iterator[Embedded]:
    for patch, kind, name in _kustomization_patches(doc):
        parsed = _string_documents(source, patch, budget)
        if parsed is None:
            continue
        nodes, virtual, pinned = parsed
        made = _patch_documents(nodes, kind, name, nodes[0].span if nodes else patch.span)
        if made:
            emb = _embedded(virtual, "yaml", made)
            if pinned is not None:
                emb = replace(
                    emb, pinned=pinned, first_line=pinned.start_line, last_line=pinned.start_line
                )
            yield emb


def _embedded(virtual: _Virtual, parser: str, documents: list[Node] | None) -> Embedded:
    return Embedded(
        frozenset({classify.KUBERNETES}) if documents is not None else frozenset(),
        virtual.source,
        parser,
        tuple(documents) if documents is not None else None,
        virtual.first,
        virtual.last,
        virtual.shifts,
    )


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


def find(ctx: FileContext) -> list[Embedded]:
    """The embedded documents of a file (at most MAX_DOCUMENTS). Raises ParseFailure
    when the file itself does not parse (the engine reports that once)."""
    if ctx.is_binary:
        return []
    budget = _Budget()
    found: Iterator[Embedded]
    if ctx.parser == "bash" or ctx.kinds & _SCRIPT_HOLDERS:
        found = _heredoc_embedded(ctx, budget)
    elif ctx.parser in ("yaml", "json"):
        found = _documents_embedded(ctx, budget)
    else:
        return []
    return list(found)


def may_hold(kinds: frozenset[str], parser: str | None, text: str) -> bool:
    """A cheap necessary condition for `find` to find anything."""
    if parser == "bash" or kinds & _SCRIPT_HOLDERS:
        return "<<" in text and any(m in text for m in _HEREDOC_MARKERS)
    if parser in ("yaml", "json"):
        return _marked(text)
    return False
