"""The ``policybound`` console script.

Every ``policybound X ...`` is Django's management command ``X``; commands with verbs
(``policybound policy check FILE``) are management commands with sub-commands. So the CLI, the
console and the API all reach the same services.
"""

from __future__ import annotations

import os
import sys

EX_CONFIG = 78  # sysexits.h: a configuration error (keys the database does not know, an unsafe data dir)


def main(argv: list[str] | None = None) -> None:
    """Run one command; refusing to start (the vault's keys, the data directory's modes) is one clear line
    and exit status 78, no traceback."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybound.settings")
    from django.core.management import execute_from_command_line

    from policybound.lib.datadir import DataDirUnsafe
    from policybound.vault.errors import KeysRefused

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        execute_from_command_line(["policybound", *args])
    except (KeysRefused, DataDirUnsafe) as refused:
        sys.stderr.write(f"policybound: refusing to start: {refused}\n")
        sys.exit(EX_CONFIG)


if __name__ == "__main__":
    main()
