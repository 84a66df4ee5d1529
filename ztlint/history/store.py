"""Which blobs a history scan has already checked, kept between runs.

A blob id names its bytes, so a blob checked once under a path and a run key (ztlint's
version, rules and options: ztlint.cache.run_key) never needs checking again. Blobs
with no finding and no notification are recorded in one file per repository and run
key; blobs with findings go to the ordinary result cache (ztlint.cache), keyed by path
and blob id, so their findings are reported again without a new scan.

It lives in the result cache's folder and follows its policy (never inside the scanned
tree, a private folder of the user, off with --no-cache and in CI). Nothing in it can be
used to test a guess of a blob's content: the file holds 16-byte HMACs of (path, blob
id) under the cache's own secret key, never blob ids.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ztlint import cache as cache_mod

_DIGEST = 16
_NAME = "history-"


class BlobStore:
    def __init__(self, cache: cache_mod.Cache, repository: str) -> None:
        self.cache = cache
        name = hmac.new(cache.secret, os.fsencode(repository), hashlib.sha256).hexdigest()
        self.path = Path(cache.folder) / (_NAME + name[:32])
        self.seen: set[bytes] = set()
        self.added: list[bytes] = []
        self._load()

    def _load(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with open(fd, "rb") as fh:
                data = fh.read()
        except OSError:
            return
        usable = len(data) - len(data) % _DIGEST
        self.seen = {data[i : i + _DIGEST] for i in range(0, usable, _DIGEST)}

    def _key(self, path: str, oid: bytes) -> bytes:
        h = hmac.new(self.cache.secret, self.cache.key.encode(), hashlib.sha256)
        h.update(path.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(oid)
        return h.digest()[:_DIGEST]

    def clean(self, path: str, oid: bytes) -> bool:
        return self._key(path, oid) in self.seen

    def mark_clean(self, path: str, oid: bytes) -> None:
        key = self._key(path, oid)
        if key not in self.seen:
            self.seen.add(key)
            self.added.append(key)

    def get(self, path: str, oid: bytes) -> object | None:
        return self.cache.get(path, b"blob\0" + oid)

    def put(self, path: str, oid: bytes, result: object) -> None:
        self.cache.put(path, b"blob\0" + oid, result)

    def save(self) -> None:
        """Write the whole set again, atomically (a run never loses an earlier one's)."""
        if not self.added:
            return
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(b"".join(sorted(self.seen)))
            os.replace(tmp, self.path)
        except OSError:
            pass  # a full or read-only disk: the next run scans these blobs again
        self.added = []


def open_store(
    cache_dir: Path | None, run_key: str, roots: Iterable[str], top: str
) -> BlobStore | None:
    if cache_dir is None or not cache_mod.usable(cache_dir, list(roots)):
        return None
    store = cache_mod.Cache(cache_dir, run_key)
    try:
        store.prepare()
    except OSError:
        return None
    return BlobStore(store, top)
