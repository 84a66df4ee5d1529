"""Shell commands that skip certificate checks, wherever the shell is written.

`curl -k`, `wget --no-check-certificate`, `git -c http.sslVerify=false`, kubectl and
helm `--insecure-skip-tls-verify`, pip `--trusted-host`, npm `strict-ssl false`, and
the environment variables that switch verification off for a whole process. A
`kubectl apply -k` (kustomize) is not one of them, and neither is `curl -k` on http://
URLs only (there is no certificate to check).

A probe is a gated kind of finding: `curl -k -o /dev/null` (or `-I`, `--head`) and
`wget --spider` that send no data, headers or credentials and discard the response only
learn whether an endpoint answers, typically the service's own endpoint while its
certificate may still be issuing. Nothing is trusted over the connection, so it is
reported at medium severity and medium confidence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from ztlint import classify
from ztlint.checks import workflowtests
from ztlint.checks.shell import Command, Word, file_commands
from ztlint.model import Confidence, Severity, Span
from ztlint.rule import FileContext, Hit

# curl's short options that take an argument: in `-dk`, the k is -d's data.
_CURL_ARG_OPTS = set("AbcCdDeEFHKmoPQrtTuUwxXyYz")
ENV_SWITCHES = {
    "NODE_TLS_REJECT_UNAUTHORIZED": ("0",),
    "PYTHONHTTPSVERIFY": ("0",),
    "GIT_SSL_NO_VERIFY": ("1", "true", "yes", "on"),
}


def env_disables(name: str, value: str) -> bool:
    return value.strip().strip("\"'").lower() in ENV_SWITCHES.get(name, ())


def _curl_insecure(word: Word) -> bool:
    text = word.text
    if text == "--insecure" or text == "--proxy-insecure":
        return True
    if not re.fullmatch(r"-[A-Za-z]+", text):
        return False
    for letter in text[1:]:
        if letter == "k":
            return True
        if letter in _CURL_ARG_OPTS:
            return False
    return False


_URL_HOST = re.compile(r"^[a-z]+://(\[[^\]]+\]|[^/:?#]+)", re.I)
_LOOPBACK = re.compile(r"^(localhost|127(\.\d+){3}|\[::1\]|::1)$", re.I)


def _only_loopback(args: tuple[Word, ...]) -> bool:
    """Every URL the command fetches is on loopback (`--resolve` pins a name to
    loopback too): no one can sit in the middle."""
    hosts = [m.group(1) for w in args if (m := _URL_HOST.match(w.text))]
    pinned = {
        w.text.split(":", 1)[0]
        for prev, w in itertools.pairwise(args)
        if prev.text == "--resolve" and _LOOPBACK.match(w.text.rsplit(":", 1)[-1])
    }
    return bool(hosts) and all(_LOOPBACK.match(h) or h in pinned for h in hosts)


_SENDS = re.compile(
    r"^(-[dFHuTbEe]|--data\S*|--form\S*|--header|--user|--upload-file|--cookie|--cert|"
    r"--post-data|--post-file|--body-data|--body-file|--header=\S*|--user=\S*|--password\S*|"
    r"--http-user\S*|--http-password\S*|-X|--request)$"
)
_SCHEME = re.compile(r"^([A-Za-z0-9_${}]+)://")


def _plain_http_only(args: tuple[Word, ...]) -> bool:
    """Every URL the command fetches is http:// (a literal scheme): `-k` has nothing to
    skip."""
    schemes = [m.group(1).lower() for w in args if (m := _SCHEME.match(w.text))]
    return bool(schemes) and all(s == "http" for s in schemes)


def _silent(cmd: Command) -> bool:
    """Sends nothing: no data, header, credential or cookie."""
    return not any(_SENDS.match(w.text) for w in cmd.args)


def _probe(cmd: Command) -> bool:
    """A reachability probe: nothing sent, the response discarded."""
    if not _silent(cmd):
        return False
    texts = [w.text for w in cmd.args]
    if cmd.name == "wget":
        return "--spider" in texts
    discards = any(
        prev in ("-o", "--output") and t == "/dev/null" for prev, t in itertools.pairwise(texts)
    )
    head = any(t in ("-I", "--head") for t in texts)
    return discards or head


def _check(cmd: Command) -> Iterator[tuple[Word | None, str]]:
    for name, value in cmd.assignments:
        if env_disables(name, value.text):
            yield value, f"{name}={value.text} turns off TLS certificate verification"
    args = cmd.args
    texts = [w.text for w in args]
    if cmd.name in ("curl", "wget") and (_only_loopback(args) or _plain_http_only(args)):
        return
    if cmd.name == "curl":
        for w in args:
            if _curl_insecure(w):
                yield w, f"curl {w.text} skips certificate verification"
    elif cmd.name == "wget":
        for w in args:
            if w.text == "--no-check-certificate":
                yield w, "wget --no-check-certificate skips certificate verification"
    elif cmd.name == "git":
        for i, w in enumerate(args):
            setting = w.text.replace(" ", "").lower()
            if setting in ("http.sslverify=false", "http.sslverify=0"):
                yield w, f"git {w.text} skips certificate verification"
            elif (
                setting == "http.sslverify"
                and i + 1 < len(args)
                and args[i + 1].text.lower() in ("false", "0")
            ):
                yield w, f"git config {w.text} {args[i + 1].text} skips certificate verification"
    elif cmd.name in ("kubectl", "helm", "oc", "argocd", "flux"):
        for w in args:
            if w.text in (
                "--insecure-skip-tls-verify",
                "--insecure-skip-tls-verify=true",
                "--insecure",
            ):
                yield w, f"{cmd.name} {w.text} does not authenticate the server"
    elif cmd.name in ("pip", "pip3") or (cmd.name.startswith("python") and "pip" in texts[:2]):
        for w in args:
            if w.text == "--trusted-host" or w.text.startswith("--trusted-host="):
                yield w, f"pip {w.text} skips certificate verification for that host"
    elif cmd.name in ("npm", "yarn", "pnpm"):
        joined = " ".join(texts)
        if re.search(r"\bstrict-ssl(?:\s+|=)false\b", joined):
            yield (
                next(w for w in args if "strict-ssl" in w.text),
                f"{cmd.name} strict-ssl false skips certificate verification",
            )


# `$NAME`, `${NAME}`, `${NAME:-default}` at the start of a word.
_VARIABLE = re.compile(r"^\$(?:\{(\w+)(?::?[-=]([^}]*))?\}|(\w+))")
_IP = re.compile(r"^(\d+(\.\d+){3}|\[.*\])$")


def _targets(args: tuple[Word, ...], variables: dict[str, list[str]]) -> list[str | None]:
    """The hosts a command's URL arguments name, through the script's assignments of a
    variable the URL starts with (each value a possible host, a few assignments deep:
    `url="${base}/cas"`; None for a value the script does not fix: `$1`, a command's
    output)."""
    return [h for word in args for h in _hosts_of(word.text, variables, 3)]


def _hosts_of(text: str, variables: dict[str, list[str]], depth: int) -> list[str | None]:
    m = _URL_HOST.match(text)
    if m:
        return [m.group(1)]
    v = _VARIABLE.match(text)
    if v is None:
        return []
    if depth == 0:
        return [None]
    name, default = v.group(1) or v.group(3), v.group(2)
    values = [*variables.get(name, []), *([default] if default else [])]
    if len(values) > _MAX_VALUES:
        return [None]  # assigned too often to judge: a hostile script costs no more
    out: list[str | None] = []
    for value in values or [""]:
        out.extend(_hosts_of(value, variables, depth - 1) or [None])
    return out


_MAX_VALUES = 8


def _local_default(cmd: Command, variables: dict[str, list[str]]) -> bool:
    """The command's URL comes from a variable whose fixed values all name a loopback
    or a single-label host (`https://local-edge-controller:1280`: a name only a hosts
    file or a container network resolves), whatever the script's user may pass
    instead: a development target by default."""
    if not any(_VARIABLE.match(w.text) for w in cmd.args):
        return False
    hosts = [h for h in _targets(cmd.args, variables) if h is not None]
    return bool(hosts) and all(
        _LOOPBACK.match(h) or ("." not in h and not _IP.match(h)) for h in hosts
    )


# A script named for a health check (`healthcheck.sh`, `readiness-probe.sh`): what an
# image's HEALTHCHECK or a pod's probe runs against the service's own listener.
_HEALTH_SCRIPT = re.compile(
    r"(?i)(?:^|/)[^/]*(?:health[-_]?check|healthz|readiness|liveness)[^/]*$"
)


def _test_steps(ctx: FileContext) -> list[tuple[int, int]]:
    """The lines of a GitHub workflow's test steps (ztlint.checks.workflowtests)."""
    if classify.WORKFLOW not in ctx.kinds:
        return []
    docs = ctx.try_documents() or []
    return [span for doc in docs for span in workflowtests.test_step_lines(doc)]


def detect(ctx: FileContext) -> Iterator[Hit]:
    seen = set()
    health = _HEALTH_SCRIPT.search(ctx.path) is not None
    tests = ctx.cached(_test_steps)
    for _, found in file_commands(ctx):
        variables: dict[str, list[str]] = {}
        for cmd in found:
            if cmd.name in ("", "export"):
                for name, value in cmd.assignments:
                    variables.setdefault(name, []).append(value.text)
        for cmd in found:
            in_test = cmd.name in ("curl", "wget") and any(
                lo <= cmd.span.start_line <= hi for lo, hi in tests
            )
            probe = cmd.name in ("curl", "wget") and (
                _probe(cmd) or ((health or in_test) and _silent(cmd))
            )
            local = cmd.name in ("curl", "wget") and _local_default(cmd, variables)
            for word, message in _check(cmd):
                span = word.span if word is not None else cmd.span
                if (span, message) in seen:
                    continue
                seen.add((span, message))
                if probe and word in cmd.args:
                    what = (
                        "on a probe that sends nothing and discards the response"
                        if _probe(cmd)
                        else "in a health check's script, on a probe that sends nothing (what "
                        "a HEALTHCHECK or readiness probe runs against the service's own listener)"
                        if health
                        else "in a workflow's test step, on a request that sends nothing (a "
                        "check of the service the test run just deployed)"
                    )
                    yield Hit(
                        span=span,
                        message=f"{message} {what}",
                        confidence=Confidence.MEDIUM,
                        severity=Severity.MEDIUM,
                    )
                elif (switch := _insecure_switch(cmd)) is not None:
                    yield Hit(
                        span=span,
                        message=f"{message}, only when `${switch}` turns verification off "
                        "(a switch the deployer sets)",
                        confidence=Confidence.MEDIUM,
                        severity=Severity.MEDIUM,
                    )
                elif local and word in cmd.args:
                    yield Hit(
                        span=span,
                        message=f"{message} against a development host by default "
                        "(a loopback or single-label name the script sets)",
                        confidence=Confidence.MEDIUM,
                    )
                else:
                    yield Hit(span=span, message=message)


# Words of a variable that switches verification off (`INSECURE`, `SKIP_TLS_VERIFY`,
# `KUBECTL_INSECURE_SKIP_TLS_VERIFY`, `NO_VERIFY_SSL`).
_INSECURE_WORDS = frozenset({"insecure", "noverify", "unverified", "unsafe"})
_SKIP_WORDS = frozenset({"skip", "no", "disable", "ignore"})
_VERIFY_WORDS = frozenset({"verify", "verification", "tls", "ssl", "cert", "certs", "certificate"})


def _insecure_switch(cmd: Command) -> str | None:
    """The variable an `if` around the command tests whose name says it turns
    verification off: the command runs insecurely only when a deployer sets it."""
    from ztlint.semantics.vocabulary import words

    for name in cmd.gates:
        ws = set(words(name))
        if ws & _INSECURE_WORDS or (ws & _SKIP_WORDS and ws & _VERIFY_WORDS):
            return name
    return None


def detect_curlrc(ctx: FileContext) -> Iterator[Hit]:
    """`.curlrc`: `insecure`, `-k` or `--insecure` on a line of its own."""
    for number, line in enumerate(ctx.source.lines, 1):
        option = line.strip().split("#", 1)[0].strip()
        if re.fullmatch(r"(?:--)?insecure(?:\s*=\s*\S+)?|-k", option):
            yield Hit(
                span=_line_span(number, line),
                message=f".curlrc `{option}` makes every curl skip verification",
            )
        elif re.fullmatch(r"check_certificate\s*=\s*off", option):
            yield Hit(
                span=_line_span(number, line),
                message=".wgetrc check_certificate = off skips verification",
            )


def _line_span(number: int, line: str) -> Span:
    col = len(line) - len(line.lstrip()) + 1
    return Span(number, col, number, len(line.rstrip()) + 1)
