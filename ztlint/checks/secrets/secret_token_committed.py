"""ZT202 secret-token-committed: provider tokens recognised by their documented formats
(the formats are `ztlint.semantics.tokens`, which masking and the other secret rules
share).

Documentation examples and obvious placeholders are dropped; a JWT signed with a sample
key is not a secret; an AWS or Alibaba key id counts only with its secret nearby.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import re
from collections.abc import Iterator

from ztlint.model import Confidence, Related, Severity
from ztlint.rule import FileContext, Hit
from ztlint.semantics.placeholder import is_local_host
from ztlint.semantics.samplekeys import age_recipient, documented_test_key
from ztlint.semantics.tokens import (
    AWS_KEY_ID,
    AWS_SECRET,
    TokenFormat,
    _b64json,
    _mixed_case,
    _random_alnum,
    entropy,
    formats,
)
from ztlint.semantics.vocabulary import words

_AWS_SECRET_NAME = re.compile(r"(?i)(secret|aws_secret_access_key|secretaccesskey|sk)")

_PLACEHOLDER = re.compile(
    r"(?i)example|sample|dummy|placeholder|fake|xxxx|your[_-]|redacted|<|>|\*\*\*|0{8}|1234567|"
    r"abcdefgh|qwertyui"
)


_GOOGLE_CLIENT_ID = re.compile(r"\b\d{6,}-[a-z0-9]{20,}\.apps\.googleusercontent\.com\b")
_LOOPBACK_REDIRECT = re.compile(r"\bhttps?://(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?[/\"'\s]")


def _installed_app(text: str) -> bool:
    """The file configures a Google OAuth client of an installed application: its client
    id and a redirect to the loopback (the flow Google prescribes for desktop apps)."""
    return (
        ".apps.googleusercontent.com" in text
        and _GOOGLE_CLIENT_ID.search(text) is not None
        and _LOOPBACK_REDIRECT.search(text) is not None
    )


def is_placeholder(secret: str) -> bool:
    body = secret
    return bool(_PLACEHOLDER.search(body)) or len(set(body)) < 6 or _spelled(body)


def _spelled(body: str) -> bool:
    """A body spelled in lower-case words joined by `-` or `_`, three or more of them
    words of three letters or more (`project-e2e-token-000000`): a name typed to fill the
    slot; a provider's token body is drawn at random."""
    parts = re.split(r"[-_]", body)
    return (
        len(parts) >= 4
        and all(re.fullmatch(r"[a-z0-9]+", p) for p in parts)
        and sum(1 for p in parts if p.isalpha() and len(p) >= 3) >= 3
    )


# Computing a recipient costs a millisecond: a file with more age identities than this
# is a table of them, each judged without its pair.
_MAX_PAIRS = 64


def _shown_with_recipient(identity: str, text: str, budget: list[int]) -> bool:
    """An age identity whose own recipient the same text shows."""
    if "age1" not in text or budget[0] <= 0:
        return False
    budget[0] -= 1
    recipient = age_recipient(identity)
    return recipient is not None and recipient in text


def detect_provider_tokens(ctx: FileContext) -> Iterator[Hit]:
    """One finding per token: the same token again in the file (a test table's rows, a
    config repeated per environment) is a related location of the first."""
    hits: list[Hit] = []
    first: dict[str, int] = {}
    for token, hit in _token_hits(ctx):
        at = first.get(token)
        if at is None:
            first[token] = len(hits)
            hits.append(hit)
            continue
        if len(hits[at].related) < _MAX_REPEATS:
            again = Related(ctx.path, hit.span, "the same token again")
            hits[at] = dataclasses.replace(hits[at], related=(*hits[at].related, again))
    yield from hits
    yield from _aws(ctx)
    if "LTAI" in ctx.text:
        yield from _alibaba(ctx)


_MAX_REPEATS = 20


def _token_hits(ctx: FileContext) -> Iterator[tuple[str, Hit]]:
    text = ctx.text
    pairs = [_MAX_PAIRS]
    for fmt in formats():
        if fmt.hints and not any(hint in text for hint in fmt.hints):
            continue
        if fmt.needs_context is not None and not fmt.needs_context.search(text):
            continue
        for m in fmt.pattern.finditer(text):
            token = m.group(0)
            prefix = fmt.public_length(token)
            if is_placeholder(token[prefix:]) or (
                fmt.validate is not None and not fmt.validate(token)
            ):
                continue
            confidence = fmt.confidence
            documented = fmt.own_key and documented_test_key(ctx.path, text, m.start())
            if documented:
                # Key material its own name or the words before it call a test or an
                # example (`example_age_identity = "AGE-SECRET-KEY-1..."`), as ZT201 reads
                # a private key: shown with --min-confidence medium.
                confidence = Confidence.MEDIUM
            if not fmt.checksummed:
                sample = _sample(ctx, fmt, token, m.start())
                if sample == "documentation":
                    continue
                if sample == "test":
                    confidence = Confidence.LOW
            public = token[:prefix]
            shown = f"{public}..." if public else "value"
            note = ""
            if fmt.kind == "Google OAuth client secret" and _installed_app(text):
                # Google's OAuth for installed applications: the secret ships inside
                # every copy of the app and is not confidential; the client id and the
                # loopback redirect say the file configures such a client.
                confidence = min(confidence or Confidence.HIGH, Confidence.MEDIUM)
                note = "; the client of an installed application (a loopback redirect), whose secret Google's OAuth does not treat as confidential"
            yield (
                token,
                Hit(
                    span=ctx.source.span(m.start(), m.end()),
                    message=f"{fmt.kind} committed ({shown}, {len(token)} characters{note})",
                    severity=fmt.severity,
                    confidence=confidence,
                    secret_spans=(ctx.source.span(m.start() + prefix, m.end()),),
                    # A key shown with its own public key is a demonstration pair (a man
                    # page's example): outside production code, a sample (as ZT201 reads one).
                    unmistakable=fmt.checksummed
                    and not documented
                    and not (fmt.own_key and _shown_with_recipient(token, text, pairs)),
                    own_key=fmt.own_key,
                ),
            )


def _sample(ctx: FileContext, fmt: TokenFormat, token: str, start: int) -> str | None:
    """'documentation' (not reported), 'test' (reported at low confidence) or None.
    A token whose format carries no checksum is a sample when it is the value of an
    OpenAPI or JSON-schema `example`/`examples` field, when it sits in a URL to the
    loopback or a name reserved for documentation (`https://auth.example.com/...?
    token=eyJ...`), or, for a JWT, when its claims are jwt.io's sample ones whatever its
    algorithm, or (a test token) when its issuer or audience names a test suite, or
    when its HMAC signature verifies with a key
    published for samples (jwt.io's) or written in the text just before it (a test
    token documented with its throwaway key)."""
    if ctx.parser in ("yaml", "json") and _in_example_field(ctx, start):
        return "documentation"
    if _in_local_url(ctx.text, start):
        return "documentation"
    if fmt.kind == "JSON Web Token":
        claims = _b64json(token.split(".")[1])
        if _sample_claims(claims):
            return "documentation"
        if _test_claims(claims):
            return "test"
        key = _hmac_key(token, ctx.text[max(0, start - _KEY_WINDOW) : start])
        if key is not None:
            return "documentation" if key in _SAMPLE_KEYS else "test"
    return None


_EXAMPLE_KEY = re.compile(r"""^\s*(?:-\s+)?["']?(?:x-)?examples?["']?\s*:""")

_KEY_LINE = re.compile(r"""^\s*(?:-\s+)?["']?[\w$.-]+["']?\s*:""")

_MAX_ANCESTORS = 400


def _in_example_field(ctx: FileContext, start: int) -> bool:
    """Whether the token's line, or a key above it at a smaller indentation (its
    parent keys in a YAML or pretty-printed JSON document), is `example`/`examples`."""
    line, _ = ctx.source.position(start)
    lines = ctx.source.lines
    text = lines[line - 1]
    if _EXAMPLE_KEY.match(text):
        return True
    indent = len(text) - len(text.lstrip())
    for number in range(line - 2, max(-1, line - 2 - _MAX_ANCESTORS), -1):
        above = lines[number]
        stripped = above.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(above) - len(stripped)
        if depth >= indent:
            continue
        if _EXAMPLE_KEY.match(above):
            return True
        if not _KEY_LINE.match(above) and not stripped.startswith(("{", "[", "-")):
            return False
        indent = depth
        if depth == 0:
            return False
    return False


_URL_BEFORE = re.compile(r"""([a-z][a-z0-9+.-]*)://([^/\s"'`?#]+)[^\s"'`]*$""")


def _in_local_url(text: str, start: int) -> bool:
    """Whether the token is part of a URL (a query parameter, a path segment) to the
    loopback or a reserved documentation name."""
    line_start = text.rfind("\n", 0, start) + 1
    m = _URL_BEFORE.search(text, line_start, start)
    if m is None:
        return False
    host = m.group(2).rsplit("@", 1)[-1]
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return is_local_host(host)


# jwt.io's sample key; its sample tokens are in every tutorial.
_SAMPLE_KEYS = frozenset({"your-256-bit-secret", "secret"})

_KEY_WINDOW = 400

# The claims of jwt.io's sample tokens (every algorithm's sample carries them, the
# asymmetric ones with `"admin": true`): copied into tutorials, docs and code that needs
# a well-formed token to probe a verifier with. Signed with jwt.io's published keys.
_SAMPLE_CLAIMS = {"sub": "1234567890", "name": "John Doe", "iat": 1516239022, "admin": True}


def _sample_claims(claims: object) -> bool:
    """Whether a JWT's payload is jwt.io's sample: its subject, name and issue time, and
    no claim of its own."""
    if not isinstance(claims, dict) or not claims.keys() <= _SAMPLE_CLAIMS.keys():
        return False
    return all(claims.get(k) == _SAMPLE_CLAIMS[k] for k in ("sub", "name", "iat")) and (
        claims.get("admin", True) is True
    )


# Words by which a token's issuer or audience says it is made for tests or samples.
_TEST_WORDS = frozenset(
    {"test", "tests", "testing", "example", "sample", "samples", "demo", "dummy", "fake", "mock"}
)


def _test_claims(claims: object) -> bool:
    """Whether a JWT's own issuer or audience names it a test or sample token
    (`"iss": "acme-test-suite"`, `"aud": ["acme-jwt-tests"]`): the party that minted it,
    or the one it is for, is a test suite. (A real token names a real service.)"""
    if not isinstance(claims, dict):
        return False
    named: list[str] = []
    for key in ("iss", "aud"):
        value = claims.get(key)
        items = value if isinstance(value, list) else [value]
        named += [v for v in items if isinstance(v, str)]
    return any(_TEST_WORDS & set(words(v)) for v in named)


_QUOTED = re.compile(r"""["'`]([^"'`\s]{4,64})["'`]""")

_HMAC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def _hmac_key(token: str, before: str) -> str | None:
    """The key an HMAC-signed JWT verifies with, among the sample keys and the quoted
    words in the text before it; None when none does (a real token's key is not in
    the repository, or it is signed with a private key)."""
    header, payload, signature = token.split(".")[:3]
    head = _b64json(header)
    digest = _HMAC.get(str(head.get("alg"))) if isinstance(head, dict) else None
    if digest is None:
        return None
    signed = f"{header}.{payload}".encode("ascii")
    candidates = [*_SAMPLE_KEYS, *(m.group(1) for m in _QUOTED.finditer(before))]
    for key in candidates:
        mac = hmac.new(key.encode(), signed, digest).digest()
        if base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii") == signature:
            return key
    return None


_AWS_BACK = 2000


def _aws(ctx: FileContext) -> Iterator[Hit]:
    text = ctx.text
    for m in AWS_KEY_ID.finditer(text):
        key_id = m.group(0)
        if is_placeholder(key_id[4:]) or key_id.endswith("EXAMPLE"):
            continue
        line, _ = ctx.source.position(m.start())
        # The five lines above, on the line table, but no more than _AWS_BACK characters:
        # on one long line of key ids, each would search the text before it (quadratic).
        lo = max(ctx.source.line_offset(line - 5), m.start() - _AWS_BACK)
        window_end = m.end() + 600
        secret = None
        for s in AWS_SECRET.finditer(text, lo, min(window_end, len(text))):
            before = text[max(s.start() - 60, 0) : s.start()]
            value = s.group(0)
            if (
                _AWS_SECRET_NAME.search(before)
                and not is_placeholder(value)
                and entropy(value) > 4.0
            ):
                secret = s
                break
        yield _key_pair(
            ctx,
            m,
            secret,
            "AWS access key committed with its secret access key (AKIA..., 40-character secret)",
            f"AWS access key id committed ({key_id[:4]}..., {len(key_id)} characters)",
        )


def _key_pair(
    ctx: FileContext, key: re.Match[str], secret: re.Match[str] | None, paired: str, alone: str
) -> Hit:
    """A cloud access key id (its 4-character prefix shown): critical with the secret
    named near it (both masked), medium alone."""
    spans = [ctx.source.span(key.start() + 4, key.end())]
    if secret is not None:
        spans.append(ctx.source.span(secret.start(), secret.end()))
    return Hit(
        span=ctx.source.span(key.start(), key.end()),
        message=paired if secret is not None else alone,
        severity=Severity.CRITICAL if secret is not None else Severity.MEDIUM,
        secret_spans=tuple(spans),
    )


ALIBABA_KEY_ID = re.compile(r"\bLTAI[A-Za-z0-9]{12,20}\b")

_ALIBABA_SECRET = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{30}(?![A-Za-z0-9])")

_ALIBABA_SECRET_NAME = re.compile(r"(?i)secret")


def _alibaba(ctx: FileContext) -> Iterator[Hit]:
    """An Alibaba Cloud AccessKey ID (`LTAI...`), critical with its 30-character
    AccessKey secret named nearby, as an AWS pair is."""
    text = ctx.source.text
    for m in ALIBABA_KEY_ID.finditer(text):
        key_id = m.group(0)
        if is_placeholder(key_id[4:]) or not _mixed_case(key_id[4:]):
            continue
        line, _ = ctx.source.position(m.start())
        lo = max(ctx.source.line_offset(max(1, line - 5)), m.start() - _AWS_BACK)
        secret = None
        for s in _ALIBABA_SECRET.finditer(text, lo, min(m.end() + 600, len(text))):
            value = s.group(0)
            if (
                _ALIBABA_SECRET_NAME.search(text, max(s.start() - 60, 0), s.start())
                and not is_placeholder(value)
                and _random_alnum(value)
            ):
                secret = s
                break
        yield _key_pair(
            ctx,
            m,
            secret,
            "Alibaba Cloud AccessKey committed with its secret (LTAI..., 30-character secret)",
            f"Alibaba Cloud AccessKey ID committed (LTAI..., {len(key_id)} characters)",
        )
