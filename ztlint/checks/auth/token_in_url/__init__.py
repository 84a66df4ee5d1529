"""ZT517 token-in-url: the detector (code) and the evidence of where a URL goes and what
its protocol defines (evidence)."""

from ztlint.checks.auth.token_in_url.code import detect_code, may_carry_credential

__all__ = ["detect_code", "may_carry_credential"]
