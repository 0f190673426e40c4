"""The ``policybound`` console script.

Every ``policybound X ...`` is Django's management command ``X``; commands with verbs
(``policybound policy check FILE``) are management commands with sub-commands. So the CLI, the
console and the API all reach the same services.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybound.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["policybound", *args])


if __name__ == "__main__":
    main()
