"""The on-disk result cache: an unchanged file is not scanned again.

One entry per scanned file, named by a keyed hash of everything its result depends on:
the file's path in the tree and its bytes, and a run key over the ztlint version, the
size and modification time of each installed ztlint source file (so an edited rule
never reads a stale entry),
the parser and grammar versions, and the scan plan (rules, options, severities, size
limit). Project-level rules always run again over the per-file facts, so a change in
one file reaches every rule that depends on it. A file whose stat is unchanged is not
even read: ztlint.statcache keeps, per scanned root, each file's stat beside its result.

The cache lives in the user's cache folder (`$ZTLINT_CACHE_DIR`, else the platform's
as platformdirs names it: `$XDG_CACHE_HOME/ztlint` or `~/.cache/ztlint` on Linux,
`~/Library/Caches/ztlint` on macOS, `%LOCALAPPDATA%\\ztlint\\Cache` on Windows), never
in the scanned tree: a repository cannot ship entries that mark its files clean. A
folder inside the scanned root, or not owned by the user, is not used. It is off when
`CI` is set and with `--no-cache`. Entries are written atomically; an entry that
cannot be read is a miss.

Nothing in it is derived from a secret without the user's own key: entry names are an
HMAC-SHA256 under a random key created once in the cache folder (`key`, mode 0600;
without it the cache is off), snippets are masked, and findings are stored without
their secrets' digests (computed again from the file on a hit).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import secrets
import shutil
import stat
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
    import platformdirs  # 2 ms, and only when the cache is on

    return Path(platformdirs.user_cache_dir("ztlint", appauthor=False))


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
    # Not a folder anyone may write to (/tmp): another user could make this run's
    # folder first and swap entries, which are pickles, under it.
    return _ours(st) and not st.st_mode & 0o002


def _ours(st: os.stat_result) -> bool:
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
    roots = [package]
    # A source checkout keeps the rule folders beside the package (`rules/`; a wheel
    # ships them inside it): their rule.yaml files decide findings too.
    from ztlint.registry import rules_dir

    rules = rules_dir().resolve()
    if package not in rules.parents:
        roots.append(rules)
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".yaml", ".yml", ".json", ".scm") and path.is_file():
                st = path.stat()
                rel = path.relative_to(root.parent)
                h.update(f"{rel}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def run_key(plan_description: Any) -> str:
    h = hashlib.sha256(_installation().encode())
    h.update(repr(plan_description).encode())
    return h.hexdigest()


KEY_NAME = "key"
KEY_SIZE = 32


def user_key(folder: Path) -> bytes:
    """The cache's secret key: 32 random bytes in `folder/key`, created once (mode
    0600, never replacing a file and never through a link) and kept by the user alone.
    Entry names are keyed with it, so that nothing in the cache can be used to test a
    guess of a file's content (a password in it). Raises OSError when it cannot be
    created or is not a private regular file of the user's: the cache is then off."""
    path = folder / KEY_NAME
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, os.O_RDONLY | nofollow)
    except FileNotFoundError:
        _create_key(folder, path)
        fd = os.open(path, os.O_RDONLY | nofollow)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077 or not _ours(st):
            raise OSError(f"{path}: not a private file of this user")
        key = os.read(fd, KEY_SIZE + 1)
    finally:
        os.close(fd)
    if len(key) != KEY_SIZE:
        raise OSError(f"{path}: not a {KEY_SIZE}-byte key")
    return key


def _create_key(folder: Path, path: Path) -> None:
    """Write the key to a private temporary file, then link it into place: the key
    appears whole or not at all, and a key another process made first is kept."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".key-")  # mode 0600, O_EXCL
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(KEY_SIZE))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


class Cache:
    """Entries of one run key. Picklable: workers get it with the plan."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder / key[:24]
        self.key = key
        self.secret = b""  # the user's key (user_key), read by prepare

    def prepare(self) -> None:
        """Read (or create) the user's key, create this run's folder and drop the
        oldest other run keys. Raises OSError when there is no usable key."""
        self.secret = user_key(self.folder.parent)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.lstat(self.folder)
        if not stat.S_ISDIR(st.st_mode) or not _ours(st) or st.st_mode & 0o022:
            raise OSError(f"{self.folder}: not a private folder of this user")
        os.utime(self.folder)
        others = sorted(
            (p for p in self.folder.parent.iterdir() if p.is_dir() and p != self.folder),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in others[KEEP_RUN_KEYS - 1 :]:
            shutil.rmtree(old, ignore_errors=True)

    def _entry(self, rel: str, data: bytes) -> Path:
        if not self.secret:
            raise OSError("the cache has no key")
        h = hmac.new(self.secret, self.key.encode(), hashlib.sha256)
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
        try:
            path = self._entry(rel, data)
            path.parent.mkdir(exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a full or read-only disk makes the cache a no-op, never an error
