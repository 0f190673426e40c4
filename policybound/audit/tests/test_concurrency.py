from __future__ import annotations

from functools import partial

import pytest
from django.db import connection, transaction

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.audit.services import audit_record, audit_verify
from policybound.lib.testing import run_together

WRITERS = 4
ROWS_EACH = 10


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_unbroken_chain_under_concurrent_writers():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serializes writers with IMMEDIATE transactions")

    def writer(number: int) -> None:
        for _ in range(ROWS_EACH):
            with transaction.atomic():
                audit_record(actor=Actor.system(f"writer {number}"), action="view")

    _results, errors = run_together([partial(writer, number) for number in range(WRITERS)])
    assert errors == []
    assert AuditEvent.objects.count() == WRITERS * ROWS_EACH
    assert audit_verify().ok
