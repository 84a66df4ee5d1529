"""`ztlint server`: a Language Server (LSP over stdio) for editors.

Diagnostics on open, change (after a short pause in typing) and save, from a scan of
the editor's buffer, not the file on disk (ztlint.buffer, as `scan -` does). Code
actions: apply the finding's machine fix when it carries one, and insert a
suppression comment whose reason is a placeholder the user edits (`TODO: reason`,
selected for typing in the editors that honour it). LSP has no free-text prompt a
server can open in every editor (window/showMessageRequest offers fixed buttons only),
and a suppression's value is its reason; so the comment lands with the placeholder,
and until it is replaced the server keeps an information diagnostic on that line.

Trust: the workspace is the repository the user opened and may be hostile. The server
scans only `file:` documents inside a workspace folder (the file's own folder when
the editor opened no folder), reads no config above that folder, treats every config
it finds as data (ztlint.config: untrusted), runs no external engine (semgrep is off
whatever the config says) and no git. The scan reads only the private copy of the
buffer and the config file.

pygls is an optional extra (`pip install 'ztlint[lsp]'`), imported only here, and
this module only by the `server` command.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from ztlint import __version__, buffer
from ztlint.config import Config, ConfigError, find_config, load_file, scan_tree
from ztlint.gitrun import inside
from ztlint.model import Finding, Notification, Severity, Span

SOURCE = "ztlint"
PLACEHOLDER = "TODO: reason"
DOCS = "https://github.com/ztlint/ztlint/blob/main/docs/rules/{id}-{name}.md"
# Seconds of quiet after a change before the buffer is scanned again.
PAUSE = 0.3

_LEVEL = {
    Severity.CRITICAL: lsp.DiagnosticSeverity.Error,
    Severity.HIGH: lsp.DiagnosticSeverity.Error,
    Severity.MEDIUM: lsp.DiagnosticSeverity.Warning,
    Severity.LOW: lsp.DiagnosticSeverity.Information,
    Severity.INFO: lsp.DiagnosticSeverity.Hint,
}
# Comment syntax by parser (ztlint.classify); files without comments (JSON) get no
# suppression action: a config exception covers them.
_LINE_COMMENT = {
    "go": "//",
    "rust": "//",
    "swift": "//",
    "typescript": "//",
    "tsx": "//",
    "javascript": "//",
    "python": "#",
    "bash": "#",
    "yaml": "#",
    "toml": "#",
    "lua": "--",
}


@dataclasses.dataclass
class _Document:
    """What the last scan of a document found, for code actions."""

    version: int | None
    findings: tuple[Finding, ...] = ()


class Server:
    """The state of one server: the workspace folders and what each document's last
    scan found. No global state: a test builds as many as it likes."""

    def __init__(self, rules: Sequence[Any] | None = None) -> None:
        self.ls = LanguageServer(
            SOURCE, __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full
        )
        self.rules = rules
        self.docs: dict[str, _Document] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self._register()

    # --- where a document may be scanned ---------------------------------------

    def folders(self) -> list[str]:
        roots = [_path(f.uri) for f in self.ls.workspace.folders.values()]
        if not roots and self.ls.workspace.root_uri:
            roots = [_path(self.ls.workspace.root_uri)]
        return [os.path.realpath(r) for r in roots if r]

    def place(self, uri: str) -> buffer.Place | None:
        """The document's place, bounded by its workspace folder; None when it is no
        file of the workspace."""
        path = _path(uri)
        if path is None:
            return None
        folder = os.path.realpath(os.path.dirname(path))
        roots = [r for r in self.folders() if inside(folder, r)]
        if self.folders() and not roots:
            return None  # a file outside the workspace: not ours to read around
        # The deepest folder holding it; with no workspace, the file's own folder.
        top = max(roots, key=len) if roots else folder
        tree = scan_tree(folder) if os.path.isdir(folder) else top
        if inside(tree, top):
            top = tree  # a repository nested in the workspace
        rel = os.path.relpath(os.path.join(folder, os.path.basename(path)), top)
        if rel.startswith(os.pardir):
            return None
        return buffer.Place(tree=top, rel=rel.replace(os.sep, "/"), folder=folder)

    def config(self, where: buffer.Place) -> Config:
        """The document's config: the nearest one up to the top, read as data; no
        external engine whatever it says."""
        start = where.folder if os.path.isdir(where.folder) else where.tree
        found = find_config(start, where.tree)
        config = load_file(found, where.tree) if found else Config()
        return dataclasses.replace(config, semgrep_configs=(), semgrep_bin=None)

    # --- scanning -----------------------------------------------------------------

    def scan(self, uri: str) -> list[lsp.Diagnostic]:
        doc = self.ls.workspace.get_text_document(uri)
        where = self.place(uri)
        if where is None:
            self.docs.pop(uri, None)
            return []
        try:
            config = self.config(where)
            report = buffer.scan_bytes(
                doc.source.encode("utf-8", errors="surrogatepass"),
                where,
                config,
                cwd=where.tree,
                rules=self.rules,
            )
        except ConfigError as exc:
            from ztlint.reporters.safe_text import shown

            self.ls.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Error, message=shown(str(exc)))
            )
            self.docs[uri] = _Document(doc.version)
            return []
        mine = tuple(f for f in report.findings if f.path == where.rel)
        self.docs[uri] = _Document(doc.version, tuple(f for f in mine if f.active))
        notes = [n for n in report.notifications if n.path == where.rel]
        return diagnostics(doc, mine, notes)

    def publish(self, uri: str) -> None:
        doc = self.ls.workspace.get_text_document(uri)
        found = self.scan(uri)
        self.ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=doc.version)
        )

    async def publish_later(self, uri: str) -> None:
        await asyncio.sleep(PAUSE)
        self.pending.pop(uri, None)
        self.publish(uri)

    # --- handlers -----------------------------------------------------------------

    def _register(self) -> None:
        ls = self.ls

        @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
        def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
            self.publish(params.text_document.uri)

        @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
        def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
            self.publish(params.text_document.uri)

        @ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
        def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
            uri = params.text_document.uri
            old = self.pending.pop(uri, None)
            if old is not None:
                old.cancel()
            self.pending[uri] = asyncio.get_running_loop().create_task(self.publish_later(uri))

        @ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
        def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
            uri = params.text_document.uri
            task = self.pending.pop(uri, None)
            if task is not None:
                task.cancel()
            self.docs.pop(uri, None)
            ls.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

        @ls.feature(
            lsp.TEXT_DOCUMENT_CODE_ACTION,
            lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
        )
        def code_action(params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
            uri = params.text_document.uri
            state = self.docs.get(uri)
            if state is None:
                return []
            doc = ls.workspace.get_text_document(uri)
            return actions(doc, state.findings, params.range, params.context.diagnostics)


# --- findings as LSP values (pure) -------------------------------------------------


def _path(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return None
    return unquote(parsed.path)


def to_range(doc: TextDocument, span: Span) -> lsp.Range:
    """A ztlint span (1-based lines and code-point columns, end exclusive) in the
    client's position units."""
    server = ServerTextRange(
        ServerTextPosition(span.start_line - 1, max(span.start_col - 1, 0)),
        ServerTextPosition(span.end_line - 1, max(span.end_col - 1, 0)),
    )
    return doc.range_to_client_units(server)


def _code(f: Finding) -> tuple[str, str]:
    return f.rule_id, DOCS.format(id=f.rule_id, name=f.rule_name)


def diagnostics(
    doc: TextDocument, findings: Sequence[Finding], notes: Sequence[Notification]
) -> list[lsp.Diagnostic]:
    out = []
    for f in findings:
        if not f.active:
            waiting = f.suppression is not None and f.suppression.justification == PLACEHOLDER
            if waiting:
                out.append(
                    lsp.Diagnostic(
                        range=to_range(doc, f.span),
                        message=f"{f.rule_name}: suppressed; replace '{PLACEHOLDER}' with the "
                        "reason it is accepted",
                        severity=lsp.DiagnosticSeverity.Information,
                        source=SOURCE,
                        code=f.rule_id,
                    )
                )
            continue
        code, href = _code(f)
        out.append(
            lsp.Diagnostic(
                range=to_range(doc, f.span),
                message=f"{f.message} ({f.rule_name})",
                severity=_LEVEL.get(f.severity, lsp.DiagnosticSeverity.Warning),
                source=SOURCE,
                code=code,
                code_description=lsp.CodeDescription(href=href),
                data={"fingerprint": _key(f)},
            )
        )
    for n in notes:
        line = max((n.line or 1) - 1, 0)
        out.append(
            lsp.Diagnostic(
                range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)),
                message=n.message,
                severity=lsp.DiagnosticSeverity.Warning,
                source=SOURCE,
                code=n.code,
            )
        )
    return out


def _key(f: Finding) -> str:
    """What ties a diagnostic back to its finding in a code-action request."""
    s = f.span
    return f"{f.rule_id}:{s.start_line}:{s.start_col}:{s.end_line}:{s.end_col}"


def actions(
    doc: TextDocument,
    findings: Sequence[Finding],
    where: lsp.Range,
    asked: Sequence[lsp.Diagnostic],
) -> list[lsp.CodeAction]:
    """Quick fixes for the findings the client's diagnostics name (those of ztlint),
    else for every finding on the requested range's lines."""
    named = {
        str(d.data.get("fingerprint")): d
        for d in asked
        if d.source == SOURCE and isinstance(d.data, dict)
    }
    chosen = [f for f in findings if _key(f) in named]
    if not chosen:
        lo, hi = where.start.line + 1, where.end.line + 1
        chosen = [f for f in findings if f.span.start_line <= hi and f.span.end_line >= lo]
    out: list[lsp.CodeAction] = []
    for f in chosen:
        diag = named.get(_key(f))
        fix = _fix_action(doc, f, diag)
        if fix is not None:
            out.append(fix)
        sup = _suppress_action(doc, f, diag)
        if sup is not None:
            out.append(sup)
    return out


def _fix_action(
    doc: TextDocument, f: Finding, diag: lsp.Diagnostic | None
) -> lsp.CodeAction | None:
    """The finding's own machine fix, when every edit is in this file."""
    if f.fix is None or not f.fix.edits or any(e.path != f.path for e in f.fix.edits):
        return None
    edits = [lsp.TextEdit(range=to_range(doc, e.span), new_text=e.text) for e in f.fix.edits]
    return lsp.CodeAction(
        title=f"ztlint: {f.fix.description}",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diag] if diag else None,
        is_preferred=True,
        edit=lsp.WorkspaceEdit(changes={doc.uri: edits}),
    )


def _suppress_action(
    doc: TextDocument, f: Finding, diag: lsp.Diagnostic | None
) -> lsp.CodeAction | None:
    """A `ztlint: ignore[rule] TODO: reason` comment on its own line above the
    finding, indented like it, in the file's comment syntax."""
    from ztlint.classify import classify

    leader = _LINE_COMMENT.get(classify(f.path, doc.source).parser or "")
    if leader is None and "dockerfile" in classify(f.path, doc.source).kinds:
        leader = "#"
    if leader is None:
        return None
    line_no = f.span.start_line - 1
    lines = doc.lines
    text = lines[line_no] if line_no < len(lines) else ""
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    comment = f"{indent}{leader} ztlint: ignore[{f.rule_name}] {PLACEHOLDER}\n"
    at = lsp.Position(line_no, 0)
    return lsp.CodeAction(
        title=f"ztlint: suppress {f.rule_name} here (with a reason)",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diag] if diag else None,
        edit=lsp.WorkspaceEdit(
            changes={doc.uri: [lsp.TextEdit(range=lsp.Range(at, at), new_text=comment)]}
        ),
    )


def serve() -> None:
    """Run the server on standard input and output until the client stops it."""
    Server().ls.start_io()
