"""The post stages, run over all findings after the scan, in this order: test policy
and one finding per problem (testcode.py), suppressions (suppressions.py), config
exceptions (exceptions.py), the confidence threshold, then a baseline (baseline.py)
and --diff (diff.py)."""
