"""The retention rules: what dies when, what lives on, and that nothing dies a day early."""

from __future__ import annotations

import datetime as dt

import pytest

from policybound.audit.models import AuditEvent
from policybound.collection.models import (
    ConsentReceipt,
    Engagement,
    EngagementStatus,
    Submission,
    SubmissionValue,
)
from policybound.lib.testing import alice_fields, bob_fields
from policybound.retention.models import DestructionCategory, DestructionReason, DestructionRecord
from policybound.retention.selectors import retention_open_engagements
from policybound.subjects.models import Organization, Subject, SubjectIndex
from policybound.vault.errors import KeyDestroyed
from policybound.vault.models import DataKey
from policybound.vault.services import unseal

from .conftest import DAY, T0, end, policy_text, publish, submit, sweep, withdraw

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

ENDED = T0 + dt.timedelta(days=10)
DEADLINE = dt.datetime(2026, 3, 13, 10, 0, tzinfo=dt.UTC)  # ENDED + 12 months


@pytest.fixture
def alice(policy):
    """Alice asked for consulting on T0; it was closed ten days later."""
    result = submit("consulting", alice_fields())
    end(result.engagement_id, at=ENDED)
    return result


def test_it_destroys_a_subject_once_their_only_engagement_is_past_its_deadline(alice):
    result = sweep(DEADLINE + dt.timedelta(seconds=1))
    subject = Subject.objects.get(pk=alice.subject_id)
    assert result.destroyed_subjects == 1
    assert subject.destroyed_at is not None
    assert not SubmissionValue.objects.exists()
    assert not Submission.objects.exists()
    assert not SubjectIndex.objects.filter(subject=subject).exists()


def test_it_crypto_erases_the_subjects_data_key(alice):
    key_id = Subject.objects.get(pk=alice.subject_id).data_key_id
    sealed = bytes(SubmissionValue.objects.get(submission_id=alice.submission_id, item="email").sealed)
    sweep(DEADLINE + DAY)
    key = DataKey.objects.get(pk=key_id)
    assert key.is_destroyed and bytes(key.wrapped_key) == b""
    with pytest.raises(KeyDestroyed):
        unseal(key, sealed, context=f"submission:{alice.submission_id}:email")


def test_it_destroys_nothing_a_day_early(alice):
    result = sweep(DEADLINE - DAY)
    assert result.nothing_done
    assert SubmissionValue.objects.filter(submission_id=alice.submission_id).count() == 5
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is None


def test_it_destroys_nothing_a_second_before_the_deadline(alice):
    assert sweep(DEADLINE - dt.timedelta(seconds=1)).destroyed_subjects == 0


def test_a_second_sweep_finds_nothing_to_do(alice):
    sweep(DEADLINE + DAY)
    again = sweep(DEADLINE + DAY)
    assert again.nothing_done and again.register_entries == 0


def test_it_writes_a_register_entry_that_says_why(alice):
    sweep(DEADLINE + DAY)
    entry = DestructionRecord.objects.get(category=DestructionCategory.SUBJECT)
    assert (entry.purpose, entry.reason, entry.subjects, entry.items) == (
        "consulting", DestructionReason.PURPOSE_RETENTION, 1, 5,
    )
    assert entry.method == "crypto_erase_delete" and entry.approved_by == "system:retention sweep"


def test_receipts_survive_with_only_the_pseudonymous_subject_id(alice):
    receipts_before = ConsentReceipt.objects.filter(subject_id=alice.subject_id).count()
    sweep(DEADLINE + DAY)
    receipts = list(ConsentReceipt.objects.filter(subject_id=alice.subject_id))
    assert len(receipts) == receipts_before > 0
    assert all(r.ip_sealed is None and r.user_agent == "" and r.submission_id is None for r in receipts)


def test_audit_rows_survive_and_record_the_destruction(alice):
    sweep(DEADLINE + DAY)
    actions = set(AuditEvent.objects.filter(subject_id=alice.subject_id).values_list("action", flat=True))
    assert {"enter", "destroy"} <= actions


def test_an_engagement_nobody_ends_stays_open_until_its_maximum_lifetime(policy):
    result = submit("consulting", alice_fields())
    sweep(T0 + dt.timedelta(days=3 * 365 - 1))  # the bundled policy's maximum lifetime is 3 years
    assert Subject.objects.get(pk=result.subject_id).destroyed_at is None
    assert [(o.purpose, o.count, o.max_lifetime) for o in retention_open_engagements(as_of=T0)] == [
        ("consulting", 1, "P3Y"),
    ]


def test_a_maximum_lifetime_ends_an_engagement_nobody_ended(db):
    publish(policy_text(consulting={"max_lifetime": "P24M"}))
    result = submit("consulting", alice_fields())
    swept = sweep(dt.datetime(2027, 3, 4, tzinfo=dt.UTC))  # 24 months after T0, not yet + 12 months
    engagement = Engagement.objects.get(pk=result.engagement_id)
    assert swept.ended_by_max_lifetime == 1 and swept.destroyed_subjects == 0
    assert (engagement.status, engagement.end_event) == (EngagementStatus.ENDED, "max_lifetime")
    assert engagement.ended_at == dt.datetime(2027, 3, 3, 10, 0, tzinfo=dt.UTC)
    assert engagement.deadline == dt.datetime(2028, 3, 3, 10, 0, tzinfo=dt.UTC)


def test_a_maximum_lifetime_end_is_destroyed_at_its_deadline_with_that_reason(db):
    publish(policy_text(consulting={"max_lifetime": "P24M"}))
    result = submit("consulting", alice_fields())
    sweep(dt.datetime(2027, 3, 4, tzinfo=dt.UTC))
    swept = sweep(dt.datetime(2028, 3, 4, tzinfo=dt.UTC))
    assert swept.destroyed_subjects == 1
    assert Subject.objects.get(pk=result.subject_id).destroyed_at is not None
    assert DestructionRecord.objects.get(category="subject").reason == DestructionReason.MAX_LIFETIME


def test_it_keeps_the_live_engagements_data_when_another_expired(policy):
    consulting = submit("consulting", alice_fields())
    end(consulting.engagement_id, at=ENDED)
    newsletter = submit("newsletter", alice_fields(), at=T0 + DAY)
    swept = sweep(DEADLINE + DAY)
    assert swept.destroyed_subjects == 0 and swept.partially_destroyed_subjects == 1
    assert not SubmissionValue.objects.filter(submission_id=consulting.submission_id).exists()
    assert SubmissionValue.objects.filter(submission_id=newsletter.submission_id).count() == 5
    assert SubjectIndex.objects.filter(subject_id=consulting.subject_id).exists()
    assert not Subject.objects.get(pk=consulting.subject_id).data_key.is_destroyed


def test_items_no_live_purpose_needs_are_registered_as_items(policy):
    consulting = submit("consulting", alice_fields())
    end(consulting.engagement_id, at=ENDED)
    submit("newsletter", alice_fields(), at=T0 + DAY)
    sweep(DEADLINE + DAY)
    entry = DestructionRecord.objects.get()
    assert (entry.category, entry.purpose, entry.subjects, entry.items) == ("items", "consulting", 1, 5)


def test_data_marketing_still_needs_is_kept_after_its_service_ended(policy):
    report = submit("report_download", alice_fields(), {"report_download": True, "marketing": True})
    end(report.engagement_id, at=ENDED)
    swept = sweep(DEADLINE + DAY)
    assert swept.destroyed_items == 0
    assert SubmissionValue.objects.filter(submission_id=report.submission_id).count() == 4


def test_a_withdrawal_destroys_at_the_next_sweep(policy):
    report = submit("report_download", alice_fields(), {"report_download": True, "marketing": True})
    end(report.engagement_id, at=ENDED)
    sweep(DEADLINE + DAY)
    withdrawn_at = DEADLINE + 20 * DAY
    withdraw(report.subject_id, "marketing", at=withdrawn_at)
    swept = sweep(withdrawn_at + dt.timedelta(minutes=1))
    assert swept.destroyed_subjects == 1
    assert Subject.objects.get(pk=report.subject_id).destroyed_at is not None
    entry = DestructionRecord.objects.get(category="subject")
    assert (entry.purpose, entry.reason) == ("marketing", DestructionReason.WITHDRAWAL)


def test_items_another_purpose_still_keeps_outlive_a_withdrawal(policy):
    report = submit("report_download", alice_fields(), {"report_download": True, "marketing": True})
    inquiry = submit("inquiry", alice_fields(), {"inquiry": True}, at=T0 + DAY)
    end(report.engagement_id, at=ENDED)
    withdrawn_at = T0 + 30 * DAY
    withdraw(report.subject_id, "marketing", at=withdrawn_at)
    # The report's own retention (12 months after delivery) still keeps the same items.
    assert sweep(withdrawn_at + dt.timedelta(minutes=1)).destroyed_items == 0
    assert SubmissionValue.objects.filter(submission_id=report.submission_id).count() == 4
    swept = sweep(DEADLINE + DAY)
    assert swept.partially_destroyed_subjects == 1
    assert not SubmissionValue.objects.filter(submission_id=report.submission_id).exists()
    assert SubmissionValue.objects.filter(submission_id=inquiry.submission_id).count() == 5


def test_a_consent_in_force_keeps_what_its_purpose_uses(policy):
    consulting = submit("consulting", alice_fields(), {"consulting": True, "marketing": True})
    end(consulting.engagement_id, at=ENDED)
    swept = sweep(DEADLINE + DAY)
    kept = set(SubmissionValue.objects.filter(submission_id=consulting.submission_id).values_list("item", flat=True))
    assert swept.partially_destroyed_subjects == 1
    assert kept == {"name", "phone", "email", "company"}  # the question went; marketing uses the rest


def test_an_organisation_no_one_points_at_any_more_is_destroyed(alice):
    assert Organization.objects.count() == 1
    swept = sweep(DEADLINE + DAY)
    assert swept.organizations_destroyed == 1 and not Organization.objects.exists()
    assert DestructionRecord.objects.filter(category="organization", items=1).exists()


def test_an_organisation_another_subject_uses_is_kept(alice):
    submit("consulting", bob_fields(company="(주)에이비씨테스트"), at=T0 + DAY)
    swept = sweep(DEADLINE + DAY)
    assert swept.organizations_destroyed == 0 and Organization.objects.count() == 1


def test_a_new_submission_after_destruction_makes_a_new_subject(alice):
    sweep(DEADLINE + DAY)
    again = submit("consulting", alice_fields(), at=DEADLINE + 2 * DAY)
    assert again.subject_id != alice.subject_id
