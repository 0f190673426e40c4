"""``python -m bench`` (``make bench``): run every benchmark with its defaults, one after the other."""

from __future__ import annotations

from bench import audit_verify, intake, retention

BENCHMARKS = [retention.main, intake.main, audit_verify.main]


def main() -> None:
    for benchmark in BENCHMARKS:
        benchmark([])


if __name__ == "__main__":
    main()
