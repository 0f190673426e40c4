"""Two sweeps at once on PostgreSQL: every subject destroyed and archived exactly once, neither fails."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter

import pytest
from django.db import connection

from policybound.archive.models import ArchivedRecord
from policybound.audit.models import AuditEvent
from policybound.lib import clock
from policybound.lib.testing import alice_fields, run_together
from policybound.retention.models import DestructionRecord
from policybound.retention.services import legal_hold_place
from policybound.retention.sweep import retention_sweep
from policybound.subjects.models import Subject

from .conftest import DAY, STAFF, T0, end, policy_text, publish, submit

SUBJECTS = 24
SWEEPS = 2
AFTER = dt.datetime(2026, 3, 14, 10, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True, databases=["default", "archive"])
def test_two_concurrent_sweeps_never_do_the_same_work_twice():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and SKIP LOCKED are PostgreSQL's; SQLite runs one writer at a time (IMMEDIATE)")
    publish(policy_text())
    held = set()
    for number in range(SUBJECTS):
        result = submit("consulting", alice_fields(email=f"person{number}@example.com", phone=f"010-4000-{number:04d}"))
        end(result.engagement_id, at=T0 + 10 * DAY)
        if number % 2:
            legal_hold_place(subject_id=result.subject_id, rule="national_tax_books", items=["name"],
                             reason="tax audit", actor=STAFF, as_of=T0)
            held.add(result.subject_id)
    jobs = [
        functools.partial(retention_sweep, as_of=AFTER, batch_size=3, worker=f"sweep-{number}") for number in range(SWEEPS)
    ]
    with clock.frozen(AFTER):
        results, errors = run_together(jobs, timeout=300)
    assert errors == [] and len(results) == SWEEPS
    assert sum(r.destroyed_subjects for r in results) == SUBJECTS
    assert Subject.objects.filter(destroyed_at__isnull=False).count() == SUBJECTS
    destroyed = Counter(AuditEvent.objects.filter(action="destroy", target="subject").values_list("subject_id", flat=True))
    assert set(destroyed.values()) == {1} and len(destroyed) == SUBJECTS
    archived = Counter(AuditEvent.objects.filter(action="archive").values_list("subject_id", flat=True))
    assert set(archived) == held and set(archived.values()) == {1}
    assert ArchivedRecord.objects.count() == len(held)
    assert sum(DestructionRecord.objects.filter(category="subject").values_list("subjects", flat=True)) == SUBJECTS
