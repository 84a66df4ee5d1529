"""A Python web application that serves HTML with no security headers anywhere.

A FastAPI, Starlette or Flask application that renders pages or an admin UI
(`HTMLResponse`, `Jinja2Templates`, `TemplateResponse`, `render_template`,
`StaticFiles(html=True)`) needs `Content-Security-Policy`, `X-Frame-Options`,
`X-Content-Type-Options` or `Strict-Transport-Security` on its responses: without them
any injected script runs freely and any site can frame the UI (the seed's B11).

The headers may be set in the application (a middleware, an `after_request` hook, a
package such as `secure`, flask-talisman or helmet) or in front of it (Envoy
`response_headers_to_add`, nginx `add_header`, ingress annotations, a Caddyfile): the
rule reads the whole repository and reports only when none of the four header names,
nor a known security-headers package, occurs in any file. It is reported once, on the
application's construction, with medium confidence, since a proxy outside the
repository may add them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ztlint.checks.codeutil import calls
from ztlint.model import Span
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics.text import AnyCase

_HEADERS = AnyCase(
    r"content-security-policy|x-frame-options|x-content-type-options|strict-transport-security|"
    r"flask_talisman|talisman\(|\bhelmet\b|secure\.secure|secureheaders|secweb|frame-ancestors"
)
_HTML = re.compile(
    r"\bHTMLResponse\b|\bJinja2Templates\b|\bTemplateResponse\b|\brender_template(_string)?\b|"
    r"StaticFiles\([^)]*html\s*=\s*True"
)
_APPS = frozenset({"FastAPI", "Starlette", "Flask"})
TRIGGERS = (
    "FastAPI(",
    "Starlette(",
    "Flask(",
    "HTMLResponse",
    "Jinja2Templates",
    "TemplateResponse",
    "render_template",
    "StaticFiles",
)
# Every spelling `_HEADERS` accepts contains one of these, in any case.
ANY_CASE_TRIGGERS = (
    "security-policy",
    "frame-options",
    "type-options",
    "transport-security",
    "talisman",
    "helmet",
    "secureheaders",
    "secure.secure",
    "secweb",
    "frame-ancestors",
)


@dataclass(frozen=True)
class App:
    span: Span
    framework: str


@dataclass(frozen=True)
class ServesHtml:
    pass


@dataclass(frozen=True)
class SetsHeaders:
    pass


def collect(ctx: FileContext) -> Iterator[Any]:
    text = ctx.text
    if _HEADERS.search(text, ctx.lower()):
        yield SetsHeaders()
    if ctx.parser != "python":
        return
    if _HTML.search(text):
        yield ServesHtml()
    if not any(f"{name}(" in text for name in _APPS):
        return
    for call, callee, _args in calls(ctx):
        name = callee.split(".")[-1]
        if name in _APPS and (callee == name or callee.startswith(name.lower())):
            yield App(code.node_span(ctx.source, call), name)


def check(facts: Mapping[str, tuple[Any, ...]]) -> Iterator[Hit]:
    every = [f for items in facts.values() for f in items]
    if any(isinstance(f, SetsHeaders) for f in every):
        return
    if not any(isinstance(f, ServesHtml) for f in every):
        return
    for path, items in facts.items():
        for fact in items:
            if isinstance(fact, App):
                yield Hit(
                    span=fact.span,
                    message=f"this {fact.framework} application serves HTML, and no file in the "
                    "repository sets Content-Security-Policy, X-Frame-Options, "
                    "X-Content-Type-Options or Strict-Transport-Security",
                    path=path,
                )
