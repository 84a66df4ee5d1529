"""The host names an X.509 certificate is for, read from its DER bytes: the subject's
common names and the subject alternative names (DNS names and IP addresses). Enough
of DER to walk a certificate, nothing more: no signature is checked and no other
field is read."""

from __future__ import annotations

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
    """The certificate's common names, DNS names and IP addresses; [] when the bytes
    are not DER."""
    out: list[str] = []
    _walk(der, 0, len(der), out, 0)
    return out


def _walk(der: bytes, start: int, end: int, out: list[str], depth: int) -> None:
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
                        _general_names(der, vlo, vhi, out)
                        break
        elif tag & 0x20:  # constructed: look inside
            _walk(der, lo, hi, out, depth + 1)


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
