"""Key material documented as a test or sample key: what ZT201 (private keys) and ZT202
(key material of checksummed formats its owner generates, an age identity) both read."""

from __future__ import annotations

import re

# Words that document a key as a test or sample key, in its file's name
# (`testcerts.go`, `snakeoil.key`) or in the text just before the block (a comment,
# the variable it is assigned to). A word counts where a word starts: `latest.pem` and
# an attestation key are not test keys.
TEST_KEY_WORDS = re.compile(
    r"(?i)(?<![a-z])(?:test|example|sample|dummy|fake|demo|insecure|snakeoil|fixture|mock|"
    r"localhost|benchmark)"
)
_DOC_WINDOW = 300
# A folder named for throwaway keys (`snakeoil/tls.key`). (Test, example and sample
# folders are provenance's: their keys are test or example code, reported as such with
# --include-nonproduction.)
_THROWAWAY_FOLDER = re.compile(r"(?i)(?:snakeoil|dummy|fake|insecure)(?![a-z])")


def documented_test_key(path: str, text: str, start: int) -> bool:
    """Whether the key at `start` is documented as a test key: by its file's name, the
    name of the folder that holds it when it is named for throwaway keys
    (`snakeoil/tls.key`, `fake-certs/ca.key`), or by the text just before it. (A folder
    of test code makes its files test code: ztlint.provenance.)"""
    *folders, name = path.split("/")
    return bool(
        TEST_KEY_WORDS.search(name)
        or (folders and _THROWAWAY_FOLDER.match(folders[-1]))
        or TEST_KEY_WORDS.search(text, max(0, start - _DOC_WINDOW), start)
    )
