"""Benchmarks, run by hand or by ``make bench``; each prints policybound's figure beside a bare baseline."""
