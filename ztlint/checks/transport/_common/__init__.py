"""Code several transport rules (ZT1xx) share."""
