"""``dry_run`` counts exactly what the sweep would do and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from policybound.archive.models import ArchivedRecord
from policybound.audit.models import AuditEvent
from policybound.collection.models import Engagement, SubmissionValue
from policybound.lib.testing import alice_fields, bob_fields
from policybound.retention.models import DestructionRecord, SweepRun
from policybound.retention.services import legal_hold_place
from policybound.subjects.models import Organization, Subject

from .conftest import DAY, STAFF, T0, end, policy_text, publish, submit, sweep

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

AFTER = dt.datetime(2026, 3, 14, 10, 0, tzinfo=dt.UTC)


def snapshot() -> dict[str, int]:
    return {
        "values": SubmissionValue.objects.count(),
        "destroyed": Subject.objects.filter(destroyed_at__isnull=False).count(),
        "organizations": Organization.objects.count(),
        "archived": ArchivedRecord.objects.count(),
        "register": DestructionRecord.objects.count(),
        "audit": AuditEvent.objects.count(),
        "runs": SweepRun.objects.count(),
        "ended": Engagement.objects.filter(ended_at__isnull=False).count(),
    }


@pytest.fixture
def people(policy):
    alice = submit("consulting", alice_fields())
    end(alice.engagement_id, at=T0 + 10 * DAY)
    legal_hold_place(subject_id=alice.subject_id, rule="ecommerce_contracts", reason="contract dispute",
                     actor=STAFF, as_of=T0)
    bob = submit("consulting", bob_fields())
    end(bob.engagement_id, at=T0 + 10 * DAY)
    newsletter = submit("newsletter", bob_fields(), at=T0 + DAY)
    return alice, bob, newsletter


def test_a_dry_run_changes_nothing(people):
    before = snapshot()
    result = sweep(AFTER, dry_run=True)
    assert result.destroyed_subjects == 1 and result.archived_items == 5
    assert snapshot() == before


def test_a_dry_run_counts_what_the_sweep_then_does(people):
    planned = sweep(AFTER, dry_run=True).as_dict()
    done = sweep(AFTER).as_dict()
    ignore = {"dry_run", "register_entries", "batches"}
    assert {k: v for k, v in planned.items() if k not in ignore} == {k: v for k, v in done.items() if k not in ignore}


def test_a_dry_run_counts_engagements_a_maximum_lifetime_would_end(db):
    publish(policy_text(consulting={"max_lifetime": "P24M"}))
    submit("consulting", alice_fields())
    late = dt.datetime(2028, 3, 4, tzinfo=dt.UTC)  # lifetime over, and 12 months after that too
    planned = sweep(late, dry_run=True)
    assert (planned.ended_by_max_lifetime, planned.destroyed_subjects) == (1, 1)
    assert Engagement.objects.get().ended_at is None
    assert sweep(late).destroyed_subjects == 1
