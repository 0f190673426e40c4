"""``policybound worker``: one sweep a day, at the set time, whoever runs it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from policybound.lib import clock
from policybound.lib.testing import alice_fields
from policybound.retention.management.commands.worker import slot_start
from policybound.retention.models import SweepRun
from policybound.subjects.models import Subject

from .conftest import DAY, T0, end, submit

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

SEOUL_NOON = dt.datetime(2026, 3, 20, 3, 0, tzinfo=dt.UTC)  # 12:00 in Asia/Seoul


def worker(*args: str) -> None:
    call_command("worker", "--once", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_slot_is_todays_time_once_it_has_passed():
    assert slot_start(SEOUL_NOON, dt.time(3, 0)) == dt.datetime(2026, 3, 19, 18, 0, tzinfo=dt.UTC)


def test_the_slot_is_yesterdays_time_before_todays():
    assert slot_start(SEOUL_NOON, dt.time(15, 0)) == dt.datetime(2026, 3, 19, 6, 0, tzinfo=dt.UTC)


def test_it_sweeps_when_todays_sweep_has_not_run(policy):
    alice = submit("consulting", alice_fields())
    end(alice.engagement_id, at=T0 + 10 * DAY)
    with clock.frozen(SEOUL_NOON):
        worker("--at", "03:00")
    assert SweepRun.objects.filter(finished_at__isnull=False).count() == 1
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is not None


def test_it_does_not_sweep_twice_in_a_day(policy):
    with clock.frozen(SEOUL_NOON):
        worker("--at", "03:00")
    with clock.frozen(SEOUL_NOON + dt.timedelta(hours=5)):
        worker("--at", "03:00")
    assert SweepRun.objects.count() == 1


def test_it_sweeps_again_the_next_day(policy):
    with clock.frozen(SEOUL_NOON):
        worker("--at", "03:00")
    with clock.frozen(SEOUL_NOON + DAY):
        worker("--at", "03:00")
    assert SweepRun.objects.count() == 2
