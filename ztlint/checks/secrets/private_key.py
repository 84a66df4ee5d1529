"""Private keys committed as PEM or OpenSSH text blocks.

A key in the repository is a key for everyone who can read the repository, its forks
and its history. The block must hold a real body: a header alone, or a body of "..."
or placeholders, is documentation, not a key. The body is never printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.model import Severity
from ztlint.rule import FileContext, Hit

_BEGIN = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
# Separators between body lines: real newlines, or `\n` escapes inside a string.
_SEPARATORS = re.compile(r"\\r|\\n|\s")
_HEADER_LINE = re.compile(r"^(?:Proc-Type|DEK-Info|Comment|Version|Hash):[^\n\\]*", re.M)
_BASE64 = re.compile(r"[A-Za-z0-9+/=]")
MIN_BODY = 64
MAX_BLOCK = 64 * 1024

_KINDS = {
    "RSA PRIVATE KEY": "RSA private key",
    "DSA PRIVATE KEY": "DSA private key",
    "EC PRIVATE KEY": "EC private key",
    "OPENSSH PRIVATE KEY": "OpenSSH private key",
    "PRIVATE KEY": "PKCS#8 private key",
    "ENCRYPTED PRIVATE KEY": "encrypted PKCS#8 private key",
    "PGP PRIVATE KEY BLOCK": "PGP private key",
}


def _real_body(body: str) -> bool:
    """Enough base64 with enough variety to be key material, not a placeholder."""
    without_headers = _HEADER_LINE.sub("", body)
    compact = _SEPARATORS.sub("", without_headers).strip("\"'+,")
    if len(compact) < MIN_BODY:
        return False
    b64 = len(_BASE64.findall(compact))
    return b64 >= 0.95 * len(compact) and len(set(compact)) >= 20


def detect(ctx: FileContext) -> Iterator[Hit]:
    text = ctx.text
    for begin in _BEGIN.finditer(text):
        label = begin.group(1)
        end_marker = f"-----END {label}-----"
        end = text.find(end_marker, begin.end(), begin.end() + MAX_BLOCK)
        if end == -1:
            continue
        body = text[begin.end() : end]
        if not _real_body(body):
            continue
        encrypted = "ENCRYPTED" in label or "Proc-Type: 4,ENCRYPTED" in body
        kind = _KINDS.get(label, label.lower())
        if encrypted and not kind.startswith("encrypted"):
            kind = "encrypted " + kind
        block_end = end + len(end_marker)
        yield Hit(
            span=ctx.source.span(begin.start(), block_end),
            message=f"{kind} committed ({block_end - begin.start()} characters of PEM text)",
            severity=Severity.MEDIUM if encrypted else None,
            secret_spans=(ctx.source.span(begin.end(), end),),
        )
