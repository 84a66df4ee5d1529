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

This module finds the documents (`find`); `documents` makes the virtual texts,
`patches` turns kustomization patches into documents, `heredoc` reads shell heredocs.
Names with a leading underscore are private to the package; the public ones are
importable from here.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace

from ztlint import classify
from ztlint.embedded.documents import KINDS as KINDS
from ztlint.embedded.documents import MAX_DOCUMENTS as MAX_DOCUMENTS
from ztlint.embedded.documents import MAX_VIRTUAL_CHARS as MAX_VIRTUAL_CHARS
from ztlint.embedded.documents import READ_AS as READ_AS
from ztlint.embedded.documents import Embedded as Embedded
from ztlint.embedded.documents import (
    _block_lines,
    _Budget,
    _string_documents,
    _Virtual,
    _virtual,
)
from ztlint.embedded.documents import comment_starts as comment_starts
from ztlint.embedded.heredoc import _HEREDOC_MARKERS, _SCRIPT_HOLDERS, _heredoc_embedded
from ztlint.embedded.heredoc import heredocs as heredocs
from ztlint.embedded.heredoc import heredocs_in as heredocs_in
from ztlint.embedded.heredoc import unescape as unescape
from ztlint.embedded.patches import KUSTOMIZATION_NAMES as KUSTOMIZATION_NAMES
from ztlint.embedded.patches import (
    _is_kustomization,
    _kustomization_patches,
    _patch_documents,
    _pod_path,
    _resource_patches,
)
from ztlint.embedded.patches import json_patch_ops as json_patch_ops
from ztlint.embedded.patches import patched_workload as patched_workload
from ztlint.parsers.data import Mapping, Node, Scalar, walk
from ztlint.rule import FileContext
from ztlint.source import SourceText

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


VAULT_TEMPLATE = "vault.hashicorp.com/agent-inject-template-"
# A template action (`{{ with secret "..." }}`, `{{ .Data.data.password }}`): blanked,
# column for column, so what is left is the text the template writes as it is.
_ACTION = re.compile(r"\{\{.*?\}\}")
_ENV_LINE = re.compile(r"\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=")


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
