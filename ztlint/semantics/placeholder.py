"""What a value is when it is not a secret, judged on its shape alone: a placeholder to
be filled in, a redacted or masked secret, a reference to one, natural-language text, a
version, or an identifier that names a setting. One place, shared by the secret rules,
so that `changeme`-style and `<password>`-style values mean the same to all of them.

Over 420 lines: every shape of a value that is not a secret (placeholders, redactions,
references, prose, versions, names of settings, hosts that reach no real service) is
judged here, in one place, rather than per rule."""

from __future__ import annotations

import base64
import binascii
import re

# Values that refer to a secret (or to anything else) rather than being one: `${VAR}`,
# `{{ .Values.x }}`, `{% ... %}`, `<password>`, `%(name)s`, `{name}`, `%VITE_NAME%`, SOPS
# and secret-store references, JSON Pointers and page paths.
REFERENCE = re.compile(
    r"^\$\{?[\w.]+|\$\{\{|\{\{|\{%|<[^>]*>|%\(?\w*\)?s|\{\w*\}|^%[A-Za-z_][\w.]*%(?:[/\\].*)?$|^ENC\[|^vault:|"
    r"^ref\+|^arn:aws:|^projects/|^(op|sm|gcp|aws|azure|vault|k8s|env|file)://|^\$\(|^!|^@|"
    # Concourse's credential-manager variables: `((github_access_token))`.
    r"^\(\([\w./:-]+\)\)$|"
    # A JSON Pointer into the same document (an OpenAPI discriminator's mapping
    # `password: "#/components/schemas/PasswordMethod"`), and the path of a page (a
    # docs site's navigation `Secrets: guides/secrets.md`).
    r"^#/[\w/~%.-]*$|^[\w./-]+\.(?:md|mdx|rst|adoc|html?)(?:#[\w-]*)?$"
)
# Whole values that stand for "put the secret here".
DUMMY = re.compile(
    r"(?i)^(x+|\*+|\.+|-+|#+|0+|redacted|hidden|masked|todo|tbd|fixme|none|null|nil|undefined|empty|"
    r"true|false|yes|no|secrets?|passwords?|passwd|tokens?|keys?|api_?key|credentials?|"
    r"your[_-].*|some[_-].*|if[_-]you[_-]see[_-]this.*|replace(?:[_-].*|me.*|this.*|it.*)|<.*>|"
    r"example.*|"
    r"sample.*|dummy.*|fake.*|"
    r"placeholder.*|not[_-]?set|unset|unused|not[_-]?used|n/?a|\?+|"
    # `my-secret-here`, `token_goes_here`, `insert-api-key-here`: where the value goes
    r"(?:[a-z]+[_-])*(?:secret|token|key|password|passwd|pass|credential|value)"
    r"(?:[_-]goes)?[_-]here)$"
)
# Words that mark a value as a stand-in wherever they occur in it, and a value that
# describes what goes in its place (`_the_password_of_the_service_account`).
MARKED_DUMMY = re.compile(
    r"(?i)example|placeholder|dummy|redacted|xxxxx|your_|your-|replace_?me|"
    r"(?:^|[_-])the[_-](?:[a-z]+[_-])?(?:password|passphrase|secret|token|key)(?![a-z])|"
    # A value that asks to be changed (`ThisShouldBeChangedInProduction`).
    r"(?:should|must|needs?)[_-]?(?:to[_-]?)?be[_-]?(?:changed|replaced)|"
    # or says it is no production value (`...-not-for-prod`, `do-not-use-in-production`).
    r"not[_-]?for[_-]?prod(?:uction)?(?![a-z])|do[_-]?not[_-]?use(?![a-z])"
)
# A substitution token in a template (`ENROLL_TOKEN_HERE`, `DB_PASS`, `TOKEN_VALUE`,
# `REPLACE_MASTER_KEY`, `YOUR_DOMAIN_VALUE`): a value shaped like an environment variable's
# name (upper-case words joined by `_`, two or more), one of them naming a credential or
# asking for the value (`REPLACE`, `CHANGE`, `YOUR`, `VALUE`), that a deployment step
# replaces (`sed`, `envsubst`) or an operator edits; no generated secret or chosen
# password is written that way.
_SUBSTITUTION = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_SUBSTITUTION_PARTS = frozenset(
    {"PASS", "PASSWORD", "PASSWD", "PWD", "TOKEN", "SECRET", "KEY", "APIKEY", "CREDENTIAL",
     "CREDENTIALS", "PASSPHRASE", "REPLACE", "CHANGE", "CHANGEME", "YOUR", "VALUE"}
)  # fmt: skip


def _substitution_token(text: str) -> bool:
    return bool(_SUBSTITUTION.fullmatch(text)) and not _SUBSTITUTION_PARTS.isdisjoint(
        text.split("_")
    )


# A secret shown with its tail masked or cut: `Zr8.....`, `sk-abc***`, `ab12…`.
REDACTED = re.compile(r"^.{0,12}?(\.{4,}|\*{3,}|…+|x{6,}|X{6,})$")


# A value that asks for the reader's own, in camel case (`yourStrong(!)Password`, the
# example of a database image's documentation).
_YOURS = re.compile(r"^your[A-Z]")


def is_placeholder(value: str) -> bool:
    """Whether the value is a stand-in for a secret (a reference, a dummy word, a
    redacted or masked secret), not one."""
    text = value.strip()
    return bool(
        _YOURS.match(text)
        or REFERENCE.search(text)
        or DUMMY.match(text)
        or MARKED_DUMMY.search(text)
        or REDACTED.match(text)
        or _substitution_token(text)
        or _encoded_placeholder(text)
        or _counts_up(text)
    )


# Runs a value that counts up is cut from (`0123456789abcdef0123...`, `abcdefgh`).
_RUNS = ("0123456789abcdef", "0123456789", "1234567890", "abcdefghijklmnopqrstuvwxyz")
_COUNTED = 16  # key-length stand-ins; a short `12345678` stays a (weak) password


def _counts_up(text: str) -> bool:
    """A value that only counts up through digits or letters, over and over
    (`0123456789abcdef0123456789abcdef`, `1234567890`): a stand-in typed to show the
    length and alphabet of a key, never one drawn at random."""
    tail = text.rsplit("=", 1)[-1].strip()  # also the value of a `name=value` line
    if not (tail.islower() or tail.isupper() or tail.isdigit()):
        return False  # counted in mixed case (`aBcDeFgH`): made up, not typed as a run
    lower = tail.lower()
    if len(lower) < _COUNTED or len(lower) > 256:
        return False
    return any(lower in run * (len(lower) // len(run) + 2) for run in _RUNS)


def _encoded_placeholder(text: str) -> bool:
    """A base64 value whose text is a placeholder (`bXktc2VjcmV0LWhlcmU=` is
    `my-secret-here`): the stand-in, encoded as the format wants it."""
    decoded = _base64_text(text)
    return decoded is not None and bool(DUMMY.match(decoded) or MARKED_DUMMY.search(decoded))


# What a setting named for a token or a password chooses when it chooses a kind rather
# than holds a value: a token format, an authentication scheme, a digest or signature
# algorithm, a storage mode (`ACCESS_TOKEN_STRATEGY=jwt`, `password_hash: sha256`).
_FORMAT_KEYWORD = re.compile(
    r"(?i)jwt|jwe|jws|jwk|opaque|bearer|basic|digest|plain|plaintext|cleartext|hmac|"
    r"md5|sha1|sha224|sha256|sha384|sha512|bcrypt|scrypt|argon2(?:id|i|d)?|pbkdf2|"
    r"[hre]s(?:256|384|512)|ps(?:256|384|512)|eddsa|ed25519|rsa|ecdsa|"
    r"uuid|random|static|hex|base64|oauth2?|oidc|saml|ldap|header|cookie|query"
)


def is_format_keyword(value: str) -> bool:
    """The whole value is a keyword naming a kind of token, scheme or algorithm (a
    setting's choice among modes), not a credential."""
    return bool(_FORMAT_KEYWORD.fullmatch(value.strip()))


def looks_like_prose(value: str) -> bool:
    """Natural-language text (a label, a message, a translation): words separated by
    whitespace, or letters outside ASCII (accented, Cyrillic, CJK, Thai...). A credential
    literal is neither: generated ones are ASCII without spaces, and a person's
    password that is not is not written into configuration by a maintainer."""
    text = value.strip()
    if any(c.isspace() for c in text):
        return True
    return any(ord(c) > 127 and c.isalpha() for c in text)


def is_word(value: str) -> bool:
    """Letters only, perhaps joined by a hyphen or an apostrophe: a word of some
    language (a label's translation, an enum value)."""
    return bool(_WORD.fullmatch(value.strip()))


_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")

# `7.5.3`, `^1.2`, `~> 2.0`, `>=1.4.0-rc.1`, `1.2.3(@types/node@20.1.0)` (lock files).
_VERSION = re.compile(r"^(?:[\^~<>=!]=?\s*|~>\s*)?v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?(?:\(.*\))?$")


def is_version(value: str) -> bool:
    """A package version or requirement (a dependency table maps names to these)."""
    return bool(_VERSION.match(value.strip()))


# An identifier-shaped value: words (with at most a short number: `oauth2`, `ec2`, `v3`,
# also before a camelCase word: `web3AuthToken`) joined by `_`, `-`, `.`, `/` or `:`, or
# written in camelCase; or an algorithm's name with its size (`es256`, `sha512`,
# `x25519`: JOSE and curve names). (Each repetition starts with a digit: no ambiguous
# backtracking.)
_SEGMENT = re.compile(
    r"[A-Za-z]+(?:\d{1,2}[A-Z][A-Za-z]*)*\d{0,2}|\d{1,3}(?:st|nd|rd|th)?|v\d{1,2}(?:alpha|beta)\d{0,2}"
    r"|(?i:es|rs|ps|hs|sha3?|aes|p|x|ed|curve)(?:128|192|224|256|384|512|521|25519|448)"
)
_SEPARATORS = re.compile(r"[-_./:]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# The words by which a value names a credential setting rather than holding one.
_CREDENTIAL_WORDS = frozenset(
    "password passwords passwd pwd pass secret secrets token tokens credential credentials "
    "key keys apikey apikeys auth private".split()
)


def words(text: str) -> list[str]:
    """`clientSecretBasic`, `client_secret-basic`, `cert-manager.io/secret` -> words."""
    out: list[str] = []
    for part in _SEPARATORS.split(text.strip()):
        out.extend(w.lower() for w in _CAMEL.sub(" ", part).split() if w)
    return out


def names_a_setting(value: str, name: str, declared: bool = False) -> bool:
    """Whether the value is an identifier that names something (a key in a Secret, an
    annotation, a flag, a table, an auth method) rather than a secret. It is made of
    plain words, and either
    - is written as a key path, a domain or in camelCase (`db.replica.password`,
      `example.io/private-key-cipher`, `accountPassword`, `sum(used_tokens)`) and holds a
      credential word or a word of the name; or
    - is the value of a declared constant (`declared`) and holds a word of the name
      besides the credential words (`webhookSecretField = "webhook-secret"`,
      `TokenAuthStyleSecretBasic = "client_secret_basic"`), or spells a part of the name
      (`TrustBundleSecret = "trustbundle"`).
    - spells the whole name out, with more words (`KEYRING2ND = "keyring_2nd_key"`,
      `passwdprovider: "settings.providers.editpasswdprovider"`), when declared or
      written as a key path; or
    - is a `package.module:function` entry point (a console script).
    A plain snake or kebab value bound in configuration (`jwt_secret:
    very_important_secret`, `APP_SECRET: my-app-secret`) is a weak secret, not a name."""
    text = value.strip()
    if _ENTRY_POINT.fullmatch(text):
        return True  # `package.module:function`: a console script's entry point
    brand = _NUMBER_BRAND.match(text)
    if brand is not None and _SEPARATORS.search(text):
        # A product's name led by a digit, in a path of names (`1Password/SDK`), as
        # identifiers spell it (`ProviderOnePasswordSDK`): read with the number as a
        # word. (`1Password` alone stays a password.)
        text = _NUMBER_WORDS[int(brand.group(1))] + text[1:]
    call = _CALLED.fullmatch(text)
    if call is not None:  # `sum(used_tokens)`: an expression over a named column
        text = call.group(1)
    if not text or not text[0].isalpha():
        return False
    parts = [p for p in _SEPARATORS.split(text) if p]
    if not parts or not all(_SEGMENT.fullmatch(p) for p in parts):
        return False
    if any(_mixed_case(p) and not _camel_words(p) for p in parts):
        return False  # random-looking case changes: a generated secret
    value_words = words(text)
    name_words = [w for w in words(name) if len(w) >= 2]
    credential = any(w in _CREDENTIAL_WORDS for w in value_words)
    shared = any(w in name_words for w in value_words if w not in _CREDENTIAL_WORDS)
    structured = (
        call is not None or "." in text or "/" in text or any(_mixed_case(p) for p in parts)
    )
    if structured and (credential or shared):
        return True
    squashed = "".join(value_words)
    own = "".join(name_words)
    if (
        (declared or structured)
        and len(own) >= 6
        and any(w not in _CREDENTIAL_WORDS for w in name_words)
        and own in squashed
    ):
        return True  # `KEYRING2ND = "keyring_2nd_key"`: the name, spelled out
    if not declared:
        return False
    if shared or (name_words and name_words[-1] in _NAME_HOLDERS):
        return True  # `tokenCookie = "CF_Authorization"`: the cookie's name, in words
    if _NAME_HOLDERS.intersection(name_words) and all(p.isalpha() and p.islower() for p in parts):
        return True  # `KeyFieldSSHPrivate = "ssh-privatekey"`: the field's name
    if _KIND_WORDS.intersection(name_words[:-1]) and all(p.islower() for p in parts):
        return True  # `SecretTypeKey = "service_account_key"`: a member of a kind of secret
    if (
        structured
        and name_words[-2:-1]
        and name_words[-2] in _NAME_HOLDERS
        and (name_words[-1] in ("key", "name"))
    ):
        return True  # `SecretLifetimeAnnotationKey = "storage.example.dev/collect-after"`
    return len(squashed) >= 4 and not credential and squashed in own


# A constant named for a member of a kind (`SecretTypeKey`, `TokenKindRefresh`,
# `AuthMethodToken`): its value names that member.
_KIND_WORDS = frozenset({"type", "kind", "class", "category", "mode", "method", "scheme", "format"})


# A constant whose name ends in one of these holds the name of that thing (the cookie a
# token travels in, the header, the claim), not the thing's value.
_NAME_HOLDERS = frozenset(
    {"cookie", "header", "param", "parameter", "field", "claim", "attribute", "attr",
     "column", "label", "annotation", "query"}
)  # fmt: skip


def is_own_word(value: str, name: str) -> bool:
    """The value is the last word (or words) of the name it is bound to (`ResultPass =
    "pass"`, `TypeToken = "token"`, `reason_password_failed = "password_failed"`): a
    member of an enumeration spelling itself."""
    name_words = words(name)
    if len(name_words) < 2:
        return False
    value_words = words(value.strip())
    # also the name's last words, spelled with separators (`reason_password_failed =
    # "password_failed"`): a code naming its own case
    return value.strip().lower() == name_words[-1] or (
        len(value_words) >= 2
        and re.fullmatch(r"[A-Za-z]+(?:[_-][A-Za-z]+)+", value.strip()) is not None
        and [w.lower() for w in value_words] == name_words[-len(value_words) :]
    )


# A name led by one digit and a capitalised word (`1Password`, `3Scale`).
_NUMBER_BRAND = re.compile(r"([1-9])(?=[A-Z][a-z]{2,})")
_NUMBER_WORDS = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")
_CALLED = re.compile(r"[A-Za-z_]\w*\(([\w.]+)\)")


def spelled_with_number(value: str) -> str:
    """A value led by a digit that a product's name spells as a word (`1passwordconnect`
    for `OnePasswordConnect`), with the digit as that word; any other value as it is."""
    text = value.strip()
    if len(text) > 1 and text[0] in "123456789" and text[1].isalpha():
        return _NUMBER_WORDS[int(text[0])] + text[1:]
    return text


_ENTRY_POINT = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _mixed_case(part: str) -> bool:
    return any(c.isupper() for c in part[1:])


def _camel_words(part: str) -> bool:
    """`RotatePassword`, `legacyPwd`, `TLSConfig`: case changes only at word starts,
    each word at least two letters."""
    pieces = _CAMEL.sub(" ", part).split()
    return all(len(p.rstrip("0123456789")) >= 2 for p in pieces)


# --- Phrases: values people type, made of words -------------------------------------

_PHRASE_WORD = re.compile(r"[a-z]+\d{0,2}|[A-Z]{2,}\d{0,2}|[A-Z][a-z]{2,}\d{0,2}|\d{1,4}")


def is_phrase(value: str) -> bool:
    """Words joined by `_`, `-` or `.` (`a_really_strong_secret`,
    `example-app-client-secret`, `my-superSecret-key`): a value a person made up from
    words, guessable, unlike a generated secret. A word with a random-looking case
    (`Xy7`, `kX9`) is not a word. Words run together in camelCase (`IamUsedForTesting`)
    are a passphrase, not a stand-in's label."""
    text = value.strip()
    parts = [p for p in re.split(r"[-_.]+", text) if p]
    if len(parts) < 2:
        return False
    pieces = [w for p in parts for w in _CAMEL.sub(" ", p).split()]
    if len(pieces) < 2 or not all(_PHRASE_WORD.fullmatch(w) for w in pieces):
        return False
    letters = [w for w in pieces if w[:1].isalpha()]
    if not letters or sum(len(w) for w in letters) < 3 * len(letters):
        return False  # short chunks (`pk9`, `ab`): a random string's case changes
    return sum(len(w) for w in pieces if w[:1].isalpha()) >= 0.75 * len(re.sub(r"\W", "", text))


_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}")


def decodes_to_phrase(value: str) -> bool:
    """A base64 value whose bytes are a phrase (`Ymx1ZS1h...` is
    `blue-app-client-secret`): an encoded made-up value, not random bytes."""
    decoded = _base64_text(value.strip())
    return decoded is not None and (is_phrase(decoded) or bool(DUMMY.match(decoded)))


def _base64_text(text: str) -> str | None:
    """The printable ASCII text a base64 value encodes, or None."""
    if len(text) % 4 or not _BASE64_TEXT.fullmatch(text):
        return None
    try:
        decoded = base64.b64decode(text, validate=True).decode("ascii").strip()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.isprintable() else None


# Keys their provider publishes as safe to embed in clients: PostHog project keys,
# Stripe publishable keys.
_PUBLIC_KEY = re.compile(r"^(?:phc_|pk_live_|pk_test_)[A-Za-z0-9]{16,}$")


def is_public_key(value: str) -> bool:
    return bool(_PUBLIC_KEY.match(value.strip()))


def is_binary_magic(value: str) -> bool:
    """A literal holding a NUL (`"openssh-key-v1\\x00"`): a file format's magic bytes;
    no one types a NUL into a password."""
    return "\\x00" in value or "\\0" in value or "\\u0000" in value or "\x00" in value


# --- Hosts that name no real service ------------------------------------------------

# Loopback and unspecified addresses, names reserved for documentation and testing
# (RFC 2606, RFC 6761: example.com/.net/.org, .example, .test, .invalid, .localhost),
# and public wildcard names that resolve to the loopback address.
_LOCAL_HOST = re.compile(
    r"(?i)^(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[?::1?\]?|"
    r"(?:[\w-]+\.)*(?:localhost|example|test|invalid|localtest\.me|lvh\.me)|"
    r"(?:[\w-]+\.)*example\d?\.(?:com|net|org))$"
)


# Public wildcard DNS services answer a name that spells an address with that address
# (`127.0.0.1.nip.io`, `app.10.0.0.7.sslip.io`, `app-192-168-1-5.nip.io`).
_ADDRESS_NAME = re.compile(
    r"(?i)(?:^|[.-])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})\.(?:nip|xip|sslip)\.io$"
)


def address_in_name(host: str) -> str | None:
    """The IPv4 address a wildcard-DNS name resolves to, or None."""
    m = _ADDRESS_NAME.search(host.strip().rstrip("."))
    return ".".join(m.groups()) if m else None


def is_local_host(host: str) -> bool:
    """Whether a host name or address reaches no real service: the loopback, or a
    name reserved for documentation and testing."""
    host = host.strip().rstrip(".")
    return bool(_LOCAL_HOST.match(address_in_name(host) or host))


_URL_HOST = re.compile(r"\b[a-z][a-z0-9+.-]*://(?:[^@/\s\"'`]*@)?(\[[0-9a-fA-F:]+\]|[\w.-]+)")
_COMMENT = re.compile(r"^\s*(?:#|//|;|--|\*)")


def only_local_hosts(text: str) -> bool:
    """Whether the URLs in the text (outside comment lines) reach only the loopback,
    reserved names or placeholder hosts (is_placeholder_host), and at least one does:
    the configuration of a local or sample deployment, whose credentials guard nothing
    real. Single-label names (`db`,
    `portal`: a compose service, a cluster-local name) say neither."""
    local = False
    for line in text.splitlines():
        if "://" not in line or _COMMENT.match(line):
            continue
        for m in _URL_HOST.finditer(line):
            host = m.group(1).strip(".")
            if is_local_host(host) or is_placeholder_host(host):
                local = True
            elif "." in host or ":" in host:
                return False  # a public name, or an address that is not the loopback
    return local


# Words that stand for a domain in a template (`https://server.domain`,
# `api.yourdomain`, `host.tld`): as a name's last label none is a top-level domain, and
# a label `your...` asks for the reader's own name (`your-server.com`,
# `vpn.yourdomain.com`).
_PLACEHOLDER_TLDS = frozenset(
    {"domain", "tld", "yourdomain", "mydomain", "yourcompany", "mycompany", "hostname"}
)
_YOUR_LABEL = re.compile(r"(?:your|my)[-_]?(?:domain|server|host|company|instance|org)")


def is_placeholder_host(host: str) -> bool:
    """Whether a host name stands for one the reader fills in: its last label is a word
    for a domain that is no top-level domain (`server.domain`, `example.tld`), or a
    label asks for the reader's own (`your-server.com`, `vpn.yourdomain.com`)."""
    name = host.strip().rstrip(".").lower()
    if "." not in name:
        return False
    *labels, last = name.split(".")
    return last in _PLACEHOLDER_TLDS or any(_YOUR_LABEL.fullmatch(label) for label in labels)


# A name bound to a URL literal in code or configuration (`BASE_URL = 'https://...'`,
# `const api = "https://..."`, `server_url: https://...`).
_URL_BINDING = re.compile(
    r"^[ \t]*(?:(?:export|const|let|var|final|static|val)[ \t]+)*[A-Za-z_][\w.]*"
    r"(?:[ \t]*:[ \t]*[\w.\[\]]+)?[ \t]*(?::=|=|:)[ \t]*[\"'`]?[a-z][a-z0-9+.-]*://"
    r"(?:[^@/\s\"'`]*@)?([\w.-]+)",
    re.M,
)


def binds_placeholder_server(text: str) -> str | None:
    """The placeholder host of a server address the file binds to a name
    (`BASE_URL = 'https://server.domain'`), if it binds one: a template to be filled in
    before it can run, whose credentials are sample values too."""
    if "://" not in text:
        return None
    for m in _URL_BINDING.finditer(text):
        if is_placeholder_host(m.group(1)):
            return m.group(1)
    return None
