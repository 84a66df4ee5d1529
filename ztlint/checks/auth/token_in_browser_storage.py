"""Credentials written to Web Storage.

Anything in `localStorage` or `sessionStorage` is readable by every script on the
origin, so one XSS or a compromised dependency takes the session with it; an HttpOnly
cookie is not readable from script. `localStorage` also outlives the tab (high);
`sessionStorage` ends with it (low, the minimum fix the seed's B4 names, together with a
CSP). A write is reported when its key or its value names a credential: a token, a JWT,
a bearer or access/refresh/id token, a session id, an API key, a password. A "session"
that is only a preferences object (`setItem("session", {currency})`) is not one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.codeutil import text as _text
from ztlint.model import Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_CREDENTIAL = re.compile(
    r"(?i)(token|jwt|bearer|session_?(id|token|secret)|sess_?id|(^|[_-])sid$|api_?key|secret|passw(or)?d|credential|auth(?!or)|id_token)"
)
_NOT_CREDENTIAL = re.compile(
    r"(?i)(expir|_at$|At$|timeout|count|theme|lang|locale|redirect|url$|state$|warning|closed|dismiss|seen|shown|"
    # a choice of mechanism, not a credential: `selectedAuth`, `authMethod`, `tokenType`
    r"selected|method|type$|mode$|provider|backend|strategy|"
    # an anti-CSRF token: the page must read it to send it; it authenticates nothing alone
    r"csrf|xsrf)"
)


def _names_credential(text: str) -> bool:
    last = re.split(r"[.\[\]\"'`]+", text.strip("\"'` "))
    words = [w for w in last if w]
    name = words[-1] if words else text
    return bool(_CREDENTIAL.search(name)) and not _NOT_CREDENTIAL.search(name)


def _storage(ctx: FileContext, obj: Node) -> str | None:
    text = _text(ctx, obj).replace("window.", "").replace("globalThis.", "")
    return text if text in ("localStorage", "sessionStorage") else None


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    stack = [ctx.tree().root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        storage = key = value = None
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if function is None or function.type != "member_expression" or args is None:
                continue
            prop = function.child_by_field_name("property")
            obj = function.child_by_field_name("object")
            if prop is None or obj is None or _text(ctx, prop) != "setItem":
                continue
            storage = _storage(ctx, obj)
            items = args.named_children
            if storage is None or len(items) != 2:
                continue
            key, value = items
        elif node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                continue
            if left.type == "subscript_expression":
                obj = left.child_by_field_name("object")
                key = left.child_by_field_name("index")
            elif left.type == "member_expression":
                obj = left.child_by_field_name("object")
                key = left.child_by_field_name("property")
            else:
                continue
            storage = _storage(ctx, obj) if obj is not None else None
            value = right
            if storage is None or key is None:
                continue
        else:
            continue
        key_text, value_text = _text(ctx, key), _text(ctx, value)
        what = (
            key_text
            if _names_credential(key_text)
            else value_text
            if _names_credential(value_text)
            else None
        )
        if what is None:
            continue
        lasting = storage == "localStorage"
        yield Hit(
            span=code.node_span(ctx.source, node),
            message=f"a credential ({' '.join(what.split())[:60]}) is stored in {storage}, readable by any script on the origin"
            + ("" if lasting else " until the tab closes")
            + "; keep it in an HttpOnly, Secure, SameSite cookie",
            severity=None if lasting else Severity.LOW,
        )
