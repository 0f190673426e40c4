from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.audit.services import audit_record, audit_verify

WRITERS = 4
ROWS_EACH = 10


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_unbroken_chain_under_concurrent_writers():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serializes writers with IMMEDIATE transactions")
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(ROWS_EACH):
                with transaction.atomic():
                    audit_record(actor=Actor.system(f"writer {number}"), action="view")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert AuditEvent.objects.count() == WRITERS * ROWS_EACH
    assert audit_verify().ok
