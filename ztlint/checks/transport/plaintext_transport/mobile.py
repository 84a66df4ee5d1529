"""ZT102 in mobile apps: App Transport Security exceptions that allow plain http, and
Android's cleartext permissions (the reading of property lists and manifests is
`ztlint.checks.transport._common.mobile`)."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks.transport._common.hosts import host_trust
from ztlint.checks.transport._common.mobile import (
    _ATS,
    _LINT_IDS,
    _adjust,
    _android_attr,
    _ats,
    _debug_build,
    _domains,
    _in_debug_overrides,
    _key_span,
    _lint_ignored,
    _public_domains,
    _truthy,
    _where,
    _xml_root,
)
from ztlint.model import Confidence, Severity
from ztlint.parsers.xmldoc import attribute_span
from ztlint.rule import FileContext, Hit

# Their presence makes iOS 10+/macOS 10.12+ ignore NSAllowsArbitraryLoads.
_OVERRIDES_ARBITRARY = (
    "NSAllowsArbitraryLoadsInWebContent",
    "NSAllowsArbitraryLoadsForMedia",
    "NSAllowsLocalNetworking",
)


# Current names first; NSTemporary... and NSThirdParty... are the older spellings.
_INSECURE_HTTP = (
    "NSExceptionAllowsInsecureHTTPLoads",
    "NSTemporaryExceptionAllowsInsecureHTTPLoads",
    "NSThirdPartyExceptionAllowsInsecureHTTPLoads",
)


def detect_ats_cleartext(ctx: FileContext) -> Iterator[Hit]:
    found = _ats(ctx)
    if found is None:
        return
    ats, binary = found
    arbitrary = ats.get("NSAllowsArbitraryLoads")
    everywhere = False
    if arbitrary is not None and _truthy(arbitrary):
        present = [k for k in _OVERRIDES_ARBITRARY if ats.get(k) is not None]
        if present:
            yield Hit(
                span=_key_span(arbitrary, "NSAllowsArbitraryLoads", binary),
                message=f"{_ATS}.NSAllowsArbitraryLoads{_where(binary)} turns App Transport "
                f"Security off for every host on iOS 9 and macOS 10.11 (newer systems "
                f"ignore it because {present[0]} is present)",
                severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM,
            )
        else:
            everywhere = True
            yield Hit(
                span=_key_span(arbitrary, "NSAllowsArbitraryLoads", binary),
                message=f"{_ATS}.NSAllowsArbitraryLoads{_where(binary)} turns App Transport "
                "Security off: the app may load plain http:// from every host",
            )
    web = ats.get("NSAllowsArbitraryLoadsInWebContent")
    if web is not None and _truthy(web):
        yield Hit(
            span=_key_span(web, "NSAllowsArbitraryLoadsInWebContent", binary),
            message=f"{_ATS}.NSAllowsArbitraryLoadsInWebContent{_where(binary)}: web views "
            "may load plain http:// content from every host",
            severity=Severity.MEDIUM,
        )
    if everywhere:
        return  # a per-domain exception adds nothing to arbitrary loads everywhere
    for domain in _public_domains(ats):
        for key in _INSECURE_HTTP:
            setting = domain.settings.get(key)
            if setting is not None and _truthy(setting):
                # An exception that names its host is a narrow, deliberate decision (an
                # API reached by address, a probe of a known host): shown with
                # --min-confidence medium; turning ATS off for every host stays high.
                yield Hit(
                    span=_key_span(setting, key, binary),
                    message=f"{domain.path(key)}{_where(binary)}: {domain.describe()} may be "
                    "reached over plain http:// (an exception for that host alone)",
                    entity=domain.name,
                    confidence=Confidence.MEDIUM,
                )
                break


def detect_android_cleartext(ctx: FileContext) -> Iterator[Hit]:
    root = _xml_root(ctx)
    debug = _debug_build(ctx)
    if root.tag == "network-security-config":
        for element in root.iter():
            if element.tag not in ("base-config", "domain-config"):
                continue
            if element.attrs.get("cleartextTrafficPermitted", "").strip() != "true":
                continue
            if _in_debug_overrides(element):
                continue
            span = attribute_span(ctx.source, element, "cleartextTrafficPermitted")
            acknowledged = False
            if element.tag == "base-config":
                hit = Hit(
                    span=span,
                    message='<base-config cleartextTrafficPermitted="true"> permits plain '
                    "http:// to every host the app talks to",
                )
                acknowledged = _lint_ignored(element, _LINT_IDS["cleartext"])
            else:
                public = [d for d in _domains(element) if host_trust(d) == "public"]
                if not public:
                    continue  # the emulator's host, a local or reserved name
                shown = ", ".join(public[:3]) + (" ..." if len(public) > 3 else "")
                hit = Hit(
                    span=span,
                    message='<domain-config cleartextTrafficPermitted="true"> permits plain '
                    f"http:// to {shown} (an exception for the hosts it names)",
                    entity=public[0],
                    confidence=Confidence.MEDIUM,
                )
            yield _adjust(hit, debug, acknowledged)
    elif root.tag == "manifest":
        for element in root.iter():
            if element.tag != "application":
                continue
            found = _android_attr(element, "usesCleartextTraffic")
            if found is None or found[1].strip() != "true":
                continue
            span = attribute_span(ctx.source, element, found[0])
            if _android_attr(element, "networkSecurityConfig") is not None:
                hit = Hit(
                    span=span,
                    message=f'{found[0]}="true" permits plain http:// on Android 6 and older '
                    "(newer systems follow the app's network security config)",
                    severity=Severity.MEDIUM,
                    confidence=Confidence.MEDIUM,
                )
            else:
                hit = Hit(
                    span=span,
                    message=f'{found[0]}="true" permits plain http:// to every host the app '
                    "talks to",
                )
            yield _adjust(hit, debug)
