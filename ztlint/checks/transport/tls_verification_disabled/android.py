"""ZT101 on Android: a network security config that trusts user-installed CAs or lets
a CA bypass the pins (the reading of the config is
`ztlint.checks.transport._common.mobile`)."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint.checks.transport._common.hosts import host_trust
from ztlint.checks.transport._common.mobile import (
    _LINT_IDS,
    _adjust,
    _debug_build,
    _domains,
    _in_debug_overrides,
    _lint_ignored,
    _xml_root,
)
from ztlint.model import Confidence, Severity
from ztlint.parsers.xmldoc import attribute_span
from ztlint.rule import FileContext, Hit


def detect_android_trust(ctx: FileContext) -> Iterator[Hit]:
    root = _xml_root(ctx)
    if root.tag != "network-security-config":
        return
    debug = _debug_build(ctx)
    pinned = any(e.tag == "pin-set" for e in root.iter())
    for element in root.iter():
        if element.tag != "certificates" or _in_debug_overrides(element):
            continue
        user = element.attrs.get("src", "").strip() == "user"
        override = element.attrs.get("overridePins", "").strip() == "true"
        if not (user or override):
            continue
        config = next(
            (a for a in element.ancestors() if a.tag in ("base-config", "domain-config")), None
        )
        scope = "for every host"
        if config is not None and config.tag == "domain-config":
            public = [d for d in _domains(config) if host_trust(d) == "public"]
            if not public:
                continue  # a local or reserved name: nothing real is trusted on it
            scope = "for " + ", ".join(public[:3]) + (" ..." if len(public) > 3 else "")
        if user and override:
            what = "trusts user-installed CAs and lets them bypass certificate pins"
        elif user:
            what = "trusts CAs the device's user installed"
        else:
            what = f"lets {element.attrs.get('src', 'these')} CAs bypass certificate pins"
        hit = Hit(
            span=attribute_span(ctx.source, element, "src" if user else "overridePins"),
            message=f"network security config {what} {scope}",
            severity=Severity.MEDIUM,
            confidence=None if (user or pinned) else Confidence.LOW,
        )
        yield _adjust(hit, debug, user and _lint_ignored(element, _LINT_IDS["user"]))
