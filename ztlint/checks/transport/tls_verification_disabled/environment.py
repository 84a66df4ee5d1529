"""Environment settings that switch certificate checks off for a whole process:
`NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY=true`, set in
compose `environment`, Kubernetes `env`, workflow `env`, Dockerfile `ENV`/`ARG` or a
`.env` file.

On a workflow step whose `run` only starts a test suite (`make test`, `go test`,
`npm test`, `pytest`, `playwright test`, `mocha`, `jest`, `vitest`), or whose
environment names only the runner's own or private addresses (a server the job starts
for its tests at `https://172.17.0.1:3000`), the switch serves the test run against
self-signed test services, not a deployment: low confidence. So is the environment of a
step or job that the workflow names for a test run (`name: npm run conformance`, a job
named `e2e-tests`: ztlint.checks.workflowtests).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint import classify
from ztlint.checks import workflowtests
from ztlint.checks.envvars import yaml_entries
from ztlint.checks.shell import dockerfile_instructions
from ztlint.checks.transport._common.hosts import host_trust
from ztlint.checks.transport.tls_verification_disabled.shell import ENV_SWITCHES, env_disables
from ztlint.model import Confidence, Span
from ztlint.parsers.data import Mapping, Node, walk
from ztlint.rule import FileContext, Hit

_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)(\"[^\"]*\"|'[^']*'|\S*)")


def _message(name: str, value: str) -> str:
    return f"{name}={value} turns off TLS certificate verification for the whole process"


_TEST_RUN = re.compile(
    r"^(?:make\s+[\w-]*test[\w-]*|go\s+test\b.*|(?:npm|yarn|pnpm)\s+(?:run\s+)?test[\w:-]*|"
    r"(?:python3?\s+-m\s+)?pytest\b.*|tox\b.*|cargo\s+test\b.*|npx\s+playwright\s+test\b.*|"
    r"(?:npx\s+)?(?:mocha|jest|vitest(?:\s+run)?)\b.*)$"
)
_URL_HOST = re.compile(r"\b[a-z][a-z0-9+.-]*://(?:[^@/\s\"']*@)?(\[[0-9a-fA-F:]+\]|[\w.-]+)")


def _local_targets(block: Node) -> bool:
    """A workflow step's environment whose addresses are all the runner's own or a
    private network's (`ISSUER: https://172.17.0.1:3000`, a service container): the
    process it configures talks to services the job itself started."""
    hosts = [
        m.group(1) for _, value, _ in yaml_entries(block) for m in _URL_HOST.finditer(value or "")
    ]
    return bool(hosts) and all(host_trust(h) in ("skip", "private") for h in hosts)


def _test_step(node: Mapping) -> bool:
    run = node.get_str("run")
    lines = [line.strip() for line in (run or "").splitlines() if line.strip()]
    return bool(lines) and all(_TEST_RUN.match(line) for line in lines)


def detect(ctx: FileContext) -> Iterator[Hit]:
    if ctx.kinds & {classify.COMPOSE, classify.KUBERNETES, classify.WORKFLOW}:
        for doc in ctx.documents():
            tests = workflowtests.test_settings(doc) if classify.WORKFLOW in ctx.kinds else set()
            for node, _ in walk(doc):
                if not isinstance(node, Mapping):
                    continue
                for key in ("environment", "env"):
                    block = node.get(key)
                    if block is None:
                        continue
                    test_run = classify.WORKFLOW in ctx.kinds and (
                        _test_step(node) or _local_targets(block) or id(block) in tests
                    )
                    for name, value, where in yaml_entries(block):
                        if env_disables(name, value):
                            yield Hit(
                                span=where.span,
                                message=_message(name, value)
                                + (" of a test run" if test_run else ""),
                                confidence=Confidence.LOW if test_run else None,
                            )
    if classify.DOCKERFILE in ctx.kinds:
        for instr in dockerfile_instructions(ctx.source):
            if instr.keyword not in ("ENV", "ARG"):
                continue
            for pair in _PAIR.finditer(instr.body):
                name, value = pair.group(1), pair.group(2)
                if name in ENV_SWITCHES and env_disables(name, value):
                    row = instr.line + instr.body[: pair.start()].count("\n")
                    col = ctx.source.line(row).find(name) + 1
                    span = Span(row, col, row, col + len(pair.group(0)))
                    yield Hit(span=span, message=_message(name, value))
    if classify.DOTENV in ctx.kinds:
        for number, text in enumerate(ctx.source.lines, 1):
            found = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", text)
            if found and env_disables(found.group(1), found.group(2).split(" #", 1)[0]):
                span = Span(number, found.start(1) + 1, number, len(text.rstrip()) + 1)
                yield Hit(span=span, message=_message(found.group(1), found.group(2).strip()))
