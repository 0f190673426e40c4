"""``migrate`` for both databases at once.

Django's own command migrates one database; policybound always has two (``default`` and ``archive``),
so with no ``--database`` this applies migrations to each in turn. An explicit ``--database`` (as the
test runner passes) migrates only that one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.core.management.commands.migrate import Command as DjangoMigrate


class Command(DjangoMigrate):
    help = "Apply migrations to the live (default) and archive databases."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def get_check_kwargs(self, options: dict[str, Any]) -> Any:
        """System checks for every database this run migrates (Django's looks at one)."""
        databases = [options["database"]] if options["database"] is not None else list(settings.DATABASES)
        kwargs = dict(super().get_check_kwargs({**options, "database": "default"}))
        kwargs["databases"] = databases
        return kwargs

    def handle(self, *args: Any, **options: Any) -> None:
        if options["database"] is not None:
            super().handle(*args, **options)
            return
        for alias in settings.DATABASES:
            if options["verbosity"] >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Database {alias}:"))
            super().handle(*args, **{**options, "database": alias})
        # The database cache (settings.CACHES) needs its table; the router keeps it out of the archive.
        call_command("createcachetable", verbosity=options["verbosity"])
