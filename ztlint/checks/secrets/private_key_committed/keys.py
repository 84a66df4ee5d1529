"""Private keys committed as PEM or OpenSSH text blocks.

A key in the repository is a key for everyone who can read the repository, its forks
and its history. The block must hold a real body: a header alone, or a body of "..."
or placeholders, is documentation, not a key. The body is never printed.

Over 400 lines: the text forms (PEM, OpenSSH, PuTTY) and the binary key stores are
judged by the same evidence of development use; apart, each would repeat it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from ztlint.checks.secrets.private_key_committed import structure, x509
from ztlint.checks.secrets.private_key_committed.structure import imitation
from ztlint.model import Confidence, Severity, Span
from ztlint.rule import FileContext, Hit
from ztlint.semantics.placeholder import is_local_host
from ztlint.semantics.samplekeys import TEST_KEY_WORDS as _TEST_KEY_WORDS
from ztlint.semantics.samplekeys import documented_test_key as documented_test_key
from ztlint.semantics.vocabulary import words

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


_CERTIFICATE = re.compile(
    r"-----BEGIN CERTIFICATE-----((?:[A-Za-z0-9+/=\s]|\\n|\\r){64,16384}?)-----END CERTIFICATE-----"
)


_HOST_NAME = re.compile(r"[*\w.:-]+")


def certified_as_test(text: str) -> bool:
    """Whether a certificate in the file says in its subject's common name that it is
    a test or a sample (`CN=Sample issuer, for testing only`): a name that is no host name and
    holds a test word. The key beside it is the sample's."""
    if "BEGIN CERTIFICATE" not in text:
        return False
    for m in _CERTIFICATE.finditer(text):
        der = _der(m.group(1))
        names = x509.host_names(der) if der is not None else []
        if any(not _HOST_NAME.fullmatch(n) and _TEST_KEY_WORDS.search(n) for n in names):
            return True
    return False


def local_certificates_only(text: str) -> bool:
    """Whether the file is certificates alone (no private key) certified for local or
    reserved names only (for_local_names): the certificate of a test or sample server."""
    return "PRIVATE KEY-----" not in text and for_local_names(text)


def for_local_names(text: str) -> bool:
    """Whether the file's certificates (a key's own certificate travels beside it in a
    bundle, a chart, a test helper) name only the loopback or reserved names
    (`localhost`, `*.example.com`, `127.0.0.1`), and name some: a key for a local or
    sample server, which no public CA would certify."""
    names = _certificate_names(text)
    return names is not None and _local_names(names)


def _certificate_names(text: str) -> list[str] | None:
    """The host names of every certificate in the text; None when there is none or one
    does not decode."""
    if "BEGIN CERTIFICATE" not in text:
        return None
    names: list[str] = []
    for m in _CERTIFICATE.finditer(text):
        der = _der(m.group(1))
        if der is None:
            return None
        names.extend(x509.host_names(der))
    return names


def _local_names(names: list[str]) -> bool:
    hosts = [n for n in names if "." in n or is_local_host(n)]
    return bool(hosts) and all(_not_public(n.removeprefix("*.")) for n in hosts)


# Names only a private network resolves: multicast DNS's `.local` (RFC 6762), which
# Kubernetes' in-cluster suffix `cluster.local` shares, ICANN's private-use `.internal`,
# and `.home.arpa` (RFC 8375). No public CA certifies them (the CA/Browser Forum's
# Baseline Requirements forbid internal names), yet a real service inside a cluster or
# a home network serves them: a key certified for them is a real key in production
# code, and a sample only where its file's place says so (docs, examples, tests).
_PRIVATE_NETWORK = re.compile(r"(?i)^(?:[\w*-]+\.)+(?:local|internal|home\.arpa)\.?$")


def for_private_network_names(text: str) -> bool:
    """Whether the file's certificates name only private-network names (`.local`,
    `cluster.local`, `.internal`, `.home.arpa`) besides local or reserved ones, and
    name some private-network name."""
    names = _certificate_names(text)
    if names is None:
        return False
    hosts = [n for n in names if "." in n or is_local_host(n)]
    private = [n for n in hosts if _PRIVATE_NETWORK.match(n)]
    return bool(private) and all(
        _PRIVATE_NETWORK.match(n) or _not_public(n.removeprefix("*.")) for n in hosts
    )


def certified_keys(text: str) -> list[tuple[str, bool]]:
    """Each certificate's public key id (x509.certificate_key) and whether the
    certificate names only local or reserved names, or says in its subject that it is for
    development or testing (`O=Acme development, CN=Development Root CA`)."""
    out = []
    for m in _CERTIFICATE.finditer(text):
        der = _der(m.group(1))
        key = x509.certificate_key(der) if der is not None else None
        if key is not None and der is not None:
            out.append((key, _local_names(x509.host_names(der)) or _for_development(der)))
    return out


# Words of a certificate's subject that say it serves development or tests only.
_DEVELOPMENT_WORDS = frozenset({"development", "testing", "test"})


def _for_development(der: bytes) -> bool:
    return any(_DEVELOPMENT_WORDS.intersection(words(name)) for name in x509.subject_names(der))


def private_key_ids(text: str) -> list[str]:
    """The public key ids of the unencrypted PEM private keys in the text."""
    out = []
    for begin in _BEGIN.finditer(text):
        label = begin.group(1)
        end = text.find(f"-----END {label}-----", begin.end(), begin.end() + MAX_BLOCK)
        body = text[begin.end() : end] if end != -1 else ""
        if not body or "ENCRYPTED" in body:
            continue
        der = _der(body)
        key = x509.private_key_public(label, der) if der is not None else None
        if key is not None:
            out.append(key)
    return out


_PUBLIC_BEGIN = re.compile(r"-----BEGIN ((?:RSA )?PUBLIC KEY)-----")


def public_key_ids(text: str) -> set[str]:
    """The ids of the PEM public keys in the text (x509.public_key)."""
    out = set()
    for begin in _PUBLIC_BEGIN.finditer(text):
        label = begin.group(1)
        end = text.find(f"-----END {label}-----", begin.end(), begin.end() + MAX_BLOCK)
        der = _der(text[begin.end() : end]) if end != -1 else None
        key = x509.public_key(label, der) if der is not None else None
        if key is not None:
            out.add(key)
    return out


def _not_public(name: str) -> bool:
    """A name no public CA certifies: the loopback, a reserved name, or one whose last
    label cannot be a top-level domain (a TLD is letters, or `xn--` and letters)."""
    if is_local_host(name):
        return True
    tld = name.rstrip(".").rsplit(".", 1)[-1].lower()
    return not (tld.isalpha() or (tld.startswith("xn--") and tld[4:].isalnum()))


def _der(body: str) -> bytes | None:
    compact = re.sub(r"\\[nr]|\s", "", body)
    try:
        return base64.b64decode(compact, validate=True)
    except (ValueError, binascii.Error):
        return None


# `...`, `. . .` or `…` where base64 lines were cut out.
_ELISION = re.compile(r"\.[ \t]?\.[ \t]?\.")


def _real_body(body: str) -> bool:
    """Enough base64 with enough variety to be key material, not a placeholder, and
    whole: a body with an elision mark (`...`, `. . .`) is a key abridged for display
    (an API's sample response, a guide), which cannot be used; base64 has no dots."""
    if "\u2026" in body or ("." in body and _ELISION.search(body)):
        return False
    without_headers = _HEADER_LINE.sub("", body)
    compact = _SEPARATORS.sub("", without_headers).strip("\"'+,")
    if len(compact) < MIN_BODY:
        return False
    b64 = len(_BASE64.findall(compact))
    return b64 >= 0.95 * len(compact) and len(set(compact)) >= 20


def _own_certificate_local(label: str, body: str, text: str) -> bool:
    """The key's own certificates in the same text (paired by the public key: an RSA
    modulus, an elliptic-curve point) name only local or reserved names: a sample
    server's key shown beside its certificate among others (a CA's, an issuer's) that
    name other hosts. Only a text that holds a certificate is read."""
    if "BEGIN CERTIFICATE" not in text or "ENCRYPTED" in body:
        return False
    der = _der(body)
    key = x509.private_key_public(label, der) if der is not None else None
    if key is None:
        return False
    own = [local for cert_key, local in certified_keys(text) if cert_key == key]
    return bool(own) and all(own)


# Public keys computed per file (Ed25519: about two milliseconds each).
_MAX_COMPUTED = 64


def _shown_with_public_key(label: str, body: str, public: set[str], budget: list[int]) -> bool:
    """The key's own public key is shown in the same text: a key pair laid out to
    demonstrate signing and verifying (a library's usage page, a sample's README), not
    a key someone let slip. An Ed25519 key's public key is computed, for at most
    `budget` keys of the file (a file of more is a table, each judged alone)."""
    if not public or "ENCRYPTED" in body:
        return False
    der = _der(body)
    key = x509.private_key_public(label, der) if der is not None else None
    if key is None and der is not None and label == "PRIVATE KEY" and budget[0] > 0:
        budget[0] -= 1
        key = x509.ed25519_public(der)
    return key is not None and key in public


def detect_pem(ctx: FileContext) -> Iterator[Hit]:
    text = ctx.text
    public = public_key_ids(text) if "PUBLIC KEY-----" in text else set()
    computed = [_MAX_COMPUTED]
    for begin in _BEGIN.finditer(text):
        label = begin.group(1)
        end_marker = f"-----END {label}-----"
        end = text.find(end_marker, begin.end(), begin.end() + MAX_BLOCK)
        if end == -1:
            continue
        body = text[begin.end() : end]
        if not _real_body(body) or imitation(label, body):
            continue
        encrypted = "ENCRYPTED" in label or "Proc-Type: 4,ENCRYPTED" in body
        kind = _KINDS.get(label, label.lower())
        if encrypted and not kind.startswith("encrypted"):
            kind = "encrypted " + kind
        block_end = end + len(end_marker)
        size = f"{block_end - begin.start()} characters of PEM text"
        test_key = documented_test_key(ctx.path, text, begin.start()) or certified_as_test(text)
        local = not test_key and (
            for_local_names(text) or _own_certificate_local(label, body, text)
        )
        # Reported in production code as it is; outside it (docs, examples, tests) the
        # file's place makes it a sample (ztlint.policy.unmistakable).
        private = not test_key and not local and for_private_network_names(text)
        if test_key or local:
            # Shown with --min-confidence medium: a test key is a leak only if reused.
            why = "documented as a test key" if test_key else "certified for local names only"
            message = f"{kind} committed ({size}; {why})"
        elif private:
            message = f"{kind} committed ({size}; certified for private-network names only)"
        else:
            message = f"{kind} committed ({size})"
        yield Hit(
            span=ctx.source.span(begin.start(), block_end),
            message=message,
            severity=Severity.MEDIUM if encrypted else None,
            confidence=Confidence.MEDIUM if test_key or local else None,
            secret_spans=(ctx.source.span(begin.end(), end),),
            # A pair shown together is a demonstration: in production code it is
            # reported as it is (a signing key hardcoded with its verifier), outside it
            # the file's place decides.
            unmistakable=not encrypted
            and not test_key
            and not local
            and not private
            and not _shown_with_public_key(label, body, public, computed),
        )


_PUTTY = re.compile(r"^PuTTY-User-Key-File-[23]: (\S+)[^\n]*$", re.M)
_PUTTY_PRIVATE = re.compile(r"^Private-Lines: (\d{1,9})\s*$", re.M)


def detect_putty(ctx: FileContext) -> Iterator[Hit]:
    """PuTTY .ppk keys: a header, public lines, then `Private-Lines: N` of base64."""
    text = ctx.text
    for head in _PUTTY.finditer(text):
        private = _PUTTY_PRIVATE.search(text, head.end())
        if private is None:
            continue
        # The body's lines on the file's own line table, so that the secret span ends
        # where the text does, whatever the line breaks.
        first, _ = ctx.source.position(private.end())
        last = min(first + int(private.group(1)), len(ctx.source.lines))
        lines = ctx.source.lines[first:last]
        if not lines or not _real_body("\n".join(lines)):
            continue
        body_start = ctx.source.line_offset(first + 1)
        body_end = ctx.source.line_offset(last) + len(lines[-1])
        encrypted = (
            re.search(r"^Encryption: (?!none)\S+", text[head.end() : private.start()], re.M)
            is not None
        )
        yield Hit(
            span=ctx.source.span(head.start(), body_end),
            message=f"{'encrypted ' if encrypted else ''}PuTTY private key committed ({head.group(1)})",
            severity=Severity.MEDIUM if encrypted else None,
            secret_spans=(ctx.source.span(body_start, body_end),),
        )


# Binary key stores, by name and magic bytes.
_STORES = (
    ((".p12", ".pfx"), (b"\x30\x82", b"\x30\x80", b"\x30\x83"), "PKCS#12 key store"),
    ((".jks", ".keystore"), (b"\xfe\xed\xfe\xed",), "Java key store"),
    ((".jceks",), (b"\xce\xce\xce\xce",), "JCEKS key store"),
    ((".keytab",), (b"\x05\x02", b"\x05\x01"), "Kerberos keytab"),
    ((".key", ".der"), (b"\x30\x82", b"\x30\x81"), "DER private key"),
)
_TRUSTSTORE = re.compile(r"(?i)trust|cacerts|ca[-_.]?bundle|\.crt$|\.cer$")


def detect_binary(ctx: FileContext) -> Iterator[Hit]:
    name = ctx.path.rsplit("/", 1)[-1].lower()
    if _TRUSTSTORE.search(name):
        return
    for suffixes, magics, kind in _STORES:
        if name.endswith(suffixes) and ctx.head.startswith(magics):
            if kind == "DER private key" and name.endswith(".der") and "key" not in name:
                return  # a .der file is usually a certificate
            if kind == "DER private key" and structure.der_shape(ctx.head) == "public":
                return  # a certificate, a signing request or a public key, by structure
            confidence = None
            if kind == "Java key store":
                entries = _jks_entry_tags(ctx.head)
                if entries is not None and _JKS_PRIVATE_KEY not in entries:
                    return  # trusted certificates only: a trust store by its content
                # A private key entry read from the store is certain; a store that
                # cannot be read to its end may hold certificates only.
                confidence = None if entries is not None else Confidence.MEDIUM
            yield Hit(
                span=Span(1, 1, 1, 1),
                message=f"{kind} committed ({name})",
                confidence=confidence,
            )
            return


_JKS_PRIVATE_KEY = 1
_JKS_TRUSTED_CERT = 2
_JKS_MAX_ENTRIES = 4096


def _jks_entry_tags(data: bytes) -> set[int] | None:
    """The entry tags of a Java key store (1: a private key with its certificate
    chain, 2: a trusted certificate), or None when the bytes do not read as one to the
    end. Layout: magic, version, count, then per entry a tag, an alias (UTF with a
    2-byte length), an 8-byte date, and the entry's body."""
    if len(data) < 12 or data[:4] != b"\xfe\xed\xfe\xed":
        return None
    count = int.from_bytes(data[8:12], "big")
    if count > _JKS_MAX_ENTRIES:
        return None
    pos, tags = 12, set()

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > len(data):
            raise ValueError("truncated")
        chunk = data[pos : pos + n]
        pos += n
        return chunk

    def certificate() -> None:
        take(int.from_bytes(take(2), "big"))  # certificate type, "X.509"
        take(int.from_bytes(take(4), "big"))

    try:
        for _ in range(count):
            tag = int.from_bytes(take(4), "big")
            take(int.from_bytes(take(2), "big"))  # alias
            take(8)  # creation date
            if tag == _JKS_PRIVATE_KEY:
                take(int.from_bytes(take(4), "big"))  # the protected key
                for _ in range(int.from_bytes(take(4), "big")):
                    certificate()
            elif tag == _JKS_TRUSTED_CERT:
                certificate()
            else:
                return None
            tags.add(tag)
    except ValueError:
        return None
    return tags
