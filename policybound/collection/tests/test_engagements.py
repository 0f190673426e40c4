"""Ending engagements (policy end events, retention deadlines) and withdrawing consent."""

from __future__ import annotations

import datetime as dt

import pytest

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.collection.models import ConsentReceipt, Engagement, EngagementStatus, ReceiptEvent
from policybound.collection.selectors import consent_in_force
from policybound.collection.services import (
    ConsentNotGiven,
    EngagementEnded,
    EngagementRejected,
    consent_withdraw,
    engagement_end,
    submission_record,
)
from policybound.lib import clock
from policybound.lib.testing import BUNDLED_POLICY, alice_fields, policy_publish_text

STAFF = Actor(kind="staff", ident="7", label="carol", ip="198.51.100.7")
LATER = dt.datetime(2025, 5, 10, 6, 30, tzinfo=dt.UTC)


@pytest.fixture
def alice(policy_version, visitor):
    return submission_record(
        purpose="consulting", fields=alice_fields(), consents={"consulting": True, "marketing": True},
        source="web", actor=visitor,
    )


def test_it_ends_with_the_purposes_first_end_event_by_default(alice):
    with clock.frozen(LATER):
        engagement = engagement_end(engagement_id=alice.engagement_id, event=None, actor=STAFF)
    assert (engagement.status, engagement.end_event, engagement.ended_at) == (EngagementStatus.ENDED, "closed", LATER)


def test_it_sets_the_deadline_to_the_end_plus_the_retention_period(alice):
    with clock.frozen(LATER):
        engagement = engagement_end(engagement_id=alice.engagement_id, event="closed", actor=STAFF)
    assert engagement.deadline == dt.datetime(2026, 5, 10, 6, 30, tzinfo=dt.UTC)


def test_it_accepts_any_end_event_of_the_purpose(policy_version, visitor):
    inquiry = submission_record(
        purpose="inquiry", fields=alice_fields(), consents={"inquiry": True}, source="web", actor=visitor
    )
    assert engagement_end(engagement_id=inquiry.engagement_id, event="answered", actor=STAFF).end_event == "answered"


def test_it_refuses_an_end_event_the_purpose_does_not_have(alice):
    with pytest.raises(EngagementRejected) as caught:
        engagement_end(engagement_id=alice.engagement_id, event="delivered", actor=STAFF)
    assert list(caught.value.errors) == ["event"]
    assert Engagement.objects.get(pk=alice.engagement_id).status == EngagementStatus.ACTIVE


def test_it_ends_an_engagement_once(alice):
    engagement_end(engagement_id=alice.engagement_id, event=None, actor=STAFF)
    with pytest.raises(EngagementEnded):
        engagement_end(engagement_id=alice.engagement_id, event=None, actor=STAFF)


def test_it_counts_the_deadline_under_the_version_in_force_at_the_end(alice):
    text = BUNDLED_POLICY.read_text(encoding="utf-8")
    shorter = text.replace("retention:\n      period: P12M", "retention:\n      period: P6M", 1)
    assert shorter != text
    policy_publish_text(shorter, effective=dt.date(2025, 4, 1))
    with clock.frozen(LATER):
        engagement = engagement_end(engagement_id=alice.engagement_id, event=None, actor=STAFF)
    assert engagement.deadline == dt.datetime(2025, 11, 10, 6, 30, tzinfo=dt.UTC)


def test_it_audits_the_end(alice):
    engagement_end(engagement_id=alice.engagement_id, event=None, actor=STAFF)
    event = AuditEvent.objects.filter(action="end").get()
    assert (str(event.subject_id), event.actor_label, event.detail) == (
        str(alice.subject_id), "carol", {"purpose": "consulting", "event": "closed"},
    )


def test_it_withdraws_marketing_with_a_new_receipt(alice):
    with clock.frozen(LATER):
        receipt = consent_withdraw(subject_id=alice.subject_id, purpose="marketing", actor=STAFF, channel="console")
    history = list(ConsentReceipt.objects.filter(purpose="marketing").order_by("id").values_list("event", flat=True))
    assert history == [ReceiptEvent.GIVEN, ReceiptEvent.WITHDRAWN]
    assert receipt.recorded_at == LATER


def test_it_ends_the_marketing_engagement_at_once_on_withdrawal(alice):
    with clock.frozen(LATER):
        consent_withdraw(subject_id=alice.subject_id, purpose="marketing", actor=STAFF, channel="console")
    marketing = Engagement.objects.get(purpose="marketing")
    assert (marketing.status, marketing.end_event, marketing.deadline) == (EngagementStatus.ENDED, "withdrawn", LATER)


def test_it_leaves_other_purposes_running_on_a_marketing_withdrawal(alice):
    consent_withdraw(subject_id=alice.subject_id, purpose="marketing", actor=STAFF, channel="console")
    assert Engagement.objects.get(pk=alice.engagement_id).status == EngagementStatus.ACTIVE


def test_it_no_longer_counts_a_withdrawn_consent(alice):
    assert consent_in_force(subject_id=alice.subject_id, purpose="marketing")
    consent_withdraw(subject_id=alice.subject_id, purpose="marketing", actor=STAFF, channel="console")
    assert not consent_in_force(subject_id=alice.subject_id, purpose="marketing")


def test_it_refuses_to_withdraw_a_consent_never_given(policy_version, visitor):
    result = submission_record(
        purpose="consulting", fields=alice_fields(), consents={"consulting": True, "marketing": False},
        source="web", actor=visitor,
    )
    with pytest.raises(ConsentNotGiven):
        consent_withdraw(subject_id=result.subject_id, purpose="marketing", actor=STAFF, channel="console")


def test_it_audits_the_withdrawal(alice):
    consent_withdraw(subject_id=alice.subject_id, purpose="marketing", actor=STAFF, channel="console")
    event = AuditEvent.objects.filter(action="withdraw").get()
    assert event.detail["purpose"] == "marketing"
    assert str(event.subject_id) == str(alice.subject_id)
