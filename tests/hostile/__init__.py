"""The hostile-repository suite: each test plants an attack in a scanned tree and
asserts the safe outcome (no program run, nothing outside touched, nothing forged,
hidden or leaked). One file per input path; add a test with every new input path."""
