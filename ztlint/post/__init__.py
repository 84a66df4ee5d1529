"""The post stages, run by engine.run over all findings after the scan, in this order:
one finding per problem (precedence.py), where each finding sits and the test policy
(testcode.py), suppression comments (suppressions.py), config exceptions
(exceptions.py), the confidence threshold (confidence.py); then, on the Report, a
baseline (baseline.py) and --diff (diff.py)."""
