from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import transaction

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.audit.services import audit_record
from policybound.lib import clock

START = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def alice_actor():
    return Actor(kind="staff", ident="1", label="alice", ip="203.0.113.7")


def record_rows(actor: Actor, count: int, *, start: dt.datetime = START, step=dt.timedelta(days=1)):
    """``count`` rows, one a day from ``start``, each about a different (fake) subject."""
    events = []
    for number in range(count):
        with clock.frozen(start + number * step), transaction.atomic():
            events.append(
                audit_record(
                    actor=actor,
                    action="view",
                    subject_id=uuid.uuid4(),
                    target="field:email",
                    detail={"reason": "consulting follow-up", "n": number},
                )
            )
    return events


def tamper(row: int, **changes) -> None:
    """What a database administrator could do: an UPDATE straight to the table."""
    AuditEvent.objects.filter(sequence=row).update(**changes)
