"""Withdrawal (동의 철회) and deletion (삭제): destroyed now, in the request's transaction; what a law
keeps goes to the archive and the answer names the law and the day it goes."""

from __future__ import annotations

import pytest

from policybound.archive.models import ArchivedRecord
from policybound.audit.models import AuditEvent
from policybound.collection.models import ConsentReceipt, Engagement, SubmissionValue
from policybound.collection.selectors import consent_in_force
from policybound.mailer.models import MailKind, OutboundMail
from policybound.retention.models import DestructionReason, DestructionRecord
from policybound.retention.services import legal_hold_place
from policybound.rights.models import Outcome, RequestKind, RightsRequest
from policybound.rights.services import RequestRefused, deletion_request_fulfil, withdrawal_request_fulfil
from policybound.subjects.models import Subject
from policybound.vault.models import DataKey

from .conftest import STAFF, T0, VISITOR, sign_in

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def subject_of(result):
    return Subject.objects.select_related("data_key").get(pk=result.subject_id)


def test_withdrawing_marketing_keeps_the_consulting_request(alice, policy):
    request = withdrawal_request_fulfil(subject=subject_of(alice), purposes=["marketing"], policy=policy.policy,
                                        actor=VISITOR, lang="ko")
    assert (request.kind, request.outcome) == (RequestKind.WITHDRAWAL, Outcome.DONE)
    assert not consent_in_force(subject_id=alice.subject_id, purpose="marketing")
    assert consent_in_force(subject_id=alice.subject_id, purpose="consulting")
    marketing = Engagement.objects.get(subject_id=alice.subject_id, purpose="marketing")
    assert marketing.retention_done_at is not None  # processed now, not at the next sweep
    assert SubmissionValue.objects.filter(submission_id=alice.submission_id).count() == 5  # consulting needs them


def test_withdrawing_every_consent_destroys_the_person_now(alice, policy):
    withdrawal_request_fulfil(subject=subject_of(alice), purposes=["marketing", "consulting"], policy=policy.policy,
                              actor=VISITOR, lang="ko")
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is not None
    assert not SubmissionValue.objects.exists()
    assert DestructionRecord.objects.filter(reason=DestructionReason.WITHDRAWAL).exists()


def test_withdrawing_what_was_never_given_changes_nothing(bob, policy):
    with pytest.raises(RequestRefused) as refused:
        withdrawal_request_fulfil(subject=subject_of(bob), purposes=["marketing"], policy=policy.policy,
                                  actor=VISITOR, lang="ko")
    assert refused.value.field == "purposes"
    assert not RightsRequest.objects.exists()


def test_deletion_destroys_everything_now_with_its_register_entry(alice, policy):
    request, erasure = deletion_request_fulfil(subject=subject_of(alice), policy=policy.policy, actor=VISITOR, lang="ko")
    assert erasure.destroyed and erasure.kept == []
    assert request.outcome == Outcome.DONE
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is not None
    assert DataKey.objects.get(subject__pk=alice.subject_id).destroyed_at is not None
    assert not SubmissionValue.objects.exists()
    entry = DestructionRecord.objects.get(category="subject")
    assert (entry.reason, entry.subjects) == (DestructionReason.ERASURE_REQUEST, 1)
    assert set(ConsentReceipt.objects.filter(subject_id=alice.subject_id).values_list("event", flat=True)) >= {
        "withdrawn"
    }
    assert AuditEvent.objects.filter(action="destroy", subject_id=alice.subject_id).exists()


def test_deletion_of_a_consulting_record_does_not_wait_for_its_twelve_months(alice, policy):
    from policybound.collection.services import engagement_end

    engagement_end(engagement_id=alice.engagement_id, event=None, actor=STAFF, as_of=T0)
    _request, erasure = deletion_request_fulfil(subject=subject_of(alice), policy=policy.policy, actor=VISITOR,
                                                lang="ko")
    assert erasure.destroyed and not SubmissionValue.objects.exists()


def test_deletion_keeps_a_held_item_in_the_archive_and_names_the_law(alice, policy):
    legal_hold_place(subject_id=alice.subject_id, rule="national_tax_books", items=["name"], reason="2025 audit",
                     actor=STAFF, as_of=T0)
    request, erasure = deletion_request_fulfil(subject=subject_of(alice), policy=policy.policy, actor=VISITOR,
                                               lang="ko")
    assert request.outcome == Outcome.PARTLY
    assert [(k.item, k.rule) for k in erasure.kept] == [("name", "national_tax_books")]
    assert ArchivedRecord.objects.using("archive").filter(item="name").count() == 1
    assert not SubmissionValue.objects.exists()
    assert "이름" in request.reason and "국세기본법" in request.reason and "2030. 3. 3." in request.reason


def test_the_deletion_answer_is_mailed_under_a_key_of_its_own(alice, policy):
    request, _erasure = deletion_request_fulfil(subject=subject_of(alice), policy=policy.policy, actor=VISITOR,
                                                lang="ko")
    mail = OutboundMail.objects.get(kind=MailKind.RIGHTS_ANSWER)
    assert mail.owns_key and mail.subject is None and mail.reference == f"rights_request:{request.pk}"


def test_the_delete_page_needs_the_confirmation_box(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    response = client.post("/privacy-center/mine/delete/", {})
    assert response.status_code == 400 and 'field--invalid' in response.content.decode()
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is None


def test_the_whole_journey_through_the_pages_ends_the_session(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    assert client.get("/privacy-center/mine/delete/").status_code == 200
    response = client.post("/privacy-center/mine/delete/", {"confirm": "on"})
    assert response.status_code == 200
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is not None
    assert client.get("/privacy-center/mine/").status_code == 302


def test_the_withdraw_page_refuses_an_empty_choice_by_field(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    response = client.post("/privacy-center/mine/withdraw/", {})
    assert response.status_code == 400
    response = client.post("/privacy-center/mine/withdraw/", {"purposes": ["marketing"]})
    assert response.status_code == 200
    assert not consent_in_force(subject_id=alice.subject_id, purpose="marketing")


def test_a_suspension_request_waits_for_staff_with_its_words_sealed(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    response = client.post("/privacy-center/mine/suspend/", {"what": "마케팅 전화를 멈춰 주세요"})
    assert response.status_code == 302
    request = RightsRequest.objects.get(kind=RequestKind.SUSPENSION)
    assert request.status == "open" and "마케팅".encode() not in bytes(request.request_sealed)


def test_a_withdrawal_is_answered_by_mail_too_even_when_it_destroyed_the_person(alice, policy):
    request = withdrawal_request_fulfil(subject=subject_of(alice), purposes=["marketing", "consulting"],
                                        policy=policy.policy, actor=VISITOR, lang="ko")
    mail = OutboundMail.objects.get(kind=MailKind.RIGHTS_ANSWER, reference=f"rights_request:{request.pk}")
    assert mail.owns_key  # the person's key is gone; the answer has a key of its own
