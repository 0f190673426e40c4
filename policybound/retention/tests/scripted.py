"""Run a Django script in a separate process against a file-based SQLite database in ``data_dir``.

The test database of the other tests lives in memory (or in PostgreSQL); these tests need real files
(to read their bytes) and a real process (to SIGKILL it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from policybound.lib.testing import REPO

PRELUDE = textwrap.dedent(
    """
    import datetime as dt, json, os, signal, sys
    import django
    django.setup()
    from django.core.management import call_command
    from policybound.audit.actors import Actor
    from policybound.collection.services import engagement_end, submission_record
    from policybound.lib import clock
    from policybound.lib.testing import BUNDLED_POLICY, policy_publish_file
    from policybound.retention.services import legal_hold_place
    from policybound.retention.sweep import retention_sweep

    UTC = dt.timezone.utc
    T0 = dt.datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
    ENDED = T0 + dt.timedelta(days=10)
    AFTER_DEADLINE = dt.datetime(2026, 3, 14, 10, 0, tzinfo=UTC)
    ACTOR = Actor.system("test")

    def publish():
        with clock.frozen(T0):
            policy_publish_file(BUNDLED_POLICY)

    def submit(fields, purpose="consulting", at=T0):
        with clock.frozen(at):
            return submission_record(purpose=purpose, fields=fields, consents={purpose: True}, source="web",
                                     actor=ACTOR, ip="203.0.113.77", user_agent="scan-test")

    def end(engagement_id, at=ENDED):
        with clock.frozen(at):
            engagement_end(engagement_id=engagement_id, event=None, actor=ACTOR)

    def sweep(as_of=AFTER_DEADLINE):
        with clock.frozen(as_of):
            return retention_sweep(as_of=as_of)
    """
)


def run_script(body: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("POLICYBOUND_")}
    env.update(
        POLICYBOUND_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="policybound.settings",
        POLICYBOUND_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    script = PRELUDE + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script, *args], cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=300
    )
