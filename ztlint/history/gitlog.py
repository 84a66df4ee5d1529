"""git for history scans: which blobs a revision range introduced, and their bytes.

Every command goes through `ztlint.gitrun`'s hardening (the repository's config is
vetted first and refused when it names a program; no hooks, fsmonitor or pager) plus
what reading history needs: no replace refs or grafts (`--no-replace-objects`: a
repository must not swap the objects it is judged by), no lazy fetch of a partial
clone's missing objects (`protocol.allow=never`: a missing blob is a notification, never
a network call), no external diff or textconv, no renames, NUL-separated output
everywhere, and no revision that could be read as an option (`--end-of-options`).

Memory stays bounded: the log is parsed as it streams, blob ids are kept as 20-byte
strings and paths interned, and blob contents are read one at a time from a single
`git cat-file --batch --buffer` process whose input a thread writes.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from ztlint.config import ConfigError
from ztlint.gitrun import HARDENING, Git, GitUnavailable, environment, safe_text

# Forced on top of gitrun.HARDENING for every history command.
HISTORY_HARDENING = (
    "--no-replace-objects",
    "-c",
    "protocol.allow=never",
    "-c",
    "core.commitGraph=true",
    "-c",
    "log.showRoot=true",
    "-c",
    "log.follow=false",
    "-c",
    "diff.ignoreSubmodules=all",
    # Bounded memory: git maps at most 64 MiB of pack files at a time (on istio's
    # 156,000 commits `git log --raw` otherwise peaks at 560 MB resident).
    "-c",
    "core.packedGitLimit=64m",
    "-c",
    "core.packedGitWindowSize=16m",
    "-c",
    "core.deltaBaseCacheLimit=16m",
)
_LOG_SHAPE = (
    "-O/dev/null",  # no diff.orderFile: git would read a file the config names
    "--reverse",
    "--date-order",
    "--raw",
    "-z",
    "--no-abbrev",
    "--no-renames",
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--no-relative",
    "--diff-merges=first-parent",
    "--format=%x01%H %aI",
)
_FILE_MODES = (b"100644", b"100755")
_ZERO = b"0" * 40
_CHUNK = 1 << 16


def history_env() -> dict[str, str]:
    env = environment()
    env.update(GIT_NO_REPLACE_OBJECTS="1", GIT_NO_LAZY_FETCH="1")
    return env


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: str  # author date, strict ISO 8601


@dataclass
class BlobMap:
    """Blobs first introduced by the range, in the order git met them: blob id (20
    bytes) -> (index of the commit, path at that commit)."""

    commits: list[Commit] = field(default_factory=list)
    blobs: dict[bytes, tuple[int, str]] = field(default_factory=dict)
    # Paths that were unsafe to show or not regular files are not listed.
    skipped_entries: int = 0


class History:
    """git commands in one repository, vetted once."""

    def __init__(self, top: str, timeout: float = 3600.0) -> None:
        self.top = top
        self.git = Git(top)
        self.timeout = timeout

    def vet(self) -> None:
        self.git.vet(self.top)

    def run(self, args: list[str]) -> subprocess.CompletedProcess[bytes]:
        self.vet()
        try:
            return subprocess.run(
                ["git", *HARDENING, *HISTORY_HARDENING, *args],
                cwd=self.top,
                env=history_env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise GitUnavailable(f"git {args[0]} did not finish in time") from None
        except (OSError, subprocess.SubprocessError) as exc:
            raise GitUnavailable(f"git could not run: {safe_text(str(exc))}") from None

    def _popen(self, args: list[str], stdin: bool) -> subprocess.Popen[bytes]:
        self.vet()
        try:
            return subprocess.Popen(
                ["git", *HARDENING, *HISTORY_HARDENING, *args],
                cwd=self.top,
                env=history_env(),
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            raise GitUnavailable(f"git could not run: {safe_text(str(exc))}") from None

    # --- revisions ------------------------------------------------------------------

    def revisions(self, spec: str | None, since: str | None, new_only: bool = False) -> list[str]:
        """The `git log` arguments for a range: every ref when `spec` is None. With
        `new_only`, `spec` is one commit id and the range is what no remote-tracking
        branch holds (a pushed new branch)."""
        out: list[str] = []
        if since:
            if since.startswith("-"):
                raise ConfigError(f"--since: not a date: {safe_text(since)}")
            out.append(f"--since={since}")
        if spec is None:
            return [*out, "--all"]
        if new_only:
            if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", spec):
                raise ConfigError(f"not a commit id: {safe_text(spec)}")
            return [*out, spec, "--not", "--remotes"]
        out.append("--end-of-options")
        if not spec or spec.startswith("-") or any(c in spec for c in "\0\n"):
            raise ConfigError(f"--history: not a revision range: {safe_text(spec)}")
        for part in _range_ends(spec):
            check = self.run(["rev-parse", "--verify", "--quiet", "--end-of-options", part])
            if check.returncode != 0:
                raise ConfigError(
                    f"--history: unknown revision '{safe_text(part)}' (in a shallow clone, "
                    "fetch it first or check out with fetch-depth: 0)"
                )
        out.append(spec)
        return out

    def head(self) -> str | None:
        proc = self.run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
        return proc.stdout.strip().decode("ascii") if proc.returncode == 0 else None

    def shallow(self) -> bool:
        proc = self.run(["rev-parse", "--is-shallow-repository"])
        return proc.stdout.strip() == b"true"

    def remote_url(self) -> str | None:
        """origin's URL without credentials, for SARIF's versionControlProvenance."""
        proc = self.run(["config", "--get", "remote.origin.url"])
        url = proc.stdout.strip().decode("utf-8", "replace")
        if proc.returncode != 0 or not url:
            return None
        scheme, sep, rest = url.partition("://")
        if sep:
            host = rest.split("/", 1)
            if "@" in host[0]:
                host[0] = host[0].rsplit("@", 1)[1]
            url = scheme + sep + "/".join(host)
        return safe_text(url)

    def partial_clone(self) -> bool:
        """Whether objects may be missing on purpose (a partial clone): git would fetch
        them on demand, which protocol.allow=never turns into a fatal error."""
        proc = self.run(["config", "--get", "extensions.partialClone"])
        if proc.returncode == 0:
            return True
        proc = self.run(["config", "--get-regexp", r"^remote\..*\.promisor$"])
        return b"true" in proc.stdout.lower()

    def missing(self, revisions: list[str]) -> set[bytes]:
        """Objects the range needs that the clone does not hold, found without fetching
        them (`rev-list --missing=print`)."""
        proc = self._popen(["rev-list", "--objects", "--missing=print", *revisions], stdin=False)
        assert proc.stdout is not None and proc.stderr is not None
        errors = _drain(proc.stderr)
        out: set[bytes] = set()
        try:
            for line in proc.stdout:
                if line.startswith(b"?"):
                    oid = line[1:].strip()
                    if re.fullmatch(rb"[0-9a-f]{40}|[0-9a-f]{64}", oid):
                        out.add(bytes.fromhex(oid.decode("ascii")))
        finally:
            proc.stdout.close()
            proc.wait()
            errors.join()
        return out

    # --- the log --------------------------------------------------------------------

    def blob_map(self, revisions: list[str], known: BlobMap | None = None) -> BlobMap:
        """Map each blob the range introduced to its first commit and path."""
        out = known or BlobMap()
        proc = self._popen(["log", *_LOG_SHAPE, *revisions], stdin=False)
        assert proc.stdout is not None and proc.stderr is not None
        errors = _drain(proc.stderr)
        try:
            _parse_log(_tokens(proc.stdout), out)
        finally:
            proc.stdout.close()
            code = proc.wait()
            errors.join()
        if code != 0:
            message = errors.text.strip().split("\n")[0] if errors.text else "unknown error"
            raise ConfigError(f"--history: git log failed: {safe_text(message)}")
        return out

    def head_blobs(self, head: str) -> set[bytes]:
        proc = self.run(["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", head])
        out: set[bytes] = set()
        for entry in proc.stdout.split(b"\0"):
            meta = entry.split(b"\t", 1)[0].split(b" ")
            if len(meta) == 3 and meta[1] == b"blob":
                out.add(bytes.fromhex(meta[2].decode("ascii")))
        return out

    # --- objects --------------------------------------------------------------------

    def sizes(self, ids: Iterable[bytes]) -> Iterator[tuple[bytes, int | None]]:
        """(id, size) for each blob, size None when the object is missing."""
        for oid, header, _ in self._batch(ids, "--batch-check", with_content=False):
            yield oid, _size(header)

    def contents(self, ids: Iterable[bytes]) -> Iterator[tuple[bytes, bytes | None]]:
        """(id, bytes) for each blob, None when the object is missing, in one stream."""
        for oid, _, data in self._batch(ids, "--batch", with_content=True):
            yield oid, data

    def _batch(
        self, ids: Iterable[bytes], mode: str, with_content: bool
    ) -> Iterator[tuple[bytes, bytes, bytes | None]]:
        proc = self._popen(["cat-file", mode, "--buffer"], stdin=True)
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        order: deque[bytes] = deque()

        def feed(stdin: IO[bytes]) -> None:
            try:
                for oid in ids:
                    order.append(oid)
                    stdin.write(oid.hex().encode("ascii") + b"\n")
            except OSError:
                pass
            finally:
                with contextlib.suppress(OSError):
                    stdin.close()

        writer = threading.Thread(target=feed, args=(proc.stdin,), daemon=True)
        writer.start()
        errors = _drain(proc.stderr)
        out = proc.stdout
        try:
            while True:
                header = out.readline()
                if not header:
                    break
                parts = header.rstrip(b"\n").split(b" ")
                oid = order.popleft() if order else b""
                if len(parts) >= 3 and parts[1] == b"blob":
                    data = None
                    if with_content:
                        size = int(parts[2])
                        data = out.read(size)
                        out.read(1)  # the newline after the content
                    yield oid, header, data
                elif len(parts) >= 3:  # not a blob: skip its content
                    if with_content:
                        out.read(int(parts[2]) + 1)
                    yield oid, b"", None
                else:  # `<id> missing`, `<id> ambiguous`
                    yield oid, b"", None
        finally:
            out.close()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            writer.join()
            errors.join()


def toplevel(cwd: str) -> str:
    """The top of the work tree around `cwd` (its configuration vetted first)."""
    proc = Git(cwd).run(["rev-parse", "--show-toplevel"], cwd)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise ConfigError("--history needs a git work tree (a bare repository: clone it first)")
    return os.path.realpath(os.fsdecode(proc.stdout.rstrip(b"\n")))


def _range_ends(spec: str) -> list[str]:
    """The revisions a range names (`A..B`, `A...B`, `^A B`, `B`), for checking."""
    for sep in ("...", ".."):
        if sep in spec:
            ends = [p for p in spec.split(sep, 1) if p]
            return ends or ["HEAD"]
    return [spec[1:] if spec.startswith("^") else spec]


def _size(header: bytes) -> int | None:
    parts = header.rstrip(b"\n").split(b" ")
    if len(parts) >= 3 and parts[1] == b"blob":
        return int(parts[2])
    return None


class _Drain(threading.Thread):
    """Reads a pipe to its end (bounded: the first 64 KiB kept), so git never blocks
    on a full stderr."""

    def __init__(self, pipe: IO[bytes]) -> None:
        super().__init__(daemon=True)
        self.pipe = pipe
        self.text = ""

    def run(self) -> None:
        kept = b""
        while chunk := self.pipe.read(_CHUNK):
            if len(kept) < _CHUNK:
                kept += chunk[: _CHUNK - len(kept)]
        self.text = kept.decode("utf-8", "replace")


def _drain(pipe: IO[bytes]) -> _Drain:
    thread = _Drain(pipe)
    thread.start()
    return thread


def _tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """NUL-separated tokens of a stream, read in chunks."""
    rest = b""
    while chunk := stream.read(_CHUNK):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _parse_log(tokens: Iterator[bytes], out: BlobMap) -> None:
    """`--raw -z` output with a `\\x01<sha> <date>` header per commit: each header
    token, then pairs of `:<modes> <old> <new> <status>` and a path."""
    commit = -1
    paths: dict[bytes, str] = {}
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(b"\x01"):
            sha, _, date = token[1:].decode("ascii", "replace").partition(" ")
            out.commits.append(Commit(sha, date.strip()))
            commit = len(out.commits) - 1
            continue
        if not token.startswith(b":"):
            continue
        path = next(tokens, b"")
        meta = token[1:].split(b" ")
        if len(meta) < 5 or commit < 0:
            continue
        new_mode, new = meta[1], meta[3]
        if new == _ZERO or new_mode not in _FILE_MODES:
            continue  # deleted, a link, a submodule
        oid = bytes.fromhex(new.decode("ascii"))
        if oid in out.blobs:
            continue
        shown = paths.get(path)
        if shown is None:
            shown = _repo_path(path)
            if shown is None:
                out.skipped_entries += 1
                continue
            paths[path] = shown
        out.blobs[oid] = (commit, shown)


def _repo_path(raw: bytes) -> str | None:
    parts = raw.split(b"/")
    if any(p in (b"", b".", b"..") for p in parts):
        return None
    return os.fsdecode(raw)
