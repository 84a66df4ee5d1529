"""Where a file's code runs, from what it imports: a script of a browser front end.

A check that needs a remote attacker measuring the server (a timing leak) means nothing
in code that runs in the user's own browser: the only one who could time it is the user.
A JavaScript or TypeScript module that imports a browser UI framework (React, Vue,
Preact, Svelte, Solid, Angular, Lit) is such code, unless it says it runs on the server
(`"use server"`, the React server-actions directive) or is a server entry of a framework
that renders on both sides (a Next.js route handler or `getServerSideProps`).
"""

from __future__ import annotations

import re

from ztlint.rule import FileContext

_UI_IMPORT = re.compile(
    r"""(?m)^\s*(?:import\b[^'"\n;]*?\bfrom\s*|import\s*|(?:const|let|var)\s+[^=\n]+=\s*require\()\s*"""
    r"""['"](?:react|react-dom(?:/client)?|preact|vue|svelte|solid-js|lit|@angular/core)['"]"""
)
_SERVER_SIDE = re.compile(
    r"""(?m)^\s*['"]use server['"]|\bgetServerSideProps\b|\bexport\s+(?:async\s+)?function\s+"""
    r"""(?:GET|POST|PUT|PATCH|DELETE)\b|['"](?:next/server|react-dom/server)['"]"""
)
_UI_FILES = (".jsx", ".tsx", ".vue", ".svelte")
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
    return ui and _SERVER_SIDE.search(text) is None
