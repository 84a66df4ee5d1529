"""Containers started from scripts: `docker run`, `podman run`, `nerdctl run` (and
`create`, `container run`) in shell scripts, Makefile recipes, CI `run:` steps and
Dockerfile `RUN` instructions, read with the same container rules as compose files.

The command's words come from the shell parser (ztlint.checks.shell), so quoting and
line continuations are the shell's. Options are read the way the runtimes' flag parser
reads them: `--opt=value` and `--opt value`, short clusters (`-itv SRC:DST`), global
options before the subcommand (`docker -H tcp://x run`), and `--` ends the options.
Reading stops at the image: the words after it are the container's command, not the
runtime's options (`docker run img sh -c '... --privileged'` is not privileged). A word
that is a shell expansion where an option or the image could stand (`$DOCKER_OPTS`)
ends the reading too: what it holds is not known.

Each finding is reported at the option's line in the file. The container rules
(ZT301-ZT309) read the runs parsed here, each in its own module (`detect_scripts`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ztlint import classify
from ztlint.checks import shell
from ztlint.checks.containers._common.isolation import (
    capability,
)
from ztlint.model import Confidence, Span
from ztlint.rule import FileContext

RUNTIMES = frozenset({"docker", "podman", "nerdctl"})
_SUBCOMMANDS = frozenset({"run", "create"})
# Global options (before the subcommand) that take a value, of docker, podman, nerdctl.
_GLOBAL_VALUE = frozenset(
    {
        "-H", "--host", "--context", "-c", "--config", "-l", "--log-level", "--url",
        "--connection", "--root", "--runroot", "--namespace", "-n", "--address", "-a",
        "--storage-driver", "--cgroup-manager", "--identity", "--tlscacert", "--tlscert",
        "--tlskey", "--data-root", "--snapshotter", "--cni-path", "--cni-netconfpath",
        "--runtime", "--module", "--events-backend", "--network-cmd-path", "--tmpdir",
    }
)  # fmt: skip
# Options of `run` that take no value (`--opt=false` still may be written).
_BOOLEAN = frozenset(
    {
        "--privileged", "--detach", "--interactive", "--tty", "--rm", "--init", "--read-only",
        "--publish-all", "--sig-proxy", "--no-healthcheck", "--oom-kill-disable",
        "--disable-content-trust", "--quiet", "--help", "--replace", "--rootfs",
        "--read-only-tmpfs", "--rmi", "--tls-verify", "--http-proxy", "--env-host",
        "--no-hosts", "--passwd", "--use-parent-cgroups",
    }
)  # fmt: skip
# Short options of `run` that take a value; the others are boolean (`-d`, `-i`, `-t`, `-P`).
_SHORT_VALUE = {
    "a": "--attach",
    "c": "--cpu-shares",
    "e": "--env",
    "h": "--hostname",
    "l": "--label",
    "m": "--memory",
    "p": "--publish",
    "u": "--user",
    "v": "--volume",
    "w": "--workdir",
}
_SHORT_BOOL = {"d": "--detach", "i": "--interactive", "t": "--tty", "P": "--publish-all"}
_ALIASES = {"--net": "--network"}
_FALSE = frozenset({"false", "0", "no", "off"})
_TUN = "/dev/net/tun"
_CI_NOTE = " (in a CI workflow step: the container lives on the runner for the job)"
_CI_SCRIPT_NOTE = (
    " (in a script of the CI configuration under .github/: the container lives on the runner)"
)
_ONE_OFF_NOTE = " (a one-off container, `--rm` in the foreground, as a build or test step starts)"
_RUNTIME_WORD = re.compile(r"\b(?:docker|podman|nerdctl)\b")


@dataclass(frozen=True)
class Option:
    name: str  # the long name, `--volume` for `-v`, `--network` for `--net`
    value: str
    span: Span  # the option's word (where `--opt value` starts)


@dataclass(frozen=True)
class RunCommand:
    runtime: str
    subcommand: str
    image: str | None
    options: tuple[Option, ...]
    span: Span

    @property
    def who(self) -> str:
        image = f" ({self.image})" if self.image else ""
        return f"`{self.runtime} {self.subcommand}`{image}"

    def values(self, name: str) -> list[str]:
        return [o.value.strip().strip("\"'") for o in self.options if o.name == name]

    @property
    def one_off(self) -> bool:
        """Started in the foreground and removed when it exits (`--rm`, no `-d`): a
        step that runs to completion, as build and test steps do, not a service."""
        return (
            self.subcommand == "run"
            and any(v.lower() not in _FALSE for v in self.values("--rm"))
            and not any(v.lower() not in _FALSE for v in self.values("--detach"))
        )

    @property
    def network_agent(self) -> bool:
        """NET_ADMIN with the host's network or the TUN device: a container that exists
        to manage networking (a VPN gateway or client, a tunnel endpoint)."""
        caps = {capability(c) for v in self.values("--cap-add") for c in v.split(",")}
        if "NET_ADMIN" not in caps:
            return False
        return "host" in self.values("--network") or any(
            v.split(":", 1)[0].rstrip("/") == _TUN for v in self.values("--device")
        )


def may_start_container(ctx: FileContext) -> bool:
    """Gate: the text names a container runtime and a run or create subcommand."""
    text = ctx.text
    return ("run" in text or "create" in text) and _RUNTIME_WORD.search(text) is not None


def run_commands(ctx: FileContext) -> list[RunCommand]:
    """The container starts in the file's scripts, read once per file."""
    return ctx.cached(_all_read)


def _all_read(ctx: FileContext) -> list[RunCommand]:
    return list(_read(ctx))


def _read(ctx: FileContext) -> Iterator[RunCommand]:
    for _, commands in shell.file_commands(ctx):
        for command in commands:
            if command.name in RUNTIMES:
                found = parse_run(command)
                if found is not None:
                    yield found


def parse_run(command: shell.Command) -> RunCommand | None:
    words = list(command.args)
    # The shell layer may keep the program's own word first.
    if words and posixpath.basename(words[0].text) == command.name:
        words.pop(0)
    i = 0
    while i < len(words) and words[i].text.startswith("-"):
        text = words[i].text
        i += 2 if text in _GLOBAL_VALUE else 1
    if i < len(words) and words[i].text == "container":
        i += 1
    if i >= len(words) or words[i].text not in _SUBCOMMANDS:
        return None
    subcommand = words[i].text
    i += 1
    options: list[Option] = []
    image: str | None = None
    while i < len(words):
        word = words[i]
        text = word.text
        if text == "--":
            image = words[i + 1].text if i + 1 < len(words) else None
            break
        if not text.startswith("-") or text == "-":
            image = None if "$" in text else text
            break
        if text.startswith("--"):
            name, eq, value = text.partition("=")
            name = _ALIASES.get(name, name)
            if eq:
                options.append(Option(name, value, word.span))
            elif name in _BOOLEAN:
                options.append(Option(name, "true", word.span))
            elif i + 1 < len(words):
                options.append(Option(name, words[i + 1].text, word.span))
                i += 1
            i += 1
            continue
        # A short cluster: boolean letters, then at most one that takes a value (the
        # rest of the word, or the next word).
        cluster = text[1:]
        for k, letter in enumerate(cluster):
            if letter in _SHORT_VALUE:
                rest = cluster[k + 1 :].removeprefix("=")
                if rest:
                    options.append(Option(_SHORT_VALUE[letter], rest, word.span))
                elif i + 1 < len(words):
                    options.append(Option(_SHORT_VALUE[letter], words[i + 1].text, word.span))
                    i += 1
                break
            options.append(Option(_SHORT_BOOL.get(letter, "-" + letter), "true", word.span))
        i += 1
    return RunCommand(command.name, subcommand, image, tuple(options), command.span)


# --- what an option means -------------------------------------------------------------


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    read_only: bool
    option: Option


def mounts(run: RunCommand) -> Iterator[Mount]:
    """Bind mounts: `-v SRC:DST[:MODE]`, `--volume`, `--mount type=bind,src=...`."""
    for opt in run.options:
        if opt.name == "--volume":
            parts = opt.value.split(":")
            if len(parts) >= 2:
                mode = parts[2].split(",") if len(parts) > 2 else []
                yield Mount(parts[0], parts[1], "ro" in mode, opt)
        elif opt.name == "--mount":
            fields: dict[str, str] = {}
            flags: set[str] = set()
            for item in opt.value.split(","):
                key, eq, value = item.partition("=")
                if eq:
                    fields[key.strip().lower()] = value.strip()
                else:
                    flags.add(key.strip().lower())
            if fields.get("type", "volume") != "bind":
                continue
            source = fields.get("source") or fields.get("src") or ""
            target = fields.get("target") or fields.get("destination") or fields.get("dst") or ""
            read_only = bool(
                flags & {"readonly", "ro"}
                or fields.get("readonly", fields.get("ro", "")).lower() in ("true", "1")
            )
            if source:
                yield Mount(source, target, read_only, opt)


def _enabled(opt: Option) -> bool:
    return opt.value.strip().strip("\"'").lower() not in _FALSE


def _context(ctx: FileContext, run: RunCommand) -> tuple[Confidence | None, str]:
    """Where the container runs, as evidence of what it is for: a CI step's (or a script
    kept with the CI configuration under `.github/`) container
    lives on the runner for one job and a one-off container is a build or test step;
    both are reported at medium confidence, a service (detached, or kept) as the rule
    says."""
    if classify.WORKFLOW in ctx.kinds:
        return Confidence.MEDIUM, _CI_NOTE
    if "/.github/" in "/" + ctx.path:
        # A script of the repository's CI (a container action's entrypoint, a workflow's
        # helper): the container runs on the runner too.
        return Confidence.MEDIUM, _CI_SCRIPT_NOTE
    if run.one_off:
        return Confidence.MEDIUM, _ONE_OFF_NOTE
    return None, ""


def _lower(a: Confidence | None, b: Confidence | None) -> Confidence | None:
    if a is None or b is None:
        return a or b
    return min(a, b)
