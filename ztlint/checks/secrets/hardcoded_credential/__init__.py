"""ZT204 hardcoded-credential: credentials assigned in code and config, and credential-store files."""
