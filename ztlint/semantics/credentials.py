"""What names and values mean credentials. Shared by the hardcoded-credential and
credentials-in-environment rules, so that one judgement serves both.

Over 400 lines: the name patterns and the value judgement are one decision (a value is
judged by the name it is bound to); split, each half would import the other."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import pairwise

from ztlint.semantics.placeholder import (
    decodes_to_phrase,
    is_binary_magic,
    is_format_keyword,
    is_own_word,
    is_phrase,
    is_placeholder,
    is_public_key,
    is_version,
    looks_like_prose,
    names_a_setting,
    spelled_with_number,
    words,
)
from ztlint.semantics.tokens import AWS_KEY_ID, any_format_source, entropy, published_stand_in

CREDENTIAL = re.compile(
    r"(passw(or)?d|passwd|(^|_)pass$|(^|_)pwd$|secret|token(?!i[sz](e|ation))|credential|api_?key|access_?key|"
    r"private_?key|signing_?key|encryption_?key|auth_?key|master_?key|client_?key|app_?key|hmac_?key|"
    r"jwt_?key|session_?key|crypto_?key|aes_?key|shared_?key|webhook_?key|license_?key)"
)
NOT_CREDENTIAL = re.compile(
    r"(public_?key|publishable_?key|cache_?key|primary_?key|partition_?key|sort_?key|foreign_?key|"
    r"key_?id$|_id$|_ids$|_g?uuid$|_guid$|(client|tenant|app)id$|_file$|_path$|_dir$|_name$|_names$|name$|_type$|_kind$|_enabled$|_ttl$|"
    r"_expiry$|_expires?(_in|_at)?$|_length$|_len$|_size$|_header$|_url$|_uri$|_endpoint$|_host$|"
    r"_port$|_user(name)?$|_prefix$|_suffix$|_mode$|_algorithm$|_alg$|_audience$|_issuer$|_label$|"
    r"_field$|_placeholder$|_hint$|_prompt$|_regex$|_pattern$|_policy$|_hash$|_hashed$|_salt$|"
    r"_min$|_max$|_error$|_message$|_msg$|_env$|_var$|_ref$|_refs$|ref$|_count$|_index$|_version$|"
    r"_format$|_template$|_templates$|_tmpl$|_models?$|args?$|_flag$|_location$|_source$|_store$|_provider$|_manager$|_class$|_scope$|_scopes$|_usage$|"
    r"_rotation$|_generator$|_validator$|_key_?name$|^(csrf|xsrf)_token$|_timeout$|_interval$|"
    r"_period$|_duration$|_delay$|_lifetime$|_max_?age$|_(milli)?seconds$|_secs$|_ms$|_minutes$|"
    r"_hours$|_days$|"
    r"_method$|_param$|_query$|_selector$|_annotation$|_status$|_state$|_namespace$|_paths$|"
    # What a setting of a token service names: its storage backend, its mail domain.
    r"_backend$|_driver$|_engine$|_domain$|_domains$|_email$|"
    r"^hash(ed)?_|^salted_|"
    # A Helm chart's reference to a Secret object the deployer made (`existingSecret`,
    # `existing_password_secret`): its name, not its data.
    r"^existing_|"
    # What a front-end framework inlines into the bundle every browser downloads, public by
    # its own contract: Next.js `NEXT_PUBLIC_`, Nuxt `NUXT_PUBLIC_`, Expo `EXPO_PUBLIC_`,
    # SvelteKit's and Astro's `PUBLIC_` (a real secret there is leaked by the build, and
    # a token's format still tells it).
    r"^(next_|nuxt_|expo_)?public_|"
    # A digest of it: `checksum/secret` (Helm's restart-on-change annotation),
    # `token_digest`, `password_sha256`, `secret_checksum`.
    r"(^|[_/])checksum([_/]|$)|_digest$|_sha(1|256|384|512)$|_md5$|"
    # A condition about one, an error code's name: `SecretHeaderNotFound`, `TokenExpired`.
    r"_not_found$|_missing$|_invalid$|_expired$|_mismatch$|_required$|_failed$|_denied$)"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _letters(name: str) -> str:
    """The name's letters and digits, lower case (`OnePasswordConnect` -> `onepasswordconnect`)."""
    return re.sub(r"[^a-z0-9]", "", normalise(name))


def normalise(name: str) -> str:
    """`clientSecret`, `CLIENT-SECRET`, `client.secret` -> `client_secret`."""
    last = re.split(r"[.\[\]'\"]+", name.strip().strip("\"'`"))
    text = next((p for p in reversed(last) if p), name)
    return re.sub(r"[-\s]+", "_", _CAMEL.sub("_", text)).lower()


# Environment variables follow a convention: any `*_KEY` is a credential unless it is one
# of the well-known non-secret keys.
_ENV_KEY = re.compile(r"\w_key$")
_ENV_NOT_KEY = re.compile(
    r"(runtime|cache|sort|routing|idempotency|partition|lookup|object|s3|redis|metric|label|hash|map|"
    r"primary|foreign|tls|ssl|cert|public|publishable|gpg|ssh_host)_key$"
)


# The shell's working folders (POSIX `PWD`, `OLDPWD`), never a password in the environment.
_SHELL_FOLDERS = frozenset({"pwd", "oldpwd"})


@lru_cache(maxsize=8192)
def is_credential_name(name: str, env: bool = False) -> bool:
    """Judged by the name's normal form; kept per name (config keys and identifiers
    repeat: `name`, `image`, `type` thousands of times in a repository)."""
    if name.startswith("--"):
        return False  # a CSS custom property (`--color-password-strength-meter`): a style
    norm = normalise(name)
    if NOT_CREDENTIAL.search(norm) or (env and norm in _SHELL_FOLDERS):
        return False
    if CREDENTIAL.search(norm):
        return True
    return env and bool(_ENV_KEY.search(norm)) and not _ENV_NOT_KEY.search(norm)


# An extension header's or signed query parameter's name (`X-Amz-Credential`,
# `X-Api-Key`): where a credential travels, not one.
_HEADER_NAME = re.compile(r"(?i)x-[a-z0-9]+(?:-[a-z0-9]+)+")
# A rate limit's spelling: counts per period, each with what it is counted by
# (`20/m/ip,5/m/key`, `5/m/user`, `100/h`).
_RATE = re.compile(r"\d+/\w+(?:/\w+)?(?:\s*,\s*\d+/\w+(?:/\w+)?)*")
# A list of names in capitals (`BW-GHAPP-ID,BW-GHAPP-KEY`, `DB_USER, DB_PASSWORD`): the
# names of secrets or variables, as a vault action takes them.
_NAME_LIST = re.compile(r"[A-Z][A-Z0-9_-]*(?:\s*,\s*[A-Z][A-Z0-9_-]*)+")
# A regular expression's character class with a range and a quantifier: what a parser
# matches (`[a-zA-Z0-9._~-]+`), not a value.
_CHARACTER_CLASS = re.compile(r"\^?\[[^\]\n]{0,200}?(?:a-z|A-Z|0-9)[^\]\n]{0,200}\][+*?{]")
PATH_VALUE = re.compile(r"^(/|\./|\.\./|~/)[\w./-]+$")
_DEFAULTS = re.compile(
    r"(?i)^(change[_-]?(me|this|it)|admin|root|postgres|mysql|guest|default|pass(word)?\d*[!@#$.]?|"
    r"secret\d*|(test|dev|local|insecure)([-_]?(secret|key|token|pass(word)?|pwd))?\d*|letmein|"
    r"qwerty|123456\w*|s3cr3t|p@ssw0rd|"
    # the account's own word and "password": `root_password`, `admin-pass`
    r"(root|admin|user|db|app|sa)[-_](pass(word)?|pwd)\d*)$"
)


def is_well_known_default(value: str) -> bool:
    """`changeme`, `admin`, `postgres`, `password1`: a default everyone tries first."""
    return bool(_DEFAULTS.match(value.strip()))


_CREDENTIAL_FALLBACK = re.compile(
    r"\$\{[A-Za-z0-9_]*(?:PASSWORD|PASSWD|PASS|SECRET|TOKEN)[A-Za-z0-9_]*:?-([^}\s]*)\}"
)


def defaults_to_stand_ins(text: str) -> bool:
    """Whether the file gives a credential variable a stand-in fallback
    (`${DATABASE_PASSWORD:-postgres}`): the mark of a local development stack, whose
    other literal credentials are development values too."""
    if ":-" not in text and "${" not in text:
        return False
    return any(
        is_well_known_default(m.group(1).strip("\"'")) or is_placeholder(m.group(1))
        for m in _CREDENTIAL_FALLBACK.finditer(text)
        if m.group(1).strip("\"'")
    )


# `adminpassword`, `dbpass1`: a password made from the word itself; it may echo the name
# it is bound to (`ADMIN_PASSWORD`) and still be the value, not the name of a setting.
_WORD_PASSWORD = re.compile(r"[a-z]{2,12}pass(?:word)?\d{0,4}|[A-Z]{2,12}PASS(?:WORD)?\d{0,4}")
# `GreatSecretKey42`, `AdminPassword2024`: capitalised words with a number appended, the
# way people make a password pass a policy; an identifier naming a setting has no number.
_NUMBERED_WORDS = re.compile(r"(?:[A-Z][a-z]+){2,5}\d{2,4}")
_PATH = re.compile(
    r"^(/|\./|\.\./|~/|[A-Za-z]:\\)|^\.[a-z][a-z0-9_-]*$|\.(pem|key|crt|txt|json|ya?ml|toml|env|p12|pfx|jks)$"
)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")
EXAMPLE_FILE = re.compile(r"(?i)(^|[/._-])(example|sample|template|dist|demo)s?([/._-]|$)")


# A regular expression anchored at both ends with a character class or an escape in it
# (`^[a-zA-Z0-9_\-]{2,24}$`, `^\d{6}$`): what a form checks a value against.
_ANCHORED_PATTERN = re.compile(r"\^.*(?:\[[^\]]*\]|\\[dwsSDW]).*\$")


def may_be_credential_value(value: str) -> bool:
    """What `judge_value` asks of a value whatever its name: False when no name makes it
    a credential, so that a caller can skip finding the name."""
    text = value.strip()
    if len(text) < 4 or len(text) > 300 or "\n" in text or looks_like_prose(text):
        return False  # prose (a label, a prompt, a sentence, a translation) or a block
    if is_placeholder(text) or _PATH.search(text) or _ENV_NAME.match(text):
        return False
    if _FLAG.fullmatch(text) or is_version(text) or is_format_keyword(text):
        return False  # a flag, a count, a package version, a mode's keyword
    if _OPTION_NAME.fullmatch(text):
        return False  # `--client-certificate-password`: a command-line option's name
    if _URL.match(text) and "@" not in text:
        return False
    if text[:1] in "{[" and text[-1:] in "}]":
        return False  # a serialized object (a hash record and its parameters)
    if _ANCHORED_PATTERN.fullmatch(text):
        return False  # `^[a-zA-Z0-9_\/\-]{2,24}$`: a pattern values are checked against
    if is_binary_magic(text) or is_public_key(text) or published_stand_in(text):
        return False  # a format's magic bytes; a key published to be embedded or shared
    if _REVERSE_DNS.fullmatch(text) or _DOTTED_NAME.fullmatch(text):
        return False  # a reverse-DNS identifier, a dotted name (`app.view_secret`)
    # A known token format: secret-token-committed judges it.
    return not (AWS_KEY_ID.fullmatch(text) or _any_format().fullmatch(text))


def is_provider_format(value: str) -> bool:
    """Whether the value is a token of a known provider format: secret-token-committed
    judges those (its checksum decides whether a lookalike is a token at all)."""
    text = value.strip()
    return bool(AWS_KEY_ID.fullmatch(text) or _any_format().fullmatch(text))


# `com.lyndir.masterpassword`, `io.example.app.token`: an identifier in reverse-DNS
# order (an app's bundle id, a Java package, an algorithm's scope), lower case.
_REVERSE_DNS = re.compile(
    r"(?:com|org|net|io|dev|app|edu|gov|co|de|uk|fr|ch|nl)(?:\.[a-z0-9_-]+){2,}"
)
# `accounts.view_accountsecret`, `auth.change_password`: a dotted name of words (a
# Django permission codename `app.verb_model`, a module path), with a `_` joining words.
_DOTTED_NAME = re.compile(
    r"[a-z]+(?:\.[a-z]+(?:_[a-z]+)+)+|[a-z]+(?:_[a-z]+)+(?:\.[a-z]+(?:_[a-z]+)*)+"
)
# A dotted path of words, each perhaps with a number after it (`constant.numeric.int32`,
# `markup.list.numbered.3`, `meta.even-row.cell12`, `invalid.DEPRECATED`): an editor
# theme's scope, a message key, a module path. A token is not made of words.
_WORD_PATH = re.compile(
    r"[A-Za-z][a-z]*(?:-[a-z]+)*[0-9]{0,3}"
    r"(?:\.(?:[A-Za-z][a-z]*(?:-[a-z]+)*[0-9]{0,3}|[A-Z]{2,12}|[0-9]{1,3})){1,8}"
)
# A command-line option's name: `--client-secret`, `-password` (Go's flag package).
_OPTION_NAME = re.compile(r"--?[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_FLAG = re.compile(r"(?i)yes|no|on|off|true|false|enabled?|disabled?|\d{1,3}")


# Matches the whole value exactly when one of the formats does.
@cache
def _any_format() -> re.Pattern[str]:
    """Any provider format (compiled on first use)."""
    return re.compile(any_format_source())


_CHARSET_WORDS = frozenset(
    {"charset", "chars", "characters", "alphabet", "symbols", "letters", "digits", "pool"}
)


def is_alphabet(text: str) -> bool:
    """Whether a value is an alphabet written out: runs of consecutive characters
    (`abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789`, perhaps with
    punctuation after), at least 20 long, two thirds of its steps going up by one and
    one run of ten: nothing random about it."""
    if len(text) < 20:
        return False
    steps = [ord(b) - ord(a) for a, b in pairwise(text)]
    longest = run = 0
    for step in steps:
        run = run + 1 if step == 1 else 0
        longest = max(longest, run)
    return longest >= 9 and sum(1 for x in steps if x == 1) * 3 >= len(steps) * 2


# A reverse-DNS name (Apple's bundle and keychain identifiers, Java packages, D-Bus and
# preference domains): a top-level domain first, then dotted labels.
_REVERSE_DNS = re.compile(
    r"(?:com|org|net|io|dev|app|me|co|de|ch|uk|fr|nl|jp|cn|eu|us|ru|se|fi|no|at|be|it|es)"
    r"\.[a-z0-9][a-z0-9-]*(?:\.[A-Za-z0-9_-]+)+"
)


def judge_value(
    name: str, value: str, example_file: bool, fallback: bool = False, declared: bool = False
) -> str | None:
    """'secret', 'default' or None (not a credential value). A token, key or secret
    bound to a name must look random (letters and digits, or high entropy); a password,
    or a fallback that stands in for a missing variable, need not. `declared`: the value
    of a declared constant or variable in code, where a value made of the name's words
    names a setting (`placeholder.names_a_setting`)."""
    text = value.strip()
    if not may_be_credential_value(text) or normalise(text) == normalise(name):
        return None
    spelled = spelled_with_number(text)
    if spelled != text and _letters(spelled) == _letters(name):
        return None  # `OnePasswordConnect = "1passwordconnect"`: the name, a brand's digit
    if is_own_word(text, name):
        return None  # `ResultPass = "pass"`: an enumeration spelling itself
    if _HEADER_NAME.fullmatch(text):
        return None  # `Credential: "X-Amz-Credential"`: the name of a header or parameter
    if text.lower().startswith("urn:"):
        return None  # `urn:ietf:params:oauth:grant-type:token-exchange`: a registered name
    if _REVERSE_DNS.fullmatch(text):
        return (
            None  # `com.example.app.PushToken`: the name a keychain item or setting is kept under
        )
    if _RATE.fullmatch(text):
        return None  # `"reset_password": "20/m/ip,5/m/key"`: a rate limit for the action
    if _NAME_LIST.fullmatch(text):
        return None  # `secrets: "APP-ID,APP-KEY"`: the names of secrets a step fetches
    if _CHARACTER_CLASS.match(text):
        return None  # `tokenMatch = "[a-zA-Z0-9!#$%&'*+.^_|~-]+"`: a grammar's pattern
    if _DEFAULTS.match(text):
        return None if example_file else "default"
    if is_alphabet(text):
        # The letters and digits in order: the set a generator draws from when the name
        # says so (`SECRET_KEY_CHARSET`), else a stand-in anyone can guess.
        if words(name)[-1:] and words(name)[-1] in _CHARSET_WORDS:
            return None
        return None if example_file else "default"
    made_up = _WORD_PASSWORD.fullmatch(text) or _NUMBERED_WORDS.fullmatch(text)
    if not made_up and names_a_setting(text, name, declared):
        return None  # an identifier naming a key, flag or method: `client_secret_basic`
    norm = normalise(name)
    # Passwords and secrets are chosen by people: any non-placeholder value counts.
    password_like = bool(re.search(r"passw|passwd|pass$|pwd$|secrets?(_|$)", norm))
    if password_like or fallback:
        return "secret"
    if len(text) < 8 or re.fullmatch(r"[a-z_.-]+|[A-Za-z]+", text):
        return None  # an identifier or a word: a storage key, a label
    if _WORD_PATH.fullmatch(text):
        return None  # `constant.numeric.integer.int32`: a scope, message or module name
    randomish = (
        bool(re.search(r"\d", text) and re.search(r"[A-Za-z]", text)) or entropy(text) >= 3.5
    )
    return "secret" if randomish and entropy(text) >= 2.5 else None


URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://([^:/@\s]*):([^@/\s]+)@[^\s]+$", re.I)


def url_user_host(value: str) -> tuple[str, str]:
    """The user name and host of `scheme://user:password@host[:port]/...`."""
    m = URL_CREDENTIALS.match(value.strip())
    if m is None:
        return "", ""
    rest = value.strip()[m.end(2) + 1 :]
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return m.group(1), host


def url_password(value: str) -> str | None:
    """The password in `scheme://user:password@host`, unless it is a reference or a
    placeholder."""
    m = URL_CREDENTIALS.match(value.strip())
    if m is None:
        return None
    password = m.group(2)
    if is_placeholder(password) or _INTERPOLATION.search(m.group(1) + ":" + password):
        return None
    return password


# An interpolation anywhere in the user information (`$${env:DB_PASSWORD}`, the
# escaped `${env:..}` of a collector's config in a template; `${DB_PASS}`, `{{ .Pass }}`):
# the URL is put together at run time, and the colon inside the reference is not the
# one between user and password.
_INTERPOLATION = re.compile(r"\$\{|\$\(|\{\{")


def strong_value(value: str, phrases_weak: bool = True) -> bool:
    """Whether a credential value carries real entropy: generated (long, varied) or a
    password mixing three kinds of characters (a separator `-_.` is not one), and not
    words strung together, plain or base64-encoded. A weak value is still a credential, but one that may as well be a
    guess at what the name holds (a demo, a stand-in): it is reported below the default
    threshold. `phrases_weak`: whether words strung together count as weak (they do in
    configuration, see hardcoded._hit)."""
    text = value.strip()
    if phrases_weak and (is_phrase(text) or decodes_to_phrase(text)):
        return False
    if len(text) >= 12 and entropy(text) >= 3.5:
        return True
    if _HEX_DIGEST.fullmatch(text) and any(c.isdigit() for c in text) and not text.isdigit():
        return True  # a digest or generated key: hex carries at most 4 bits a character
    return len(text) >= 8 and _classes(text) >= 3


_HEX_DIGEST = re.compile(r"[0-9a-f]{32,}|[0-9A-F]{32,}")


def _classes(text: str) -> int:
    return sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() and c not in "-_." for c in text),
        )
    )


# A user account's record: who the account is, beside its password.
_IDENTITY = re.compile(r"(^|_)(e_?mail|user(_?name)?|login|uid|account)$")
# A connection's settings: where the password is presented, not whose account it is.
_ENDPOINT = re.compile(
    r"(^|_)(host(name)?|url|uri|addr(ess)?|server|port|endpoint|dsn|database|db|path|"
    r"driver|scheme|protocol)$"
)


def is_password_name(name: str) -> bool:
    return bool(re.search(r"passw|passwd|(^|_)pass$|(^|_)pwd$", normalise(name)))


def is_account_record(keys: list[str]) -> bool:
    """Whether a record's keys make it a user account: a password beside the account's
    identity (`email`, `username`, `login`) and no endpoint (`host`, `url`, `server`),
    which would make it a connection's settings."""
    norms = [normalise(k) for k in keys]
    return (
        any(is_password_name(k) for k in keys)
        and any(_IDENTITY.search(n) for n in norms)
        and not any(_ENDPOINT.search(n) for n in norms)
    )


def accounts(records: list[list[str]]) -> bool:
    """Whether a collection of records (a list, or a mapping keyed by user) holds user
    accounts: two or more of its records are account records. A seeded account's
    password is a credential of the application, however weak: it is what signs in."""
    return sum(1 for keys in records if is_account_record(keys)) >= 2


URL_WITH_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^:/@\s]*:([^@/\s]+)@", re.I)


# A Helm named template alone (`{{ include "app.fullname" . }}`): code of the chart
# that names objects; a credential comes from values (`{{ .Values.apiKey }}`).
_HELPER = re.compile(r'\{\{-?\s*(?:include|template)\s+"[^"]*"\s*[.$]?\s*-?\}\}')

_INTERPOLATED = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*(?::?[-?][^}]*)?\}?$")


def classify_value(name: str, value: str | None) -> str | None:
    """'literal', 'interpolated', or None (not a credential, or the fix)."""
    if URL_WITH_PASSWORD.match(value or ""):
        password = URL_WITH_PASSWORD.match(value or "")
        assert password is not None
        return "interpolated" if password.group(1).startswith("$") else "literal"
    if not is_credential_name(name, env=True):
        return None
    if value is None:
        return "interpolated"  # passed through from the host environment
    text = value.strip().strip("\"'")
    if not text:
        # Set to the empty string (`PASSWORD=`, `PASSWORD=""`): no credential to leak.
        return None
    # A path whose folders are interpolated (`/pki/${HOST}/keys/${HOST}.key`) is a path.
    flat = re.sub(r"\$\{[^{}]*\}", "x", text)
    if (
        PATH_VALUE.match(flat)
        or re.fullmatch(r"(?i)yes|no|on|off|true|false|\d{1,3}", text)
        or is_format_keyword(text)
    ):
        return None  # a path to a mounted key or secret file, a flag, a mode's keyword
    if _HELPER.fullmatch(text):
        return None  # a chart's named template prints a name (a Secret's), not a value
    if _ORIGIN.fullmatch(text) or _KEY_ID.fullmatch(text):
        return None  # where a key is fetched from; an OpenPGP key's short or long id
    if _INTERPOLATED.match(text) or text.startswith("$(") or "{{" in text:
        return "interpolated"
    if _SUBSTITUTED.fullmatch(text) and is_placeholder(text):
        return "interpolated"  # `TOKEN: REPLACE_WITH_TOKEN`: filled in when deployed
    return "literal"


# A URL of a site and nothing more (`https://download.example.com`): no path or query
# a secret could hide in (a webhook URL's path can be one).
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?/?")
# An OpenPGP key id as gpg prints it (`0xDE8B853FC155581D`): 32 or 64 bits, public.
_KEY_ID = re.compile(r"0x(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{16})")
# A placeholder a deployment step substitutes: an upper-case token, or one that says
# where the value goes (`<token>`, `YOUR_API_KEY`, `REPLACE_ME`).
_SUBSTITUTED = re.compile(r"[A-Z][A-Z0-9_]*|<[^<>]+>|(?i:your[_-]\w+|replace[_-]?\w*)")

_FALLBACK = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}$")


def stand_in(value: str | None) -> bool:
    """Whether the committed part of an environment value is a stand-in: a literal
    that is a placeholder or a well-known default (`password`, `postgres`,
    `changeme`), or an interpolation whose fallback is one (`${DB_PASSWORD:-postgres}`,
    the default of a local development stack). In a compose file such a value is
    reported below the default threshold: the stack it configures is a local one. (A
    Dockerfile's `ARG` default or a manifest's value is recorded all the same.)"""
    text = (value or "").strip().strip("\"'")
    m = _FALLBACK.match(text)
    if m is not None:
        text = m.group(1).strip().strip("\"'")
        if not text:
            return False
    elif text.startswith("$") or "{{" in text:
        return False  # an interpolation, a template
    elif "://" in text:
        # A URL is judged by its password (`mysql://root:secret@db:3306/app`, the DSN of
        # a stack's own database container): the same stand-ins as a bare value.
        password = URL_WITH_PASSWORD.match(text)
        if password is None or password.group(1).startswith("$"):
            return False
        text = password.group(1)
    return is_placeholder(text) or is_well_known_default(text)
