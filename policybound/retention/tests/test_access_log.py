"""The access log (접속기록) is destroyed by the sweep once its retention ends, with a register entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.audit.services import audit_record, audit_verify
from policybound.lib import clock
from policybound.retention.models import DestructionRecord

from .conftest import sweep

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

T0 = dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def old_rows(settings):
    settings.POLICYBOUND_ACCESS_LOG_RETENTION_DAYS = 365
    for day in range(3):
        with clock.frozen(T0 + dt.timedelta(days=day)), transaction.atomic():
            audit_record(actor=Actor.system("test"), action="view", target="field:email")


def test_it_destroys_access_log_rows_past_their_retention(old_rows):
    result = sweep(T0 + dt.timedelta(days=366, hours=1))
    assert result.access_log_destroyed == 2
    entry = DestructionRecord.objects.get(category="access_log")
    assert (entry.items, entry.reason, entry.method) == (2, "access_log_retention", "delete")
    assert audit_verify().ok


def test_it_keeps_access_log_rows_within_their_retention(old_rows):
    assert sweep(T0 + dt.timedelta(days=364)).access_log_destroyed == 0
    assert AuditEvent.objects.filter(target="field:email").count() == 3


def test_it_keeps_the_access_log_two_years_by_default():
    """The default (730 days) suits 50,000+ subjects or unique identifiers (안전성 확보조치 기준 8조)."""
    with clock.frozen(T0), transaction.atomic():
        audit_record(actor=Actor.system("test"), action="view", target="field:phone")
    assert sweep(T0 + dt.timedelta(days=729)).access_log_destroyed == 0
    assert sweep(T0 + dt.timedelta(days=731)).access_log_destroyed == 1
