"""Code rules decide by evidence, not names (issue #23 item 4): what a value's type,
origin and use show, per finding, at the confidence the default threshold judges.

Each case is a small file of production code (not under a test path); the scan runs at
every confidence and the findings of the rule under test are compared as (line,
confidence), so a case hidden by default is told apart from one not reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence
from ztlint.registry import load_rules


def _found(tmp_path: Path, name: str, text: str, rule: str) -> list[tuple[int, str]]:
    target = tmp_path / "service" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    cfg = Config(min_confidence=Confidence.LOW)
    report = run(["."], cfg, rules=load_rules(), jobs=1, cwd=str(tmp_path))
    return [(f.span.start_line, f.confidence.label) for f in report.findings if f.rule_id == rule]


HASHES_GO = """package auth

import (
	"crypto/hmac"
	"crypto/sha256"
)

func StorePassword(password string) [32]byte {
	return sha256.Sum256([]byte(password))
}

func StoreToken(token string) [32]byte {
	return sha256.Sum256([]byte(token))
}

func Signer(serverSecret string) []byte {
	key := sha256.Sum256([]byte(serverSecret))
	mac := hmac.New(sha256.New, key[:])
	return mac.Sum(nil)
}
"""

HASHES_PY = """import hashlib
import secrets


def issue_token(db):
    token = secrets.token_urlsafe(32)
    db.save(hashlib.sha256(token.encode()).hexdigest())
    return token


def find_token(db, token):
    return db.get(hashlib.sha256(token.encode()).hexdigest())


def store_pin(db, pin):
    db.save(hashlib.sha256(pin.encode()).hexdigest())
"""


def test_weak_secret_hash_judges_what_is_hashed_and_what_for(tmp_path: Path) -> None:
    # a password and a token of unknown origin are shown; a digest keying an HMAC is not
    assert _found(tmp_path, "hash.go", HASHES_GO, "ZT502") == [(9, "high"), (13, "high")]


def test_tokens_this_file_makes_randomly_are_pedantic_only(tmp_path: Path) -> None:
    # every `token` of this file comes from secrets.token_*: lookup digests, low; a PIN is shown
    assert _found(tmp_path, "tokens.py", HASHES_PY, "ZT502") == [
        (7, "low"),
        (12, "low"),
        (16, "high"),
    ]


LOGS_GO = """package agent

import (
	"log"
	"os"
)

func hasToken() bool { return true }

func run(password string, sig os.Signal, secret []byte) {
	log.Printf("token present: %t", hasToken())
	log.Printf("stopping on %v", sig)
	log.Printf("derived %x", DeriveKDF(secret))
	log.Printf("login with %s", password)
}

func DeriveKDF(b []byte) []byte { return b }
"""

LOGS_PY = """import logging

log = logging.getLogger(__name__)


def connect(api_token: str, retry_token: bool, sig: int):
    log.info("retrying: %s %s", retry_token, sig)
    log.info("connecting with %s", api_token)
"""


@pytest.mark.parametrize(
    ("name", "text", "line"), [("log.go", LOGS_GO, 14), ("log.py", LOGS_PY, 8)]
)
def test_only_credential_values_reach_the_log(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    # a bool, a signal, an int and a KDF output are not credentials; the text secret is
    assert _found(tmp_path, name, text, "ZT607") == [(line, "high")]


COMPARE_GO = """package gate

import "net/http"

type Config struct{ APIKey string }

func checkKey(r *http.Request, cfg Config) bool {
	return r.Header.Get("X-API-Key") == cfg.APIKey
}

func checkUpdate(cfg *Config, next Config) bool {
	if next.APIKey != cfg.APIKey {
		cfg.APIKey = next.APIKey
		return true
	}
	return false
}

func checkFrame(srcMAC, dstMAC string) bool {
	return srcMAC == dstMAC
}
"""


def test_timing_comparison_needs_a_secret_someone_presents(tmp_path: Path) -> None:
    assert _found(tmp_path, "gate.go", COMPARE_GO, "ZT501") == [(8, "high")]


FORWARDED_PY = """ALLOWED = {"192.0.2.1"}


def direct(request):
    ip = request.headers.get("x-forwarded-for")
    if ip not in ALLOWED:
        raise PermissionError(ip)


def resolved(request, trusted):
    ip = trusted.resolve(request.client.host, request.headers.get("x-forwarded-for"))
    if ip not in ALLOWED:
        raise PermissionError(ip)
"""


def test_forwarded_header_behind_trusted_resolution_is_clean(tmp_path: Path) -> None:
    assert _found(tmp_path, "acl.py", FORWARDED_PY, "ZT512") == [(5, "high")]


KEYS_PY = """import tempfile


def save(key_path, pem):
    with open(key_path, "w") as f:
        f.write(pem)


def stage(pem):
    with tempfile.NamedTemporaryFile(delete=False) as tmp:
        key_path = tmp.name
    with open(key_path, "w") as f:
        f.write(pem)
"""


def test_key_written_to_an_owner_only_temp_file_is_clean(tmp_path: Path) -> None:
    assert _found(tmp_path, "keys.py", KEYS_PY, "ZT519") == [(5, "high")]


SHELL = """#!/bin/bash
set -eu
rm -rf "build_${VERSION}" out_$VERSION
rm -rf /opt/app/$ARCH
rm -rf $PREFIX/lib
"""


def test_shell_paths_judge_what_an_empty_value_reaches(tmp_path: Path) -> None:
    # a name a literal anchors: clean; a literal folder under set -u: pedantic; a
    # leading variable (empty: `/lib`): shown
    assert _found(tmp_path, "clean.sh", SHELL, "ZT605") == [(4, "low"), (5, "high")]


TOKENS_GO = """package a

import "log"

func handleToken(token string) {
	log.Printf("got token %s", token)
}

func parseCursorToken(token string) {
	log.Printf("cursor token %s", token)
}

func encryptAndLog(token string) {
	log.Printf("encrypting %s", token)
}
"""


def test_a_verb_in_the_function_name_does_not_excuse_a_token(tmp_path: Path) -> None:
    # `handleToken` handles a credential; `parseCursorToken` names a cursor; words of the
    # message ("encrypting") are not a transformation of the value
    assert _found(tmp_path, "tokens.go", TOKENS_GO, "ZT607") == [(6, "high"), (14, "high")]
