"""Code several container rules (ZT3xx) share."""
