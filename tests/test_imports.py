"""The import graph of the ztlint package has no cycle: data flows one way through
the stages (STYLE.md). The graph is read with `ast` from every module, with imports at
module level and inside functions alike (a function-level import is still a
dependency, only a later one). Imports under `if TYPE_CHECKING:` are left out: they
never run, and annotations may name a type from anywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import ztlint

PACKAGE = Path(ztlint.__file__).parent

# Known cycles, each with its reason; empty when there is none. An entry is the
# cycle's modules in order, starting from the smallest name.
KNOWN: dict[tuple[str, ...], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool, modules: set[str]) -> set[str]:
    """The ztlint modules `module` imports. `from a import b` names module a.b when b
    is a module, else a."""
    out: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "ztlint":
                    out.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] == "ztlint":
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    out.add(sub if sub in modules else source)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    out.discard(module)
    return {m for m in out if m in modules}


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    return {
        name: _imports(
            ast.parse(path.read_text(encoding="utf-8")), name, path.stem == "__init__", modules
        )
        for name, path in files.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """One cycle per strongly connected component of more than one module (Tarjan),
    as a shortest cycle through its smallest module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    import sys

    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    for v in sorted(graph):
        if v not in index:
            connect(v)
    out = []
    for component in components:
        members = set(component)
        start = min(members)
        # Breadth-first from start back to start, inside the component.
        paths = {start: (start,)}
        queue = [start]
        found: tuple[str, ...] | None = None
        while queue and found is None:
            v = queue.pop(0)
            for w in sorted(graph[v] & members):
                if w == start:
                    found = paths[v]
                    break
                if w not in paths:
                    paths[w] = (*paths[v], w)
                    queue.append(w)
        assert found is not None
        out.append(found)
    return sorted(out)


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert "ztlint.engine" in graph and "ztlint.cli" in graph
    found = [c for c in cycles(graph) if c not in KNOWN]
    # A known cycle that is gone is dropped from KNOWN, so none hides a new one.
    stale = [c for c in KNOWN if c not in cycles(graph)]
    assert not stale, f"known cycles no longer present (remove them from KNOWN): {stale}"
    shown = "\n".join(" -> ".join((*c, c[0])) for c in found)
    assert not found, f"import cycles in ztlint:\n{shown}"


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [("a", "b", "c")]
    assert cycles({"a": {"b"}, "b": set()}) == []
