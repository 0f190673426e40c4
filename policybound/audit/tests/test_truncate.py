from __future__ import annotations

import datetime as dt

import pytest

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent, ChainAnchor
from policybound.audit.services import audit_truncate_before, audit_verify

from .conftest import START, record_rows

pytestmark = pytest.mark.django_db

RETENTION_JOB = Actor.system("audit truncate")


def test_it_destroys_the_rows_before_the_cutoff(alice_actor):
    record_rows(alice_actor, 6)
    destroyed = audit_truncate_before(before=START + dt.timedelta(days=4), actor=RETENTION_JOB)
    assert destroyed == 4
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [5, 6, 7]


def test_it_still_verifies_after_truncation(alice_actor):
    record_rows(alice_actor, 6)
    audit_truncate_before(before=START + dt.timedelta(days=4), actor=RETENTION_JOB)
    result = audit_verify()
    assert (result.ok, result.checked) == (True, 3)


def test_it_keeps_the_last_destroyed_row_as_the_anchor(alice_actor):
    events = record_rows(alice_actor, 6)
    audit_truncate_before(before=START + dt.timedelta(days=4), actor=RETENTION_JOB)
    anchor = ChainAnchor.objects.get()
    assert (anchor.sequence, anchor.hash, anchor.destroyed) == (4, events[3].hash, 4)


def test_it_records_the_truncation_as_a_destroy_event(alice_actor):
    record_rows(alice_actor, 3)
    audit_truncate_before(before=START + dt.timedelta(days=2), actor=RETENTION_JOB)
    event = AuditEvent.objects.order_by("-sequence")[0]
    assert (event.action, event.target, event.actor_label) == ("destroy", "audit:chain", "audit truncate")
    assert event.detail["anchor_sequence"] == 2


def test_it_truncates_twice_and_still_verifies(alice_actor):
    record_rows(alice_actor, 6)
    audit_truncate_before(before=START + dt.timedelta(days=2), actor=RETENTION_JOB)
    audit_truncate_before(before=START + dt.timedelta(days=5), actor=RETENTION_JOB)
    assert audit_verify().ok


def test_it_destroys_nothing_when_nothing_is_old_enough(alice_actor):
    record_rows(alice_actor, 3)
    assert audit_truncate_before(before=START, actor=RETENTION_JOB) == 0
    assert not ChainAnchor.objects.exists()


def test_it_stops_at_the_first_row_to_keep(alice_actor):
    record_rows(alice_actor, 2, start=START)
    record_rows(alice_actor, 1, start=START + dt.timedelta(days=30))
    record_rows(alice_actor, 1, start=START)  # back-dated (as_of) after a newer row: kept with it
    assert audit_truncate_before(before=START + dt.timedelta(days=10), actor=RETENTION_JOB) == 2


def test_it_detects_a_prefix_removed_without_truncation(alice_actor):
    record_rows(alice_actor, 5)
    AuditEvent.objects.filter(sequence__lte=2).delete()
    assert audit_verify().first_bad_sequence == 1


def test_it_detects_a_forged_anchor(alice_actor):
    events = record_rows(alice_actor, 5)
    AuditEvent.objects.filter(sequence__lte=2).delete()
    ChainAnchor.objects.create(sequence=2, hash=events[1].hash, before=START, destroyed=2, created_at=START)
    result = audit_verify()
    assert (result.ok, result.first_bad_sequence) == (False, 2)
    assert "without a recorded truncation" in result.reason


def test_it_detects_a_row_deleted_after_truncation(alice_actor):
    record_rows(alice_actor, 6)
    audit_truncate_before(before=START + dt.timedelta(days=2), actor=RETENTION_JOB)
    AuditEvent.objects.filter(sequence=4).delete()
    assert audit_verify().first_bad_sequence == 4
