"""``axes_reset_username NAME...``: lift a sign-in lockout, typed by name (axes keeps only a digest)."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandParser

from policybound.console.lockout import digest_of


class Command(BaseCommand):
    help = "Reset the failed sign-ins and lockouts of the given usernames."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="+", type=str)

    def handle(self, *args: Any, **options: Any) -> None:
        count = sum(reset(username=digest_of(name)) for name in options["username"])
        self.stdout.write(f"{count} attempts removed." if count else "No attempts found.")
