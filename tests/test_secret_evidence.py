"""Evidence for the secret rules' confidence (issue #23): what makes a committed secret
real by default, and what makes it a test, sample or stand-in value reported below the
default threshold or not at all."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from ztlint import provenance
from ztlint.checks.secrets.private_key_committed import x509
from ztlint.checks.secrets.private_key_committed.keys import (
    _jks_entry_tags,
    _not_public,
    certified_as_test,
    documented_test_key,
    for_local_names,
)
from ztlint.checks.secrets.secret_token_committed import _hmac_key, _in_local_url
from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Finding
from ztlint.registry import load_rules
from ztlint.semantics.credentials import (
    accounts,
    classify_value,
    defaults_to_stand_ins,
    is_account_record,
    judge_value,
    stand_in,
    strong_value,
)
from ztlint.semantics.placeholder import (
    decodes_to_phrase,
    is_local_host,
    is_phrase,
    only_local_hosts,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(
    "value",
    ["a_really_strong_secret", "example-app-client-secret", "my-super-secret-key", "db_mySecret"],
)
def test_phrases_are_weak(value: str) -> None:
    assert is_phrase(value)
    assert not strong_value(value)


@pytest.mark.parametrize(
    "value",
    [
        "pk9Xv2Lm8Qw3Rt6Yz1Bn4",
        "insecure-dev-only-7Qp2",
        "Xy7-kestrel-Qm2",
        "dev-secret-2f9c41",
        "IamUsedForTesting",
    ],
)
def test_random_chunks_are_not_phrases(value: str) -> None:
    assert not is_phrase(value)


def test_base64_of_a_phrase_is_weak() -> None:
    encoded = base64.b64encode(b"example-app-client-secret\n").decode()
    assert decodes_to_phrase(encoded)
    assert not strong_value(encoded)
    random = "ODt8qmhjbFT4Nhp6gn4Kk7zFZPsj5myLT1pGxcX4KEM="
    assert not decodes_to_phrase(random)


@pytest.mark.parametrize(
    ("value", "strong"),
    [
        ("Tr0ub4dor&3", True),  # three kinds of characters and a symbol
        ("Ast7r0-9kQz", True),
        ("hunter2!x", True),
        ("q8Vt2LmX9rPz4KwN", True),  # generated
        ("hunter2-real", False),  # two kinds: a separator is not a symbol
        ("sk_test_1111", False),
        ("0000052D.", False),
        ("monitoring_password", False),
    ],
)
def test_strength(value: str, strong: bool) -> None:
    assert strong_value(value) is strong


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("[::1]", True),
        ("app.localhost", True),
        ("login.example.com", True),
        ("svc.test", True),
        ("dex.localtest.me", True),
        ("example.community", False),
        ("api.payments.io", False),
        ("10.0.0.4", False),
    ],
)
def test_local_hosts(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_a_configuration_with_only_local_endpoints() -> None:
    assert only_local_hosts('url = "http://localhost:8080"\nupstream = "http://httpbin"\n')
    # a public host anywhere decides; a single-label name says neither
    assert not only_local_hosts("a: http://localhost\nb: https://api.payments.io/v1\n")
    assert not only_local_hosts("upstream: http://db:5432\n")
    # a URL in a comment is not an endpoint
    assert only_local_hosts("# see https://github.com/org/repo\nurl: http://127.0.0.1:9000\n")
    assert not only_local_hosts("# see http://localhost\nkey: value\n")


def test_certificate_names_and_local_bundle() -> None:
    text = (FIXTURES / "ZT201" / "positive_local_bundle.pem").read_text()
    body = re.search(r"BEGIN CERTIFICATE-----(.+?)-----END", text, re.S)
    assert body is not None
    names = x509.host_names(base64.b64decode("".join(body.group(1).split())))
    assert "localhost" in names and "127.0.0.1" in names
    assert for_local_names(text)
    assert not for_local_names(
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----"
    )
    assert x509.host_names(b"\x30\x82\xff") == []


def test_documented_test_key_words_start_a_word() -> None:
    assert documented_test_key("internal/testkeys/testkeys.go", "", 0)
    assert documented_test_key("certs/server.key", "// snakeoil key for the demo\n", 28)
    assert not documented_test_key("deploy/latest.pem", "", 0)
    assert not documented_test_key("keys/attestation.key", "", 0)
    # The folder that holds the key, when its name starts with such a word; a benchmark's
    # key is its harness's.
    assert documented_test_key("backend/snakeoil/tls.key", "", 0)
    assert documented_test_key("certs/tls/benchmark-server-key.pem", "", 0)
    assert not documented_test_key("latest/tls.key", "", 0)
    assert not documented_test_key("protest/site/tls.key", "", 0)


def test_java_key_store_entries() -> None:
    store = (FIXTURES / "ZT201" / "positive_relay.jks").read_bytes()
    trust = (FIXTURES / "ZT201" / "negative_truststore.jks").read_bytes()
    assert _jks_entry_tags(store) == {1}
    assert _jks_entry_tags(trust) == {2}
    assert _jks_entry_tags(store[:40]) is None  # truncated: not read to the end
    assert _jks_entry_tags(b"\xfe\xed\xfe\xed\x00\x00\x00\x02\xff\xff\xff\xff") is None


@pytest.mark.parametrize(
    ("value", "weak"),
    [
        ("${DATABASE_PASSWORD:-postgres}", True),
        ("${DATABASE_PASSWORD:-Wq8rT2zLx5Nv}", False),
        ("${DATABASE_PASSWORD:?required}", False),
        ("${DATABASE_PASSWORD}", False),
        ("password", True),
        ("changeme", True),
        ("Qm9yZWQtcGFzc3dvcmQtMjAyNg", False),
        ("postgres://cp:${DB_PASSWORD}@db:5432/cp", False),
        (None, False),
    ],
)
def test_environment_stand_ins(value: str | None, weak: bool) -> None:
    assert stand_in(value) is weak


def test_token_in_a_link_to_a_reserved_name() -> None:
    text = "link: https://auth.example.com/reset?token=eyJhbGciOi"
    assert _in_local_url(text, text.index("eyJ"))
    text = "link: https://auth.payments.io/reset?token=eyJhbGciOi"
    assert not _in_local_url(text, text.index("eyJ"))
    text = "see https://auth.example.com/ and token eyJhbGciOi"
    assert not _in_local_url(text, text.index("eyJ"))


def _hs256(payload: bytes, key: bytes) -> str:
    import hashlib
    import hmac

    def enc(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signed = enc(b'{"alg":"HS256","typ":"JWT"}') + "." + enc(payload)
    return signed + "." + enc(hmac.new(key, signed.encode(), hashlib.sha256).digest())


def test_jwt_signed_with_a_key_written_beside_it() -> None:
    token = _hs256(b'{"sub":"device-1"}', b"throwaway-ingest-key")
    assert _hmac_key(token, "/// signed with the key `throwaway-ingest-key`\n") == (
        "throwaway-ingest-key"
    )
    assert _hmac_key(token, "/// a token\n") is None
    assert _hmac_key(_hs256(b'{"sub":"1"}', b"your-256-bit-secret"), "") == "your-256-bit-secret"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("svc/status/test-keys/cert.key", provenance.TEST),
        ("tools/test_keys/server.pem", provenance.TEST),
        ("deploy/certs/server.key", provenance.PRODUCTION),
        ("pkg/contest/main.go", provenance.PRODUCTION),
    ],
)
def test_test_folders_by_name(path: str, expected: str) -> None:
    assert provenance.classify(path, "", provenance.Settings()) == expected


def test_compose_defaults_mark_a_development_stack() -> None:
    assert defaults_to_stand_ins("P: ${DATABASE_PASSWORD:-postgres}\n")
    assert not defaults_to_stand_ins("P: ${DATABASE_PASSWORD:?required}\n")
    assert not defaults_to_stand_ins("P: ${DB_PASSWORD:-Xk3mQ9vLp2}\n")
    assert not defaults_to_stand_ins("P: ${DATABASE_PORT:-5432}\n")


def test_names_no_public_ca_certifies() -> None:
    assert _not_public("login.example3")  # a TLD has no digits
    assert _not_public("localhost")
    assert not _not_public("login.payments.io")
    assert not _not_public("xn--bcher-kva.example.de")


def test_account_records() -> None:
    assert is_account_record(["email", "password", "role"])
    assert is_account_record(["userName", "passwd"])
    assert not is_account_record(["host", "port", "username", "password"])  # a connection
    assert not is_account_record(["address", "user", "password"])
    assert not is_account_record(["email", "role"])
    assert accounts([["email", "password"], ["email", "password"], ["sku"]])
    assert not accounts([["email", "password"], ["sku", "price"]])  # one account: a stand-in


def test_hex_digests_are_generated() -> None:
    assert strong_value("9c2e41b7d05fa38e6b1d27c0f4a95e83")
    assert not strong_value("00000000000000000000000000000000")
    assert not strong_value("admin123")


def test_numbered_words_are_made_up_passwords() -> None:
    assert judge_value("HARDCODED_KEY", "GreatSecretKey42", False) == "secret"
    assert judge_value("admin_password", "AdminPassword2024", False) == "secret"
    assert judge_value("password_field", "accountPassword", False) is None  # a setting's name


def _der(tag: int, content: bytes) -> bytes:
    assert len(content) < 128
    return bytes([tag, len(content)]) + content


def _certificate_named(common_name: str) -> str:
    """A PEM block holding just enough DER for x509.host_names: a subject with a
    common name."""
    attribute = _der(0x30, _der(0x06, bytes.fromhex("550403")) + _der(0x0C, common_name.encode()))
    der = _der(0x30, _der(0x30, _der(0x31, attribute)))
    body = base64.b64encode(der).decode()
    return f"-----BEGIN CERTIFICATE-----\n{body.ljust(64, chr(10))}\n-----END CERTIFICATE-----\n"


def test_a_certificate_that_says_it_is_a_test() -> None:
    assert certified_as_test(_certificate_named("Demo CA - for testing only"))
    assert certified_as_test(_certificate_named("Sample Issuer"))
    # A host name is no statement: `test.payments.io` is a server's name.
    assert not certified_as_test(_certificate_named("test.payments.io"))
    assert not certified_as_test(_certificate_named("Payments Production CA"))


def test_a_mode_keyword_in_the_environment_is_no_credential() -> None:
    assert classify_value("ACCESS_TOKEN_FORMAT", "jwt") is None
    assert classify_value("AUTH_TOKEN_TYPE", "opaque") is None
    assert classify_value("API_TOKEN", "q8Vt2LmX9rPz4KwN") == "literal"


def _compose_findings(tmp_path: Path, text: str) -> list[Finding]:
    (tmp_path / "docker-compose.yml").write_text(text, encoding="utf-8")
    report = run(["."], Config(), rules=load_rules(), jobs=1, cwd=str(tmp_path))
    return [f for f in report.findings if f.rule_id in ("ZT204", "ZT205")]


def test_compose_credentials_from_the_environment_are_one_finding(tmp_path: Path) -> None:
    found = _compose_findings(
        tmp_path,
        "services:\n"
        "  api:\n"
        "    image: ghcr.io/example/api:1.0\n"
        "    environment:\n"
        "      API_TOKEN: ${API_TOKEN}\n"
        "      SESSION_SECRET: ${SESSION_SECRET:?required}\n"
        "      ADMIN_PASSWORD: Vq3rT8mZx2LpK9wN\n"
        "  worker:\n"
        "    image: ghcr.io/example/worker:1.0\n"
        "    environment:\n"
        "      - QUEUE_PASSWORD\n",
    )
    group, literal = sorted(found, key=lambda f: f.span.start_line)
    assert group.span.start_line == 5 and group.severity.name == "MEDIUM"
    assert group.message == (
        "services 'api' (API_TOKEN, SESSION_SECRET) and 'worker' (QUEUE_PASSWORD) take 3 "
        "credentials from the environment; mount them as secret files"
    )
    assert [r.span.start_line for r in group.related] == [6, 11]
    assert group.entity is None  # several services: none of them alone
    # A literal is committed where it stands: a finding of its own (hardcoded-credential
    # takes it: one finding per problem).
    assert literal.span.start_line == 7 and literal.severity.name == "HIGH"


def test_one_service_keeps_its_entity_and_one_credential_its_message(tmp_path: Path) -> None:
    [one] = _compose_findings(
        tmp_path,
        "services:\n"
        "  api:\n"
        "    image: ghcr.io/example/api:1.0\n"
        "    environment:\n"
        "      API_TOKEN: ${API_TOKEN}\n",
    )
    assert one.entity == "api" and not one.related
    assert one.message == (
        "service 'api' passes credential API_TOKEN through the environment; "
        "mount it as a secret file"
    )


def test_the_same_token_again_in_a_file_is_one_finding(tmp_path: Path) -> None:
    token = "ghp_" + "Brk0Zq7Wx3Ky9Vb2Nm5Lp8Rt4Hs6Jd3und3s"
    (tmp_path / "decode.go").write_text(
        "package decode\n\nvar cases = []struct{ in, want string }{\n"
        + "".join(f'\t{{"case{i}", "{token}"}},\n' for i in range(4))
        + "}\n",
        encoding="utf-8",
    )
    report = run(["."], Config(), rules=load_rules(), jobs=1, cwd=str(tmp_path))
    found = [f for f in report.findings if f.rule_id == "ZT202"]
    assert len(found) == 1
    assert [r.span.start_line for r in found[0].related] == [5, 6, 7]
