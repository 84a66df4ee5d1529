"""The scan stage: files in, one FileResult per file out.

files.py     the files of a scan (and a scan of named files' context) through the stage
workers.py   spreads files over processes; a worker that dies is replaced, its file found
file.py      one file: read (or from the result cache), classified, scanned in time
dispatch.py  which detectors run on a kind of file; owns the trigger indexes
findings.py  Hit -> Finding: severity, snippet cut and masked, the secret's digest
embedded.py  documents a file embeds, read by their own kinds' detectors
comments.py  where a file's comments are, and its suppression directives
rusttest.py  Rust test code (#[cfg(test)] items and test modules)
swiftpreview.py  SwiftUI preview code (#Preview, PreviewProvider), placed as test code
pyselftest.py  a Python module's self-test `__main__` block, placed as test code
project.py   the project pass: cross-file checks over every file's facts
"""
