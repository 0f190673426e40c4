"""``axes_reset_ip_username IP NAME``: lift a lockout of one address and username (typed by name)."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandParser

from policybound.console.lockout import digest_of


class Command(BaseCommand):
    help = "Reset the failed sign-ins and lockouts of an IP address and a username."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ip", type=str)
        parser.add_argument("username", type=str)

    def handle(self, *args: Any, **options: Any) -> None:
        count = reset(ip=options["ip"], username=digest_of(options["username"]))
        self.stdout.write(f"{count} attempts removed." if count else "No attempts found.")
