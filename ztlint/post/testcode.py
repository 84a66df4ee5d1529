"""Where each finding sits: its file's provenance (production, test, example, docs,
vendored, generated), as other files' evidence places it, and Rust test items inside
production files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ztlint import provenance as provenance_mod
from ztlint.globs import match_any
from ztlint.plan import Plan
from ztlint.report import FileResult


def _placed_by_evidence(results: list[FileResult], plan: Plan) -> list[FileResult]:
    """The results with the provenance other files give them
    (ztlint.provenance.project_classes); a class the config sets by path stays."""
    found = {r.path: r.evidence for r in results if r.evidence is not None}
    if not found:
        return results
    origins = {r.path: r.provenance for r in results}
    globs = tuple(g for _, patterns in plan.provenance.overrides for g in patterns)
    kept = [
        p
        for p in found
        if globs and match_any(globs, provenance_mod.relative_to_roots(p, plan.roots))
    ]
    changed = provenance_mod.project_classes(found, origins, kept)
    if not changed:
        return results
    return [replace(r, provenance=changed[r.path]) if r.path in changed else r for r in results]


def _origins(results: Sequence[FileResult], plan: Plan) -> Callable[[str, int | None], str]:
    """A finding's provenance by path and line: its file's, except Rust test items and
    test modules (`#[cfg(test)]`), which are test code in a production file. A file
    the scan did not read (a project finding's) is judged by its path."""
    origins = {r.path: r.provenance for r in results}
    ranges = {r.path: r.test_ranges for r in results}
    declared = tuple(sorted({p for r in results for p in r.test_paths}))

    def origin_of(path: str, line: int | None) -> str:
        origin = origins.get(path)
        if origin is None:
            origin = provenance_mod.classify(
                provenance_mod.relative_to_roots(path, plan.roots), None, plan.provenance
            )
        if origin != provenance_mod.PRODUCTION:
            return origin
        if any(path == d or (d.endswith("/") and path.startswith(d)) for d in declared) or (
            line is not None and any(lo <= line <= hi for lo, hi in ranges.get(path, ()))
        ):
            return provenance_mod.TEST
        return origin

    return origin_of
