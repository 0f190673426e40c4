"""Correction (정정): checked by the item's own rule, sealed in place, indexes kept true, recipients owed."""

from __future__ import annotations

import pytest

from policybound.audit.models import AuditEvent
from policybound.collection.corrections import CorrectionRejected
from policybound.collection.models import Submission
from policybound.collection.selectors import submission_values_open
from policybound.rights.models import RequestKind, RightsRequest
from policybound.rights.services import correction_request_fulfil
from policybound.rights.verification import address_digest
from policybound.subjects.models import IndexKind, Subject, SubjectIndex
from policybound.vault.services import blind_index

from .conftest import VISITOR, sign_in

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def correct(alice, policy, item, value):
    subject = Subject.objects.select_related("data_key").get(pk=alice.subject_id)
    return correction_request_fulfil(subject=subject, submission_id=alice.submission_id, item=item, value=value,
                                     policy=policy.policy, actor=VISITOR, lang="ko")


def values(alice):
    return submission_values_open(submission=Submission.objects.get(pk=alice.submission_id))


def test_a_corrected_phone_is_stored_normalised_and_reindexed(alice, policy):
    request = correct(alice, policy, "phone", "010-2999-1001")
    assert values(alice)["phone"] == "+821029991001"
    phones = set(SubjectIndex.objects.filter(subject_id=alice.subject_id, kind=IndexKind.PHONE).values_list("digest", flat=True))
    assert phones == {blind_index("subject-phone", "+821029991001")}
    assert request.kind == RequestKind.CORRECTION and request.outcome == "done"
    assert "ktis" in request.detail["notice_owed_to"] and "salesforce" in request.detail["notice_owed_to"]


def test_a_corrected_address_finds_the_person_by_its_new_index(alice, policy):
    correct(alice, policy, "email", "alice.new@example.com")
    emails = set(SubjectIndex.objects.filter(subject_id=alice.subject_id, kind=IndexKind.EMAIL).values_list("digest", flat=True))
    assert emails == {address_digest("alice.new@example.com")}


def test_a_bad_value_is_refused_by_the_items_rule_and_nothing_changes(alice, policy):
    with pytest.raises(CorrectionRejected) as rejected:
        correct(alice, policy, "phone", "not a phone")
    assert list(rejected.value.errors) == ["value"]
    assert values(alice)["phone"] == "+821020001001"
    assert not RightsRequest.objects.filter(kind=RequestKind.CORRECTION).exists()


def test_the_audit_row_names_the_item_never_the_value(alice, policy):
    correct(alice, policy, "name", "김앨리스2")
    row = AuditEvent.objects.get(action="change", subject_id=alice.subject_id)
    assert row.detail == {"item": "name", "correction": True}


def test_someone_elses_submission_cannot_be_corrected(alice, bob, policy):
    subject = Subject.objects.select_related("data_key").get(pk=alice.subject_id)
    with pytest.raises(Submission.DoesNotExist):
        correction_request_fulfil(subject=subject, submission_id=bob.submission_id, item="name", value="x",
                                  policy=policy.policy, actor=VISITOR, lang="ko")


def test_the_correction_page_shows_the_error_beside_its_field(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    url = f"/privacy-center/mine/correct/{alice.submission_id}/"
    response = client.post(url, {"item": "phone", "value": "12"})
    assert response.status_code == 400 and 'id="id_value-error"' in response.content.decode()
    response = client.post(url, {"item": "phone", "value": "010-2999-1001"})
    assert response.status_code == 200
    assert values(alice)["phone"] == "+821029991001"


def test_the_correction_page_of_another_persons_submission_is_a_404(alice, bob, client, mailoutbox):
    sign_in(client, mailoutbox)
    assert client.get(f"/privacy-center/mine/correct/{bob.submission_id}/").status_code == 404


def test_the_correction_is_answered_by_mail_to_the_corrected_address(alice, policy, mailoutbox):
    from policybound.mailer.models import MailKind, OutboundMail
    from policybound.mailer.services import mail_send_due

    request = correct(alice, policy, "email", "alice.new@example.com")
    assert OutboundMail.objects.filter(kind=MailKind.RIGHTS_ANSWER, reference=f"rights_request:{request.pk}").exists()
    mail_send_due(limit=10)
    answers = [m for m in mailoutbox if "답변" in m.subject]
    assert [m.to for m in answers] == [["alice.new@example.com"]]
