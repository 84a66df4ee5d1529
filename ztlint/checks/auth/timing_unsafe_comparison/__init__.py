"""ZT501 timing-unsafe-comparison: the detector (code) and the context that tells a
comparison no attacker times (context: the double-submit CSRF check, an update
callback's re-check, example code)."""

from ztlint.checks.auth.timing_unsafe_comparison.code import detect_code

__all__ = ["detect_code"]
