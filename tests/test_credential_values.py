"""Value semantics for hardcoded-credential (ZT204), issue #23: a value is a literal bound
to a name (assignment, initializer, default or keyword argument, mapping value,
environment entry), never a type, a struct tag, a key, a subscript, a call's argument
or a keyword of the format; placeholder, redaction and prose shapes are judged in one
shared place (ztlint.semantics.placeholder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence
from ztlint.registry import load_rules
from ztlint.semantics.credentials import judge_value, may_be_credential_value
from ztlint.semantics.placeholder import (
    binds_placeholder_server,
    is_placeholder,
    is_placeholder_host,
    is_version,
    is_word,
    looks_like_prose,
    names_a_setting,
)


@pytest.mark.parametrize(
    "value",
    [
        "changeme-later-<x>",
        "REPLACE_ME",
        "replace-me-with-a-token",
        "<password>",
        "YOUR_SECRET",
        "your-api-key-here",
        "some_secret",
        "if_you_see_this_the_secret_was_not_set",
        "%APP_ADMIN_PASSWORD%",
        "{{ .Values.password }}",
        "${DB_PASSWORD}",
        "Zr8.....",
        "sk-abc***",
        "ab12xxxxxxxx",
        "credentials",
        "secrets",
        # substitution tokens a deployment step replaces
        "ENROLL_TOKEN_HERE",
        "POSTGRES_PASS",
        "REPLACE_SIGNING_KEY",
        # shaped like the variable's name, with a credential word or a word asking for
        # the value: a stand-in an operator replaces (`sed`) before deploying
        "SESSION_TOKEN_VALUE",
        "REDIS_PASS",
        "REPLACE_ROOT_KEY",
        "YOUR_API_KEY",
        "CHANGE_THIS_ADMIN",
        "REPLACE_WITH_HOSTNAME",
        # values that ask to be changed
        "ThisShouldBeChangedInProduction",
        "bf69486b-4733-4470-a592-f1bfce7af580-not-for-prod",
        "do-not-use-in-production",
        # a key a client library wants set, for a local server that checks none
        "unused",
        # a documentation's example asking for the reader's own
        "yourStrong(!)Password",
        "must-be-changed",
        "needs-to-be-replaced",
        # a Concourse credential-manager variable
        "((GITHUB_ACCESS_TOKEN))",
        # a macro expanded by the program (`%PREFIX%/secrets`: a path under it)
        "%BASE_PATH%/secrets",
    ],
)
def test_placeholders_are_recognised(value: str) -> None:
    assert is_placeholder(value)
    assert not may_be_credential_value(value)


@pytest.mark.parametrize(
    "value",
    [
        "hunter2-real",
        "q8Vt2LmX9rPz4KwN",
        "Tr0ub4dor&3",
        "s3cure-Pa55w0rd!",
        "Zr8q4W",
        "S3CR3T_P4SS",
        # upper-case words without a credential word or a request for the value
        "BLUE_HORSE_42",
        "VALUES_ARE_HARD",
    ],
)
def test_real_looking_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)
    assert not looks_like_prose(value)


@pytest.mark.parametrize(
    "value",
    [
        "Falsches Kennwort",
        "Contraseña",
        "Пароль",
        "新しいパスワード",
        "รหัสผ่าน",
        "Mot-de-passe oublié",
    ],
)
def test_prose_and_other_scripts_are_not_credentials(value: str) -> None:
    assert looks_like_prose(value)
    assert judge_value("password", value, example_file=False) is None


def test_words_and_versions() -> None:
    assert is_word("Kennwort") and is_word("Palavra-passe") and not is_word("hunter2")
    assert all(is_version(v) for v in ("7.5.3", "^1.2", "0.10", ">=1.4.0-rc.1", "~> 2.0"))
    assert not any(is_version(v) for v in ("hunter2", "1a2b3c4d", "v", "2024"))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("webhookSecretField", "webhook-secret"),
        ("TokenAuthStyleSecretBasic", "client_secret_basic"),
        ("KeyCipherAnnotationKey", "example.io/private-key-cipher"),
        ("flagDatabasePassword", "db.replica.password"),
        ("dirAttrLegacyPwd", "legacyPwd"),
        ("StepRotatePassword", "RotatePassword"),
        ("TrustBundleSecret", "trustbundle"),
        ("tblOAuth2GrantTokenStore", "oauth2_grant_token_store"),
        ("TLSSecretRevocationList", "ca.revocation-list"),
        ("imdsSessionTokenHeader", "x-imds-session-token-ttl-seconds"),
        ("used_tokens", "sum(used_tokens)"),
        ("ProviderOnePasswordSDK", "1Password/SDK"),
        # An attribute's name with a JOSE algorithm or curve in it.
        ("ATTR_ES256_PRIVATE_KEY_DER", "es256_private_key_der"),
        ("ATTR_JWS_ES256_PRIVATE_KEY", "jws_es256_private_key"),
        ("X25519_SECRET_FIELD", "x25519_secret"),
        # A constant named for what holds a name: the cookie, header or claim.
        ("tokenCookie", "CF_Authorization"),
        ("sessionTokenHeader", "X_Session_Token"),
        # The holder named before the credential: the Secret field of the private key.
        ("KeyFieldSSHPrivate", "ssh-privatekey"),
        ("HeaderClientSecret", "x-client-secret"),
    ],
)
def test_values_that_name_a_setting(name: str, value: str) -> None:
    """The value of a declared constant made of the name's words names something."""
    assert names_a_setting(value, name, declared=True)
    assert judge_value(name, value, example_file=False, declared=True) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("flagDatabasePassword", "db.replica.password"),
        ("dirAttrAccountPassword", "accountPassword"),
        ("KeyCipherAnnotationKey", "example.io/private-key-cipher"),
        ("used_tokens", "sum(used_tokens)"),
    ],
)
def test_key_paths_and_camel_case_name_a_setting_anywhere(name: str, value: str) -> None:
    assert judge_value(name, value, example_file=False) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [("tokenCookie", "q8Vt2LmX9rPz4KwN"), ("authTokenHeader", "tK7mQ2vX9pL4rN8wZ3cB")],
)
def test_a_random_value_names_nothing_whatever_its_holder(name: str, value: str) -> None:
    assert not names_a_setting(value, name, declared=True)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("jwt_secret", "very_important_secret"),
        ("APP_SECRET", "my-app-secret"),
        ("SECRET_KEY", "my-super-secret-key"),
        ("webhook_secret", "team-webhook-secret"),
    ],
)
def test_plain_words_bound_in_configuration_are_weak_secrets(name: str, value: str) -> None:
    """Outside a declared constant, a snake or kebab value is the setting's value."""
    assert not names_a_setting(value, name)
    assert judge_value(name, value, example_file=False) == "secret"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Password", "hunter2-real"),
        ("jwtSigningSecret", "q8Vt2LmX9rPz4KwN"),
        ("JWT_SECRET", "dev-secret-2f9c41"),
        ("adminToken", "tK7mQ2vX9pL4rN8wZ3cB"),
        ("sessionSecret", "aBcDeFgHiJkLmNoP"),
        ("AdminPassword", "1Password"),
        ("AdminPassword", "1Password!"),
        # A size after any word is no algorithm's name.
        ("ADMIN_PASSWORD", "admin256"),
        ("DB_PASSWORD", "rootpw384"),
        # A holder's word with a value that is not made of plain lowercase words.
        ("FieldPassword", "Tr0ub4dor-3"),
    ],
)
def test_secrets_do_not_name_a_setting(name: str, value: str) -> None:
    assert not names_a_setting(value, name, declared=True)
    assert judge_value(name, value, example_file=False, declared=True) == "secret"


def test_an_enumeration_spelling_itself_is_not_a_default() -> None:
    assert judge_value("probeResultPass", "pass", example_file=False) is None
    assert judge_value("ADMIN_PASS", "pass", example_file=False) is None
    assert judge_value("ADMIN_PASSWORD", "admin", example_file=False) == "default"


def test_well_known_defaults_stay_low_not_silenced() -> None:
    """`postgres` shares a word with POSTGRES_PASSWORD, `admin` with ADMIN_PASSWORD: a
    well-known default is still reported (at low severity), before any name test."""
    assert judge_value("POSTGRES_PASSWORD", "postgres", example_file=False) == "default"
    assert judge_value("GF_SECURITY_ADMIN_PASSWORD", "admin", example_file=False) == "default"
    assert judge_value("password", "changeme", example_file=False) == "default"
    # A password made from the word itself echoes the name but is still one.
    assert judge_value("DB_ADMIN_PASSWORD", "adminpassword", example_file=False) == "secret"
    # The account's word and "password", and "Password" with a number and a mark: the
    # stand-ins of a local stack (a throwaway database's root password).
    from ztlint.semantics.credentials import stand_in

    assert stand_in("root_password") and stand_in("admin-pass")
    assert judge_value("MSSQL_SA_PASSWORD", "Password123!", example_file=False) == "default"


def _zt204(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # Every finding, whatever its confidence: these tests are about what the rule reads.
    everything = Config(min_confidence=Confidence.LOW)
    report = run(["."], everything, rules=load_rules(), jobs=1, cwd=str(tmp_path))
    return sorted(
        (f.path, f.span.start_line, f.message)
        for f in report.findings
        if f.active and f.rule_id == "ZT204"
    )


GO_STRUCT = """package x

type Config struct {
\tPassword string `json:"password"`
\tToken    *bool  `json:"token,omitempty"`
\tAPIKey   int64  `json:"api_key_count_total"`
}

var c = Config{Password: "hunter2-real"}
"""


def test_go_struct_tag_is_not_the_value_but_the_initializer_is(tmp_path: Path) -> None:
    found = _zt204(tmp_path, {"config.go": GO_STRUCT})
    assert [(p, line) for p, line, _ in found] == [("config.go", 9)]
    # The message counts the literal's characters, not the tag's.
    assert "(12 characters)" in found[0][2]


def test_secrets_inherit_only_where_a_reusable_workflow_is_called(tmp_path: Path) -> None:
    workflow = "jobs:\n  a:\n    uses: ./.github/workflows/b.yml\n    secrets: inherit\n"
    assert _zt204(tmp_path, {".github/workflows/ci.yml": workflow}) == []


def test_catalogue_word_is_a_translation_but_a_random_value_is_not(tmp_path: Path) -> None:
    catalogue = (
        '{"Password": "Kennwort", "Incorrect password": "Falsches Kennwort",\n'
        ' "Reset password": "Kennwort neu setzen",\n'
        ' "Repeat password": "Kennwort wiederholen",\n'
        ' "api_token": "a8F3kL9qZ2xV7mN4bC6"}\n'
    )
    found = _zt204(tmp_path / "catalogue", {"ui/nl.json": catalogue})
    assert [line for _, line, _ in found] == [4]
    # Outside a catalogue, one capitalised word bound to `password` is still reported.
    config = "db:\n  password: Kennwort\n  host: db\n"
    assert [line for _, line, _ in _zt204(tmp_path / "config", {"app.yaml": config})] == [2]


def test_one_finding_per_name_and_line(tmp_path: Path) -> None:
    src = (
        'import os\nDB_PASSWORD = "Xy7-kestrel-Qm2" if os.environ.get("P") else "Vb3-osprey-Lw9"\n'
    )
    found = _zt204(tmp_path, {"settings.py": src})
    assert [(p, line) for p, line, _ in found] == [("settings.py", 2)]


def test_subscripts_calls_and_method_arguments_are_not_values(tmp_path: Path) -> None:
    src = (
        "import os\n"
        'creds = {"secret_key": c["SessionSecretValue"]}\n'
        'SECRET_KEY = os.environ.get("SECRET_KEY", make_secret(32).encode("utf-8"))\n'
        'token = fetch_token("refresh-token-kind")\n'
    )
    assert _zt204(tmp_path, {"conf.py": src}) == []


@pytest.mark.parametrize("value", ["jwt", "opaque", "bearer", "Basic", "sha256", "HS256"])
def test_a_mode_keyword_is_no_credential_value(value: str) -> None:
    assert not may_be_credential_value(value)
    assert judge_value("ACCESS_TOKEN_STRATEGY", value, example_file=False) is None


def test_a_value_describing_what_goes_there_is_a_placeholder() -> None:
    assert is_placeholder("_the_password_of_the_service_account")
    assert is_placeholder("the-secret-key")
    assert not is_placeholder("theme-password-2024")


def test_a_table_keyed_by_test_names_holds_no_settings(tmp_path: Path) -> None:
    table = (
        "{\n"
        '  "KeyShare-RetryGroup-TLS13": ":WRONG_CIPHER:",\n'
        '  "SessionResumption-MasterSecret-Server": ":UNEXPECTED_RESUMPTION:",\n'
        '  "ZeroLengthChain-Server": ":NO_CERTS:",\n'
        '  "KeyUpdate-ToServer-TLS13": ":BAD_HANDSHAKE:",\n'
        "}\n"
    )
    assert _zt204(tmp_path / "json", {"suite/expect.json": table}) == []
    assert _zt204(tmp_path / "template", {"suite/expect.json.in": table}) == []
    # A header map is no table of test names: a key in it is still a credential.
    headers = (
        '{"X-Request-Id": "abc", "Content-Type": "json", "Accept-Encoding": "gzip",\n'
        ' "X-Api-Secret": "q8Vt2LmX9rPz4KwNa7"}\n'
    )
    assert [line for _, line, _ in _zt204(tmp_path / "headers", {"client.json": headers})] == [2]


@pytest.mark.parametrize(
    ("name", "value", "setting"),
    [
        ("acme-tokencleaner", "acme.cli.tokencleaner:main", True),  # entry point
        ("console_secret", "app.commands.secrets:main", True),
        ("passwdprovider", "settings.providers.editpasswdprovider", True),  # a route name
        ("admin_password", "admin:hunter2", False),  # a user:password pair is no entry point
        ("db_password", "db_password_prod", False),  # plain words in config: a weak secret
        # a Kubernetes kind path, with its API version
        ("k8s/config.example.io/v1alpha2/apikeys", "example/config/v1alpha2/legacy/apikeys", True),
    ],
)
def test_values_that_name_code_or_the_setting(name: str, value: str, setting: bool) -> None:
    from ztlint.semantics.placeholder import names_a_setting

    assert names_a_setting(value, name) is setting


@pytest.mark.parametrize(
    ("name", "credential"),
    [
        ("PRIVATE_KEY_ROTATION_GRACE_PERIOD", False),  # a duration about a key
        ("TOKEN_MAX_AGE", False),
        ("refreshTokenLifetime", False),
        ("SESSION_TIMEOUT_SECONDS", False),
        ("SESSION_SECRET", True),
        ("API_TOKEN", True),
        # A token service's settings: its storage backend, its mail domain.
        ("TOKENSERVER_DATABASE_BACKEND", False),
        ("AUTH_TOKEN_EMAIL_DOMAIN", False),
        # The identifier of a secret store or of a secret, not its value.
        ("vaultSecretsGuid", False),
        ("SECRET_UUID", False),
    ],
)
def test_a_quantity_about_a_credential_is_not_one(name: str, credential: bool) -> None:
    from ztlint.semantics.credentials import is_credential_name

    assert is_credential_name(name, env=True) is credential


@pytest.mark.parametrize(
    ("host", "placeholder"),
    [
        ("server.domain", True),
        ("api.host.tld", True),
        ("vpn.yourdomain.com", True),
        ("your-server.com", True),
        ("my_company.net", True),
        ("vpn.corp-infra.net", False),
        ("domain.com", False),
        ("yourdomainname.io", False),
        ("myorganic.com", False),
        ("localhost", False),
    ],
)
def test_placeholder_hosts(host: str, placeholder: bool) -> None:
    assert is_placeholder_host(host) is placeholder


def test_a_server_address_bound_to_a_placeholder_host() -> None:
    assert binds_placeholder_server("BASE_URL = 'https://server.domain'\n") == "server.domain"
    assert binds_placeholder_server('const api = "https://your-server.com/v1";\n') == (
        "your-server.com"
    )
    # A comment, or a real server, binds none.
    assert binds_placeholder_server("# BASE_URL = 'https://server.domain'\n") is None
    assert binds_placeholder_server("BASE_URL = 'https://vpn.corp-infra.net'\n") is None


def test_an_alphabet_is_no_secret() -> None:
    """The letters and digits in order: a generator's character set, or a guessable
    stand-in; random values are no alphabet."""
    from ztlint.semantics.credentials import is_alphabet

    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    assert is_alphabet(alphabet) and is_alphabet(alphabet + "!@#$%^&*(-_=+)")
    assert not any(is_alphabet(v) for v in ("q8Vt2LmX9rPz4KwNaB3c", "0123456789abcdef", "hunter2"))
    assert judge_value("SECRET_KEY_CHARSET", alphabet, example_file=False, declared=True) is None
    assert judge_value("SECRET_KEY", alphabet, example_file=False) == "default"


@pytest.mark.parametrize(
    ("value", "stand_in"),
    [
        ("0123456789abcdef0123456789abcdef", True),  # a key's length and alphabet, shown
        ("abcdefghijklmnopqrstuvwxyz", True),
        ("1234567890123456", True),
        ("api_key=0123456789abcdef0123456789abcdef", True),  # a credentials-file line
        ("12345678", False),  # a short count is a (weak) password
        ("3f9a0c7d1e2b4a6c8d0f1e3a5c7b9d2e", False),
    ],
)
def test_values_that_count_up_are_stand_ins(value: str, stand_in: bool) -> None:
    assert is_placeholder(value) is stand_in


@pytest.mark.parametrize(
    ("name", "word"),
    [
        # The head of "X to/for/of/from/with Y" is X.
        ("FallbackToPassword", None),
        ("pathToKey", None),
        ("loginWithPassword", None),
        ("passwordForUser", "password"),
        ("authTokenFromHeader", "token"),
        ("api_key_for_service", "api key"),
        # `in`/`on` belong to verbs (`sign in`, `log on`): no cut.
        ("signInToken", "token"),
    ],
)
def test_the_head_of_a_prepositional_name(name: str, word: str | None) -> None:
    from ztlint.semantics.vocabulary import secret_word

    assert secret_word(name) == word


@pytest.mark.parametrize("value", [r"^[a-zA-Z0-9_\/\-]{2,24}$", r"^\d{6}$", r"^[A-Z]{3}-\w+$"])
def test_an_anchored_pattern_is_no_credential(value: str) -> None:
    """What a form checks a key against (`PATTERN_API_KEY = '^[a-zA-Z0-9_-]{2,24}$'`)."""
    assert judge_value("PATTERN_API_KEY", value, example_file=False, declared=True) is None


@pytest.mark.parametrize(
    ("name", "value", "verdict"),
    [
        # HTTP's token grammar as a character class: a parser's pattern.
        ("tokenMatch", "[a-zA-Z0-9!#$%&'*+.^_|~-]+", None),
        ("SECRET_PATTERN", "^[A-Z0-9]{32}$", None),
        ("API_TOKEN", "a8f3k2L9x0Qz7Wv1", "secret"),
    ],
)
def test_a_character_class_is_a_pattern(name: str, value: str, verdict: str | None) -> None:
    from ztlint.semantics.credentials import judge_value

    assert judge_value(name, value, False) == verdict


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("postgres://app:S3cr3tPw9x@db:5432/app", "S3cr3tPw9x"),
        # References put the URL together at run time, whatever colons they hold.
        ("tcp://$${env:DB_USER}:$${env:DB_PASSWORD}@$${env:DB_HOST}:9000/traces", None),
        ("tcp://${DB_USER}:${DB_PASSWORD}@db:9000/x", None),
        ("redis://default:{{ .Values.redis.password }}@redis:6379", None),
    ],
)
def test_url_password_is_a_literal_only(url: str, password: str | None) -> None:
    from ztlint.semantics.credentials import url_password

    assert url_password(url) == password


@pytest.mark.parametrize(
    ("name", "value", "verdict"),
    [
        # The name a keychain item or preference is stored under (reverse DNS).
        ("GCMTokenKey", "com.2fa.Push_NEW", None),
        ("refreshTokenKey", "io.example2.RefreshToken", None),
        # A dotted value that does not start with a top-level domain is judged as a value.
        ("API_TOKEN", "xk9.Qz7Wv1.a8f3k2L9", "secret"),
    ],
)
def test_a_reverse_dns_name_is_a_storage_key(name: str, value: str, verdict: str | None) -> None:
    from ztlint.semantics.credentials import judge_value

    assert judge_value(name, value, False) == verdict
