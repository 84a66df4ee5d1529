"""Provider tokens recognised by their documented formats.

Each format is a pattern, an optional offline validation (GitHub's and npm's CRC32
checksum, PyPI's macaroon prefix, a JWT's decodable header), and the length of its
public prefix: the only part of a token that may appear in any output. Masking (every
shown line), ZT202's detector (`ztlint.checks.secrets.secret_token_committed`, which
drops documentation examples and placeholders) and the other secret rules read it.

Over 400 lines: the format table is data, one entry per provider.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from ztlint.model import Confidence, Severity

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62_crc_ok(token: str, prefix_len: int) -> bool:
    """GitHub and npm tokens end in 6 base62 characters holding the CRC32 of the 30
    characters of entropy after the prefix."""
    body, check = token[prefix_len:-6], token[-6:]
    value = 0
    for ch in check:
        index = BASE62.find(ch)
        if index < 0:
            return False
        value = value * 62 + index
    return value == binascii.crc32(body.encode("ascii"))


def _pypi_ok(token: str) -> bool:
    # A PyPI token is "pypi-" and a base64 macaroon whose location is pypi.org.
    body = token[5:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, binascii.Error):
        return False
    return b"pypi.org" in raw[:40]


def _b64json(part: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _jwt_ok(token: str) -> bool:
    header, payload, signature = token.split(".")[:3]
    head = _b64json(header)
    return (
        isinstance(head, dict)
        and str(head.get("alg", "none")).lower() != "none"
        and isinstance(_b64json(payload), dict)
        and len(signature) >= 16
    )


def _mixed_case(body: str) -> bool:
    """Random letters have both cases (a long identifier or a run of one letter has not)."""
    return any(c.isupper() for c in body) and any(c.islower() for c in body)


def _random_alnum(body: str) -> bool:
    return _mixed_case(body) and any(c.isdigit() for c in body) and entropy(body) > 3.5


def _b64_json_after(prefix: str) -> Callable[[str], bool]:
    """The token after `prefix` is base64 of a JSON object (1Password's and Grafana's
    formats, Sentry's org tokens)."""

    def check(token: str) -> bool:
        body = token[len(prefix) :].split("_", 1)[0]
        return isinstance(_b64json(body.replace("+", "-").replace("/", "_").rstrip("=")), dict)

    return check


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_ok(token: str) -> bool:
    """An age secret key is Bech32 (BIP 173) with the human-readable part
    `age-secret-key-`: its last 6 characters are a checksum."""
    hrp, _, data = token.lower().rpartition("1")
    values = [_BECH32.find(c) for c in data]
    if not hrp or len(values) < 7 or min(values) < 0:
        return False
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= generator[i] if (top >> i) & 1 else 0
    return check == 1


# Azurite's storage key, published in Microsoft's documentation for the local emulator.
_AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


def published_stand_in(value: str) -> bool:
    """A key its vendor publishes for a local emulator (Azurite's account key): the same
    in every install, a credential of nothing."""
    return value.strip() == _AZURITE_KEY


@dataclass(frozen=True)
class TokenFormat:
    kind: str
    pattern: re.Pattern[str]
    prefix: int  # characters of public prefix; the rest is masked
    validate: Callable[[str], bool] | None = None
    severity: Severity | None = None
    confidence: Confidence | None = None
    needs_context: re.Pattern[str] | None = None  # text that must occur in the file
    # The published format carries a checksum verified offline (or is as distinctive):
    # a match is a real token wherever it sits (ztlint.policy.unmistakable).
    checksummed: bool = False
    # Key material its owner generates, not a token a service issues (an age identity):
    # a test vector in test code, as a private key is (Finding.own_key).
    own_key: bool = False
    # Literal texts one of which every match contains: the pattern runs only when one
    # occurs in the file (most files hold none, and a substring test is cheap).
    hints: tuple[str, ...] = ()
    # Where the public part ends when its length varies (a webhook URL's host, a bot's
    # id): the end of this pattern's match at the token's start; else `prefix`.
    public: re.Pattern[str] | None = None

    def public_length(self, token: str) -> int:
        if self.public is not None:
            m = self.public.match(token)
            return m.end() if m else 0
        return self.prefix


@cache
def formats() -> tuple[TokenFormat, ...]:
    """Every format, compiled on first use: a pre-commit run on files that hold no
    token trigger never pays for the patterns."""
    # Formats of issue #25: each from its provider's documentation (prefix, alphabet, length).
    provider: tuple[TokenFormat, ...] = (
        TokenFormat(
            "Hugging Face token",
            re.compile(r"\bhf_[A-Za-z]{34}\b"),
            3,
            lambda t: _mixed_case(t[3:]),
            hints=("hf_",),
        ),
        TokenFormat(
            "Hugging Face organization token",
            re.compile(r"\bapi_org_[A-Za-z]{34}\b"),
            8,
            lambda t: _mixed_case(t[8:]),
            hints=("api_org_",),
        ),
        TokenFormat(
            "Facebook access token",
            re.compile(r"(?<![A-Za-z0-9+/=_-])EAA[A-Za-z0-9]{90,}(?![A-Za-z0-9+/=_-])"),
            3,
            lambda t: _random_alnum(t[3:]),
            # EAA also starts runs inside base64 data: a Graph API context is required.
            needs_context=re.compile(r"(?i)facebook|graph\.fb|\bfb_|instagram|whatsapp"),
            hints=("EAA",),
        ),
        TokenFormat(
            "Telegram bot token",
            re.compile(r"(?<![\w:])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])"),
            0,
            lambda t: _mixed_case(t.split(":", 1)[1]),
            hints=(":AA",),
        ),
        TokenFormat(
            "Mailgun API key",
            re.compile(r"\bkey-[0-9a-f]{32}\b"),
            4,
            needs_context=re.compile(r"(?i)mailgun"),
            hints=("key-",),
        ),
        TokenFormat(
            "Mailgun API key",
            re.compile(r"\b[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}\b"),
            0,
            needs_context=re.compile(r"(?i)mailgun"),
            hints=("mailgun", "Mailgun", "MAILGUN"),
        ),
        TokenFormat(
            "Mailchimp API key",
            re.compile(r"\b[0-9a-f]{32}-us[0-9]{1,2}\b"),
            0,
            hints=("-us",),
        ),
        TokenFormat(
            "Twitter/X bearer token",
            re.compile(r"(?<![A-Za-z0-9+/=%])A{20,24}[A-Za-z0-9%]{70,120}(?![A-Za-z0-9+/=%])"),
            0,
            lambda t: _random_alnum(t.lstrip("A")),
            # Runs of A are zero bytes in base64: a Twitter/X context is required.
            needs_context=re.compile(r"(?i)twitter|\btweet|api\.x\.com|bearer"),
            hints=("AAAAAAAAAAAAAAAAAAAA",),
        ),
        TokenFormat(
            "Google OAuth access token",
            re.compile(r"\bya29\.[0-9A-Za-z_-]{30,}"),
            5,
            # Valid for an hour: revoking it matters less than for a lasting secret.
            severity=Severity.LOW,
            hints=("ya29.",),
        ),
        TokenFormat(
            "Google OAuth client secret",
            re.compile(r"\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])"),
            7,
            hints=("GOCSPX-",),
        ),
        TokenFormat(
            "Adobe client secret",
            re.compile(r"\bp8e-[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])"),
            4,
            hints=("p8e-",),
        ),
        TokenFormat(
            "Microsoft Teams webhook URL",
            re.compile(
                r"https://[a-z0-9-]{1,63}\.webhook\.office\.com/webhookb2/[0-9a-f-]{36}@[0-9a-f-]{36}"
                r"/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}(?:/[A-Za-z0-9_-]{20,})?"
            ),
            0,
            public=re.compile(r"https://[^/]+/webhookb2/"),
            hints=("webhook.office.com",),
        ),
        TokenFormat(
            "Outlook webhook URL",
            re.compile(
                r"https://outlook\.office(?:365)?\.com/webhook/[0-9a-f-]{36}@[0-9a-f-]{36}"
                r"/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}"
            ),
            0,
            public=re.compile(r"https://[^/]+/webhook/"),
            hints=("outlook.office",),
        ),
        TokenFormat(
            "Power Automate workflow URL",
            re.compile(
                # Bounded repeats: a hostile line of URLs costs linear time.
                r"https://[A-Za-z0-9.-]{1,120}\.(?:logic\.azure\.com|api\.powerplatform\.com)"
                r"(?::443)?/[^\s\"'<>?]{0,120}workflows/[0-9a-f]{32}/triggers/[^\s\"'<>?]{1,120}"
                r"\?[^\s\"'<>]{0,300}?\bsig=[A-Za-z0-9_%-]{20,}"
            ),
            0,
            public=re.compile(r"https://[^/]+/"),
            hints=("sig=",),
        ),
        TokenFormat(
            "Discord webhook URL",
            re.compile(
                r"https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/(?:v\d+/)?webhooks/\d{17,20}"
                r"/[A-Za-z0-9_-]{60,68}"
            ),
            0,
            public=re.compile(r"https://[^/]+/api/(?:v\d+/)?webhooks/"),
            hints=("/webhooks/",),
        ),
        TokenFormat(
            "Shopify token",
            re.compile(r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b"),
            6,
            hints=("shpat_", "shpca_", "shppa_", "shpss_"),
        ),
        TokenFormat(
            "DigitalOcean token",
            re.compile(r"\bdo[opr]_v1_[a-f0-9]{64}\b"),
            7,
            hints=("_v1_",),
        ),
        TokenFormat(
            "Doppler token",
            re.compile(r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b"),
            6,
            hints=("dp.",),
        ),
        TokenFormat(
            "Postman API key",
            re.compile(r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b"),
            5,
            hints=("PMAK-",),
        ),
        TokenFormat("Pulumi access token", re.compile(r"\bpul-[a-f0-9]{40}\b"), 4, hints=("pul-",)),
        TokenFormat(
            "Terraform Cloud token",
            re.compile(r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,70}\b"),
            0,
            hints=(".atlasv1.",),
        ),
        TokenFormat(
            "Vault token",
            re.compile(r"\bhv[sbr]\.[A-Za-z0-9_-]{90,}"),
            4,
            hints=("hvs.", "hvb.", "hvr."),
        ),
        TokenFormat(
            "Grafana Cloud token",
            re.compile(r"\bglc_[A-Za-z0-9+/]{32,400}={0,2}"),
            4,
            _b64_json_after("glc_"),
            hints=("glc_",),
        ),
        TokenFormat(
            "Grafana service account token",
            re.compile(r"\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b"),
            5,
            hints=("glsa_",),
        ),
        TokenFormat(
            "Linear API key", re.compile(r"\blin_api_[A-Za-z0-9]{40}\b"), 8, hints=("lin_api_",)
        ),
        TokenFormat(
            "Atlassian API token",
            re.compile(r"\bATATT3[A-Za-z0-9_\-=]{186}(?![A-Za-z0-9_\-=])"),
            6,
            hints=("ATATT3",),
        ),
        TokenFormat(
            "Square token",
            re.compile(r"\bsq0(?:atp-[0-9A-Za-z_-]{22}|csp-[0-9A-Za-z_-]{43})(?![0-9A-Za-z_-])"),
            7,
            hints=("sq0atp-", "sq0csp-"),
        ),
        TokenFormat(
            "age secret key",
            re.compile(r"\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b"),
            16,
            _bech32_ok,
            checksummed=True,
            own_key=True,
            hints=("AGE-SECRET-KEY-1",),
        ),
        TokenFormat(
            "Sentry token",
            re.compile(r"\bsntryu_[a-f0-9]{64}\b"),
            7,
            hints=("sntryu_",),
        ),
        TokenFormat(
            "Sentry organization token",
            re.compile(r"\bsntrys_eyJ[A-Za-z0-9+/=_-]{60,}"),
            7,
            _b64_json_after("sntrys_"),
            hints=("sntrys_",),
        ),
        TokenFormat(
            "Dynatrace token",
            re.compile(r"\bdt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b"),
            7,
            hints=("dt0c01.",),
        ),
        TokenFormat(
            "New Relic user API key", re.compile(r"\bNRAK-[A-Z0-9]{27}\b"), 5, hints=("NRAK-",)
        ),
        TokenFormat(
            "tskey- VPN key",
            re.compile(
                r"\btskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}"
            ),
            0,
            lambda t: _random_alnum(t.rsplit("-", 1)[1]),
            public=re.compile(r"tskey-[a-z]+-"),
            hints=("tskey-",),
        ),
        TokenFormat(
            "1Password service account token",
            re.compile(r"\bops_eyJ[A-Za-z0-9+/=_-]{100,}"),
            4,
            _b64_json_after("ops_"),
            hints=("ops_eyJ",),
        ),
        TokenFormat(
            "Artifactory API key",
            re.compile(r"\bAKCp[A-Za-z0-9]{69}\b"),
            4,
            lambda t: _random_alnum(t[4:]),
            hints=("AKCp",),
        ),
        TokenFormat(
            "Docker Hub token",
            re.compile(r"\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}"),
            9,
            hints=("dckr_pat_", "dckr_oat_"),
        ),
        TokenFormat("Buildkite token", re.compile(r"\bbkua_[a-f0-9]{40}\b"), 5, hints=("bkua_",)),
        TokenFormat(
            "Replicate API token",
            re.compile(r"\br8_[A-Za-z0-9]{37}\b"),
            3,
            lambda t: _random_alnum(t[3:]),
            hints=("r8_",),
        ),
        TokenFormat(
            "Groq API key",
            re.compile(r"\bgsk_[A-Za-z0-9]{52}\b"),
            4,
            lambda t: _random_alnum(t[4:]),
            hints=("gsk_",),
        ),
        TokenFormat(
            "Azure storage account key",
            re.compile(r"\bAccountKey=[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])"),
            11,
            lambda t: not published_stand_in(t[11:]),
            hints=("AccountKey=",),
        ),
    )

    return (
        TokenFormat(
            "GitHub token",
            re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
            4,
            lambda t: base62_crc_ok(t, 4),
            checksummed=True,
            hints=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        ),
        TokenFormat(
            "GitHub fine-grained token",
            re.compile(r"\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b"),
            11,
            checksummed=True,
            hints=("github_pat_",),
        ),
        TokenFormat(
            "GitLab token",
            re.compile(r"\bgl(?:pat|dt|ptt|rt|cbt|oas|imt|agent)-[A-Za-z0-9_\-]{20,}"),
            6,
            hints=("glpat-", "gldt-", "glptt-", "glrt-", "glcbt-", "gloas-", "glimt-", "glagent-"),
        ),
        TokenFormat(
            "Slack token",
            re.compile(r"\bxox[abposre]-[0-9]{6,}-[0-9A-Za-z-]{8,}"),
            5,
            hints=("xox",),
        ),
        TokenFormat(
            "Slack configuration token",
            re.compile(r"\bxoxe(?:\.xox[bp])?-1-[A-Za-z0-9]{100,}"),
            5,
            _random_alnum,
            hints=("xoxe",),
        ),
        TokenFormat(
            "Slack app token",
            re.compile(r"\bxapp-\d-[A-Z0-9]{8,}-\d{6,}-[a-f0-9]{32,}"),
            5,
            hints=("xapp-",),
        ),
        TokenFormat(
            "Slack webhook URL",
            re.compile(
                r"https?://hooks\.slack(?:-gov)?\.com/(?:services|workflows)/T[A-Z0-9]{6,}/[A-Z0-9]{6,}"
                r"/(?:\d{10,}/)?[A-Za-z0-9]{16,}"
            ),
            0,
            public=re.compile(r"https?://hooks\.slack(?:-gov)?\.com/\w+/"),
            hints=("hooks.slack",),
        ),
        TokenFormat(
            "Slack workflow trigger URL",
            re.compile(
                r"https?://hooks\.slack(?:-gov)?\.com/triggers/T[A-Z0-9]{6,}/\d{6,}/[0-9a-f]{32}\b"
            ),
            0,
            public=re.compile(r"https?://hooks\.slack(?:-gov)?\.com/triggers/"),
            hints=("hooks.slack",),
        ),
        TokenFormat(
            "Stripe live key",
            re.compile(r"\b(?:sk|rk)_live_[0-9A-Za-z]{24,99}\b"),
            8,
            hints=("_live_",),
        ),
        TokenFormat(
            "Google API key",
            re.compile(r"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"),
            4,
            severity=Severity.MEDIUM,
            confidence=Confidence.MEDIUM,
            hints=("AIza",),
        ),
        TokenFormat(
            "OpenAI API key",
            re.compile(
                r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,}"
            ),
            3,
            hints=("T3BlbkFJ",),
        ),
        TokenFormat(
            "Anthropic API key",
            re.compile(r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{80,120}"),
            7,
            hints=("sk-ant-",),
        ),
        TokenFormat(
            "npm token",
            re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"),
            4,
            lambda t: base62_crc_ok(t, 4),
            checksummed=True,
            hints=("npm_",),
        ),
        TokenFormat(
            "PyPI token",
            re.compile(r"\bpypi-AgE[A-Za-z0-9_\-]{50,}"),
            5,
            _pypi_ok,
            hints=("pypi-AgE",),
        ),
        TokenFormat(
            "Twilio API key",
            re.compile(r"\bSK[0-9a-f]{32}\b"),
            2,
            needs_context=re.compile(r"(?i)twilio"),
            hints=("SK",),
        ),
        TokenFormat(
            "SendGrid API key",
            re.compile(r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b"),
            3,
            hints=("SG.",),
        ),
        TokenFormat(
            "JSON Web Token",
            re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}"),
            0,
            _jwt_ok,
            severity=Severity.MEDIUM,
            hints=("eyJ",),
        ),
        *provider,
    )


def any_format_source() -> str:
    """One regular expression for every format (their alternation), factored so that
    most text positions are rejected by one test: the formats that start at a word
    boundary share a single `\\b`. Masking runs it on every shown line."""
    bounded = [f.pattern.pattern[2:] for f in formats() if f.pattern.pattern.startswith(r"\b")]
    others = [f.pattern.pattern for f in formats() if not f.pattern.pattern.startswith(r"\b")]
    return "|".join(
        [r"\b(?:" + "|".join(f"(?:{b})" for b in bounded) + ")", *(f"(?:{o})" for o in others)]
    )


def __getattr__(name: str) -> tuple[TokenFormat, ...]:
    """`FORMATS`, the formats as a module constant, compiled when first asked for."""
    if name == "FORMATS":
        return formats()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b")
AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


def entropy(text: str) -> float:
    if not text:
        return 0.0
    counts = {c: text.count(c) for c in set(text)}
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


# --- Samples: tokens the text itself shows to be documentation or test data ---------
