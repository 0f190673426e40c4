from __future__ import annotations

import pytest

from policybound.audit.models import AuditEvent
from policybound.audit.services import AuditOutsideTransaction, audit_record


@pytest.mark.django_db(transaction=True)
def test_it_raises_outside_a_transaction(alice_actor):
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=alice_actor, action="view")
    assert not AuditEvent.objects.exists()
