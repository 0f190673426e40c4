"""``axes_list_attempts [--username NAME]``: failed sign-ins, the username shown as its digest."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.core.management.base import BaseCommand, CommandParser

from policybound.console.lockout import digest_of


class Command(BaseCommand):
    help = "List failed sign-ins (IP address, username digest, failures); --username shows one account's."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help="only the attempts with this username (typed by name)")

    def handle(self, *args: Any, **options: Any) -> None:
        attempts = AccessAttempt.objects.order_by("attempt_time")
        if options["username"]:
            attempts = attempts.filter(username=digest_of(options["username"]))
        self.stdout.write("ip_address\tusername_digest\tfailures")
        for attempt in attempts:
            self.stdout.write(f"{attempt.ip_address}\t{attempt.username}\t{attempt.failures_since_start}")
