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

Scopes and bindings live in `scopes` (the base class), the import tables in `imports`,
the shared node kinds and value types in `model`; their public names are importable
from here.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.rule import FileContext
from ztlint.semantics.imports import read_imports
from ztlint.semantics.model import COMMENTS as COMMENTS
from ztlint.semantics.model import FALSY, TRUTHY
from ztlint.semantics.model import FUNCTIONS as FUNCTIONS
from ztlint.semantics.model import LANGUAGES as LANGUAGES
from ztlint.semantics.model import NAMES as NAMES
from ztlint.semantics.model import STRINGS as STRINGS
from ztlint.semantics.model import UNKNOWN as UNKNOWN
from ztlint.semantics.model import Binding as Binding
from ztlint.semantics.model import Const as Const
from ztlint.semantics.model import Origin as Origin
from ztlint.semantics.scopes import Scopes

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
_MAX_DEPTH = 4


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


class Semantics(Scopes):
    """A file's semantics: its scopes and bindings (ztlint.semantics.scopes), and the
    values, names, origins and functions below."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._imports: dict[str, str] | None = None
        self._functions: dict[str, list[Node]] | None = None

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
                if self.wrapper_call(node) and args is not None:
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

    def wrapper_call(self, call: Node) -> bool:
        """Whether a call converts or wraps its one argument without changing what it is
        (`String::from(x)`, `str(x)`, `[]byte(x)`, `Some(x)`). A function of the file's
        own under a builtin's name (`str := func(key string) string {..}`) is not one."""
        function = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if function is None or args is None or len(args.named_children) != 1:
            return False
        if self.text(function) not in _WRAPPER_CALLS:
            return False
        return not (function.type in NAMES and self.resolve(function) is not None)

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
            from ztlint.semantics.nodes import literal_value

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
        if text in FALSY or text in TRUTHY or re.fullmatch(r"-?\d+(\.\d+)?", text):
            return Const(text, False)
        return None

    def leading(self, node: Node, depth: int = 3) -> str | None:
        """The constant text an expression's value starts with, or None
        (`semantics.leading`): what a URL's scheme is read from when its host is
        computed."""
        from ztlint.semantics.leading import leading

        return leading(self, node, depth)

    # --- names ------------------------------------------------------------------------

    @property
    def imports(self) -> dict[str, str]:
        """Local names of imported modules and symbols, qualified."""
        if self._imports is None:
            self._imports = read_imports(
                self._root, self.lang, self.text, lambda: self.bindings(None)
            )
        return self._imports

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
                bound = node.parent
                if n is None and bound is not None and bound.type == "variable_declarator":
                    # `const verify = (token: string): boolean => ..`: named by its binding
                    value = bound.child_by_field_name("value")
                    if value is not None and value.id == node.id:
                        n = bound.child_by_field_name("name")
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
