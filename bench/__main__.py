"""``python -m bench [NAME ...]`` (``make bench``): run the named benchmarks, or every one with its
defaults, one after the other; each takes its own options when run alone (``python -m bench sweep -h``)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench import audit_verify, inbox, intake, retention, sweep

BENCHMARKS: dict[str, Callable[[list[str]], None]] = {
    "retention": retention.main,
    "intake": intake.main,
    "sweep": sweep.main,
    "inbox": inbox.main,
    "audit_verify": audit_verify.main,
}

# Run by ``make bench``; ``retention`` (1,000,000 subjects on PostgreSQL) runs only when named.
DEFAULT = ("sweep", "inbox", "intake", "audit_verify")


def main(argv: list[str]) -> None:
    if argv and argv[0] in BENCHMARKS:
        BENCHMARKS[argv[0]](argv[1:])
        return
    if argv:
        sys.exit(f"unknown benchmark {argv[0]!r}; one of: {', '.join(BENCHMARKS)}")
    for name in DEFAULT:
        BENCHMARKS[name]([])


if __name__ == "__main__":
    main(sys.argv[1:])
