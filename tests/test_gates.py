"""Text gates and confirmed triggers only ever skip files a detector finds nothing in.

A gate (`gate:` in rule.yaml) or a trigger's `confirm` regex is a promise: when it says
no, the detector could not have reported anything. These tests run every gated
detector without its gate on every fixture and on generated text, and check the gate
says yes wherever the detector reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, pieced
from ztlint import classify
from ztlint.checks import BUILTINS
from ztlint.checks.hygiene.hardcoded_public_ip import public_addresses
from ztlint.checks.transport.plaintext_transport.urls import judge_url
from ztlint.parsers.data import ParseFailure
from ztlint.rule import FileContext, Rule
from ztlint.semantics.vocabulary import KEY_QUALIFIERS, SECRET_WORDS, secret_name
from ztlint.source import SourceText, decode
from ztlint.triggers import Triggers


def _gate(name: str) -> Callable[[FileContext], bool]:
    found = BUILTINS.gate(name)
    assert found is not None, name
    return found


def _context(rel: str, text: str, options: dict[str, object] | None = None) -> FileContext:
    fclass = classify.classify(rel, text)
    return FileContext(rel, fclass.kinds, fclass.parser, SourceText(text), options=options or {})


def _fixture_texts() -> list[tuple[str, str]]:
    out = []
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:4096]:
            continue
        out.append((str(path.relative_to(FIXTURES)), decode(data)))
    return out


def _hits(rule: Rule, index: int, ctx: FileContext) -> int:
    try:
        return len(list(rule.detectors[index].run(ctx)))
    except ParseFailure:
        return 0


def test_gated_detectors_say_yes_wherever_they_report(rules: tuple[Rule, ...]) -> None:
    gated = [
        (rule, i)
        for rule in rules
        for i, det in enumerate(rule.detectors)
        if det.gate is not None or det.confirm
    ]
    assert len(gated) >= 10
    checked = 0
    for rel, text in _fixture_texts():
        kinds = classify.classify(rel, text).kinds
        for rule, i in gated:
            det = rule.detectors[i]
            if not det.kinds & kinds:
                continue
            options = {o.name: o.default for o in rule.meta.options}
            if not _hits(rule, i, _context(rel, text, options)):
                continue
            checked += 1
            if det.gate is not None:
                assert det.gate(_context(rel, text, options)), f"{rule.name}/{det.name}: {rel}"
            if det.confirm and det.triggers:
                assert Triggers(text).admits(det.triggers, det.confirm, det.any_case), rel
    assert checked >= 40  # the fixtures exercise the gates


_IDENT = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)
_SECRETISH = st.builds(
    lambda a, b, sep, upper: (a + sep + b).upper() if upper else a + sep + b,
    st.sampled_from(sorted(SECRET_WORDS | KEY_QUALIFIERS | {"key", "user", "value", "hash"})),
    st.sampled_from(sorted(SECRET_WORDS | {"key", "value", "str", "bytes", "id", "name"})),
    st.sampled_from(["_", "", "-"]),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_IDENT, _SECRETISH), st.sampled_from(["{}", '"{}"', "x.{}", "`{}`", "{{{}}}"]))
def test_secret_gate_covers_every_secret_name(name: str, shape: str) -> None:
    from ztlint.semantics.vocabulary import _mentions_secret

    text = "if a == " + shape.format(name) + " {}\n"
    if secret_name(name) or secret_name(name.replace("-", "_")):
        assert _mentions_secret(text)


_HOST = st.one_of(
    st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,12}){0,3}", fullmatch=True),
    st.builds(lambda a, b, c, d: f"{a}.{b}.{c}.{d}", *[st.integers(0, 255)] * 4),
    st.sampled_from(["localhost", "www.apache.org", "example.com", "api.internal", "[::1]"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["http", "HTTP", "ws", "Http"]),
    st.one_of(st.just(""), st.sampled_from(["u@", "u:p@"])),
    _HOST,
    st.one_of(st.just(""), st.from_regex(r":[0-9]{1,5}", fullmatch=True)),
    st.sampled_from(["", "/", "/a/b?q=1", "#x"]),
    st.sampled_from(['url = "{}"', "url: {}", "url: '{}'", "x := `{}`", '  "{}",']),
)
def test_plaintext_gate_covers_every_judged_url(
    scheme: str, auth: str, host: str, port: str, path: str, shape: str
) -> None:
    url = f"{scheme}://{auth}{host}{port}{path}"
    text = shape.format(url) + "\n"
    if judge_url(url) is not None:
        assert _gate("plaintext-transport/may-name-plaintext-endpoint")(_context("a.go", text))


@settings(max_examples=400, deadline=None)
@given(
    st.builds(lambda a, b, c, d: f"{a}.{b}.{c}.{d}", *[st.integers(0, 300)] * 4),
    st.sampled_from(['"{}"', "'{}'", "[{}]", "ip: {}", "{}:8080", "v{}", "{}.5", "1{}", "a={}"]),
    st.text(alphabet="0123456789. ", max_size=6),
)
def test_address_gate_covers_every_public_address(address: str, shape: str, noise: str) -> None:
    literal = shape.format(address)
    text = f"{noise}x = {literal}{noise}\n"
    inner = re.sub(r"^[\"'\[]|[\"'\]]$", "", literal)
    if next(public_addresses(inner), None) is not None and literal[:1] in "\"'[":
        assert _gate("hardcoded-public-ip/may-hold-public-address")(_context("a.go", text))
    if next(public_addresses(text), None) is not None:
        assert _gate("hardcoded-public-ip/may-hold-public-address")(_context("a.go", text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("// http://www.apache.org/licenses/LICENSE-2.0\npackage x\n", False),
        ('var u = "http://localhost:8080/x"\n', False),
        ('var u = "http://api.corp.net/x"\n', True),
        ('var u = "http://svc:80/x"\n', True),  # a service name: internal, still reported
        ("var u = `http://a\\x2e`\n", True),  # undecided after a backslash
    ],
)
def test_plaintext_gate_examples(text: str, expected: bool) -> None:
    assert (
        _gate("plaintext-transport/may-name-plaintext-endpoint")(_context("a.go", text)) is expected
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("étoken", True),  # `_WORD` splits ASCII letters only
        ("tokené", True),
        ("ÉTOKEN", True),
        ("xtoken", False),
        ("XTOKEN", False),
        ("TOKENs", False),
        ("TOKENValue", True),
        ("apiToken", True),
        ("machine signal", False),
        ("MACAddress", True),
        ("set the X-Hub-SIGnature header", True),
    ],
)
def test_secret_gate_examples(text: str, expected: bool) -> None:
    from ztlint.semantics.vocabulary import _mentions_secret

    assert _mentions_secret(text) is expected


_SEPARATED = st.builds(
    lambda a, sep, b: a + sep + b,
    st.sampled_from(sorted(KEY_QUALIFIERS | SECRET_WORDS | {"user", "X", "Api"})),
    st.sampled_from(["_", "", "-", ".", " ", "__", "::"]),
    st.sampled_from(["key", "Key", "KEY", "keyHash", "KeyValue", "token", "Secret"]),
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_IDENT, _SECRETISH, _SEPARATED), st.sampled_from(["{}", '"{}"', "x.{}", "[{}]"]))
def test_secret_places_cover_every_secret_name(name: str, shape: str) -> None:
    """`secret_candidates` looks only at nodes around these places: every name that
    `secret_name` accepts, as the detector reads it, has one inside it."""
    from ztlint.semantics.vocabulary import _mention_spans

    if not name.isascii() or not (secret_name(name) or secret_name(name.replace("-", "_"))):
        return
    text = "if a == " + shape.format(name) + " {}\n"
    start = text.index(name)
    spans = _mention_spans(text, text.lower())
    assert any(start <= s and e <= start + len(name) for s, e in spans), (name, spans)


@pytest.mark.parametrize(
    ("rule_name", "module"),
    [
        ("timing-unsafe-comparison", "ztlint.checks.auth.timing_unsafe_comparison.code"),
        ("sensitive-data-logged", "ztlint.checks.memory.sensitive_data_logged"),
    ],
)
def test_secret_candidates_find_what_every_node_finds(
    rules: tuple[Rule, ...], monkeypatch: pytest.MonkeyPatch, rule_name: str, module: str
) -> None:
    """Detectors that look only around the places a secret is named report the same as
    with every node of the kinds they read."""
    import importlib

    from ztlint.checks import codeutil

    rule = next(r for r in rules if r.name == rule_name)
    det = rule.detectors[0]
    texts = [(rel, t) for rel, t in _fixture_texts() if det.kinds & classify.classify(rel, t).kinds]
    assert len(texts) > 20

    def hits() -> list[tuple[str, int, int]]:
        out = []
        for rel, text in texts:
            try:
                found = list(det.run(_context(rel, text)))
            except ParseFailure:
                continue
            out += [(rel, h.span.start_line, h.span.start_col) for h in found]
        return out

    candidates = hits()
    assert len(candidates) >= 10
    monkeypatch.setattr(
        importlib.import_module(module),
        "secret_candidates",
        lambda ctx, *k: codeutil.nodes_of(ctx, *k),
    )
    assert hits() == candidates


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [
            "ghp_",
            "glpat-",
            "xoxb-1234567-",
            "AIza",
            "npm_",
            "SG.",
            "eyJ",
            "sk_live_",
            "hf_",
            "dp.st.",
            "hvs.",
            "tskey-auth-",
            "LTAI",
            "ya29.",
            "",
        ]
    ),
    st.text(alphabet="abcXYZ0123456789_-.", min_size=0, max_size=80),
)
def test_one_format_regex_is_any_format(prefix: str, rest: str) -> None:
    from ztlint.semantics.credentials import _any_format
    from ztlint.semantics.tokens import formats

    value = prefix + rest
    assert bool(_any_format().fullmatch(value)) == any(
        f.pattern.fullmatch(value) for f in formats()
    )


@settings(max_examples=400, deadline=None)
@given(
    pieced(
        [
            "token",
            "Token",
            "TOKEN",
            "tOken",
            "key",
            "Key",
            "api",
            "API",
            "x",
            "_",
            "İ",
            "é",
            " ",
        ],
        20,
    )
)
def test_word_places_found_by_find_are_the_patterns(text: str) -> None:
    """The str.find path of `_word_spans` gives what its spelling patterns give."""
    from ztlint.semantics import vocabulary as timing

    for spellings in (timing._SECRET_SPELLINGS, timing._KEY_SPELLINGS, timing._QUALIFIER_SPELLINGS):
        by_pattern = [
            (m.start(), m.end())
            for word, _, pattern in spellings
            if word in text.lower()
            for m in pattern.finditer(text)
            if timing._word_edges(text, m.start(), m.end())
        ]
        assert list(timing._word_spans(spellings, text, text.lower())) == by_pattern


_QUALIFIED_KEY = re.compile(
    r"(?:api|access|private|signing|encryption|auth|master|client|app|hmac|jwt|session|crypto|"
    r"aes|shared|webhook|license)[-_\s]*key"
)


@settings(max_examples=400, deadline=None)
@given(pieced(["api", "key", "-", "_", " ", "\n", "\u2028", "x", "app", "lic", "ense", "ke"], 20))
def test_qualified_key_as_the_pattern(text: str) -> None:
    from ztlint.checks.secrets.hardcoded_credential.code import _qualified_key

    assert _qualified_key(text) == (_QUALIFIED_KEY.search(text) is not None)


_OLD_CREDENTIAL_READ = re.compile(
    r"peer\.FromContext|PeerCertificates|VerifiedChains|\.TLS\b|TLSInfo|getpeercert|"
    r"peer_certificate|peer_certs|client_cert|ssl_client|x509|[Aa]uthorization|[Bb]earer|"
    r"jwt\.(decode|Parse|verify)|ParseWithClaims|verify_token|decode_token|VerifyToken|"
    r"metadata\.FromIncomingContext|req\.socket\.getPeerCertificate|getPeerCertificate"
)


@settings(max_examples=400, deadline=None)
@given(
    pieced(
        [".TLS", "r", "Info", "x", " ", "_", "bearer", "Bearer", "jwt", ".Parse", "x50", "9"], 16
    )
)
def test_credential_read_in_one_pass(text: str) -> None:
    """hardcoded-auth-identity/code's file-wide test is the old function-wide pattern,
    and lets through every text the function-wide pattern (each name whole) finds."""
    from ztlint.checks.auth import hardcoded_auth_identity as identity

    expected = _OLD_CREDENTIAL_READ.search(text) is not None
    assert identity._reads_credential(text) == expected
    if identity._CREDENTIAL_READ.search(text) is not None:
        assert identity._reads_credential(text)


_URL_SHAPES = {
    "a.go": [
        'package a\n\nfunc f(v string) string {\n\treturn "https://h/p?{p}=" + v\n}\n',
        'package a\n\nfunc f(v string) string {\n\treturn fmt.Sprintf("https://h/p?a=1&{p}=%s", v)\n}\n',
        'package a\n\nfunc f(r *http.Request) string {\n\treturn r.URL.Query().Get("{p}")\n}\n',
        'package a\n\nfunc f(c *gin.Context) string {\n\treturn c.Query("{p}")\n}\n',
    ],
    "a.ts": [
        "export function f(v: string) {\n  return `https://h/p?{p}=${v}`;\n}\n",
        'export function f(u: URL, v: string) {\n  u.searchParams.set("{p}", v);\n}\n',
        "export function f(req: any) {\n  return req.query.{p};\n}\n",
    ],
    "a.rs": ['fn f(c: &Client, k: &str) {\n    c.get(U).query(&[("{p}", k)]);\n}\n'],
    "a.swift": [
        'func f(t: String) -> URLQueryItem {\n    URLQueryItem(name: "{p}", value: t)\n}\n'
    ],
}


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([(path, shape) for path, shapes in _URL_SHAPES.items() for shape in shapes]),
    st.sampled_from(["token", "Token", "TICKET", "api_key", "apiKey", "x-api-key", "secret"]),
)
def test_credential_parameter_gate_covers_every_report(where: tuple[str, str], param: str) -> None:
    from ztlint.checks.auth import token_in_url as url_token

    path, shape = where
    ctx = _context(path, shape.replace("{p}", param))
    if list(url_token.detect_code(ctx)):
        assert _gate("token-in-url/may-carry-credential")(
            _context(path, shape.replace("{p}", param))
        )


def test_credential_parameter_gate_examples() -> None:
    from ztlint.checks.auth import token_in_url as url_token

    gate = _gate("token-in-url/may-carry-credential")
    assert not gate(
        _context("a.go", 'package a\n\nvar t = "token"\nvar u = "https://h/p?page=2"\n')
    )
    assert gate(_context("a.go", 'package a\n\nvar u = "https://h/p?TOKEN=" + t\n'))
    assert gate(_context("a.py", "token = 1\n"))  # Python is not gated
    for path, shapes in _URL_SHAPES.items():  # the shapes are ones the detector reports
        for shape in shapes:
            assert list(url_token.detect_code(_context(path, shape.replace("{p}", "token")))), shape


@settings(max_examples=300, deadline=None)
@given(st.one_of(_IDENT, _SECRETISH), st.sampled_from(["{}", '"{}"', "x.{}", "`{}`", "{{{}}}"]))
def test_vocabulary_triggers_admit_every_text_the_secret_gate_admits(name: str, shape: str) -> None:
    """`vocabulary: secret` (a rule's any-case triggers) is no narrower than the gate."""
    from ztlint.semantics.vocabulary import TRIGGERS, _mentions_secret

    text = "if a == " + shape.format(name) + " {}\n"
    if _mentions_secret(text):
        assert any(word in text.lower() for word in TRIGGERS["secret"])


def test_an_unknown_vocabulary_trigger_set_is_a_load_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ztlint.registry import RuleLoadError, _vocabulary_triggers

    assert "token" in _vocabulary_triggers(tmp_path, 0, "secret")
    assert _vocabulary_triggers(tmp_path, 0, ["secret"]) == _vocabulary_triggers(
        tmp_path, 0, "secret"
    )
    with pytest.raises(RuleLoadError, match="known: secret"):
        _vocabulary_triggers(tmp_path, 0, ["secrets"])
