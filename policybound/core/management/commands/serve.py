"""``policybound serve``: everything ``make run`` needs, then a production-grade server.

Migrates both databases, publishes the bundled policy when nothing is published yet, and replaces this
process with gunicorn (never Django's development server), whose master also runs the worker (the daily
retention sweep and the mail outbox).

The exec'd program is ``policybound.core.supervisor``: gunicorn's master (it keeps this pid) that
starts ``policybound worker --parent-pid <this pid>`` from its main loop and restarts it with back-off,
logged, whenever it dies; the worker exits when the master does. A separate process rather than a
thread in the master, because gunicorn forks its web workers from the master, and forking a process
with a running thread that may hold a database connection or a lock is how deadlocks start; it is also
exactly what production may run (``policybound worker`` under a supervisor of its own).
``--no-scheduler`` leaves it out.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from policybound.lib.env import envint, envstr
from policybound.policy.services import policy_publish_bundled_if_none
from policybound.vault.keys import vault_keys_ensure


class Command(BaseCommand):
    help = "Migrate, publish the bundled policy if none is published, and serve with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        # POLICYBOUND_BIND and POLICYBOUND_WORKERS give the defaults; a bad value is named (lib.env).
        parser.add_argument("--bind", default=envstr("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=envint("WORKERS", 2, minimum=1))
        parser.add_argument(
            "--no-scheduler", dest="scheduler", action="store_false", help="do not start the worker (daily retention sweep, mail outbox)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)  # compressed copies for whitenoise
        vault_keys_ensure()  # generated keys are announced here, before any worker needs them
        version = policy_publish_bundled_if_none(path=settings.POLICYBOUND_BUNDLED_POLICY)
        if version is not None:
            self.stdout.write(f"Published the bundled policy {version.sha256[:12]} ({version.title})")
        self.stdout.write(f"Serving on http://{options['bind']}/ (privacy policy at /privacy/)")
        sys.stdout.flush()
        if options["scheduler"]:
            self.stdout.write("Retention sweep scheduled daily, outbox sent (policybound worker, restarted if it dies)")
            sys.stdout.flush()
        argv = [
            sys.executable, "-m", "policybound.core.supervisor", *(["--with-worker"] if options["scheduler"] else []),
            "policybound.wsgi:application",
            "--bind", options["bind"], "--workers", str(options["workers"]),
            "--access-logfile", "-", "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
        ]
        os.execv(sys.executable, argv)
