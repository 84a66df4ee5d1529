"""Authentication, session and API code (ZT5xx)."""
