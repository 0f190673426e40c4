"""``policybound incidents``: list with the clock, post for bounces, export."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policybound.incidents.tests.conftest import people
from policybound.incidents.tests.test_breach import record
from policybound.lib import clock


def run(*args: str) -> str:
    out = StringIO()
    call_command("incidents", *args, stdout=out)
    return out.getvalue()


def test_list_notify_post_export(version: Any, policy: Any, now: dt.datetime, tmp_path: Path, settings: Any) -> None:
    settings.EMAIL_BACKEND = "policybound.mailer.tests.conftest.RefusingBackend"
    people(version, 2, at=now)
    breach = record(policy)
    with clock.frozen(now + dt.timedelta(hours=73)):
        assert "overdue" in run("list")
    assert "notices queued" in run("notify", "breach", str(breach.pk))
    call_command("mail", "send", stdout=StringIO())
    assert "bounced 2" in run("list")
    assert "posted from" in run("post", "breach", str(breach.pk))
    target = tmp_path / "file.json"
    run("export", "breach", str(breach.pk), "--output", str(target))
    assert json.loads(target.read_text())["posting"] is not None
    with pytest.raises(CommandError):
        run("notify", "breach", str(breach.pk))
