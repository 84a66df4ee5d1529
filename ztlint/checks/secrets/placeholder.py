"""What a value is when it is not a secret, judged on its shape alone: a placeholder to
be filled in, a redacted or masked secret, a reference to one, natural-language text, a
version, or an identifier that names a setting. One place, shared by the secret rules,
so that `changeme`-style and `<password>`-style values mean the same to all of them."""

from __future__ import annotations

import re

# Values that refer to a secret rather than being one: `${VAR}`, `{{ .Values.x }}`,
# `{% ... %}`, `<password>`, `%(name)s`, `{name}`, `%VITE_NAME%`, SOPS and secret-store
# references.
REFERENCE = re.compile(
    r"^\$\{?[\w.]+|\$\{\{|\{\{|\{%|<[^>]*>|%\(?\w*\)?s|\{\w*\}|^%[A-Za-z_][\w.]*%$|^ENC\[|^vault:|"
    r"^ref\+|^arn:aws:|^projects/|^(op|sm|gcp|aws|azure|vault|k8s|env|file)://|^\$\(|^!|^@"
)
# Whole values that stand for "put the secret here".
DUMMY = re.compile(
    r"(?i)^(x+|\*+|\.+|-+|#+|0+|redacted|hidden|masked|todo|tbd|fixme|none|null|nil|undefined|empty|"
    r"true|false|yes|no|secrets?|passwords?|passwd|tokens?|keys?|api_?key|credentials?|"
    r"your[_-].*|some[_-].*|if[_-]you[_-]see[_-]this.*|replace[_-]?(me|this|it).*|<.*>|example.*|"
    r"sample.*|dummy.*|fake.*|"
    r"placeholder.*|not[_-]?set|unset|n/?a|\?+)$"
)
# Words that mark a value as a stand-in wherever they occur in it.
MARKED_DUMMY = re.compile(r"(?i)example|placeholder|dummy|redacted|xxxxx|your_|your-|replace_?me")
# A secret shown with its tail masked or cut: `Zr8.....`, `sk-abc***`, `ab12…`.
REDACTED = re.compile(r"^.{0,12}?(\.{4,}|\*{3,}|…+|x{6,}|X{6,})$")


def is_placeholder(value: str) -> bool:
    """Whether the value is a stand-in for a secret (a reference, a dummy word, a
    redacted or masked secret), not one."""
    text = value.strip()
    return bool(
        REFERENCE.search(text)
        or DUMMY.match(text)
        or MARKED_DUMMY.search(text)
        or REDACTED.match(text)
    )


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


# An identifier-shaped value: words (with at most a short number: `oauth2`, `ec2`, `v3`)
# joined by `_`, `-`, `.`, `/` or `:`, or written in camelCase.
_SEGMENT = re.compile(r"[A-Za-z]+\d{0,2}|\d{1,3}")
_SEPARATORS = re.compile(r"[-_./:]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# The words by which a value names a credential setting rather than holding one.
_CREDENTIAL_WORDS = frozenset(
    "password passwords passwd pwd pass secret secrets token tokens credential credentials "
    "key keys apikey auth private".split()
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
    A plain snake or kebab value bound in configuration (`jwt_secret:
    very_important_secret`, `APP_SECRET: my-app-secret`) is a weak secret, not a name."""
    text = value.strip()
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
    if not declared:
        return False
    if shared:
        return True
    squashed = "".join(value_words)
    return len(squashed) >= 4 and not credential and squashed in "".join(name_words)


def is_own_word(value: str, name: str) -> bool:
    """The value is the last word of the name it is bound to (`ResultPass = "pass"`,
    `TypeToken = "token"`): a member of an enumeration spelling itself."""
    name_words = words(name)
    return len(name_words) >= 2 and value.strip().lower() == name_words[-1]


_CALLED = re.compile(r"[A-Za-z_]\w*\(([\w.]+)\)")


def _mixed_case(part: str) -> bool:
    return any(c.isupper() for c in part[1:])


def _camel_words(part: str) -> bool:
    """`RotatePassword`, `legacyPwd`, `TLSConfig`: case changes only at word starts,
    each word at least two letters."""
    pieces = _CAMEL.sub(" ", part).split()
    return all(len(p.rstrip("0123456789")) >= 2 for p in pieces)
