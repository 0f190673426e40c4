"""``submission_record``: what it stores, sealed, and what it refuses to store."""

from __future__ import annotations

import datetime as dt

import pytest

from policybound.audit.models import AuditEvent
from policybound.collection.models import (
    AppendOnly,
    ConsentReceipt,
    Engagement,
    EngagementStatus,
    NoticeText,
    ReceiptEvent,
    Submission,
)
from policybound.collection.notices import consent_notice
from policybound.collection.selectors import submission_values_open
from policybound.collection.services import IdempotencyConflict, SubmissionRejected, submission_record
from policybound.collection.tests.conftest import row_counts
from policybound.lib import clock
from policybound.lib.testing import BUNDLED_POLICY, alice_fields, bob_fields, policy_publish_text
from policybound.subjects.models import Organization, Subject
from policybound.vault.services import unseal


def record(actor, *, purpose="consulting", fields=None, consents=None, **kwargs):
    return submission_record(
        purpose=purpose,
        fields=alice_fields() if fields is None else fields,
        consents={purpose: True} if consents is None else consents,
        source=kwargs.pop("source", "web"),
        actor=actor,
        **kwargs,
    )


def test_it_stores_each_value_sealed_under_the_subjects_key(policy_version, visitor):
    result = record(visitor)
    submission = Submission.objects.get(pk=result.submission_id)
    assert submission_values_open(submission=submission) == {
        "company": "(주)에이비씨테스트",
        "email": "alice@example.com",
        "message": "클라우드 전환 상담을 원합니다.",
        "name": "김앨리스",
        "phone": "+821020001001",
    }


def test_it_stores_no_plaintext_in_the_sealed_values(policy_version, visitor):
    result = record(visitor)
    for value in Submission.objects.get(pk=result.submission_id).values.all():
        assert b"alice" not in bytes(value.sealed)
        assert "김앨리스".encode() not in bytes(value.sealed)


def test_it_finds_one_person_again_across_three_forms(policy_version, visitor):
    first = record(visitor)
    second = record(visitor, purpose="inquiry", fields=alice_fields(email="ALICE@Example.com"))
    third = record(visitor, purpose="report_download", fields=alice_fields(message=None))
    assert first.subject_id == second.subject_id == third.subject_id
    assert Subject.objects.count() == 1
    assert Engagement.objects.filter(subject_id=first.subject_id).count() == 3


def test_it_keeps_two_people_apart(policy_version, visitor):
    assert record(visitor).subject_id != record(visitor, fields=bob_fields()).subject_id


def test_it_links_colleagues_to_one_organization_however_they_spell_it(policy_version, visitor):
    alice = record(visitor, fields=alice_fields(company="(주)에이비씨테스트"))
    bob = record(visitor, fields=bob_fields(company="에이비씨테스트 주식회사"))
    organizations = {s.organization_id for s in Submission.objects.filter(pk__in=[alice.submission_id, bob.submission_id])}
    assert len(organizations) == 1
    assert Organization.objects.count() == 1


def test_it_seals_the_organizations_name_under_its_own_key(policy_version, visitor):
    record(visitor)
    organization = Organization.objects.get()
    name = unseal(organization.data_key, bytes(organization.name_sealed), context=f"organization:{organization.id}:name")
    assert name == "(주)에이비씨테스트"
    assert organization.data_key_id != Subject.objects.get().data_key_id


def test_it_appends_a_receipt_per_consent_asked(policy_version, visitor):
    result = record(visitor, consents={"consulting": True, "marketing": False})
    receipts = {r.purpose: r for r in ConsentReceipt.objects.filter(pk__in=result.receipt_ids)}
    assert (receipts["consulting"].event, receipts["consulting"].required) == (ReceiptEvent.GIVEN, True)
    assert (receipts["marketing"].event, receipts["marketing"].required) == (ReceiptEvent.REFUSED, False)


def test_it_asks_no_marketing_receipt_when_the_channel_did_not_offer_it(policy_version, visitor):
    result = record(visitor, consents={"consulting": True})
    assert list(ConsentReceipt.objects.filter(pk__in=result.receipt_ids).values_list("purpose", flat=True)) == ["consulting"]


def test_it_names_the_policy_version_in_force_on_every_receipt(policy_version, visitor):
    result = record(visitor, consents={"consulting": True, "marketing": True})
    for receipt in ConsentReceipt.objects.filter(pk__in=result.receipt_ids):
        assert receipt.policy_version_id == policy_version.pk
        assert receipt.policy_sha256 == policy_version.sha256


def test_it_follows_the_version_in_force_at_the_time(policy_version, visitor):
    newer = policy_publish_text(BUNDLED_POLICY.read_text(encoding="utf-8"), effective=dt.date(2025, 6, 1))
    with clock.frozen(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)):
        result = record(visitor)
    assert ConsentReceipt.objects.get(pk=result.receipt_ids[0]).policy_sha256 == newer.sha256


def test_it_keeps_the_policys_notice_when_the_form_passes_none(policy_version, visitor):
    result = record(visitor)
    notice = ConsentReceipt.objects.get(pk=result.receipt_ids[0]).notice
    assert notice is not None
    assert notice.text == consent_notice(policy_version.policy, "consulting", lang="ko")


def test_it_keeps_the_exact_notice_the_form_showed(policy_version, visitor):
    result = record(visitor, notice_texts={"consulting": "보여준 그대로의 고지문"})
    notice = ConsentReceipt.objects.get(pk=result.receipt_ids[0]).notice
    assert notice is not None
    assert notice.text == "보여준 그대로의 고지문"


def test_it_stores_an_identical_notice_once(policy_version, visitor):
    record(visitor)
    record(visitor, fields=bob_fields())
    assert NoticeText.objects.count() == 1


def test_it_seals_the_ip_and_keeps_the_user_agent(policy_version, visitor):
    result = record(visitor, ip="203.0.113.10", user_agent="Mozilla/5.0 (test)")
    receipt = ConsentReceipt.objects.select_related("subject__data_key").get(pk=result.receipt_ids[0])
    assert receipt.ip_sealed is not None
    ip = unseal(receipt.subject.data_key, bytes(receipt.ip_sealed), context=f"subject:{receipt.subject_id}:ip")
    assert (ip, receipt.user_agent, receipt.channel) == ("203.0.113.10", "Mozilla/5.0 (test)", "web")


def test_it_cuts_a_long_user_agent_to_400_characters(policy_version, visitor):
    result = record(visitor, user_agent="Mozilla/5.0 " + "x" * 1000)
    assert len(ConsentReceipt.objects.get(pk=result.receipt_ids[0]).user_agent) == 400


def test_it_records_the_source(policy_version, visitor):
    result = record(visitor, source="event", source_detail="2025 클라우드 세미나", channel="import")
    submission = Submission.objects.get(pk=result.submission_id)
    assert (submission.source, submission.source_detail, submission.channel) == ("event", "2025 클라우드 세미나", "import")


def test_it_refuses_an_unknown_source(policy_version, visitor):
    with pytest.raises(SubmissionRejected) as caught:
        record(visitor, source="rumour")
    assert list(caught.value.errors) == ["source"]


def test_it_starts_an_engagement_for_the_purpose(policy_version, visitor, now):
    result = record(visitor)
    engagement = Engagement.objects.get(pk=result.engagement_id)
    assert (engagement.purpose, engagement.status, engagement.started_at, engagement.deadline) == (
        "consulting", EngagementStatus.ACTIVE, now, None,
    )


def test_it_starts_a_marketing_engagement_when_marketing_is_consented(policy_version, visitor):
    result = record(visitor, consents={"consulting": True, "marketing": True})
    purposes = sorted(Engagement.objects.filter(pk__in=result.engagement_ids).values_list("purpose", flat=True))
    assert purposes == ["consulting", "marketing"]


def test_it_keeps_one_marketing_engagement_per_person(policy_version, visitor):
    record(visitor, consents={"consulting": True, "marketing": True})
    record(visitor, purpose="inquiry", consents={"inquiry": True, "marketing": True})
    assert Engagement.objects.filter(purpose="marketing").count() == 1


def test_it_holds_a_newsletter_until_it_is_confirmed(policy_version, visitor):
    fields = alice_fields(message=None, interests=["cloud"])
    result = record(visitor, purpose="newsletter", fields=fields)
    assert Engagement.objects.get(pk=result.engagement_id).status == EngagementStatus.PENDING


def test_it_stores_nothing_from_a_refused_submission(policy_version, visitor):
    before = row_counts()
    with pytest.raises(SubmissionRejected):
        record(visitor, fields=alice_fields(position="CTO"))
    assert row_counts() == before


def test_it_refuses_everything_while_no_policy_is_in_force(db, now, visitor):
    with pytest.raises(SubmissionRejected) as caught:
        record(visitor)
    assert list(caught.value.errors) == ["__all__"]


def test_it_audits_the_entry_and_the_consents_without_personal_data(policy_version, visitor):
    result = record(visitor, consents={"consulting": True, "marketing": False})
    events = AuditEvent.objects.filter(subject_id=result.subject_id).order_by("sequence")
    assert [e.action for e in events] == ["enter", "enter", "consent"]
    assert events[2].detail == {"consents": {"consulting": "given", "marketing": "refused"}}
    assert all("alice" not in str(e.detail) and "김앨리스" not in str(e.detail) for e in events)
    assert {e.actor_kind for e in events} == {"public"}


def test_it_replays_a_retry_with_the_same_idempotency_key(policy_version, visitor):
    first = record(visitor, idempotency_key="homepage:42")
    before = row_counts()
    again = record(visitor, idempotency_key="homepage:42")
    assert row_counts() == before
    assert (again.submission_id, again.receipt_ids, again.engagement_ids, again.replayed) == (
        first.submission_id, first.receipt_ids, first.engagement_ids, True,
    )


def test_it_refuses_a_reused_idempotency_key_with_another_request(policy_version, visitor):
    record(visitor, idempotency_key="homepage:42")
    with pytest.raises(IdempotencyConflict):
        record(visitor, fields=bob_fields(), idempotency_key="homepage:42")


def test_it_never_changes_a_receipt(policy_version, visitor):
    receipt = ConsentReceipt.objects.get(pk=record(visitor).receipt_ids[0])
    receipt.event = ReceiptEvent.REFUSED
    with pytest.raises(AppendOnly):
        receipt.save()
    with pytest.raises(AppendOnly):
        ConsentReceipt.objects.filter(pk=receipt.pk).update(event=ReceiptEvent.REFUSED)
