"""The scan stage: files in, one FileResult per file out. file.py reads and scans one
file, dispatch.py decides which detectors run on it, findings.py turns hits into
findings, rusttest.py finds Rust test code, workers.py spreads files over processes,
project.py runs the cross-file checks over all results."""
