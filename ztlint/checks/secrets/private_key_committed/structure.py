"""Whether a PEM block's body can be the key its label names: the structure each format's
decoded body starts with (DER for PKCS#1, PKCS#8 and SEC1; OpenSSH's magic string)."""

from __future__ import annotations

import base64
import binascii
import re

# What each format's decoded body starts with: DER's SEQUENCE for PKCS#1, PKCS#8 and
# SEC1 keys, the magic string for OpenSSH's own format.
_DER_LABELS = frozenset(
    {"RSA PRIVATE KEY", "DSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}
)
_OPENSSH_MAGIC = b"openssh-key-v1\x00"
# A body that is base64 only once its line breaks (real ones, or `\n` escapes however
# deeply a string nests them) are gone.
_ESCAPED_BREAKS = re.compile(r"\\+[nr]|\s")
_BASE64_ONLY = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def imitation(label: str, body: str) -> bool:
    """A block that cannot be a key of its label: a plain base64 body (no headers) that
    decodes to something else than that format's structure (typed filler in a guide's
    sample file: `Hwethgy123hugg...`). A body in another shape (headers, concatenated
    string pieces) is not judged."""
    if label not in _DER_LABELS and label != "OPENSSH PRIVATE KEY":
        return False
    compact = _ESCAPED_BREAKS.sub("", body)
    if ":" in body or not _BASE64_ONLY.fullmatch(compact):
        return False
    try:
        decoded = base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (ValueError, binascii.Error):
        return True  # base64 letters that are no base64 (a length no encoding gives)
    if label == "OPENSSH PRIVATE KEY":
        return not decoded.startswith(_OPENSSH_MAGIC)
    return not decoded.startswith(b"\x30")


def der_header(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """(tag, content start, content end) of the DER element at pos; the end may lie
    past the bytes read (a file's head)."""
    if pos + 2 > len(data):
        return None
    tag, length, pos = data[pos], data[pos + 1], pos + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            return None
        length, pos = int.from_bytes(data[pos : pos + count], "big"), pos + count
    return tag, pos, pos + length


def der_shape(head: bytes) -> str | None:
    """ "private" when the outer SEQUENCE opens with a version INTEGER (PKCS#1, PKCS#8,
    SEC1) or with an algorithm and an OCTET STRING (encrypted PKCS#8); "public" when it
    opens with two SEQUENCEs (a certificate or signing request: the signed body, then
    its algorithm) or a SEQUENCE and a BIT STRING (a SubjectPublicKeyInfo); None when
    the bytes do not tell."""
    outer = der_header(head, 0)
    if outer is None or outer[0] != 0x30:
        return None
    first = der_header(head, outer[1])
    if first is None:
        return None
    if first[0] == 0x02:
        return "private"
    second = der_header(head, first[2]) if first[0] == 0x30 else None
    if second is None:
        return None
    if second[0] == 0x04:
        return "private"
    return "public" if second[0] in (0x30, 0x03) else None
