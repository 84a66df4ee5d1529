"""Where a file's code runs, from what it imports: a script of a browser front end.

A check that needs a remote attacker measuring the server (a timing leak) means nothing
in code that runs in the user's own browser: the only one who could time it is the user.
A JavaScript or TypeScript module that imports a browser UI framework (React, Vue,
Preact, Svelte, Solid, Angular, Lit) is such code, unless it says it runs on the server
(`"use server"`, the React server-actions directive) or is a server entry of a framework
that renders on both sides (a Next.js route handler or `getServerSideProps`). So is one
that uses the browser's own globals (`sessionStorage.getItem`, `document.cookie`,
`window.location`) and imports no Node built-in or server framework.
"""

from __future__ import annotations

import re

from ztlint.rule import FileContext

_UI_IMPORT = re.compile(
    r"""(?m)^[ \t]*(?:import\b[^'"\n;]*?\bfrom|import|(?:const|let|var)\s+[^=\n]+=\s*require\()\s*"""
    r"""['"](?:react|react-dom(?:/client)?|preact|vue|svelte|solid-js|lit|@angular/core)['"]"""
)
_SERVER_SIDE = re.compile(
    r"""(?m)^[ \t]*['"]use server['"]|\bgetServerSideProps\b|\bexport\s+(?:async\s+)?function\s+"""
    r"""(?:GET|POST|PUT|PATCH|DELETE)\b|['"](?:next/server|react-dom/server)['"]"""
)
_UI_FILES = (".jsx", ".tsx", ".vue", ".svelte")
# Globals only a browser has, used as such (a call or a property of the page).
_BROWSER_GLOBAL = re.compile(
    r"(?<![\w.])(?:(?:sessionStorage|localStorage)\.(?:getItem|setItem|removeItem)\(|"
    r"document\.(?:cookie|querySelector|getElementById|createElement)\b|window\.location\b)"
)
# What only a server imports: Node's built-ins and server frameworks.
_NODE_IMPORT = re.compile(
    r"""['"](?:node:[\w/]+|fs|fs/promises|http|https|http2|net|tls|child_process|os|"""
    r"""express|koa|fastify|@koa/[\w-]+|@nestjs/[\w-]+|hono)['"]"""
)
_SCRIPTS = frozenset({"javascript", "typescript", "tsx"})


def browser_code(ctx: FileContext) -> bool:
    """Whether the file is a browser front end's module (see the module docstring);
    judged once per file, for every rule that asks."""
    if ctx.parser not in _SCRIPTS:
        return False
    return bool(ctx.cached(_browser_code))


def _browser_code(ctx: FileContext) -> bool:
    text = ctx.text
    ui = ctx.path.endswith(_UI_FILES) or _UI_IMPORT.search(text) is not None
    if not ui and _BROWSER_GLOBAL.search(text) is not None:
        ui = _NODE_IMPORT.search(text) is None
    return ui and _SERVER_SIDE.search(text) is None
