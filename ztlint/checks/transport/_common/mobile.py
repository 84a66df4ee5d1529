"""Reading mobile and platform TLS settings: Apple App Transport Security in property
lists (XML and binary), Android's network security configuration and manifest. The
detectors are the rules' own (plaintext_transport/mobile.py, tls_verification_disabled/
android.py, weak_tls_version.py).

App Transport Security (ATS) is on by default on iOS and macOS: HTTPS with TLS 1.2 or
newer and a trusted certificate. `NSAllowsArbitraryLoads` turns it off for every host,
`NSAllowsArbitraryLoadsInWebContent` for what web views load, and a per-domain
`NSExceptionAllowsInsecureHTTPLoads` lets one host be reached over plain http
(plaintext-transport); `NSExceptionMinimumTLSVersion` below `TLSv1.2` lets one host
negotiate TLS 1.0 or 1.1 (weak-tls-version). Apple ignores `NSAllowsArbitraryLoads` on
iOS 10 and macOS 10.12 and later when `NSAllowsArbitraryLoadsInWebContent`,
`NSAllowsArbitraryLoadsForMedia` or `NSAllowsLocalNetworking` is present; then it only
weakens old systems (medium). ATS never applies to IP addresses and local names, so an
exception for `localhost`, a private address or a reserved name changes nothing.

Android: `cleartextTrafficPermitted="true"` on `<base-config>` permits plain http to
every host, on a `<domain-config>` to its domains (local and reserved names excepted);
`android:usesCleartextTraffic="true"` in the manifest does the same for apps without a
network security config. `<certificates src="user"/>` makes the app trust CAs that the
device's user (or whoever talked them into it) installed, and `overridePins="true"`
lets a CA bypass the pins: both weaken peer verification (tls-verification-disabled).
Inside `<debug-overrides>` they apply to debuggable builds only, which is what that
element is for; a manifest or resource in the `src/debug/` source set is the debug
build's as well (low confidence).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from ztlint.checks.transport._common.hosts import host_trust
from ztlint.model import Confidence, Span
from ztlint.parsers.data import ParseFailure
from ztlint.parsers.xmldoc import (
    Element,
    PlistValue,
    parse_xml,
    plist_from_binary,
    plist_from_xml,
)
from ztlint.rule import FileContext, Hit

_ATS = "NSAppTransportSecurity"
_BPLIST = b"bplist00"
_T = TypeVar("_T")


def _once(ctx: FileContext, parse: Callable[[FileContext], _T]) -> _T:
    """Parse once per file; a failure is noted once and raised to every detector."""
    found: _T | ParseFailure = ctx.cached(_noting_failure, parse)
    if isinstance(found, ParseFailure):
        raise found
    return found


def _noting_failure(ctx: FileContext, parse: Callable[[FileContext], _T]) -> _T | ParseFailure:
    try:
        return parse(ctx)
    except ParseFailure as failure:
        ctx.parse_notes.append(failure)
        return failure


def _xml_root(ctx: FileContext) -> Element:
    return _once(ctx, _parse_xml)


def _parse_xml(ctx: FileContext) -> Element:
    return parse_xml(ctx.source)


def _parse_binary(ctx: FileContext) -> PlistValue:
    return plist_from_binary(ctx.head)


def _plist(ctx: FileContext) -> tuple[PlistValue | None, bool]:
    """The file's property list and whether it is binary. A binary file is read only
    when it is a binary plist that names App Transport Security at all."""
    if ctx.is_binary:
        if not ctx.head.startswith(_BPLIST) or _ATS.encode() not in ctx.head:
            return None, True
        return _once(ctx, _parse_binary), True
    if _ATS not in ctx.text:
        return None, False
    return plist_from_xml(_xml_root(ctx)), False


def _truthy(value: PlistValue | None) -> bool:
    if value is None:
        return False
    if isinstance(value.value, bool):
        return value.value
    return isinstance(value.value, str) and value.value.strip().upper() in ("YES", "TRUE", "1")


def _key_span(entry: PlistValue, key: str, binary: bool) -> Span:
    if binary:
        return Span(1, 1, 1, 1)
    width = len("<key></key>") + len(key)
    return Span(entry.key_line, entry.key_column, entry.key_line, entry.key_column + width)


class _Domain:
    __slots__ = ("name", "settings", "subdomains")

    def __init__(self, name: str, settings: PlistValue) -> None:
        self.name = name
        self.settings = settings
        self.subdomains = _truthy(settings.get("NSIncludesSubdomains"))

    def path(self, key: str) -> str:
        return f'{_ATS}.NSExceptionDomains["{self.name}"].{key}'

    def describe(self) -> str:
        return f"{self.name} and its subdomains" if self.subdomains else self.name


def _public_domains(ats: PlistValue) -> Iterator[_Domain]:
    """The exception domains ATS would apply to: not IP addresses, local or reserved
    names (ATS leaves those alone, so an exception for them changes nothing)."""
    domains = ats.get("NSExceptionDomains")
    if domains is None or not isinstance(domains.value, dict):
        return
    for name, settings in domains.value.items():
        if isinstance(settings.value, dict) and host_trust(name.lstrip("*.")) == "public":
            yield _Domain(name, settings)


def _ats(ctx: FileContext) -> tuple[PlistValue, bool] | None:
    root, binary = _plist(ctx)
    ats = root.get(_ATS) if root is not None else None
    if ats is None or not isinstance(ats.value, dict):
        return None
    return ats, binary


def _where(binary: bool) -> str:
    return " (binary plist)" if binary else ""


# --- Android --------------------------------------------------------------------

_ANDROID = "http://schemas.android.com/apk/res/android"
_DEBUG_SOURCE_SET = re.compile(r"(^|/)src/debug/")


def _android_attr(element: Element, name: str) -> tuple[str, str] | None:
    """(attribute as written, value) of `android:<name>` (any prefix bound to the
    Android namespace is spelled `android:` in practice) or of a plain `<name>`."""
    for written, value in element.attrs.items():
        if written == name or (":" in written and written.rpartition(":")[2] == name):
            return written, value
    return None


def _in_debug_overrides(element: Element) -> bool:
    return any(a.tag == "debug-overrides" for a in element.ancestors())


def _domains(config: Element) -> list[str]:
    """The domains a `<domain-config>` applies its own settings to: its `<domain>`s and
    those of nested configs that do not set the same attribute themselves."""
    out = []
    stack = [config]
    while stack:
        node = stack.pop()
        for child in node.children:
            if child.tag == "domain":
                out.append(child.text.strip())
            elif child.tag == "domain-config" and "cleartextTrafficPermitted" not in child.attrs:
                stack.append(child)
    return out


def _debug_build(ctx: FileContext) -> bool:
    return bool(_DEBUG_SOURCE_SET.search(ctx.path))


# Android Lint's own checks for these settings; `tools:ignore` naming one (or `all`) on
# the element or an ancestor says the maintainers reviewed it, as a `#nosec` does for
# code (ztlint.acknowledged): the finding drops to medium confidence.
_LINT_IDS = {"cleartext": "InsecureBaseConfiguration", "user": "AcceptsUserCertificates"}


def _lint_ignored(element: Element, lint_id: str) -> bool:
    for node in (element, *element.ancestors()):
        for written, value in node.attrs.items():
            if written.endswith(":ignore"):
                ids = {part.strip() for part in value.split(",")}
                if lint_id in ids or "all" in ids:
                    return True
    return False


def _adjust(hit: Hit, debug: bool, acknowledged: bool = False) -> Hit:
    """The debug build's settings are low confidence; settings the maintainers
    acknowledged to Android Lint are medium."""
    if not debug and not acknowledged:
        return hit
    if debug:
        message, confidence = hit.message + " (debug source set)", Confidence.LOW
    else:  # as for other tools' markers, the message and fingerprint stay the same
        message, confidence = hit.message, Confidence.MEDIUM
    if hit.confidence is not None and hit.confidence < confidence:
        confidence = hit.confidence
    return Hit(
        span=hit.span,
        message=message,
        severity=hit.severity,
        confidence=confidence,
        entity=hit.entity,
    )
