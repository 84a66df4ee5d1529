"""Path globs with gitignore's meaning, used by excludes, test paths, config exceptions
and the .gitignore reader.

- `*` and `?` never cross `/`; `**` crosses any number of directories.
- A pattern with no `/` (other than a trailing one) matches a name at any depth.
- A pattern with a `/` is anchored at the base directory.
- A trailing `/` matches directories only: here, any path below such a directory.
- A pattern that matches a directory matches everything below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


def _translate(body: str) -> str:
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c == "*":
            if body.startswith("**", i):
                before_ok = i == 0 or body[i - 1] == "/"
                after = body[i + 2 : i + 3]
                if before_ok and after == "/":
                    out.append("(?:[^/]*/)*")
                    i += 3
                    continue
                if before_ok and after == "":
                    out.append(".*")
                    i += 2
                    continue
                out.append("[^/]*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = body.find("]", i + 2 if body[i + 1 : i + 2] in ("!", "^") else i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                inner = body[i + 1 : j]
                if inner[:1] in ("!", "^"):
                    inner = "^" + inner[1:]
                out.append("[" + inner.replace("\\", "\\\\") + "]")
                i = j + 1
                continue
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(body[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class Glob:
    pattern: str
    regex: re.Pattern[str]
    dir_only: bool

    def match(self, path: str, is_dir: bool = False) -> bool:
        """Whether `path` (relative, POSIX) or one of its parent directories matches."""
        parts = path.split("/")
        # Check every prefix: a match on a parent directory covers the whole subtree.
        for k in range(1, len(parts) + 1):
            prefix = "/".join(parts[:k])
            prefix_is_dir = k < len(parts) or is_dir
            if self.dir_only and not prefix_is_dir:
                continue
            if self.regex.fullmatch(prefix):
                return True
        return False


@lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> Glob:
    p = pattern.strip()
    dir_only = p.endswith("/")
    p = p.rstrip("/")
    anchored = "/" in p
    p = p.lstrip("/")
    if p.startswith("./"):
        p = p[2:]
    body = _translate(p)
    regex = body if anchored else "(?:[^/]*/)*" + body
    return Glob(pattern=pattern, regex=re.compile(regex, re.DOTALL), dir_only=dir_only)


def match_any(patterns: tuple[str, ...], path: str) -> bool:
    """Whether any pattern matches `path` (a file) or one of its parent directories."""
    return _combined(tuple(patterns)).fullmatch(path) is not None


@lru_cache(maxsize=256)
def _combined(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for `any(compile_glob(p).match(path) for p in patterns)`: a pattern
    matching a parent directory is the pattern followed by `/` and anything, so the
    path's prefixes need not be tried one by one."""
    alternatives = []
    for pattern in patterns:
        glob = compile_glob(pattern)
        tail = "/.*" if glob.dir_only else "(?:/.*)?"
        alternatives.append(f"(?:{glob.regex.pattern}){tail}")
    return re.compile("|".join(alternatives) or "(?!)", re.DOTALL)
