"""ZT102 plaintext-transport: one module per language or format."""
