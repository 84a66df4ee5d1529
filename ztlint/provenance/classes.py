"""The provenance classes a file can have, and how much of a file's head the evidence
reads."""

from __future__ import annotations

PRODUCTION = "production"
TEST = "test"
EXAMPLE = "example"
DOCS = "docs"
GENERATED = "generated"
VENDORED = "vendored"
DATA = "data"
CLASSES = (PRODUCTION, TEST, EXAMPLE, DOCS, GENERATED, VENDORED, DATA)
# Not checked at all; findings not shown by default (secrets aside).
NOT_CHECKED = (GENERATED, VENDORED)
NOT_SHOWN = (TEST, EXAMPLE, DOCS)
HEAD_BYTES = 4096
# Build tags that mean "only in a test build" (fnmatch patterns): Go build tags, Rust
# cfg features.
DEFAULT_TEST_TAGS = ("integration", "e2e", "test*", "*test")
