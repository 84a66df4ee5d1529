"""Evidence for the transport rules (issue #23): a gated insecure mode is told apart
from one that is always on and names its switch (medium confidence, hidden by
default); settings that are not TLS, protocol-mandated cases, local and in-memory
transports and cloud metadata endpoints are not findings; a hardcoded plaintext dial to
a configured address is shown by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from ztlint.checks.transport._common.hosts import host_trust
from ztlint.checks.transport.plaintext_transport.urls import PROXY_KEY
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence
from ztlint.registry import load_rules

RULES = ("ZT101", "ZT102", "ZT103")


def _scan(tmp_path: Path, name: str, text: str) -> list[tuple[str, int, str, str, str]]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    everything = Config(min_confidence=Confidence.LOW)
    report = run(["."], everything, rules=load_rules(), jobs=1, cwd=str(tmp_path))
    return sorted(
        (f.rule_id, f.span.start_line, f.severity.label, f.confidence.label, f.message)
        for f in report.findings
        if f.active and f.rule_id in RULES
    )


GO_HEAD = 'package x\n\nimport (\n\t"crypto/tls"\n\t"net/http"\n)\n\n'


def test_go_branch_names_the_switch(tmp_path: Path) -> None:
    found = _scan(
        tmp_path,
        "client.go",
        GO_HEAD
        + "func c(cfg Config) *http.Transport {\n"
        + "\ttr := &http.Transport{}\n"
        + "\tif cfg.Insecure {\n"
        + "\t\ttr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}\n"
        + "\t}\n\treturn tr\n}\n",
    )
    assert found == [
        ("ZT101", 11, "medium", "medium", "TLS verification can be turned off by `cfg.Insecure`")
    ]


def test_go_error_check_is_no_switch(tmp_path: Path) -> None:
    found = _scan(
        tmp_path,
        "client.go",
        GO_HEAD
        + "func c() (*http.Transport, error) {\n"
        + "\tpool, err := load()\n"
        + "\tif err == nil {\n"
        + "\t\t_ = pool\n"
        + "\t\treturn &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, nil\n"
        + "\t}\n\treturn nil, err\n}\n",
    )
    assert [(r, sev, conf) for r, _, sev, conf, _ in found] == [("ZT101", "critical", "high")]


@pytest.mark.parametrize(
    ("literal", "imports"),
    [
        ("&websocket.AcceptOptions{InsecureSkipVerify: true}", '"github.com/coder/websocket"'),
        ("ssh.DialOptions{InsecureSkipVerify: !strict}", '"golang.org/x/crypto/ssh"'),
        ("ir.UpstreamTLS{InsecureSkipVerify: spec.Skip}", '"example.test/gateway/ir"'),
    ],
)
def test_go_not_tls(tmp_path: Path, literal: str, imports: str) -> None:
    text = f"package x\n\nimport (\n\t{imports}\n)\n\nfunc f(strict bool) {{\n\t_ = {literal}\n}}\n"
    assert _scan(tmp_path, "x.go", text) == []


def test_go_tls_config_from_setting_is_gated(tmp_path: Path) -> None:
    text = (
        GO_HEAD
        + "func f(o Opts) *tls.Config {\n\treturn &tls.Config{InsecureSkipVerify: o.Skip}\n}\n"
    )
    found = _scan(tmp_path, "x.go", text)
    assert found == [
        ("ZT101", 9, "medium", "medium", "TLS verification can be turned off by `o.Skip`")
    ]


def test_go_inspection_only_connection(tmp_path: Path) -> None:
    text = (
        GO_HEAD
        + "func peer(addr string) error {\n"
        + "\tconfig := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionSSL30}\n"
        + '\tconn, err := tls.Dial("tcp", addr, config)\n'
        + "\tif err != nil {\n\t\treturn err\n\t}\n"
        + "\tdefer conn.Close()\n"
        + "\tprintln(conn.ConnectionState().Version)\n\treturn nil\n}\n"
    )
    assert _scan(tmp_path, "x.go", text) == []
    # The same connection used to send something is a finding.
    sent = text.replace(
        "\tprintln(conn.ConnectionState().Version)\n",
        '\t_, _ = conn.Write([]byte("hello"))\n',
    )
    assert {r for r, *_ in _scan(tmp_path, "x.go", sent)} == {"ZT101", "ZT103"}


def test_go_dev_build_tag_is_named(tmp_path: Path) -> None:
    text = (
        "//go:build devcert && linux\n\n"
        + GO_HEAD
        + ("func f() *tls.Config {\n\treturn &tls.Config{InsecureSkipVerify: true}\n}\n")
    )
    found = _scan(tmp_path, "x.go", text)
    assert [m for *_, m in found] == [
        "TLS verification is off only in builds with the `devcert` tag"
    ]


GRPC_HEAD = (
    'package x\n\nimport (\n\t"google.golang.org/grpc"\n'
    '\t"google.golang.org/grpc/credentials/insecure"\n)\n\n'
)


def test_grpc_configured_field_is_shown(tmp_path: Path) -> None:
    text = GRPC_HEAD + (
        "func (m *Manager) conn() (*grpc.ClientConn, error) {\n"
        "\treturn grpc.NewClient(m.adminAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))\n}\n"
    )
    found = _scan(tmp_path, "x.go", text)
    assert [(r, sev, conf) for r, _, sev, conf, _ in found] == [("ZT102", "high", "high")]


def test_grpc_plaintext_by_scheme_is_gated(tmp_path: Path) -> None:
    text = GRPC_HEAD + (
        "func opts(u *url.URL) []grpc.DialOption {\n"
        '\tif u.Scheme == "http" {\n'
        "\t\treturn []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}\n"
        "\t}\n\treturn nil\n}\n"
    )
    found = _scan(tmp_path, "x.go", text)
    assert found == [
        (
            "ZT102",
            10,
            "medium",
            "medium",
            'TLS for this gRPC connection can be turned off by `u.Scheme == "http"`',
        )
    ]


@pytest.mark.parametrize(
    "host",
    [
        "169.254.169.254",
        "fd00:ec2::254",
        "metadata.google.internal",
        "100.100.100.200",
        "local-agent.sock",
        "dex.localtest.me",
        "127.0.0.1",
    ],
)
def test_hosts_that_are_not_plaintext_findings(host: str) -> None:
    assert host_trust(host) == "skip"


def test_shared_address_space_is_private() -> None:
    assert host_trust("100.101.2.3") == "private"


@pytest.mark.parametrize(
    ("host", "trust"),
    [
        # Wildcard DNS answers a name that spells an address with that address.
        ("127.0.0.1.xip.io", "skip"),
        ("api.127.0.0.1.nip.io", "skip"),
        ("app-10-0-0-7.sslip.io", "private"),
        ("8.8.8.8.nip.io", "public"),
        # The service's own name, or a name with no address in it, is a public host.
        ("nip.io", "public"),
        ("app.nip.io", "public"),
    ],
)
def test_address_spelled_in_a_wildcard_dns_name(host: str, trust: str) -> None:
    assert host_trust(host) == trust


@pytest.mark.parametrize("key", ["HTTP_PROXY", "https_proxy", "proxy", "httpProxy", "proxyURL"])
def test_forward_proxy_keys(key: str) -> None:
    assert PROXY_KEY.match(key)


def test_proxy_value_in_config_is_not_reported(tmp_path: Path) -> None:
    text = "env:\n  HTTP_PROXY: http://squid.corp.ztna.io:3128\n  api_url: http://cp.ztna.io/api\n"
    found = _scan(tmp_path, "settings.yaml", text)
    assert [(r, line) for r, line, *_ in found] == [("ZT102", 3)]


def test_curl_probe_is_gated_and_http_only_is_clean(tmp_path: Path) -> None:
    text = (
        "#!/bin/sh\n"
        'curl -sk -f -o /dev/null "https://${DOMAIN}/health"\n'
        'curl -sk -f -o /dev/null "http://${HOST}:8080/health"\n'
        'curl -sk -d @body.json "https://${DOMAIN}/api"\n'
    )
    found = _scan(tmp_path, "probe.sh", text)
    assert [(r, line, sev, conf) for r, line, sev, conf, _ in found] == [
        ("ZT101", 2, "medium", "medium"),
        ("ZT101", 4, "critical", "high"),
    ]


def test_go_presence_test_is_no_tls_switch(tmp_path: Path) -> None:
    """`if cfg == nil { ...InsecureSkipVerify: true }` is a default, not a setting."""
    found = _scan(
        tmp_path,
        "client.go",
        GO_HEAD
        + "func c(given *tls.Config) *tls.Config {\n"
        + "\tif given == nil {\n"
        + "\t\treturn &tls.Config{InsecureSkipVerify: true}\n"
        + "\t}\n\treturn given\n}\n",
    )
    assert [(r, sev, conf) for r, _, sev, conf, _ in found] == [("ZT101", "critical", "high")]
