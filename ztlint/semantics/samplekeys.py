"""Key material documented as a test or sample key: what ZT201 (private keys) and ZT202
(key material of checksummed formats its owner generates, an age identity) both read."""

from __future__ import annotations

import re

# Words that document a key as a test or sample key, in its file's name
# (`testcerts.go`, `snakeoil.key`) or in the text just before the block (a comment,
# the variable it is assigned to). A word counts where a word starts: `latest.pem` and
# an attestation key are not test keys.
TEST_KEY_WORDS = re.compile(
    r"(?i)(?<![a-z])(?:test|example|sample|dummy|fake|demo|insecure|snakeoil|fixture|mock|"
    r"localhost|benchmark)"
)
_DOC_WINDOW = 300
# A folder named for throwaway keys (`snakeoil/tls.key`). (Test, example and sample
# folders are provenance's: their keys are test or example code, reported as such with
# --include-nonproduction.)
_THROWAWAY_FOLDER = re.compile(r"(?i)(?:snakeoil|dummy|fake|insecure)(?![a-z])")


def documented_test_key(path: str, text: str, start: int) -> bool:
    """Whether the key at `start` is documented as a test key: by its file's name, the
    name of the folder that holds it when it is named for throwaway keys
    (`snakeoil/tls.key`, `fake-certs/ca.key`), or by the text just before it. (A folder
    of test code makes its files test code: ztlint.provenance.)"""
    *folders, name = path.split("/")
    return bool(
        TEST_KEY_WORDS.search(name)
        or (folders and _THROWAWAY_FOLDER.match(folders[-1]))
        or TEST_KEY_WORDS.search(text, max(0, start - _DOC_WINDOW), start)
    )


# --- an age identity's recipient -------------------------------------------------------
# An age identity (`AGE-SECRET-KEY-1...`) is an X25519 private scalar in Bech32; its
# recipient (`age1...`) is the public point, in Bech32 under the part `age`. Computing it
# tells a key pair laid out together (a man page's example) from a key let slip.

_P = 2**255 - 19
_A24 = 121665
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _x25519_base(scalar: bytes) -> bytes:
    """X25519(scalar, 9) (RFC 7748): the public key of a private scalar."""
    k = bytearray(scalar)
    k[0] &= 248
    k[31] &= 127
    k[31] |= 64
    s = int.from_bytes(k, "little")
    x1, x2, z2, x3, z3, swap = 9, 1, 0, 9, 1, 0
    for t in reversed(range(255)):
        bit = (s >> t) & 1
        swap ^= bit
        if swap:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a = (x2 + z2) % _P
        aa = a * a % _P
        b = (x2 - z2) % _P
        bb = b * b % _P
        e = (aa - bb) % _P
        c = (x3 + z3) % _P
        d = (x3 - z3) % _P
        da = d * a % _P
        cb = c * b % _P
        x3 = (da + cb) ** 2 % _P
        z3 = x1 * (da - cb) ** 2 % _P
        x2 = aa * bb % _P
        z2 = e * (aa + _A24 * e) % _P
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, _P - 2, _P) % _P).to_bytes(32, "little")


def _polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= _GENERATOR[i] if (top >> i) & 1 else 0
    return check


def _regroup(data: list[int] | bytes, source: int, target: int, pad: bool) -> list[int]:
    acc = bits = 0
    out = []
    mask = (1 << target) - 1
    for value in data:
        acc = (acc << source) | value
        bits += source
        while bits >= target:
            bits -= target
            out.append((acc >> bits) & mask)
    if pad and bits:
        out.append((acc << (target - bits)) & mask)
    return out


def age_recipient(identity: str) -> str | None:
    """The recipient (`age1...`) of an age identity whose Bech32 form is valid."""
    _, _, data = identity.lower().rpartition("1")
    values = [_BECH32.find(c) for c in data]
    if len(values) < 7 or min(values) < 0:
        return None
    key = bytes(_regroup(values[:-6], 5, 8, False))
    if len(key) != 32:
        return None
    public = _regroup(_x25519_base(key), 8, 5, True)
    hrp = [ord(c) >> 5 for c in "age"] + [0] + [ord(c) & 31 for c in "age"]
    check = _polymod(hrp + public + [0] * 6) ^ 1
    public += [(check >> 5 * (5 - i)) & 31 for i in range(6)]
    return "age1" + "".join(_BECH32[v] for v in public)
