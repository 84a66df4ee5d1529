"""`python -m ztlint`. Python puts the working folder first on `sys.path`, and the working
folder is usually the repository under scan: a `click.py` or `ruamel/` placed there would
be imported in place of the real one. The entry is dropped before anything else is
imported (`ztlint` itself was found already; the installed `ztlint` command and the
GitHub Action, which runs `python -I`, never had it)."""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()) and not sys.flags.safe_path:
    del sys.path[0]

from ztlint.cli import main

main(prog_name="ztlint")
