"""`ztlint server` end to end: a real LSP client (pygls') starts the server as a
subprocess over stdio, opens documents, reads the diagnostics, asks for code actions
and applies them, as an editor does."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from tests.conftest import ROOT

PY_BAD = 'import requests\n\nr = requests.get("https://internal", verify=False)\n'
TIMEOUT = 60.0


class Editor:
    """A minimal editor: open documents, their text, and the latest diagnostics."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.text: dict[str, str] = {}
        self.version: dict[str, int] = {}
        self.diagnostics: dict[str, list[lsp.Diagnostic]] = {}
        self.messages: list[str] = []
        self.changed = asyncio.Event()

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            if params.version is not None and params.version != self.version.get(params.uri):
                return  # a stale scan
            self.diagnostics[params.uri] = list(params.diagnostics)
            self.changed.set()

        @client.feature(lsp.WINDOW_SHOW_MESSAGE)
        def shown(params: lsp.ShowMessageParams) -> None:
            self.messages.append(params.message)
            self.changed.set()

    async def wait(self, ready: Callable[[], bool]) -> None:
        async def loop() -> None:
            while not ready():
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(loop(), TIMEOUT)

    async def open(self, path: Path, text: str) -> list[lsp.Diagnostic]:
        uri = path.as_uri()
        self.text[uri], self.version[uri] = text, 1
        self.diagnostics.pop(uri, None)
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=uri, language_id="", version=1, text=text)
            )
        )
        await self.wait(lambda: uri in self.diagnostics)
        return self.diagnostics[uri]

    async def apply(self, edit: lsp.WorkspaceEdit) -> list[lsp.Diagnostic]:
        assert edit.changes is not None
        ((uri, edits),) = edit.changes.items()
        text = self.text[uri]
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
            start, end = _offset(text, e.range.start), _offset(text, e.range.end)
            text = text[:start] + e.new_text + text[end:]
        return await self.change(uri, text)

    async def change(self, uri: str, text: str) -> list[lsp.Diagnostic]:
        self.text[uri] = text
        self.version[uri] += 1
        self.diagnostics.pop(uri, None)
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.version[uri]),
                [lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        await self.wait(lambda: uri in self.diagnostics)
        return self.diagnostics[uri]

    async def save(self, uri: str) -> list[lsp.Diagnostic]:
        self.diagnostics.pop(uri, None)
        self.client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri))
        )
        await self.wait(lambda: uri in self.diagnostics)
        return self.diagnostics[uri]

    async def actions(self, uri: str, diag: lsp.Diagnostic) -> list[lsp.CodeAction]:
        got = await self.client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=diag.range,
                context=lsp.CodeActionContext(diagnostics=[diag]),
            )
        )
        return [a for a in got or [] if isinstance(a, lsp.CodeAction)]


def _offset(text: str, pos: lsp.Position) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[: pos.line]) + pos.character


def run_editor(
    workspace: Path,
    body: Callable[[Editor], Awaitable[None]],
    env: dict[str, str] | None = None,
) -> None:
    async def main() -> None:
        client = LanguageClient("test-editor", "1")
        editor = Editor(client)
        child_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        await client.start_io(
            sys.executable, "-m", "ztlint", "server", cwd=str(workspace), env=child_env
        )
        try:
            await asyncio.wait_for(
                client.initialize_async(
                    lsp.InitializeParams(
                        capabilities=lsp.ClientCapabilities(),
                        root_uri=workspace.as_uri(),
                        workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
                    )
                ),
                TIMEOUT,
            )
            client.initialized(lsp.InitializedParams())
            await body(editor)
        finally:
            await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
            client.exit(None)
            await client.stop()

    asyncio.run(main())


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / ".git").mkdir(parents=True)
    (ws / "svc").mkdir()
    return ws


def test_diagnostics_and_fix_end_to_end(workspace: Path) -> None:
    on_disk = workspace / "svc" / "client.py"
    on_disk.write_text("print('the file on disk is not what is scanned')\n")

    async def body(editor: Editor) -> None:
        uri = on_disk.as_uri()
        (diag,) = await editor.open(on_disk, PY_BAD)
        assert diag.code == "ZT101" and diag.source == "ztlint"
        assert diag.severity == lsp.DiagnosticSeverity.Error
        column = PY_BAD.splitlines()[2].index("verify")
        assert (diag.range.start.line, diag.range.start.character) == (2, column)
        assert diag.code_description is not None
        assert diag.code_description.href.endswith("/ZT101-tls-verification-disabled.md")

        actions = await editor.actions(uri, diag)
        fix = next(a for a in actions if a.is_preferred)
        assert fix.kind == lsp.CodeActionKind.QuickFix and fix.edit is not None
        assert await editor.apply(fix.edit) == []
        assert "verify=True" in editor.text[uri]
        # On save the buffer is scanned again (the editor wrote it; here the disk
        # still holds other text, which is not read).
        assert await editor.save(uri) == []

    run_editor(workspace, body)
    assert on_disk.read_text() == "print('the file on disk is not what is scanned')\n"


def test_suppression_action_asks_for_a_reason(workspace: Path) -> None:
    doc = workspace / "svc" / "main.go"
    go = 'package main\n\nimport "crypto/tls"\n\nfunc f() {\n\t_ = &tls.Config{InsecureSkipVerify: true}\n}\n'

    async def body(editor: Editor) -> None:
        uri = doc.as_uri()
        (diag,) = await editor.open(doc, go)
        actions = await editor.actions(uri, diag)
        suppress = next(a for a in actions if "suppress" in a.title)
        assert suppress.edit is not None
        (waiting,) = await editor.apply(suppress.edit)
        assert "\t// ztlint: ignore[tls-verification-disabled] TODO: reason\n" in editor.text[uri]
        # Suppressed, but the placeholder is pointed at until a reason replaces it.
        assert waiting.severity == lsp.DiagnosticSeverity.Information
        assert "replace 'TODO: reason'" in waiting.message
        text = editor.text[uri].replace("TODO: reason", "loopback health probe only")
        assert await editor.change(uri, text) == []

    run_editor(workspace, body)


def test_hostile_workspace_runs_nothing_and_reads_nothing_outside(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    ws = outer / "ws"
    (ws / "svc").mkdir(parents=True)
    marker = tmp_path / "ran"
    # A config above the workspace would hide ZT1: it is not read.
    (outer / ".ztlint.yaml").write_text("ignore: [ZT1]\n")
    # The workspace's own config asks for semgrep, and a git repository above runs a
    # program on any git command: neither runs.
    (outer / ".git").mkdir()
    (outer / ".git" / "config").write_text(f"[core]\n\tfsmonitor = touch {marker}\n")
    (ws / ".ztlint.yaml").write_text("semgrep: {configs: [builtin]}\n")
    fake = tmp_path / "bin"
    fake.mkdir()
    for name in ("semgrep", "git"):
        prog = fake / name
        prog.write_text(f"#!/bin/sh\ntouch {marker}\n")
        prog.chmod(prog.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}

    async def body(editor: Editor) -> None:
        (diag,) = await editor.open(ws / "svc" / "client.py", PY_BAD)
        assert diag.code == "ZT101"
        # A document outside the workspace is not scanned at all.
        assert await editor.open(outer / "elsewhere.py", PY_BAD) == []
        # A config the loader refuses is a message, and the server keeps serving.
        (ws / ".ztlint.yaml").write_text("allow-unchecked: true\n")
        assert await editor.open(ws / "svc" / "other.py", PY_BAD) == []
        await editor.wait(lambda: bool(editor.messages))
        assert "allow-unchecked" in editor.messages[0]

    run_editor(ws, body, env=env)
    assert not marker.exists()


def test_server_without_pygls_is_a_clean_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ztlint.cli import main

    monkeypatch.delitem(sys.modules, "ztlint.lsp", raising=False)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    result = CliRunner().invoke(main, ["server"])
    assert result.exit_code == 2
    assert "pip install 'ztlint[lsp]'" in result.stderr


def test_pre_commit_path_does_not_import_pygls() -> None:
    import subprocess

    code = (
        "import sys; from ztlint import cli, buffer, config;"
        "print(any(m.split('.')[0] in ('pygls', 'lsprotocol') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_yaml_suppression_uses_its_comment_syntax(workspace: Path) -> None:
    doc = workspace / "docker-compose.yml"
    compose = (
        "services:\n  agent:\n    image: example/agent:1.4\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n"
    )

    async def body(editor: Editor) -> None:
        uri = doc.as_uri()
        (diag,) = await editor.open(doc, compose)
        assert diag.code == "ZT301"
        suppress = next(a for a in await editor.actions(uri, diag) if "suppress" in a.title)
        assert suppress.edit is not None
        await editor.apply(suppress.edit)
        assert "      # ztlint: ignore[docker-socket-mount] TODO: reason\n" in editor.text[uri]

    run_editor(workspace, body)
