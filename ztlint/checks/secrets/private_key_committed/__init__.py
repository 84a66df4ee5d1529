"""ZT201 private-key-committed: key blocks and key stores, and the X.509 reading they need."""
