"""Credentials in the files tools write them to, and people commit by mistake.

- `.npmrc`: `_authToken`, `_auth` (base64 of `user:password`) and `_password` (base64 of
  the password), scoped to a registry (`//registry.npmjs.org/:_authToken=...`) or not.
  `${NPM_TOKEN}` is a reference npm fills in from the environment, not a secret.
- `.netrc` (`_netrc` on Windows): `machine HOST login USER password SECRET`, tokens
  separated by any white space, over lines; `macdef` bodies are skipped.
- `.git-credentials`: one `https://user:token@host` per line, written by git's store
  helper: every password in it is real, whatever its strength.
- Docker `config.json`: `auths.<registry>.auth` is base64 of `user:password`.
  (`identitytoken` is a credential name: hardcoded-credential-config judges it.)
- Makefiles: `NAME = value`, `:=`, `::=`, `:::=`, `?=` and `+=` assignments, unquoted as
  make writes them; a value holding `$(...)` or `${...}` is a reference.

Values are judged as everywhere else in the secrets rules (ztlint.checks.secrets.
credentials): a reference or placeholder is no secret, a well-known default is low
severity, a weak value (a word, a short password) is medium confidence. The value is
never printed: findings carry its length and a secret span that reports mask.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from collections.abc import Iterator

from ztlint.model import Confidence, Severity, Span
from ztlint.parsers.data import Mapping, Scalar
from ztlint.rule import FileContext, Hit
from ztlint.semantics.credentials import (
    EXAMPLE_FILE,
    is_provider_format,
    is_well_known_default,
    strong_value,
)
from ztlint.semantics.placeholder import REFERENCE, is_placeholder

NPMRC = frozenset({".npmrc", "npmrc"})
NETRC = frozenset({".netrc", "_netrc"})
GIT_CREDENTIALS = frozenset({".git-credentials"})
# Files this module reads line by line in place of the INI reader.
OWNED = NPMRC | NETRC


def _basename(ctx: FileContext) -> str:
    return posixpath.basename(ctx.path).lower()


def _credential_hit(
    what: str,
    secret: str,
    span: Span,
    example: bool,
    always_real: bool = False,
) -> Hit | None:
    """A finding for a credential value found where the format says it is one: no
    name needs to be judged. `always_real`: the file stores live credentials (git's
    store helper), so a weak one is as real as a strong one."""
    value = secret.strip()
    if len(value) < 4 or is_placeholder(value) or is_provider_format(value):
        return None  # a provider's token is secret-token-committed's
    if is_well_known_default(value):
        if example:
            return None
        return Hit(
            span=span,
            message=f"{what} is a default credential ({len(value)} characters)",
            severity=Severity.LOW,
            confidence=Confidence.MEDIUM,
            secret_spans=(span,),
        )
    strong = always_real or strong_value(value)
    return Hit(
        span=span,
        message=f"hardcoded credential: {what} ({len(value)} characters)",
        confidence=Confidence.HIGH if strong else Confidence.MEDIUM,
        secret_spans=(span,),
    )


def _b64(value: str) -> str | None:
    text = value.strip()
    if not text or len(text) % 4 == 1:
        return None
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def _user_password(value: str) -> str | None:
    """The password of a base64 `user:password` (npm `_auth`, Docker `auth`)."""
    decoded = _b64(value)
    if decoded is None or ":" not in decoded or not decoded.isprintable():
        return None
    return decoded.partition(":")[2]


# --- .npmrc ---------------------------------------------------------------------

_NPM_LINE = re.compile(
    r"^\s*(?P<scope>//[^\s=]*:)?(?P<key>_authToken|_auth|_password|password)\s*=\s*"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s;#]*)"
)


def _npmrc(ctx: FileContext, example: bool) -> Iterator[Hit]:
    for number, text in enumerate(ctx.source.lines, 1):
        m = _NPM_LINE.match(text)
        if m is None:
            continue
        raw = m.group("value")
        quoted = raw[:1] in "\"'" and len(raw) >= 2
        value = raw[1:-1] if quoted else raw
        if not value or REFERENCE.search(value):
            continue  # `${NPM_TOKEN}`: npm reads the variable
        start = m.start("value") + (1 if quoted else 0)
        span = Span(number, start + 1, number, start + 1 + len(value))
        key, scope = m.group("key"), (m.group("scope") or "")[:-1]
        where = f" for {scope}" if scope else ""
        if key == "_auth":
            password = _user_password(value)
            if password is None:
                continue
            hit = _credential_hit(f"npm _auth{where} holds a password", password, span, example)
        elif key in ("_password", "password"):
            decoded = _b64(value) if key == "_password" else None
            password = decoded if decoded is not None and decoded.isprintable() else value
            hit = _credential_hit(f"npm {key}{where}", password, span, example)
        else:
            hit = _credential_hit(f"npm _authToken{where}", value, span, example)
        if hit is not None:
            yield hit


# --- .netrc ---------------------------------------------------------------------

_NETRC_TOKEN = re.compile(r"\S+")


def _netrc(ctx: FileContext, example: bool) -> Iterator[Hit]:
    """Tokens over the whole file: `machine`, `default`, `login`, `password`,
    `account`, `macdef NAME` (its body runs to the next empty line)."""
    machine, login = "default", ""
    expect: str | None = None
    in_macro = False
    for number, text in enumerate(ctx.source.lines, 1):
        if in_macro:
            if not text.strip():
                in_macro = False
            continue
        if text.lstrip().startswith("#"):
            continue
        for m in _NETRC_TOKEN.finditer(text):
            word = m.group(0)
            if expect is not None:
                if expect == "machine":
                    machine, login = word, ""
                elif expect == "login":
                    login = word
                elif expect == "password" and login != "anonymous":  # FTP's convention
                    span = Span(number, m.start() + 1, number, m.end() + 1)
                    hit = _credential_hit(
                        f"netrc password for {machine}", word, span, example, always_real=True
                    )
                    if hit is not None:
                        yield hit
                elif expect == "macdef":
                    in_macro = True
                expect = None
                continue
            if word in ("machine", "login", "password", "account", "macdef"):
                expect = word
            elif word == "default":
                machine, login = "default", ""
        if in_macro:
            expect = None


# --- .git-credentials -----------------------------------------------------------

_STORED_URL = re.compile(r"^\s*([a-z][a-z0-9+.-]*)://([^:/@\s]*):([^@/\s]+)@([^/\s?#]+)", re.I)


def _git_credentials(ctx: FileContext, example: bool) -> Iterator[Hit]:
    for number, text in enumerate(ctx.source.lines, 1):
        m = _STORED_URL.match(text)
        if m is None:
            continue
        span = Span(number, m.start(3) + 1, number, m.end(3) + 1)
        host = m.group(4).rsplit("@", 1)[-1]
        hit = _credential_hit(
            f"git credential store holds a password for {host}",
            m.group(3),
            span,
            example,
            always_real=True,
        )
        if hit is not None:
            yield hit


def detect_files(ctx: FileContext) -> Iterator[Hit]:
    name = _basename(ctx)
    example = bool(EXAMPLE_FILE.search(ctx.path))
    if name in NPMRC:
        yield from _npmrc(ctx, example)
    elif name in NETRC:
        yield from _netrc(ctx, example)
    elif name in GIT_CREDENTIALS:
        yield from _git_credentials(ctx, example)


# --- Docker config.json ---------------------------------------------------------


def detect_docker_config(ctx: FileContext) -> Iterator[Hit]:
    example = bool(EXAMPLE_FILE.search(ctx.path))
    for doc in ctx.documents():
        auths = doc.get_map("auths") if isinstance(doc, Mapping) else None
        if auths is None:
            continue
        for registry, entry in auths.items():
            if not isinstance(entry, Mapping):
                continue
            auth = entry.get("auth")
            if not isinstance(auth, Scalar) or not auth.value:
                continue
            password = _user_password(auth.value)
            if password is None:
                continue
            hit = _credential_hit(
                f"Docker auths[{registry.value!r}].auth holds a password",
                password,
                auth.span,
                example,
            )
            if hit is not None:
                yield hit


# --- Makefiles ------------------------------------------------------------------

_MAKE_ASSIGNMENT = re.compile(
    r"^(?:(?:override|export|private)\s+)*(?P<name>[A-Za-z_][\w.-]*)\s*"
    r"(?P<op>:::=|::=|:=|\?=|\+=|=)\s*(?P<value>.*?)\s*$"
)
_MAKE_REFERENCE = re.compile(r"\$[({]|\$\$|\$[A-Za-z@<^+*?%]")
_LINE_COMMENT = re.compile(r"\s#.*$")


def makefile_assignments(ctx: FileContext) -> Iterator[tuple[str, str, int, int]]:
    """(name, value, line, column of the value) of each variable assignment outside
    recipes (recipe lines start with a tab) and comments; a value holding a make or
    shell reference is left out."""
    for number, text in enumerate(ctx.source.lines, 1):
        if not text or text.startswith("\t") or text.lstrip().startswith("#"):
            continue
        m = _MAKE_ASSIGNMENT.match(text)
        if m is None:
            continue
        value = _LINE_COMMENT.sub("", m.group("value")).strip()
        if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) >= 2:
            value = value[1:-1]
        if not value or _MAKE_REFERENCE.search(value) or " " in value:
            continue
        yield m.group("name"), value, number, text.find(value, m.start("value")) + 1
