"""Provider tokens recognised by their documented formats.

Each format is a pattern, an optional offline validation (GitHub's and npm's CRC32
checksum, PyPI's macaroon prefix, a JWT's decodable header), and the length of its
public prefix: the only part of a token that may appear in any output. Documentation
examples and obvious placeholders are dropped.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ztlint.checks.secrets.placeholder import is_local_host
from ztlint.model import Confidence, Severity
from ztlint.rule import FileContext, Hit

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62_crc_ok(token: str, prefix_len: int) -> bool:
    """GitHub and npm tokens end in 6 base62 characters holding the CRC32 of the 30
    characters of entropy after the prefix."""
    body, check = token[prefix_len:-6], token[-6:]
    value = 0
    for ch in check:
        index = BASE62.find(ch)
        if index < 0:
            return False
        value = value * 62 + index
    return value == binascii.crc32(body.encode("ascii"))


def _pypi_ok(token: str) -> bool:
    # A PyPI token is "pypi-" and a base64 macaroon whose location is pypi.org.
    body = token[5:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, binascii.Error):
        return False
    return b"pypi.org" in raw[:40]


def _b64json(part: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _jwt_ok(token: str) -> bool:
    header, payload, signature = token.split(".")[:3]
    head = _b64json(header)
    return (
        isinstance(head, dict)
        and str(head.get("alg", "none")).lower() != "none"
        and isinstance(_b64json(payload), dict)
        and len(signature) >= 16
    )


@dataclass(frozen=True)
class TokenFormat:
    kind: str
    pattern: re.Pattern[str]
    prefix: int  # characters of public prefix; the rest is masked
    validate: Callable[[str], bool] | None = None
    severity: Severity | None = None
    confidence: Confidence | None = None
    needs_context: re.Pattern[str] | None = None  # text that must occur in the file
    # The published format carries a checksum verified offline (or is as distinctive):
    # a match is a real token wherever it sits (ztlint.policy.unmistakable).
    checksummed: bool = False


FORMATS: tuple[TokenFormat, ...] = (
    TokenFormat(
        "GitHub token",
        re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
        4,
        lambda t: base62_crc_ok(t, 4),
        checksummed=True,
    ),
    TokenFormat(
        "GitHub fine-grained token",
        re.compile(r"\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b"),
        11,
        checksummed=True,
    ),
    TokenFormat(
        "GitLab token",
        re.compile(r"\bgl(?:pat|dt|ptt|rt|cbt|oas|imt|agent)-[A-Za-z0-9_\-]{20,}"),
        6,
    ),
    TokenFormat("Slack token", re.compile(r"\bxox[abposre]-[0-9]{6,}-[0-9A-Za-z-]{8,}"), 5),
    TokenFormat("Slack app token", re.compile(r"\bxapp-\d-[A-Z0-9]{8,}-\d{6,}-[a-f0-9]{32,}"), 5),
    TokenFormat(
        "Slack webhook URL",
        re.compile(
            r"https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{16,}"
        ),
        29,
    ),
    TokenFormat("Stripe live key", re.compile(r"\b(?:sk|rk)_live_[0-9A-Za-z]{24,99}\b"), 8),
    TokenFormat(
        "Google API key",
        re.compile(r"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"),
        4,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
    ),
    TokenFormat(
        "OpenAI API key",
        re.compile(
            r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,}"
        ),
        3,
    ),
    TokenFormat(
        "Anthropic API key", re.compile(r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{80,120}"), 7
    ),
    TokenFormat(
        "npm token",
        re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"),
        4,
        lambda t: base62_crc_ok(t, 4),
        checksummed=True,
    ),
    TokenFormat("PyPI token", re.compile(r"\bpypi-AgE[A-Za-z0-9_\-]{50,}"), 5, _pypi_ok),
    TokenFormat(
        "Twilio API key",
        re.compile(r"\bSK[0-9a-f]{32}\b"),
        2,
        needs_context=re.compile(r"(?i)twilio"),
    ),
    TokenFormat(
        "SendGrid API key", re.compile(r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b"), 3
    ),
    TokenFormat(
        "JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}"),
        0,
        _jwt_ok,
        severity=Severity.MEDIUM,
    ),
)

AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b")
AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_AWS_SECRET_NAME = re.compile(r"(?i)(secret|aws_secret_access_key|secretaccesskey|sk)")
_PLACEHOLDER = re.compile(
    r"(?i)example|sample|dummy|placeholder|fake|xxxx|your[_-]|redacted|<|>|\*\*\*|0{8}|1234567|"
    r"abcdefgh|qwertyui"
)


def entropy(text: str) -> float:
    if not text:
        return 0.0
    counts = {c: text.count(c) for c in set(text)}
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def is_placeholder(secret: str) -> bool:
    body = secret
    return bool(_PLACEHOLDER.search(body)) or len(set(body)) < 6


def detect(ctx: FileContext) -> Iterator[Hit]:
    text = ctx.text
    for fmt in FORMATS:
        if fmt.needs_context is not None and not fmt.needs_context.search(text):
            continue
        for m in fmt.pattern.finditer(text):
            token = m.group(0)
            if is_placeholder(token[fmt.prefix :]) or (
                fmt.validate is not None and not fmt.validate(token)
            ):
                continue
            confidence = fmt.confidence
            if not fmt.checksummed:
                sample = _sample(ctx, fmt, token, m.start())
                if sample == "documentation":
                    continue
                if sample == "test":
                    confidence = Confidence.LOW
            public = token[: fmt.prefix]
            shown = f"{public}..." if public else "value"
            yield Hit(
                span=ctx.source.span(m.start(), m.end()),
                message=f"{fmt.kind} committed ({shown}, {len(token)} characters)",
                severity=fmt.severity,
                confidence=confidence,
                secret_spans=(ctx.source.span(m.start() + fmt.prefix, m.end()),),
                unmistakable=fmt.checksummed,
            )
    yield from _aws(ctx)


# --- Samples: tokens the text itself shows to be documentation or test data ---------


def _sample(ctx: FileContext, fmt: TokenFormat, token: str, start: int) -> str | None:
    """'documentation' (not reported), 'test' (reported at low confidence) or None.
    A token whose format carries no checksum is a sample when it is the value of an
    OpenAPI or JSON-schema `example`/`examples` field, when it sits in a URL to the
    loopback or a name reserved for documentation (`https://auth.example.com/...?
    token=eyJ...`), or, for a JWT, when its HMAC signature verifies with a key
    published for samples (jwt.io's) or written in the text just before it (a test
    token documented with its throwaway key)."""
    if ctx.parser in ("yaml", "json") and _in_example_field(ctx, start):
        return "documentation"
    if _in_local_url(ctx.text, start):
        return "documentation"
    if fmt.kind == "JSON Web Token":
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
        spans = [ctx.source.span(m.start() + 4, m.end())]
        if secret is not None:
            spans.append(ctx.source.span(secret.start(), secret.end()))
            yield Hit(
                span=ctx.source.span(m.start(), m.end()),
                message="AWS access key committed with its secret access key (AKIA..., 40-character secret)",
                severity=Severity.CRITICAL,
                secret_spans=tuple(spans),
            )
        else:
            yield Hit(
                span=ctx.source.span(m.start(), m.end()),
                message=f"AWS access key id committed ({key_id[:4]}..., {len(key_id)} characters)",
                severity=Severity.MEDIUM,
                secret_spans=tuple(spans),
            )
