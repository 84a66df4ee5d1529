"""Scopes and bindings of one file: the functions around a node, their parameters, and
the single binding of a name that reaches a use. `Semantics` builds on this."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.parsers import code
from ztlint.rule import FileContext
from ztlint.semantics.model import COMMENTS, FUNCTIONS, NAMES, Binding

# The nodes that bind names (Semantics._bind), and the declarations that bind a
# function's own name in the scope around it.
_BINDING_KINDS = frozenset(
    {
        "short_var_declaration",
        "assignment_statement",
        "assignment",
        "var_spec",
        "const_spec",
        "variable_declarator",
        "assignment_expression",
        "named_expression",
        "as_pattern",
        "let_declaration",
        "let_condition",
        "const_item",
        "static_item",
        "property_declaration",
    }
)
_NAMED_FUNCTIONS = frozenset({"function_declaration", "function_definition", "function_item"})


class Scopes:
    """The bindings half of a file's semantics (ztlint.semantics.Semantics)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.lang = ctx.parser or ""
        self._root = ctx.tree().root_node
        self._params: dict[int, frozenset[str]] = {}
        self._spans: list[tuple[int, int, Node]] | None = None
        self._by_scope: dict[int, dict[str, list[Binding]]] | None = None
        self._constants: frozenset[str] | None = None
        self._starts: list[int] = []

    # --- text ----------------------------------------------------------------------

    def text(self, node: Node) -> str:
        return code.node_text(self.ctx.source, node)

    # --- scopes and bindings ----------------------------------------------------------

    def function_of(self, node: Node) -> Node | None:
        """The innermost function around a node (not the node itself), found in an
        index of the file's functions by byte range: tree-sitter finds a node's parent
        by searching down from the root, which costs the tree's depth on every step."""
        if self._spans is None:
            found = sorted(
                ((f.start_byte, -f.end_byte, f) for f in self._function_nodes()),
                key=lambda t: (t[0], t[1]),
            )
            self._spans = [(start, -neg_end, fn) for start, neg_end, fn in found]
            self._starts = [start for start, _, _ in self._spans]
        start, end = node.start_byte, node.end_byte
        i = bisect_right(self._starts, start) - 1
        while i >= 0:
            f_start, f_end, function = self._spans[i]
            if f_start <= start and end <= f_end and function.id != node.id:
                return function
            i -= 1
        return None

    def parameters(self, function: Node) -> frozenset[str]:
        """The names a function's parameters bind (destructured ones too), and a Go
        method's receiver."""
        found = self._params.get(function.id)
        if found is not None:
            return found
        names: set[str] = set()
        for field in ("parameters", "receiver", "parameter"):
            params = function.child_by_field_name(field)
            if params is not None:
                names.update(self.pattern_names(params))
        if self.lang == "swift":
            for child in function.named_children:
                if child.type == "parameter":
                    for n in child.children_by_field_name("name"):
                        if n.type == "simple_identifier":
                            names.add(self.text(n))
        found = frozenset(names)
        self._params[function.id] = found
        return found

    def pattern_names(self, node: Node) -> Iterator[str]:
        """The names a parameter list or a pattern binds (not its types or defaults)."""
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in COMMENTS:
                continue
            if current.type in NAMES:
                parent = current.parent
                if parent is not None and (
                    parent.child_by_field_name("type") == current
                    or parent.child_by_field_name("value") == current
                    or parent.child_by_field_name("key") == current
                ):
                    continue
                yield self.text(current)
                continue
            if current.type in ("type_annotation", "type_identifier", "user_type"):
                continue
            for field in ("value", "type", "default"):
                skip = current.child_by_field_name(field)
                if skip is not None and current.type not in ("pair_pattern",):
                    stack.extend(c for c in current.named_children if c.id != skip.id)
                    break
            else:
                stack.extend(current.named_children)

    def bindings(self, scope: Node | None) -> dict[str, list[Binding]]:
        """The bindings made directly in a function (or the module, for None), not in
        the functions nested in it, by name, in source order. Built for the whole file
        at once from the node index rules share: each binding node is filed under the
        innermost function around it."""
        if self._by_scope is None:
            self._by_scope = self._index_bindings()
        root = scope if scope is not None else self._root
        return self._by_scope.get(root.id, {})

    def _index_bindings(self) -> dict[int, dict[str, list[Binding]]]:
        from ztlint.semantics.nodes import nodes_of

        out: dict[int, dict[str, list[Binding]]] = {}
        for node in nodes_of(self.ctx, *sorted(_BINDING_KINDS | _NAMED_FUNCTIONS)):
            function = self.function_of(node)
            scope = out.setdefault((function or self._root).id, {})
            if node.type in _NAMED_FUNCTIONS:
                self._bind_function_name(node, scope)
                continue
            for binding in self._bind(node):
                scope.setdefault(binding.name, []).append(binding)
        for names in out.values():
            for items in names.values():
                items.sort(key=lambda b: b.end)
        return out

    def _bind_function_name(self, node: Node, out: dict[str, list[Binding]]) -> None:
        name = node.child_by_field_name("name")
        if name is not None and node.type in (
            "function_declaration",
            "function_definition",
            "function_item",
        ):
            out.setdefault(self.text(name), []).append(
                Binding(self.text(name), node, None, node.start_byte, node)
            )

    def _bind(self, node: Node) -> Iterator[Binding]:
        kind = node.type
        if kind in ("short_var_declaration", "assignment_statement", "assignment"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            yield from self._pairs(node, left, right)
        elif kind in ("var_spec", "const_spec"):
            names = node.children_by_field_name("name")
            value = node.child_by_field_name("value")
            values = value.named_children if value is not None else []
            for i, n in enumerate(names):
                v = values[i] if len(values) == len(names) else (values[0] if values else None)
                yield Binding(self.text(n), v, None, node.end_byte, node)
        elif kind == "variable_declarator":
            yield from self._pairs(
                node, node.child_by_field_name("name"), node.child_by_field_name("value")
            )
        elif kind == "assignment_expression":
            yield from self._pairs(
                node, node.child_by_field_name("left"), node.child_by_field_name("right")
            )
        elif kind == "named_expression":
            name = node.child_by_field_name("name")
            if name is not None:
                yield Binding(
                    self.text(name), node.child_by_field_name("value"), None, node.end_byte, node
                )
        elif kind == "as_pattern" and node.parent is not None and node.parent.type == "with_item":
            alias = node.child_by_field_name("alias")
            if alias is not None:
                for bound in self.pattern_names(alias):
                    yield Binding(bound, node.named_children[0], None, node.end_byte, node)
        elif kind == "let_declaration":
            yield from self._pairs(
                node, node.child_by_field_name("pattern"), node.child_by_field_name("value")
            )
        elif kind == "let_condition":  # Rust `if let Ok((n, from)) = ..` / `while let`
            pattern = node.child_by_field_name("pattern")
            value = node.child_by_field_name("value")
            if pattern is not None:
                for bound in self.pattern_names(pattern):
                    yield Binding(bound, value, None, node.end_byte, node)
        elif kind in ("const_item", "static_item"):
            name = node.child_by_field_name("name")
            if name is not None:
                yield Binding(
                    self.text(name), node.child_by_field_name("value"), None, node.end_byte, node
                )
        elif kind == "property_declaration" and self.lang == "swift":
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is not None:
                for bound in self.pattern_names(name):
                    yield Binding(bound, value, None, node.end_byte, node)

    def _pairs(self, node: Node, left: Node | None, right: Node | None) -> Iterator[Binding]:
        """Targets matched with values: `a, b := x, y`, `(a, b) = t`, `{ a, b: c } = obj`
        (each takes its key of obj), `[a] = list`. When one value feeds several targets
        (`a, err := f()`, `v, ok := m[k]`), each is bound to it: it comes from that call
        or lookup (a rule that wants the first result asks for the first target)."""
        if left is None:
            return
        end = node.end_byte
        targets = (
            left.named_children
            if left.type
            in ("expression_list", "pattern_list", "tuple_pattern", "tuple", "array_pattern")
            else [left]
        )
        values: list[Node] = []
        if right is not None:
            values = (
                right.named_children
                if right.type in ("expression_list", "tuple_expression", "tuple")
                else [right]
            )
        for i, target in enumerate(targets):
            value = values[i] if len(values) == len(targets) else (values[0] if values else None)
            if target.type in NAMES:
                yield Binding(self.text(target), value, None, end, node)
            elif target.type == "object_pattern":
                for part in target.named_children:
                    if part.type == "shorthand_property_identifier_pattern":
                        yield Binding(self.text(part), value, self.text(part), end, node)
                    elif part.type == "pair_pattern":
                        key = part.child_by_field_name("key")
                        val = part.child_by_field_name("value")
                        if key is not None and val is not None and val.type in NAMES:
                            yield Binding(self.text(val), value, self.text(key), end, node)
            elif target.type == "mut_pattern" or target.type == "pattern":
                for n in self.pattern_names(target):
                    yield Binding(n, value, None, end, node)

    def bound_to_constant(self, node: Node) -> bool:
        """A name a `const` (or Rust `static`) declaration binds, resolved through the
        file's scopes (Go, Rust): a compile-time value, not one read at run time."""
        if self.text(node) not in self.declared_constants():
            return False  # no declaration of that name in the file: nothing to resolve
        binding = self.resolve(node)
        return binding is not None and binding.node.type in (
            "const_spec",
            "const_item",
            "static_item",
        )

    def declared_constants(self) -> frozenset[str]:
        """Names a `const` or `static` declaration binds anywhere in the file (Go, Rust),
        found in one walk: a cheap test before resolving a name."""
        if self._constants is None:
            from ztlint.semantics.nodes import nodes_of

            self._constants = frozenset(
                self.text(n)
                for node in nodes_of(self.ctx, "const_spec", "const_item", "static_item")
                for n in node.children_by_field_name("name")
            )
        return self._constants

    def _function_nodes(self) -> list[Node]:
        """The file's functions, from the per-file node index rules share."""
        from ztlint.semantics.nodes import nodes_of

        return nodes_of(self.ctx, *sorted(FUNCTIONS))

    def resolve(self, name_node: Node) -> Binding | None:
        """The binding that reaches a use of a name (`binding_at` the use)."""
        return self.binding_at(name_node, self.text(name_node))

    def is_parameter(self, name_node: Node) -> bool:
        return self.parameter_of(name_node, self.text(name_node)) is not None

    def binding_at(self, at: Node, name: str) -> Binding | None:
        """The binding of `name` that reaches the place `at`: the last one completed
        before it in the innermost function that binds the name, else the module's;
        None for a parameter (unless the function rebinds it before: `token =
        int(token)` holds the new value) or an unbound name. Also for names that are no
        tree node (an inline format argument, `println!("{secret}")`)."""
        function = self.function_of(at)
        while function is not None:
            bound = self.bindings(function).get(name, [])
            reaching = [b for b in bound if b.end <= at.start_byte]
            if name in self.parameters(function):
                return reaching[-1] if reaching else None
            if reaching:
                return reaching[-1]
            if bound:
                return None  # bound only after the use: not this value
            function = self.function_of(function)
        module = self.bindings(None).get(name, [])
        return module[-1] if module else None

    def parameter_of(self, at: Node, name: str) -> Node | None:
        """The function whose parameter `name` is, seen from `at`, or None."""
        function = self.function_of(at)
        while function is not None:
            if name in self.parameters(function):
                bound = self.bindings(function).get(name, [])
                rebound = any(b.end <= at.start_byte for b in bound)
                return None if rebound else function
            if self.bindings(function).get(name):
                return None
            function = self.function_of(function)
        return None
