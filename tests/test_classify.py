"""Classification by name and content."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings

from tests.conftest import pieced
from ztlint.classify import _k8s_kinds, classify

COMPOSE = "services:\n  web:\n    image: nginx\n"


@pytest.mark.parametrize(
    ("path", "text", "kinds", "parser"),
    [
        ("deploy/stack.yml", COMPOSE, {"compose", "yaml"}, "yaml"),
        ("docker-compose.yaml", "version: '3'\n" + COMPOSE, {"compose", "yaml"}, "yaml"),
        (
            "app/config.yaml",
            "services:\n  - name: billing\n    url: http://billing\n",
            {"yaml"},
            "yaml",
        ),
        (
            "k8s/all.yaml",
            "apiVersion: v1\nkind: Pod\n---\napiVersion: apps/v1\nkind: Deployment\n",
            {"kubernetes", "yaml"},
            "yaml",
        ),
        ("envoy.yaml", "static_resources:\n  clusters: []\n", {"envoy", "yaml"}, "yaml"),
        (
            "cds.yaml",
            "resources:\n- '@type': type.googleapis.com/envoy.config.cluster.v3.Cluster\n",
            {"envoy", "yaml"},
            "yaml",
        ),
        ("bootstrap.json", '{"static_resources": {}}', {"envoy", "json"}, "json"),
        (
            "profiles/permissive.json",
            '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}',
            {"seccomp", "json"},
            "json",
        ),
        ("configs/gvisor/runsc.toml", "debug = true\n", {"gvisor", "toml"}, "toml"),
        ("containerd/config.toml", "[runsc_config]\ndebug = 'true'\n", {"gvisor", "toml"}, "toml"),
        ("etc/docker/daemon.json", '{"runtimes": {}}', {"docker-daemon", "json"}, "json"),
        (
            "deploy/pod.json",
            '{"apiVersion": "v1", "kind": "Pod", "spec": {}}',
            {"kubernetes", "json"},
            "json",
        ),
        # The JSON Schema of an API object declares apiVersion and kind; it sets neither.
        (
            "schema/pod-v1.json",
            '{"type": "object", "properties": {"apiVersion": {"type": "string"}, '
            '"kind": {"type": "string"}}, "x-kubernetes-group-version-kind": '
            '[{"kind": "Pod", "version": "v1"}]}',
            {"json"},
            "json",
        ),
        (
            "kubeconfig",
            "apiVersion: v1\nkind: Config\nclusters: []\n",
            {"kubeconfig", "yaml"},
            "yaml",
        ),
        (
            "home/.kube/config",
            "apiVersion: v1\nkind: Config\nclusters: []\n",
            {"kubeconfig", "yaml"},
            "yaml",
        ),
        ("Dockerfile", "FROM alpine\n", {"dockerfile"}, None),
        ("build/api.Dockerfile", "FROM alpine\n", {"dockerfile"}, None),
        ("Containerfile", "FROM alpine\n", {"dockerfile"}, None),
        (".github/workflows/ci.yml", "on: push\njobs: {}\n", {"workflow", "yaml"}, "yaml"),
        (".gitignore", "certs/\n", {"gitignore"}, None),
        (".env.production", "A=1\n", {"dotenv"}, None),
        ("main.go", "package main\n", {"go"}, "go"),
        ("src/lib.rs", "fn x() {}\n", {"rust"}, "rust"),
        ("Agent.swift", "import Foundation\n", {"swift"}, "swift"),
        ("app.py", "x = 1\n", {"python"}, "python"),
        ("client.ts", "let x = 1\n", {"typescript"}, "typescript"),
        ("view.tsx", "let x = <a/>\n", {"tsx"}, "tsx"),
        ("server.mjs", "export {}\n", {"javascript"}, "javascript"),
        ("setup-nat.sh", "echo\n", {"bash"}, "bash"),
        ("bin/setup-nat", "#!/usr/bin/env bash\necho\n", {"bash"}, "bash"),
        ("bin/tool", "#!/usr/bin/python3\nprint()\n", {"python"}, "python"),
        ("filter.lua", "local x = 1\n", {"lua"}, "lua"),
        ("notes.txt", "hello\n", set(), None),
    ],
)
def test_classify(path: str, text: str, kinds: set[str], parser: str | None) -> None:
    got = classify(path, text)
    assert got.kinds == frozenset(kinds | {"text"})
    assert got.parser == parser


def test_binary() -> None:
    got = classify("keys/store.p12", None)
    assert "binary" in got.kinds and "text" not in got.kinds and got.parser is None


# The line-anchored pattern `_k8s_kinds` replaces (for speed); both must agree.
_KIND_LINES = re.compile(r"^[ \t]*(?:- )?kind:[ \t]*[\"']?([A-Z]\w*)", re.M)


@settings(max_examples=400, deadline=None)
@given(
    pieced(
        ["kind:", "kind: ", "Pod", "Config", "- ", "  ", "\t", "\n", "\r\n", "x", "'", '"', "#"], 30
    )
)
def test_kind_lines_as_the_anchored_pattern(text: str) -> None:
    assert list(_k8s_kinds(text)) == _KIND_LINES.findall(text)
