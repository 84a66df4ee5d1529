"""The host names an X.509 certificate is for, read from its DER bytes: the subject's
common names and the subject alternative names (DNS names and IP addresses). Enough
of DER to walk a certificate, nothing more: no signature is checked and no other
field is read."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterator

_COMMON_NAME = bytes.fromhex("550403")  # 2.5.4.3
_SUBJECT_ALT_NAME = bytes.fromhex("551d11")  # 2.5.29.17
_STRINGS = frozenset({0x0C, 0x13, 0x14, 0x16, 0x1E})  # UTF8, Printable, T61, IA5, BMP
_DNS_NAME = 0x82  # [2] IMPLICIT IA5String
_IP_ADDRESS = 0x87  # [7] IMPLICIT OCTET STRING
_MAX_DEPTH = 12


def _items(der: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(tag, content start, content end) of each element between start and end."""
    pos = start
    while pos + 2 <= end:
        tag = der[pos]
        length = der[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 4 or pos + count > end:
                return
            length = int.from_bytes(der[pos : pos + count], "big")
            pos += count
        if pos + length > end:
            return
        yield tag, pos, pos + length
        pos += length


def host_names(der: bytes) -> list[str]:
    """The names the certificate certifies: its alternative names (DNS names and IP
    addresses), or its subject's common names when it has none; not its issuer's (a leaf for `localhost` signed by a CA named
    `ca.corp.com` certifies `localhost` only); [] when the bytes are not DER. A
    certificate whose structure is not the expected one is read whole."""
    out: list[str] = []
    alternative: list[str] = []
    parts = _subject_and_extensions(der)
    if parts is None:
        _walk(der, 0, len(der), out, 0, alternative)
    else:
        for lo, hi in parts:
            _walk(der, lo, hi, out, 1, alternative)
    # RFC 6125 6.4.4 (and every browser and Go's crypto/x509): a certificate with
    # alternative names is checked against them alone; its common name is not a name it
    # certifies (`CN=nats.io` with `IP:127.0.0.1` serves the loopback only).
    return alternative if alternative else out


def _subject_and_extensions(der: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of the subject Name and the extensions of a certificate's
    TBSCertificate (RFC 5280 4.1: [0] version, serial, signature, issuer, validity,
    subject, subjectPublicKeyInfo, ..., [3] extensions), or None."""
    outer = next(_items(der, 0, len(der)), None)
    if outer is None or outer[0] != 0x30:
        return None
    tbs = next(_items(der, outer[1], outer[2]), None)
    if tbs is None or tbs[0] != 0x30:
        return None
    fields = list(_items(der, tbs[1], tbs[2]))
    first = 1 if fields and fields[0][0] == 0xA0 else 0
    if len(fields) < first + 6 or fields[first + 4][0] != 0x30:
        return None
    subject = fields[first + 4]
    out = [(subject[1], subject[2])]
    out += [(lo, hi) for tag, lo, hi in fields[first + 6 :] if tag == 0xA3]
    return out


def _walk(
    der: bytes, start: int, end: int, out: list[str], depth: int, alternative: list[str]
) -> None:
    if depth > _MAX_DEPTH:
        return
    items = list(_items(der, start, end))
    for i, (tag, lo, hi) in enumerate(items):
        if tag == 0x06 and i + 1 < len(items):
            oid = der[lo:hi]
            next_tag, nlo, nhi = items[i + 1]
            if oid == _COMMON_NAME and next_tag in _STRINGS:
                out.append(_text(der[nlo:nhi], next_tag))
            elif oid == _SUBJECT_ALT_NAME:
                # extnValue: an OCTET STRING (after an optional `critical` BOOLEAN)
                # holding the GeneralNames SEQUENCE.
                for vtag, vlo, vhi in items[i + 1 :]:
                    if vtag == 0x04:
                        _general_names(der, vlo, vhi, alternative)
                        break
        elif tag & 0x20:  # constructed: look inside
            _walk(der, lo, hi, out, depth + 1, alternative)


_ORGANIZATION = bytes.fromhex("55040a")  # 2.5.4.10
_UNIT = bytes.fromhex("55040b")  # 2.5.4.11


def subject_names(der: bytes) -> list[str]:
    """The subject's common names, organization and organizational unit, as text: who the
    certificate says it is for (`O=Relay development, CN=Development Root CA`)."""
    parts = _subject_and_extensions(der)
    if parts is None:
        return []
    lo, hi = parts[0]
    out: list[str] = []
    stack, budget = [(lo, hi)], 256
    while stack and budget:
        budget -= 1
        start, end = stack.pop()
        items = list(_items(der, start, end))
        for i, (tag, ilo, ihi) in enumerate(items):
            if tag == 0x06 and i + 1 < len(items):
                next_tag, nlo, nhi = items[i + 1]
                if der[ilo:ihi] in (_COMMON_NAME, _ORGANIZATION, _UNIT) and next_tag in _STRINGS:
                    out.append(_text(der[nlo:nhi], next_tag))
            elif tag & 0x20:
                stack.append((ilo, ihi))
    return out


def _general_names(der: bytes, start: int, end: int, out: list[str]) -> None:
    for tag, lo, hi in _items(der, start, end):
        if tag != 0x30:
            continue
        for name_tag, nlo, nhi in _items(der, lo, hi):
            if name_tag == _DNS_NAME:
                out.append(der[nlo:nhi].decode("ascii", "replace"))
            elif name_tag == _IP_ADDRESS and nhi - nlo in (4, 16):
                out.append(str(ipaddress.ip_address(der[nlo:nhi])))


def _text(raw: bytes, tag: int) -> str:
    if tag == 0x1E:
        return raw.decode("utf-16-be", "replace")
    return raw.decode("utf-8", "replace")


# Which key a certificate certifies and which key a private key file holds, told by
# the public key itself (an RSA modulus, an elliptic-curve or Edwards point): a key and
# its certificates are paired by what they are, whatever their files are called.
_RSA = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1
_EC = bytes.fromhex("2a8648ce3d0201")  # 1.2.840.10045.2.1
_ED25519 = bytes.fromhex("2b6570")  # 1.3.101.112


def _children(der: bytes, lo: int, hi: int) -> list[tuple[int, int, int]]:
    return list(_items(der, lo, hi))


def _key_id(kind: str, material: bytes) -> str | None:
    material = material.lstrip(b"\0") if kind == "rsa" else material
    if len(material) < 16:
        return None
    return kind + ":" + hashlib.sha256(material).hexdigest()[:32]


def _rsa_modulus(der: bytes, lo: int, hi: int) -> str | None:
    """The id of a PKCS#1 RSAPublicKey or RSAPrivateKey's modulus."""
    seq = _children(der, lo, hi)
    if len(seq) != 1 or seq[0][0] != 0x30:
        return None
    ints = [c for c in _children(der, seq[0][1], seq[0][2]) if c[0] == 0x02]
    if not ints:
        return None
    # RSAPublicKey is (n, e); RSAPrivateKey is (version, n, e, d, ...).
    n = ints[0] if len(ints) == 2 else ints[1] if len(ints) > 2 else None
    return None if n is None else _key_id("rsa", der[n[1] : n[2]])


def certificate_key(der: bytes) -> str | None:
    """The id of the public key a DER certificate certifies, or None."""
    cert = _children(der, 0, len(der))
    if not cert or cert[0][0] != 0x30:
        return None
    parts = _children(der, cert[0][1], cert[0][2])
    if not parts or parts[0][0] != 0x30:
        return None
    tbs = _children(der, parts[0][1], parts[0][2])
    if tbs and tbs[0][0] == 0xA0:  # [0] version
        tbs = tbs[1:]
    if len(tbs) < 6 or tbs[5][0] != 0x30:
        return None
    return _spki_key(der, tbs[5][1], tbs[5][2])


def _spki_key(der: bytes, lo: int, hi: int) -> str | None:
    """The id of a SubjectPublicKeyInfo's key (the inside of its SEQUENCE)."""
    spki = _children(der, lo, hi)
    if len(spki) != 2 or spki[0][0] != 0x30 or spki[1][0] != 0x03:
        return None
    alg = _children(der, spki[0][1], spki[0][2])
    bits = der[spki[1][1] + 1 : spki[1][2]]  # after the unused-bits byte
    if alg and alg[0][0] == 0x06 and der[alg[0][1] : alg[0][2]] == _RSA:
        return _rsa_modulus(bits, 0, len(bits))
    return _key_id("pt", bits)


def public_key(label: str, der: bytes) -> str | None:
    """The id of a PEM public key (`PUBLIC KEY`, a SubjectPublicKeyInfo; `RSA PUBLIC
    KEY`, PKCS#1), comparable with private_key_public's."""
    if label == "RSA PUBLIC KEY":
        return _rsa_modulus(der, 0, len(der))
    top = _children(der, 0, len(der))
    if label != "PUBLIC KEY" or len(top) != 1 or top[0][0] != 0x30:
        return None
    return _spki_key(der, top[0][1], top[0][2])


def _pkcs8(der: bytes) -> tuple[bytes, list[tuple[int, int, int]]] | None:
    """A PKCS#8 `OneAsymmetricKey`: its algorithm's OID and its fields (version,
    algorithm, the private key's OCTET STRING, then the optional ones)."""
    top = _children(der, 0, len(der))
    if len(top) != 1 or top[0][0] != 0x30:
        return None
    fields = _children(der, top[0][1], top[0][2])
    if len(fields) < 3 or fields[1][0] != 0x30 or fields[2][0] != 0x04:
        return None
    alg = _children(der, fields[1][1], fields[1][2])
    oid = der[alg[0][1] : alg[0][2]] if alg and alg[0][0] == 0x06 else b""
    return oid, fields


def private_key_public(label: str, der: bytes) -> str | None:
    """The id of the public key of a PEM private key (`RSA PRIVATE KEY`, `EC PRIVATE
    KEY`, unencrypted PKCS#8 `PRIVATE KEY`), or None when the key does not carry it
    (an Ed25519 PKCS#8 v1 key) or cannot be read."""
    if label == "RSA PRIVATE KEY":
        return _rsa_modulus(der, 0, len(der))
    if label == "EC PRIVATE KEY":
        return _sec1_point(der, 0, len(der))
    if label != "PRIVATE KEY":
        return None
    read = _pkcs8(der)
    if read is None:
        return None
    oid, fields = read
    if oid == _RSA:
        return _rsa_modulus(der, fields[2][1], fields[2][2])
    if oid == _EC:
        return _sec1_point(der, fields[2][1], fields[2][2])
    for tag, lo, hi in fields[3:]:  # OneAsymmetricKey's [1] publicKey
        if tag == 0x81:
            return _key_id("pt", der[lo + 1 : hi])
    return None


def _sec1_point(der: bytes, lo: int, hi: int) -> str | None:
    seq = _children(der, lo, hi)
    if len(seq) != 1 or seq[0][0] != 0x30:
        return None
    for tag, clo, chi in _children(der, seq[0][1], seq[0][2]):
        if tag == 0xA1:  # [1] publicKey BIT STRING
            inner = _children(der, clo, chi)
            if inner and inner[0][0] == 0x03:
                return _key_id("pt", der[inner[0][1] + 1 : inner[0][2]])
    return None


# --- an Ed25519 key's public key, computed (RFC 8032) ----------------------------------
# A PKCS#8 v1 Ed25519 key carries only its 32-byte seed; its public key is the point the
# seed's hash multiplies the base point by. Computing it (about two milliseconds) pairs
# the key with a public key shown beside it.

_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P


def _recover_x(y: int) -> int:
    xx = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(xx, (_P + 3) // 8, _P)
    if (x * x - xx) % _P:
        x = x * pow(2, (_P - 1) // 4, _P) % _P
    return _P - x if x & 1 else x


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY)
_Point = tuple[int, int, int, int]
_BASE: _Point = (_GX, _GY, 1, _GX * _GY % _P)


def _add(p: _Point, q: _Point) -> _Point:
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def ed25519_public(der: bytes) -> str | None:
    """The id of the public key of an unencrypted PKCS#8 Ed25519 key (`PRIVATE KEY`),
    computed from its seed, comparable with certificate_key's and public_key's."""
    read = _pkcs8(der)
    if read is None or read[0] != _ED25519:
        return None
    fields = read[1]
    inner = _children(der, fields[2][1], fields[2][2])
    if len(inner) != 1 or inner[0][0] != 0x04 or inner[0][2] - inner[0][1] != 32:
        return None
    digest = hashlib.sha512(der[inner[0][1] : inner[0][2]]).digest()
    scalar = int.from_bytes(digest[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    point: _Point = (0, 1, 1, 0)
    base = _BASE
    while scalar:
        if scalar & 1:
            point = _add(point, base)
        base = _add(base, base)
        scalar >>= 1
    inverse = pow(point[2], _P - 2, _P)
    x, y = point[0] * inverse % _P, point[1] * inverse % _P
    return _key_id("pt", (y | (x & 1) << 255).to_bytes(32, "little"))
