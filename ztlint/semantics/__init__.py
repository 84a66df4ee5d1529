"""What the code of one file means, shared by every code rule: the bindings of each
function and of the module, what a name resolves to, the constant a value folds to,
callees as qualified names, and where a value comes from.

Built lazily, once per parsed file (`of(ctx)`, memoised on the file context as the tree
is), for Go, Rust, Python, TypeScript/JavaScript and Swift. The analysis is deliberately
small: flow-insensitive within a function, the single binding that reaches a use (the
last one completed before it), bounded depth, same-file helpers one level deep. Rules
ask questions of it instead of walking the tree for bindings themselves:

- `bindings(scope)`, `parameters(function)`, `resolve(identifier)`: declarations,
  assignments, short declarations, destructuring (a binding then carries the key it
  takes from its value: `const { token } = req.body` binds `token` to `req.body` at key
  `token`), if/switch initializers, `with ... as`, `let`;
- `value_of(expr)`: the expression a value was computed from, through names and trivial
  wrappers (`String::from(x)`, `x.into()`, `[]byte(x)`, parentheses);
- `const(expr)`: the constant an expression folds to (literals, concatenations of
  literals, named constants), and whether it is falsy;
- `imports`, `qualified(expr)`, `callee(call)`: `tls.Config` as `crypto/tls.Config`,
  `requests.get`, `OpenSSL.SSL.VERIFY_NONE`;
- `origin(expr)`: a literal, a parameter, the environment, the request (and by which
  key), a random source, a hash or an HMAC, or the call that made it;
- `returns(name)`: what a function declared in this file returns.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from ztlint.parsers import code
from ztlint.rule import FileContext

LANGUAGES = frozenset({"go", "rust", "python", "typescript", "tsx", "javascript", "swift"})

FUNCTIONS = frozenset(
    {
        "function_declaration",
        "method_declaration",
        "function_definition",
        "function_item",
        "method_definition",
        "func_literal",
        "function_expression",
        "function",
        "arrow_function",
        "generator_function_declaration",
        "closure_expression",
        "lambda",
        "init_declaration",
    }
)
NAMES = frozenset(
    {
        "identifier",
        "simple_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
    }
)
COMMENTS = frozenset({"comment", "line_comment", "block_comment", "multiline_comment"})
# Expression nodes that only group or convert: a value passes through them unchanged.
_GROUPS = frozenset(
    {
        "parenthesized_expression",
        "type_assertion_expression",
        "as_expression",
        "non_null_expression",
        "satisfies_expression",
        "type_conversion_expression",
        "reference_expression",
        "try_expression",
        "await_expression",
        "await",
    }
)
# Calls that convert or wrap a value without changing what it is.
_WRAPPER_CALLS = frozenset(
    {
        "String::from",
        "Some",
        "Ok",
        "str",
        "String",
        "string",
        "[]byte",
        "bytes",
        "Buffer.from",
        "Secret::new",
        "SecretString::new",
        "SecretString::from",
        "HeaderValue::from_static",
        "from_static",
    }
)
_WRAPPER_METHODS = frozenset(
    {
        "into",
        "to_string",
        "to_owned",
        "clone",
        "as_str",
        "as_bytes",
        "as_ref",
        "unwrap",
        "expect",
        "encode",
        "decode",
        "strip",
        "trim",
        "toString",
        "valueOf",
    }
)
# String literal nodes in every grammar ztlint reads.
STRINGS = frozenset(
    {
        "interpreted_string_literal",
        "raw_string_literal",
        "string_literal",
        "string",
        "line_string_literal",
        "template_string",
    }
)
_FALSY = frozenset({"false", "False", "0", "None", "nil", "null", "undefined", '""', "''"})
_TRUTHY = frozenset({"true", "True"})
_MAX_DEPTH = 4
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


@dataclass(frozen=True)
class Binding:
    """One binding of a name: the value node it takes (None for a loop variable or a
    parameter-like target), the key it takes from that value when destructured, and
    the byte where the binding is complete (a use sees bindings completed before it)."""

    name: str
    value: Node | None
    key: str | None
    end: int
    node: Node


@dataclass(frozen=True)
class Const:
    """A constant value: its text (a string's content, a number or keyword as written)
    and whether the language takes it as false."""

    text: str
    string: bool

    @property
    def falsy(self) -> bool:
        return (self.string and self.text == "") or (not self.string and self.text in _FALSY)

    @property
    def truthy(self) -> bool:
        return not self.string and self.text in _TRUTHY


@dataclass(frozen=True)
class Origin:
    """Where a value comes from: `literal`, `parameter`, `environment`, `request` (with
    the key read, when written as a literal), `random`, `hash`, `hmac`, `call` (the
    qualified callee), or `unknown`."""

    kind: str
    detail: str = ""


UNKNOWN = Origin("unknown")

# Qualified callees by what they produce, matched on the end of the qualified name.
_ENVIRONMENT = re.compile(
    r"(^|\.)(os\.Getenv|os\.LookupEnv|os\.getenv|os\.environ\.get|environ\.get|"
    r"std::env::var|env::var|env::var_os|ProcessInfo\.processInfo\.environment)$"
)
_RANDOM = re.compile(
    r"(^crypto/rand\.|^secrets\.token_|^secrets\.choice|^uuid\.uuid4$|^crypto\.randomBytes$|"
    r"^crypto\.randomUUID$|randomUUID$|^github\.com/google/uuid\.New|rand::thread_rng|OsRng|"
    r"rand::random|getrandom|SecRandomCopyBytes|^os\.urandom$)"
)
_HMAC = re.compile(r"(^hmac\.|^crypto/hmac\.|createHmac$|Hmac::|hmac::|HMAC)")
_HASH = re.compile(
    r"(^hashlib\.|^crypto/(sha1|sha256|sha512|md5)\.|createHash$|Sha256::|Sha1::|Sha512::|"
    r"Md5::|sha2::|SHA256\.hash|Insecure\.)"
)
# Reads of request input: an HTTP header, cookie, form, query or body value.
_REQUEST_METHODS = re.compile(
    r"\.(Header\.Get|Header\.Values|Cookie|FormValue|PostFormValue|PostForm\.Get|Form\.Get|"
    r"URL\.Query\(\)\.Get|Query\(\)\.Get|QueryParam|GetHeader|Param|Query|PostForm|"
    r"DefaultQuery|GetQuery)$"
)
_REQUEST_OBJECTS = re.compile(
    r"^(request|req|r|ctx\.request|self\.request)\.(headers|cookies|form|args|query|body|"
    r"params|values|json|data|POST|GET|COOKIES|META|query_params|path_params)\b"
)


def of(ctx: FileContext) -> Semantics:
    """The file's semantics, built once per file context."""
    return ctx.cached(Semantics)


class Semantics:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.lang = ctx.parser or ""
        self._root = ctx.tree().root_node
        self._params: dict[int, frozenset[str]] = {}
        self._imports: dict[str, str] | None = None
        self._functions: dict[str, list[Node]] | None = None
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
        from ztlint.checks.codeutil import nodes_of

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

    def declared_constants(self) -> frozenset[str]:
        """Names a `const` or `static` declaration binds anywhere in the file (Go, Rust),
        found in one walk: a cheap test before resolving a name."""
        if self._constants is None:
            from ztlint.checks.codeutil import nodes_of

            self._constants = frozenset(
                self.text(n)
                for node in nodes_of(self.ctx, "const_spec", "const_item", "static_item")
                for n in node.children_by_field_name("name")
            )
        return self._constants

    def _function_nodes(self) -> list[Node]:
        """The file's functions, from the per-file node index rules share."""
        from ztlint.checks.codeutil import nodes_of

        return nodes_of(self.ctx, *sorted(FUNCTIONS))

    def resolve(self, name_node: Node) -> Binding | None:
        """The binding that reaches a use of a name (`binding_at` the use)."""
        return self.binding_at(name_node, self.text(name_node))

    def is_parameter(self, name_node: Node) -> bool:
        return self.parameter_of(name_node, self.text(name_node)) is not None

    def binding_at(self, at: Node, name: str) -> Binding | None:
        """The binding of `name` that reaches the place `at`: the last one completed
        before it in the innermost function that binds the name, else the module's;
        None for a parameter or an unbound name. Also for names that are no tree node
        (an inline format argument, `println!("{secret}")`)."""
        function = self.function_of(at)
        while function is not None:
            if name in self.parameters(function):
                return None
            bound = self.bindings(function).get(name, [])
            reaching = [b for b in bound if b.end <= at.start_byte]
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
                return function
            if self.bindings(function).get(name):
                return None
            function = self.function_of(function)
        return None

    # --- values -----------------------------------------------------------------------

    def unwrap(self, node: Node) -> Node:
        """Through parentheses, type assertions and conversions, and wrapper calls."""
        for _ in range(8):
            if node.type in _GROUPS and node.named_children:
                node = node.named_children[0]
                continue
            if node.type in ("call_expression", "call"):
                function = node.child_by_field_name("function")
                args = node.child_by_field_name("arguments")
                if function is None:
                    break
                name = self.text(function)
                tail = re.split(r"[.:]+", name)[-1]
                if name in _WRAPPER_CALLS and args is not None and len(args.named_children) == 1:
                    node = args.named_children[0]
                    continue
                if (
                    tail in _WRAPPER_METHODS
                    and function.type
                    in ("selector_expression", "attribute", "member_expression", "field_expression")
                    and (args is None or not args.named_children)
                ):
                    inner = function.named_children[0] if function.named_children else None
                    if inner is None:
                        break
                    node = inner
                    continue
            break
        return node

    def value_of(self, node: Node, depth: int = _MAX_DEPTH) -> tuple[Node, str | None]:
        """The expression a value was computed from, through names and wrappers, and
        the key a destructuring took from it (None when the value is whole)."""
        node = self.unwrap(node)
        key = None
        for _ in range(depth):
            if node.type not in NAMES:
                break
            binding = self.resolve(node)
            if binding is None or binding.value is None or binding.value.id == node.id:
                break
            if binding.key is not None:
                key = binding.key
                node = self.unwrap(binding.value)
                break
            node = self.unwrap(binding.value)
        return node, key

    def const(self, node: Node, depth: int = _MAX_DEPTH) -> Const | None:
        """The constant an expression folds to, or None."""
        node, key = self.value_of(node, depth)
        if key is not None:
            return None
        if node.type in STRINGS:
            if any(
                c.type in ("interpolation", "template_substitution", "interpolated_expression")
                for c in node.named_children
            ):
                return None
            from ztlint.checks.codeutil import literal_value

            value = literal_value(self.ctx, node)
            return Const(value, True) if value is not None else None
        if node.type in ("binary_expression", "binary_operator") and depth > 0:
            op = node.child_by_field_name("operator")
            parts = [c for c in node.named_children if c.type not in COMMENTS]
            if op is not None and self.text(op) == "+" and len(parts) == 2:
                a, b = (self.const(p, depth - 1) for p in parts)
                if a is not None and b is not None and a.string and b.string:
                    return Const(a.text + b.text, True)
            return None
        if node.type == "concatenated_string":
            pieces = [self.const(c, 0) for c in node.named_children]
            if all(p is not None and p.string for p in pieces):
                return Const("".join(p.text for p in pieces if p is not None), True)
            return None
        text = self.text(node).strip()
        if text in _FALSY or text in _TRUTHY or re.fullmatch(r"-?\d+(\.\d+)?", text):
            return Const(text, False)
        return None

    # --- names ------------------------------------------------------------------------

    @property
    def imports(self) -> dict[str, str]:
        """Local names of imported modules and symbols, qualified."""
        if self._imports is None:
            self._imports = self._read_imports()
        return self._imports

    def _read_imports(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.lang == "go":
            return self._go_imports()
        for node in self._root.named_children:
            kind = node.type
            if kind == "import_statement" and self.lang == "python":
                for item in node.named_children:
                    if item.type == "dotted_name":
                        out[self.text(item).split(".")[0]] = self.text(item).split(".")[0]
                    elif item.type == "aliased_import":
                        name = item.child_by_field_name("name")
                        alias = item.child_by_field_name("alias")
                        if name is not None and alias is not None:
                            out[self.text(alias)] = self.text(name)
            elif kind == "import_from_statement":
                module = node.child_by_field_name("module_name")
                base = self.text(module) if module is not None else ""
                for item in node.children_by_field_name("name"):
                    if item.type == "dotted_name":
                        out[self.text(item)] = f"{base}.{self.text(item)}"
                    elif item.type == "aliased_import":
                        name = item.child_by_field_name("name")
                        alias = item.child_by_field_name("alias")
                        if name is not None and alias is not None:
                            out[self.text(alias)] = f"{base}.{self.text(name)}"
            elif kind == "import_statement":  # JavaScript / TypeScript
                source = node.child_by_field_name("source")
                spec_of = self.text(source).strip("\"'`") if source is not None else ""
                for clause in (c for c in node.named_children if c.type == "import_clause"):
                    for part in clause.named_children:
                        if part.type == "identifier":
                            out[self.text(part)] = spec_of
                        elif part.type == "namespace_import":
                            for local in part.named_children:
                                out[self.text(local)] = spec_of
                        elif part.type == "named_imports":
                            for spec in part.named_children:
                                imported = spec.child_by_field_name("name")
                                local_name = spec.child_by_field_name("alias") or imported
                                if imported is not None and local_name is not None:
                                    out[self.text(local_name)] = f"{spec_of}.{self.text(imported)}"
            elif kind == "use_declaration":
                arg = node.child_by_field_name("argument")
                if arg is not None:
                    self._rust_use(arg, "", out)
            elif kind == "import_declaration" and self.lang == "swift":
                for module in (c for c in node.named_children if c.type == "identifier"):
                    out[self.text(module)] = self.text(module)
        if self.lang in ("javascript", "typescript", "tsx"):
            for binding in self._requires():
                out.update(binding)
        return out

    def _go_imports(self) -> dict[str, str]:
        """A Go file's imports as {name used in the file: import path}: the alias when
        there is one, else the path's last element (`math/rand/v2` is used as `rand`).
        Blank and dot imports are left out."""
        out: dict[str, str] = {}
        for decl in self._root.named_children:
            if decl.type != "import_declaration":
                continue
            specs = [c for c in decl.named_children if c.type == "import_spec"]
            for group in (c for c in decl.named_children if c.type == "import_spec_list"):
                specs += [c for c in group.named_children if c.type == "import_spec"]
            for spec in specs:
                path_node = spec.child_by_field_name("path")
                if path_node is None:
                    continue
                path = self.text(path_node).strip('"`')
                alias = spec.child_by_field_name("name")
                parts = path.split("/")
                last_is_version = len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1])
                name = (
                    self.text(alias) if alias is not None else parts[-2 if last_is_version else -1]
                )
                if name not in ("_", "."):
                    out[name] = path
        return out

    def _requires(self) -> Iterator[dict[str, str]]:
        for name, items in self.bindings(None).items():
            for b in items:
                v = b.value
                if v is not None and v.type == "call_expression":
                    function = v.child_by_field_name("function")
                    args = v.child_by_field_name("arguments")
                    if (
                        function is not None
                        and self.text(function) == "require"
                        and args is not None
                        and args.named_children
                        and args.named_children[0].type == "string"
                    ):
                        module = self.text(args.named_children[0]).strip("\"'`")
                        yield {name: f"{module}.{b.key}" if b.key else module}

    def _rust_use(self, node: Node, prefix: str, out: dict[str, str]) -> None:
        kind = node.type
        if kind in ("scoped_identifier", "identifier", "crate", "self"):
            full = prefix + self.text(node)
            out[full.rsplit("::", 1)[-1]] = full
        elif kind == "use_as_clause":
            path = node.child_by_field_name("path")
            alias = node.child_by_field_name("alias")
            if path is not None and alias is not None:
                out[self.text(alias)] = prefix + self.text(path)
        elif kind == "scoped_use_list":
            path = node.child_by_field_name("path")
            base = prefix + (self.text(path) + "::" if path is not None else "")
            items = node.child_by_field_name("list")
            for item in items.named_children if items is not None else []:
                self._rust_use(item, base, out)
        elif kind == "use_list":
            for item in node.named_children:
                self._rust_use(item, prefix, out)

    def modules(self) -> frozenset[str]:
        """The modules the file imports: Go import paths, and the top-level module or
        crate of every other language's imports (`click` for `from click import
        command`, `clap` for `use clap::Parser`)."""
        if self.lang == "go":
            return frozenset(self.imports.values())
        return frozenset(re.split(r"\.|::", q, maxsplit=1)[0] for q in self.imports.values())

    def qualified(self, node: Node) -> str:
        """An expression naming something, with its head replaced by what the file
        imports under that name: `tls.Config` -> `crypto/tls.Config`."""
        text = re.sub(r"\s+", "", self.text(node))
        head, sep, rest = re.split(r"(\.|::)", text, maxsplit=1)[0], ".", ""
        parts = re.split(r"(\.|::)", text, maxsplit=1)
        if len(parts) == 3:
            head, sep, rest = parts
        module = self.imports.get(head)
        if module is None:
            return text
        return f"{module}{sep}{rest}" if rest else module

    def callee(self, call: Node) -> str:
        """A call's callee as a qualified name; a method of a constructed or bound value
        (`ctx.set_verify`) stays as written."""
        target = (
            call.child_by_field_name("function")
            or call.child_by_field_name("constructor")
            or call.child_by_field_name("macro")
            or (call.named_children[0] if call.named_children else None)
        )
        if target is None or target.end_byte - target.start_byte > 512:
            return ""
        return self.qualified(target)

    # --- origins ----------------------------------------------------------------------

    def origin(self, node: Node, depth: int = _MAX_DEPTH) -> Origin:
        """Where a value comes from (see Origin)."""
        node = self.unwrap(node)
        if node.type in NAMES:
            if self.is_parameter(node):
                return Origin("parameter", self.text(node))
            value, key = self.value_of(node, depth)
            if value.id == node.id:
                return UNKNOWN
            found = self.origin(value, depth - 1) if depth > 0 else UNKNOWN
            if key is not None and found.kind in ("request", "parameter"):
                return Origin(found.kind, key)
            return found
        if self.const(node, 0) is not None:
            return Origin("literal", self.text(node))
        text = re.sub(r"\s+", "", self.text(node)) if node.end_byte - node.start_byte < 512 else ""
        if _REQUEST_OBJECTS.match(text):
            return Origin("request", _literal_key(text))
        if node.type in ("call_expression", "call"):
            function = node.child_by_field_name("function")
            name = self.callee(node)
            written = self.text(function) if function is not None else ""
            if _ENVIRONMENT.search(name) or _ENVIRONMENT.search(written):
                return Origin("environment")
            if _REQUEST_METHODS.search(written):
                return Origin("request", _literal_key(text))
            if _HMAC.search(name) or _HMAC.search(written):
                return Origin("hmac")
            if _HASH.search(name) or _HASH.search(written):
                return Origin("hash")
            if _RANDOM.search(name):
                return Origin("random")
            # A method of a value: `hmac.new(...).hexdigest()` is what its receiver is.
            if function is not None and function.named_children and depth > 0:
                receiver = function.named_children[0]
                if receiver.type in ("call_expression", "call"):
                    inner = self.origin(receiver, depth - 1)
                    if inner.kind in ("hmac", "hash", "random", "request", "environment"):
                        return inner
            return Origin("call", name)
        if node.type in (
            "selector_expression",
            "attribute",
            "member_expression",
            "field_expression",
            "subscript",
            "subscript_expression",
            "index_expression",
        ):
            head = node.named_children[0] if node.named_children else None
            if head is not None and depth > 0:
                inner = self.origin(head, depth - 1)
                if inner.kind in ("request", "parameter", "environment"):
                    return Origin(inner.kind, _literal_key(text) or inner.detail)
        return UNKNOWN

    # --- functions --------------------------------------------------------------------

    def functions(self, name: str) -> list[Node]:
        """The functions and methods this file declares under a name."""
        if self._functions is None:
            found: dict[str, list[Node]] = {}
            for node in self._function_nodes():
                n = node.child_by_field_name("name")
                if n is not None:
                    found.setdefault(self.text(n), []).append(node)
            self._functions = found
        return self._functions.get(name, [])

    def returns(self, name: str) -> list[Node]:
        """The values the same-file functions of that name return."""
        return [v for function in self.functions(name) for v in self.returned(function)]

    def returned(self, function: Node) -> list[Node]:
        """The values one function returns (an arrow function's expression body too),
        not those of the functions nested in it."""
        body = function.child_by_field_name("body")
        if body is None:
            return []
        if body.type not in ("block", "statement_block", "function_body"):
            return [body]
        out = []
        stack = [body]
        while stack:
            node = stack.pop()
            if node.type in FUNCTIONS:
                continue
            if node.type in ("return_statement", "return_expression"):
                values = [c for c in node.named_children if c.type not in COMMENTS]
                if values and values[0].type == "expression_list":
                    values = values[0].named_children
                if values:
                    out.append(values[0])
                continue
            stack.extend(node.named_children)
        return out


_KEY = re.compile(r"""\(\s*["'`]([^"'`]+)["'`]\s*\)|\[\s*["'`]([^"'`]+)["'`]\s*\]|\.(\w+)$""")


def _literal_key(text: str) -> str:
    m = _KEY.search(text)
    if m is None:
        return ""
    return next((g for g in m.groups() if g), "")


def supported(ctx: FileContext) -> bool:
    return (ctx.parser or "") in LANGUAGES
