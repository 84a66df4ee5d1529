"""Embedded documents (ztlint.embedded): heredocs as the shell reads them, patches as
the workload rules read them, and positions on the outer file's lines and columns."""

from __future__ import annotations

from pathlib import Path

from ztlint import classify, embedded
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence, Span
from ztlint.parsers.yaml import parse_yaml
from ztlint.rule import FileContext
from ztlint.source import SourceText


def _ctx(path: str, text: str) -> FileContext:
    fc = classify.classify(path, text)
    return FileContext(path, fc.kinds, fc.parser, SourceText(text))


def test_heredoc_forms() -> None:
    text = (
        "cat <<EOF > a.yml\none\nEOF\n"
        "cat <<'Q' | kubectl apply -f -\ntwo $X\nQ\n"
        'tee b.yml <<"D" >/dev/null\nthree\nD\n'
        "\tcat <<-T\n\t\tfour\n\tT\n"
        "cat <<A <<B\nfive\nA\nsix\nB\n"
        "read x <<< 'no'\n"
        "y=$(( 1 << 2 ))\n"
        "# cat <<EOF\n"
    )
    bodies = [[(n, t, r) for n, t, r in body] for _, _, body in embedded.heredocs(text)]
    assert bodies == [
        [(2, "one", 0)],
        [(5, "two $X", 0)],
        [(8, "three", 0)],
        [(11, "four", 2)],
        [(14, "five", 0)],
        [(16, "six", 0)],
    ]


def test_tab_stripped_heredoc_maps_columns_back(tmp_path: Path) -> None:
    script = (
        "#!/bin/sh\n"
        "if true; then\n"
        "\tcat <<-EOF >compose.yaml\n"
        "\tservices:\n"
        "\t  web:\n"
        "\t    image: x\n"
        "\t    privileged: true\n"
        "\tEOF\n"
        "fi\n"
    )
    (tmp_path / "up.sh").write_text(script, encoding="utf-8")
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    [finding] = [f for f in report.findings if f.rule_id == "ZT302"]
    assert (finding.span.start_line, finding.span.start_col) == (7, 6)
    assert finding.snippet.strip() == "privileged: true"


def test_space_indented_block_patch_maps_columns_back() -> None:
    text = (
        "patches:\n"
        "  - target: {kind: Deployment, name: api}\n"
        "    patch: |-\n"
        "      - op: add\n"
        "        path: /spec/template/spec/hostNetwork\n"
        "        value: true\n"
    )
    ctx = _ctx("kustomization.yaml", text)
    [emb] = embedded.find(ctx)
    assert emb.kinds == frozenset({classify.KUBERNETES})
    assert (emb.first_line, emb.last_line) == (4, 6)
    assert emb.remap(Span(6, 10, 6, 14)) == Span(6, 16, 6, 20)
    assert emb.documents is not None
    [doc] = emb.documents
    assert doc.get_str("kind") == "Deployment patch"  # type: ignore[attr-defined]


def test_quoted_patch_is_pinned_to_its_string() -> None:
    text = (
        "patchesJson6902:\n"
        "  - target: {kind: Deployment, name: api}\n"
        '    patch: \'[{"op": "add", "path": "/spec/template/spec/hostPID", "value": true}]\'\n'
    )
    [emb] = embedded.find(_ctx("kustomization.yaml", text))
    assert emb.pinned is not None
    assert emb.remap(Span(1, 60, 1, 64)).start_line == 3


def test_json_patch_ops_shape() -> None:
    [ops] = parse_yaml("- op: add\n  path: /a\n  value: 1\n- op: remove\n  path: /b\n")
    assert embedded.json_patch_ops(ops) is not None
    [not_ops] = parse_yaml("- op: add\n  path: relative\n")
    assert embedded.json_patch_ops(not_ops) is None
    [steps] = parse_yaml("- name: build\n  run: make\n")
    assert embedded.json_patch_ops(steps) is None


def test_full_manifest_is_no_patch() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n"
        "    spec:\n      hostNetwork: true\n      containers:\n        - name: a\n"
        "          image: a\n"
    )
    assert embedded.find(_ctx("deploy.yaml", text)) == []


def test_heredoc_without_configuration_is_not_read() -> None:
    text = "#!/bin/sh\ncat <<EOF\nservices: web and api are up\napiVersion is v1\nEOF\n"
    assert embedded.find(_ctx("msg.sh", text)) == []


def test_comment_in_embedded_document() -> None:
    text = (
        "#!/bin/sh\ncat <<EOF > compose.yml\nservices:\n  web:  # a comment\n"
        "    image: x\n    privileged: true\nEOF\n"
    )
    found = embedded.find(_ctx("a.sh", text))
    assert embedded.comment_starts(found) == {4: 9}


def test_heredoc_quoting() -> None:
    text = "cat <<A\nx\nA\ncat <<'B'\nx\nB\ncat <<\"C\"\nx\nC\ncat <<\\D\nx\nD\n"
    assert [quoted for _, quoted, _ in embedded.heredocs(text)] == [False, True, True, True]


def test_unquoted_heredoc_escapes_keep_columns(tmp_path: Path) -> None:
    """`\\${VAR}` in an unquoted heredoc writes `${VAR}` (compose interpolation, not a
    literal); a finding after an escape on the line keeps its outer column."""
    script = (
        "#!/bin/sh\ncat <<EOF > docker-compose.yml\nservices:\n  app:\n"
        "    image: x\n"
        "    environment:\n"
        "      API_TOKEN: \\${API_TOKEN}\n"
        '    volumes: ["\\$HOME/x:/x", "/var/run/docker.sock:/var/run/docker.sock"]\n'
        "EOF\n"
    )
    (tmp_path / "up.sh").write_text(script, encoding="utf-8")
    report = run(["."], Config(min_confidence=Confidence.LOW), jobs=1, cwd=str(tmp_path))
    [env] = [f for f in report.findings if f.rule_id == "ZT205"]
    assert "literal" not in env.message  # what the rule says of `${API_TOKEN}` anywhere
    [sock] = [f for f in report.findings if f.rule_id == "ZT301"]
    line = script.split("\n")[sock.span.start_line - 1]
    assert line[sock.span.start_col - 1 :].startswith('"/var/run/docker.sock')


def test_expansion_in_a_flow_collection_is_read(tmp_path: Path) -> None:
    """`[${NET}]` is YAML only once the shell expands it: read with the braces as word
    characters; a `${NAME}:` key elsewhere keeps its text."""
    script = (
        "#!/bin/sh\necho 'services:' > docker-compose.yml\n"
        "cat <<EOF >> docker-compose.yml\n  ${SERVICE}:\n    image: x\n"
        "    networks: [${NET}]\n    privileged: true\nEOF\n"
    )
    (tmp_path / "add.sh").write_text(script, encoding="utf-8")
    report = run(["."], Config(), jobs=1, cwd=str(tmp_path))
    [finding] = [f for f in report.findings if f.rule_id == "ZT302"]
    assert finding.span.start_line == 7
    assert "${SERVICE}" in finding.message
