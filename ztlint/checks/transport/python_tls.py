"""Python TLS semantics a query cannot express: which library a keyword belongs to.

`ssl=False` means "do not verify" to aiohttp but "no TLS at all" to redis or
psycopg; `obj.verify = False` is a requests session setting only where an HTTP client
is in use. These guards look at the file's imports.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.rule import FileContext

_AIOHTTP = re.compile(r"^\s*(?:import|from)\s+aiohttp\b", re.M)
_HTTP_CLIENT = re.compile(
    r"^\s*(?:import|from)\s+(?:requests|httpx|urllib3|aiohttp|hvac|zeep)\b", re.M
)


def imports_aiohttp(ctx: FileContext, captures: dict[str, list[Node]]) -> bool:
    return bool(_AIOHTTP.search(ctx.text))


def imports_http_client(ctx: FileContext, captures: dict[str, list[Node]]) -> bool:
    return bool(_HTTP_CLIENT.search(ctx.text))
