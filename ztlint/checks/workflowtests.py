"""Which parts of a GitHub workflow configure a test run: the settings (`env`, `with`) of
a step that runs tests, and of every step of a job that is one.

A step runs tests when its `name` or its `run` command says so (`Run e2e tests`,
`./scripts/run-instrumented-tests.sh`, `cargo test`, `pytest`); a job is a test job
when its id or `name` says so (`e2e-test`, `name: Integration tests`). What such a
step is given (a target for generated traffic, a test account, a test server's
address) configures the test, not a deployment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.parsers.data import Mapping, Node, Scalar

# A word that says "test" where a word starts and ends (`latest`, `attest` and
# `testament` are no tests; `pytest` is the runner).
# A conformance run is a test of the same kind (`npm run conformance` against a
# certification suite's self-signed services).
_TEST_WORD = re.compile(r"(?<![a-z])(?:tests?|testing|e2e|pytest|conformance)(?![a-z])")
_SETTINGS = ("env", "with")


def _says_test(node: Node | None) -> bool:
    return isinstance(node, Scalar) and bool(_TEST_WORD.search(node.value.lower()))


def _test_parts(doc: Node) -> Iterator[tuple[Mapping, bool, list[Mapping]]]:
    """Each job of the workflow, whether it is a test job, and its test steps (every
    step of a test job)."""
    jobs = doc.get_map("jobs") if isinstance(doc, Mapping) else None
    for job_id, job in jobs.items() if jobs is not None else ():
        if not isinstance(job, Mapping):
            continue
        test_job = _says_test(job_id) or _says_test(job.get("name"))
        steps = job.get_seq("steps")
        tests = [
            step
            for step in (steps.items if steps is not None else [])
            if isinstance(step, Mapping)
            and (test_job or _says_test(step.get("name")) or _says_test(step.get("run")))
        ]
        yield job, test_job, tests


def test_settings(doc: Node) -> set[int]:
    """The ids of the `env` and `with` mappings of the workflow's test steps and test
    jobs (a job's own `env` included)."""
    out: set[int] = set()
    for job, test_job, steps in _test_parts(doc):
        for part in ([job] if test_job else []) + steps:
            out.update(id(n) for key in _SETTINGS if (n := part.get(key)) is not None)
    return out


def test_step_lines(doc: Node) -> list[tuple[int, int]]:
    """The line spans of the workflow's test steps (every step of a test job)."""
    return [
        (step.span.start_line, step.span.end_line)
        for _, _, steps in _test_parts(doc)
        for step in steps
    ]
