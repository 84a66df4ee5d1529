"""ZT103 weak-tls-version: the parts a query cannot express.

Go (`go.scm`): a config that only serves a connection reading the peer's state (a
diagnostic that reports what a server negotiates) is not a finding. Python
(`python.scm`): a protocol constant only named, as a mapping's key or a comparison's
operand, is not chosen. Apple's App
Transport Security: `NSExceptionMinimumTLSVersion` below TLS 1.2 for a public domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.codeutil import text as _text
from ztlint.checks.transport._common.go_tls import _inspection_only
from ztlint.checks.transport._common.mobile import _ats, _key_span, _public_domains, _where
from ztlint.model import Confidence, Severity
from ztlint.rule import FileContext, Hit


def inspection_only(ctx: FileContext, captures: dict[str, list[Node]]) -> bool:
    """Guard for weak-version findings: False (drop) when the config only serves a
    connection that reads the peer's state (a diagnostic that reports what a server
    negotiates)."""
    finding = captures["finding"][0]
    literal = finding.parent.parent if finding.parent is not None else None
    return not (
        finding.type == "keyed_element" and literal is not None and _inspection_only(ctx, literal)
    )


def setting_table(
    ctx: FileContext, captures: dict[str, list[Node]]
) -> bool | tuple[Confidence, Severity, str]:
    """Guard for Go assignments: an assignment in one `case` of a `switch` on a setting
    that maps each of its values to a version (`switch c.MinVersion { case "1.0": ... }`)
    translates the deployer's choice; it is that setting's option, not the program's
    (medium confidence, the message names the setting)."""
    finding = captures["finding"][0]
    switch = _setting_switch(ctx, finding)
    if switch is None:
        return True
    setting, value = switch
    left = _text(ctx, finding).split("=")[0].strip()
    version = _text(ctx, captures["version"][0]) if captures.get("version") else "a version"
    message = (
        f"{left} = tls.{version} allows a deprecated TLS version only when `{setting}` is "
        f"{value}: an option the deployer chooses"
    )
    return Confidence.MEDIUM, Severity.LOW, message


def _setting_switch(ctx: FileContext, node: Node) -> tuple[str, str] | None:
    """The setting and the case value when `node` is a statement of one case of a
    `switch` on a variable or field whose cases are literals."""
    case = node.parent
    if case is not None and case.type == "statement_list":
        case = case.parent
    if case is None or case.type != "expression_case":
        return None
    switch = case.parent
    if switch is None or switch.type != "expression_switch_statement":
        return None
    subject = switch.child_by_field_name("value")
    if subject is None or subject.type not in ("selector_expression", "identifier"):
        return None
    values = case.child_by_field_name("value")
    literals = [v for v in (values.named_children if values is not None else [])]
    if not literals or any(
        v.type not in ("interpreted_string_literal", "raw_string_literal", "int_literal")
        for v in literals
    ):
        return None
    return _text(ctx, subject), ", ".join(_text(ctx, v) for v in literals)


# Where a protocol constant is named without being chosen: a mapping's key (a table
# that translates one library's constants into another's), an operand of a comparison
# (`if version == ssl.PROTOCOL_TLSv1: warn(...)`).
_NAMED_ONLY = frozenset({"pair", "comparison_operator"})


def selected(ctx: FileContext, captures: dict[str, list[Node]]) -> bool:
    """Guard for Python's protocol constants: False (drop) when the constant is only
    named, as a mapping's key or a comparison's operand, not passed to make a context."""
    finding = captures["finding"][0]
    parent = finding.parent
    if parent is None:
        return True
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return key is None or key.id != finding.id
    return parent.type not in _NAMED_ONLY


_MINIMUM_TLS = (
    "NSExceptionMinimumTLSVersion",
    "NSTemporaryExceptionMinimumTLSVersion",
    "NSThirdPartyExceptionMinimumTLSVersion",
)


_WEAK_VERSION = re.compile(r"(?i)^\s*(?:TLSv1(?:\.[01])?|SSLv[23](?:\.0)?)\s*$")


def detect_ats(ctx: FileContext) -> Iterator[Hit]:
    found = _ats(ctx)
    if found is None:
        return
    ats, binary = found
    for domain in _public_domains(ats):
        for key in _MINIMUM_TLS:
            setting = domain.settings.get(key)
            if setting is None or not isinstance(setting.value, str):
                continue
            if _WEAK_VERSION.match(setting.value):
                yield Hit(
                    span=_key_span(setting, key, binary),
                    message=f"{domain.path(key)} = {setting.value.strip()}{_where(binary)}: "
                    f"App Transport Security accepts TLS below 1.2 from {domain.describe()}",
                    entity=domain.name,
                )
                break
