"""Databases started with authentication turned off: the missing credential.

- The official images' switches, in compose, Kubernetes, workflow, Dockerfile and
  `.env` settings: `POSTGRES_HOST_AUTH_METHOD=trust` (postgres), a true
  `MYSQL_ALLOW_EMPTY_PASSWORD` / `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD` (mysql, mariadb),
  `ALLOW_EMPTY_PASSWORD=yes` (Bitnami's images).
- Redis with `protected-mode no` and no password: in a `redis.conf` (also one embedded
  in a ConfigMap) without `requirepass`, `aclfile` or an enabled `user`; or
  `redis-server --protected-mode no` without `--requirepass`. A server bound to
  loopback only is not reachable from elsewhere and is not reported.
- A `pg_hba.conf` line (also embedded, or a `- host ...` item of a Patroni or operator
  YAML list) that lets non-local clients in with `trust`. `local` (unix socket) lines and
  `host` lines for 127.0.0.1, ::1, `localhost` or `samehost` are not findings.

A workflow job's `services:` container lives for one job and is reachable from that
job's runner only: reported at low confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint import classify
from ztlint.checks import configtext, envvars
from ztlint.checks.shell import Command, commands, scripts
from ztlint.model import Confidence, Span
from ztlint.rule import FileContext, Hit

SWITCHES = (
    "POSTGRES_HOST_AUTH_METHOD",
    "MYSQL_ALLOW_EMPTY_PASSWORD",
    "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD",
    "ALLOW_EMPTY_PASSWORD",
)
_TRUE = frozenset({"1", "yes", "true", "on", "y"})


def _disables(name: str, value: str) -> str | None:
    text = value.strip().lower()
    if name == "POSTGRES_HOST_AUTH_METHOD":
        return (
            "lets every client connect to PostgreSQL without a password"
            if text == "trust"
            else None
        )
    if text in _TRUE:
        if name == "ALLOW_EMPTY_PASSWORD":
            return "starts the database with an empty password"
        return "starts MySQL/MariaDB with an empty root password"
    return None


def detect_environment(ctx: FileContext) -> Iterator[Hit]:
    for setting in envvars.settings(ctx, SWITCHES):
        why = _disables(setting.name, setting.value)
        if why is None:
            continue
        message = f"{setting.name}={setting.value} {why}"
        if setting.where == envvars.CI_SERVICE:
            yield Hit(
                span=setting.span,
                message=f"{message} (a CI job's service container)",
                confidence=Confidence.LOW,
            )
        else:
            yield Hit(span=setting.span, message=message)


# --- redis ---------------------------------------------------------------------------

_REDIS_LINE = re.compile(r"^[\s\"'-]*([a-z][a-z-]*)\s+(.*)$")
_LOOPBACK = re.compile(r"^-?(127\.\d+\.\d+\.\d+|::1|localhost)$")


def _redis_directives(lines: list[str]) -> Iterator[tuple[int, str, str, str]]:
    for number, line in enumerate(lines, 1):
        m = _REDIS_LINE.match(line)
        if m and not line.lstrip().startswith("#"):
            args = m.group(2).split(" #", 1)[0].strip().strip("\"'").strip()
            yield number, m.group(1), args, line


def _loopback_only(addresses: str) -> bool:
    parts = addresses.split()
    return bool(parts) and all(_LOOPBACK.match(p) for p in parts)


def detect_redis_conf(ctx: FileContext) -> Iterator[Hit]:
    """`protected-mode no` in a redis configuration without a password."""
    if ctx.parser in classify.LANGUAGES or not configtext.is_config(ctx):
        return  # code and shell: commands, not configuration lines; prose explains
    if not re.search(r"(?m)^[ \t\"'-]*protected-mode[ \t]+no\b", ctx.text):
        return
    found = list(_redis_directives(ctx.source.lines))
    names = {name for _, name, _, _ in found}
    if names & {"requirepass", "aclfile"}:
        return
    if any(name == "user" and re.search(r"(?:^|\s)on(?:\s|$)", args) for _, name, args, _ in found):
        return
    binds = [args for _, name, args, _ in found if name == "bind"]
    if binds and all(_loopback_only(b) for b in binds):
        return
    for number, name, args, line in found:
        if name == "protected-mode" and args.lower() == "no":
            col = line.find("protected-mode") + 1
            yield Hit(
                span=Span(number, col, number, col + len(line[col - 1 :].rstrip())),
                message="Redis runs with protected-mode no and no requirepass: any client "
                "that reaches it can read and write every key",
            )


def _redis_command(cmd: Command) -> Iterator[Hit]:
    texts = [w.text for w in cmd.args]
    for i, word in enumerate(cmd.args):
        value = None
        if word.text == "--protected-mode" and i + 1 < len(texts):
            value = texts[i + 1]
        elif word.text.startswith("--protected-mode="):
            value = word.text.split("=", 1)[1]
        if value is None or value.lower() != "no":
            continue
        if any(t.startswith("--requirepass") or t.startswith("--aclfile") for t in texts):
            return
        binds = [texts[j + 1] for j, t in enumerate(texts[:-1]) if t == "--bind"]
        if binds and all(_loopback_only(b) for b in binds):
            return
        # A configuration file given first may set a password the command does not show.
        program = next(
            (j for j, t in enumerate(texts) if t.rsplit("/", 1)[-1] == "redis-server"), -1
        )
        config_file = program + 1 < len(texts) and not texts[program + 1].startswith("-")
        yield Hit(
            span=word.span,
            message="redis-server --protected-mode no without --requirepass: any client "
            "that reaches it can read and write every key"
            + (" (unless its configuration file sets a password)" if config_file else ""),
            confidence=Confidence.MEDIUM if config_file else None,
        )
        return


def detect_redis_command(ctx: FileContext) -> Iterator[Hit]:
    for script in scripts(ctx):
        for cmd in commands(script, ctx):
            if cmd.name == "redis-server":
                yield from _redis_command(cmd)


# --- pg_hba.conf ------------------------------------------------------------------------

_HBA = re.compile(
    r"^(?P<lead>[ \t\"'-]*)(?P<type>host|hostssl|hostnossl|hostgssenc|hostnogssenc)[ \t]+"
    r"(?P<db>\S+)[ \t]+(?P<user>\S+)[ \t]+(?P<addr>\S+)[ \t]+"
    r"(?:(?P<mask>\d+\.\d+\.\d+\.\d+)[ \t]+)?(?P<method>[a-z0-9-]+)\b"
)
_LOCAL_ADDRESSES = re.compile(
    r"^(127\.\d+\.\d+\.\d+(/(3[2]|[89]|[12]\d))?|::1(/128)?|localhost|samehost)$", re.I
)


def detect_pg_hba(ctx: FileContext) -> Iterator[Hit]:
    if ctx.parser in classify.LANGUAGES or not configtext.is_config(ctx):
        return
    for number, line in enumerate(ctx.source.lines, 1):
        if "trust" not in line:
            continue
        m = _HBA.match(line)
        if m is None or m.group("method") != "trust":
            continue
        address = m.group("addr").strip("\"'")
        if _LOCAL_ADDRESSES.match(address):
            continue
        col = m.start("type") + 1
        end = m.end("method") + 1
        yield Hit(
            span=Span(number, col, number, end),
            message=f"pg_hba.conf lets clients from {address} connect as {m.group('user')} "
            f"to {m.group('db')} without a password (trust)",
        )
