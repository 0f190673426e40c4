"""The first attempt runs right after the caller commits, and never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from policybound.mailer.models import MailStatus, OutboundMail
from policybound.mailer.services import mail_send_due
from policybound.mailer.tests.conftest import ALICE, BODY, FAILING, TITLE, enqueue
from policybound.vault.models import DataKey


def queue_and_commit(subject, capture, *, execute=True, **changes):
    with capture(execute=execute) as callbacks, transaction.atomic():
        mail = enqueue(subject, **changes)
    mail.refresh_from_db()
    return mail, callbacks


def test_it_sends_right_after_commit(alice, mailoutbox, django_capture_on_commit_callbacks):
    queue_and_commit(alice, django_capture_on_commit_callbacks)
    (sent,) = mailoutbox
    assert (sent.to, sent.subject, sent.body) == ([ALICE], TITLE, BODY)


def test_it_delivers_the_extra_headers(alice, mailoutbox, django_capture_on_commit_callbacks):
    queue_and_commit(alice, django_capture_on_commit_callbacks)
    assert mailoutbox[0].extra_headers["List-Unsubscribe"].startswith("<http://")


def test_it_keeps_the_sent_mail_as_proof_without_its_content(alice, now, mailoutbox, django_capture_on_commit_callbacks):
    mail, _callbacks = queue_and_commit(alice, django_capture_on_commit_callbacks, reference="receipt:42")
    assert (mail.status, mail.sent_at, mail.attempts, mail.kind, mail.reference) == (
        MailStatus.SENT, now, 1, "consent_result", "receipt:42"
    )
    sealed = [mail.recipient_sealed, mail.subject_line_sealed, mail.body_sealed, mail.headers_sealed]
    assert [bytes(value) for value in sealed] == [b""] * 4


def test_it_sends_nothing_before_commit(alice, mailoutbox, django_capture_on_commit_callbacks):
    mail, callbacks = queue_and_commit(alice, django_capture_on_commit_callbacks, execute=False)
    assert (len(callbacks), mailoutbox, mail.status) == (1, [], MailStatus.QUEUED)


def test_it_keeps_the_mail_for_a_retry_when_the_server_fails(alice, now, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = FAILING
    mail, _callbacks = queue_and_commit(alice, django_capture_on_commit_callbacks)
    assert (mail.status, mail.attempts, mail.next_attempt_at, mail.last_error) == (
        MailStatus.QUEUED, 1, now + dt.timedelta(minutes=1), "SMTPServerDisconnected"
    )


def test_it_logs_no_address_when_the_server_fails(alice, settings, caplog, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = FAILING
    queue_and_commit(alice, django_capture_on_commit_callbacks)
    assert "alice" not in caplog.text and "SMTPServerDisconnected" in caplog.text


def test_it_sends_once_when_a_sender_took_the_mail_first(alice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        enqueue(alice)
    assert mail_send_due().sent == 1
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_it_destroys_the_key_of_a_mail_about_nobody_once_sent(db, now, mailoutbox, django_capture_on_commit_callbacks):
    mail, _callbacks = queue_and_commit(None, django_capture_on_commit_callbacks)
    assert DataKey.objects.get(pk=mail.data_key_id).is_destroyed


@pytest.mark.django_db(transaction=True)
def test_it_sends_after_a_real_commit(alice, mailoutbox):
    with transaction.atomic():
        enqueue(alice)
        assert mailoutbox == []
    assert (len(mailoutbox), OutboundMail.objects.get().status) == (1, MailStatus.SENT)
