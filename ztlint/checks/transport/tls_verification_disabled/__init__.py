"""ZT101 tls-verification-disabled: one module per language or format."""
