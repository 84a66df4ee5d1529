"""What a file imports, as {local name: qualified name}: Go import paths, Python
`import` and `from ... import`, JavaScript/TypeScript `import` and `require`, Rust `use`
trees, Swift `import`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tree_sitter import Node

from ztlint.semantics.model import Binding


def read_imports(
    root: Node, lang: str, text: Callable[[Node], str], top: Callable[[], dict[str, list[Binding]]]
) -> dict[str, str]:
    out: dict[str, str] = {}
    if lang == "go":
        return _go_imports(root, text)
    for node in root.named_children:
        kind = node.type
        if kind == "import_statement" and lang == "python":
            for item in node.named_children:
                if item.type == "dotted_name":
                    out[text(item).split(".")[0]] = text(item).split(".")[0]
                elif item.type == "aliased_import":
                    name = item.child_by_field_name("name")
                    alias = item.child_by_field_name("alias")
                    if name is not None and alias is not None:
                        out[text(alias)] = text(name)
        elif kind == "import_from_statement":
            module = node.child_by_field_name("module_name")
            base = text(module) if module is not None else ""
            for item in node.children_by_field_name("name"):
                if item.type == "dotted_name":
                    out[text(item)] = f"{base}.{text(item)}"
                elif item.type == "aliased_import":
                    name = item.child_by_field_name("name")
                    alias = item.child_by_field_name("alias")
                    if name is not None and alias is not None:
                        out[text(alias)] = f"{base}.{text(name)}"
        elif kind == "import_statement":  # JavaScript / TypeScript
            source = node.child_by_field_name("source")
            spec_of = text(source).strip("\"'`") if source is not None else ""
            for clause in (c for c in node.named_children if c.type == "import_clause"):
                for part in clause.named_children:
                    if part.type == "identifier":
                        out[text(part)] = spec_of
                    elif part.type == "namespace_import":
                        for local in part.named_children:
                            out[text(local)] = spec_of
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            imported = spec.child_by_field_name("name")
                            local_name = spec.child_by_field_name("alias") or imported
                            if imported is not None and local_name is not None:
                                out[text(local_name)] = f"{spec_of}.{text(imported)}"
        elif kind == "use_declaration":
            arg = node.child_by_field_name("argument")
            if arg is not None:
                _rust_use(arg, "", out, text)
        elif kind == "import_declaration" and lang == "swift":
            for module in (c for c in node.named_children if c.type == "identifier"):
                out[text(module)] = text(module)
    if lang in ("javascript", "typescript", "tsx"):
        for binding in _requires(text, top):
            out.update(binding)
    return out


def _go_imports(root: Node, text: Callable[[Node], str]) -> dict[str, str]:
    """A Go file's imports as {name used in the file: import path}: the alias when
    there is one, else the path's last element (`math/rand/v2` is used as `rand`).
    Blank and dot imports are left out."""
    out: dict[str, str] = {}
    for decl in root.named_children:
        if decl.type != "import_declaration":
            continue
        specs = [c for c in decl.named_children if c.type == "import_spec"]
        for group in (c for c in decl.named_children if c.type == "import_spec_list"):
            specs += [c for c in group.named_children if c.type == "import_spec"]
        for spec in specs:
            path_node = spec.child_by_field_name("path")
            if path_node is None:
                continue
            path = text(path_node).strip('"`')
            alias = spec.child_by_field_name("name")
            parts = path.split("/")
            last_is_version = len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1])
            name = text(alias) if alias is not None else parts[-2 if last_is_version else -1]
            if name not in ("_", "."):
                out[name] = path
    return out


def _requires(
    text: Callable[[Node], str], top: Callable[[], dict[str, list[Binding]]]
) -> Iterator[dict[str, str]]:
    for name, items in top().items():
        for b in items:
            v = b.value
            if v is not None and v.type == "call_expression":
                function = v.child_by_field_name("function")
                args = v.child_by_field_name("arguments")
                if (
                    function is not None
                    and text(function) == "require"
                    and args is not None
                    and args.named_children
                    and args.named_children[0].type == "string"
                ):
                    module = text(args.named_children[0]).strip("\"'`")
                    yield {name: f"{module}.{b.key}" if b.key else module}


def _rust_use(node: Node, prefix: str, out: dict[str, str], text: Callable[[Node], str]) -> None:
    kind = node.type
    if kind in ("scoped_identifier", "identifier", "crate", "self"):
        full = prefix + text(node)
        out[full.rsplit("::", 1)[-1]] = full
    elif kind == "use_as_clause":
        path = node.child_by_field_name("path")
        alias = node.child_by_field_name("alias")
        if path is not None and alias is not None:
            out[text(alias)] = prefix + text(path)
    elif kind == "scoped_use_list":
        path = node.child_by_field_name("path")
        base = prefix + (text(path) + "::" if path is not None else "")
        items = node.child_by_field_name("list")
        for item in items.named_children if items is not None else []:
            _rust_use(item, base, out, text)
    elif kind == "use_list":
        for item in node.named_children:
            _rust_use(item, prefix, out, text)
