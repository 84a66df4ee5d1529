"""The on-disk result cache: an unchanged file is not scanned again.

One entry per scanned file, named by a SHA-256 of everything its result depends on:
the file's path in the tree and its bytes, and a run key over the ztlint version, the
size and modification time of each installed ztlint source file (so an edited rule
never reads a stale entry),
the parser and grammar versions, and the scan plan (rules, options, severities, size
limit). Project-level rules always run again over the per-file facts, so a change in
one file reaches every rule that depends on it.

The cache lives in the user's cache folder (`$ZTLINT_CACHE_DIR`, else
`$XDG_CACHE_HOME/ztlint`, else `~/.cache/ztlint`), never in the scanned tree: a
repository cannot ship entries that mark its files clean. A folder inside the scanned
root, or not owned by the user, is not used. It is off when `CI` is set and with
`--no-cache`. Entries are written atomically; an entry that cannot be read is a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from ztlint import __version__

KEEP_RUN_KEYS = 4  # run-key folders kept; older ones (earlier versions, rule sets) go
_PACKAGES = (
    "tree-sitter",
    "tree-sitter-go",
    "tree-sitter-rust",
    "tree-sitter-swift",
    "tree-sitter-python",
    "tree-sitter-typescript",
    "tree-sitter-javascript",
    "tree-sitter-bash",
    "tree-sitter-lua",
    "tree-sitter-json",
    "tree-sitter-toml",
    "ruamel.yaml",
    "ruamel.yaml.clib",
)


def default_dir() -> Path:
    explicit = os.environ.get("ZTLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ztlint"


def enabled_by_default() -> bool:
    return not os.environ.get("CI")


def usable(folder: Path, roots: list[str]) -> bool:
    """Outside every scanned root, and ours."""
    try:
        real = os.path.realpath(folder)
        for root in roots:
            top = os.path.realpath(root)
            if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
                return False
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.stat(real)
    except OSError:
        return False
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


@lru_cache(maxsize=1)
def _installation() -> str:
    """Versions of ztlint, its parsers and grammars, and the size and modification time
    of each of ztlint's own source files (an editable install changes without a version
    bump; a stat is enough and keeps start-up short)."""
    from importlib import metadata

    h = hashlib.sha256(__version__.encode())
    for name in _PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-;".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yaml", ".yml", ".json") and path.is_file():
            st = path.stat()
            h.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def run_key(plan_description: Any) -> str:
    h = hashlib.sha256(_installation().encode())
    h.update(repr(plan_description).encode())
    return h.hexdigest()


class Cache:
    """Entries of one run key. Picklable: workers get it with the plan."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder / key[:24]
        self.key = key

    def prepare(self) -> None:
        """Create this run's folder and drop the oldest other run keys."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.utime(self.folder)
        others = sorted(
            (p for p in self.folder.parent.iterdir() if p.is_dir() and p != self.folder),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in others[KEEP_RUN_KEYS - 1 :]:
            shutil.rmtree(old, ignore_errors=True)

    def _entry(self, rel: str, data: bytes) -> Path:
        h = hashlib.sha256(self.key.encode())
        h.update(rel.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(data)
        digest = h.hexdigest()
        return self.folder / digest[:2] / digest[2:]

    def get(self, rel: str, data: bytes) -> Any | None:
        try:
            with open(self._entry(rel, data), "rb") as fh:
                return pickle.load(fh)
        except Exception:  # missing, truncated, from another Python: a miss
            return None

    def put(self, rel: str, data: bytes, result: Any) -> None:
        path = self._entry(rel, data)
        try:
            path.parent.mkdir(exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a full or read-only disk makes the cache a no-op, never an error
