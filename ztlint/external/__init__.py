"""Engines ztlint runs as separate programs (semgrep); they return findings and
notifications and never import the engine."""
