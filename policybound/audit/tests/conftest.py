from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection, transaction

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.audit.services import audit_prefer_chain, audit_record
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


@pytest.fixture(autouse=True)
def _audit_numbers_from_one(request):
    """Rows numbered 1, 2, 3 on chain 1 in every test: PostgreSQL's sequence does not roll back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    audit_prefer_chain(1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER SEQUENCE audit_event_sequence RESTART WITH 1")
