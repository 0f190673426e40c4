from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from policybound.audit.models import AuditCheckpoint, AuditEvent
from policybound.lib import clock

from .conftest import START, record_rows, tamper

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as stop:
        return stop.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_it_exits_0_with_the_count(alice_actor):
    record_rows(alice_actor, 4)
    code, out, _ = run("verify")
    assert code == 0
    assert "Audit chain OK: 4 rows checked in 1 chains; head #4" in out
    assert "no checkpoint yet" in out


def test_it_writes_a_checkpoint_and_verify_names_it(alice_actor):
    record_rows(alice_actor, 2)
    code, out, _ = run("checkpoint")
    assert (code, "Checkpoint" in out) == (0, True)
    assert "No checkpoint written" in run("checkpoint")[1]
    checkpoint = AuditCheckpoint.objects.get()
    assert f"checkpoint {checkpoint.pk} {checkpoint.root}" in run("verify")[1]


def test_it_exits_1_naming_the_altered_row(alice_actor):
    record_rows(alice_actor, 4)
    tamper(2, target="field:phone")
    code, _, err = run("verify")
    assert code == 1
    assert "row 2 was altered" in err


def test_it_exits_1_naming_the_missing_row(alice_actor):
    record_rows(alice_actor, 4)
    AuditEvent.objects.filter(sequence=3).delete()
    code, _, err = run("verify")
    assert (code, "row 3 is missing" in err) == (1, True)


def test_it_truncates_rows_past_the_retention_period(alice_actor, settings):
    settings.POLICYBOUND_ACCESS_LOG_RETENTION_DAYS = 365
    record_rows(alice_actor, 3, step=dt.timedelta(days=200))
    with clock.frozen(START + dt.timedelta(days=600)):
        code, out, _ = run("truncate")
    assert (code, "Destroyed 2 audit rows" in out) == (0, True)
    assert run("verify")[0] == 0


def test_it_refuses_a_retention_shorter_than_a_year(alice_actor):
    assert run("truncate", "--days", "30")[0] == 2


def test_it_refuses_to_truncate_a_broken_chain(alice_actor):
    record_rows(alice_actor, 3)
    tamper(1, actor_id="2")
    code, _, _ = run("truncate", "--days", "365")
    assert code == 1
    assert AuditEvent.objects.count() == 3
