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

from ztlint.parsers.data import Mapping, Node, Scalar

# A word that says "test" where a word starts and ends (`latest`, `attest` and
# `testament` are no tests; `pytest` is the runner).
# A conformance run is a test of the same kind (`npm run conformance` against a
# certification suite's self-signed services).
_TEST_WORD = re.compile(r"(?<![a-z])(?:tests?|testing|e2e|pytest|conformance)(?![a-z])")
_SETTINGS = ("env", "with")


def _says_test(node: Node | None) -> bool:
    return isinstance(node, Scalar) and bool(_TEST_WORD.search(node.value.lower()))


def test_settings(doc: Node) -> set[int]:
    """The ids of the `env` and `with` mappings of the workflow's test steps and test
    jobs (a job's own `env` included)."""
    out: set[int] = set()
    jobs = doc.get_map("jobs") if isinstance(doc, Mapping) else None
    if jobs is None:
        return out
    for job_id, job in jobs.items():
        if not isinstance(job, Mapping):
            continue
        test_job = _says_test(job_id) or _says_test(job.get("name"))
        if test_job:
            out.update(id(n) for key in _SETTINGS if (n := job.get(key)) is not None)
        steps = job.get_seq("steps")
        for step in steps.items if steps is not None else []:
            if isinstance(step, Mapping) and (
                test_job or _says_test(step.get("name")) or _says_test(step.get("run"))
            ):
                out.update(id(n) for key in _SETTINGS if (n := step.get(key)) is not None)
    return out


def test_step_lines(doc: Node) -> list[tuple[int, int]]:
    """The line spans of the workflow's test steps (every step of a test job)."""
    out: list[tuple[int, int]] = []
    jobs = doc.get_map("jobs") if isinstance(doc, Mapping) else None
    if jobs is None:
        return out
    for job_id, job in jobs.items():
        if not isinstance(job, Mapping):
            continue
        test_job = _says_test(job_id) or _says_test(job.get("name"))
        steps = job.get_seq("steps")
        for step in steps.items if steps is not None else []:
            if isinstance(step, Mapping) and (
                test_job or _says_test(step.get("name")) or _says_test(step.get("run"))
            ):
                out.append((step.span.start_line, step.span.end_line))
    return out
