"""The sender: retries with back-off, gives up inside the law's window, cancels erased subjects' mails.

Mails here are queued inside the test's transaction, so the attempt after commit never runs: every
attempt is the sender's (``mail_send_due``), at times the tests set.
"""

from __future__ import annotations

import datetime as dt
import logging

from policybound.mailer.models import MailStatus, OutboundMail
from policybound.mailer.selectors import mail_due_count, mail_failed_count, mail_status_counts, subject_mails
from policybound.mailer.services import SendReport, _claim_due, mail_send_due
from policybound.mailer.tests.conftest import ALICE, FAILING, REFUSING, UNREACHABLE, enqueue
from policybound.vault.services import data_keys_destroy

MINUTE = dt.timedelta(minutes=1)


def fail_times(count, *, start, settings):
    """Let the sender fail ``count`` times, each at the moment the mail is due again."""
    settings.EMAIL_BACKEND = FAILING
    moment = start
    for _ in range(count):
        mail_send_due(as_of=moment)
        mail = OutboundMail.objects.get()
        moment = mail.next_attempt_at
    return OutboundMail.objects.get()


def test_it_sends_a_due_mail(alice, now, mailoutbox):
    enqueue(alice)
    assert mail_send_due(as_of=now) == SendReport(claimed=1, sent=1)
    assert mailoutbox[0].to == [ALICE]


def test_it_queues_a_failed_mail_for_a_minute_later(alice, now, settings):
    enqueue(alice)
    settings.EMAIL_BACKEND = FAILING
    assert mail_send_due(as_of=now) == SendReport(claimed=1, retrying=1)
    mail = OutboundMail.objects.get()
    assert (mail.status, mail.attempts, mail.next_attempt_at) == (MailStatus.QUEUED, 1, now + MINUTE)


def test_it_does_not_retry_before_the_back_off(alice, now, settings, mailoutbox):
    enqueue(alice)
    fail_times(1, start=now, settings=settings)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail_send_due(as_of=now + dt.timedelta(seconds=59)).claimed == 0


def test_it_sends_the_retry_after_the_back_off(alice, now, settings, mailoutbox):
    enqueue(alice)
    fail_times(1, start=now, settings=settings)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail_send_due(as_of=now + MINUTE).sent == 1
    mail = OutboundMail.objects.get()
    assert (mail.status, mail.attempts, mail.sent_at, len(mailoutbox)) == (MailStatus.SENT, 2, now + MINUTE, 1)


def test_it_backs_off_longer_after_each_failure(alice, now, settings):
    enqueue(alice)
    waits = []
    moment = now
    for attempts in range(1, 6):
        mail = fail_times(1, start=moment, settings=settings)
        assert mail.attempts == attempts
        waits.append(mail.next_attempt_at - moment)
        moment = mail.next_attempt_at
    assert waits == [MINUTE, 5 * MINUTE, 30 * MINUTE, 120 * MINUTE, 720 * MINUTE]


def test_it_gives_up_after_the_attempt_limit(alice, now, settings):
    settings.POLICYBOUND_MAIL_MAX_ATTEMPTS = 3
    enqueue(alice)
    mail = fail_times(3, start=now, settings=settings)
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.FAILED, 3, "SMTPServerDisconnected")


def test_it_warns_without_personal_data_when_it_gives_up(alice, now, settings, caplog):
    settings.POLICYBOUND_MAIL_MAX_ATTEMPTS = 1
    mail = enqueue(alice)
    with caplog.at_level(logging.INFO, logger="policybound.mailer"):
        fail_times(1, start=now, settings=settings)
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert str(mail.pk) in warning.getMessage()
    assert "alice" not in caplog.text.lower() and "@" not in caplog.text


def test_it_counts_failed_mails_for_staff(alice, now, settings):
    settings.POLICYBOUND_MAIL_MAX_ATTEMPTS = 1
    enqueue(alice)
    fail_times(1, start=now, settings=settings)
    assert (mail_failed_count(), mail_failed_count(since=now + MINUTE)) == (1, 0)


def test_it_empties_a_failed_mail(alice, now, settings):
    settings.POLICYBOUND_MAIL_MAX_ATTEMPTS = 1
    enqueue(alice)
    mail = fail_times(1, start=now, settings=settings)
    assert (bytes(mail.recipient_sealed), bytes(mail.body_sealed), mail.finished_at) == (b"", b"", now)


def test_it_gives_up_after_the_give_up_days(alice, now, settings):
    enqueue(alice)
    settings.EMAIL_BACKEND = FAILING
    mail_send_due(as_of=now + dt.timedelta(days=10))
    assert OutboundMail.objects.get().status == MailStatus.FAILED


def test_it_moves_the_last_retry_to_the_give_up_moment(alice, now, settings):
    enqueue(alice)
    fail_times(1, start=now + dt.timedelta(days=10, seconds=-30), settings=settings)
    assert OutboundMail.objects.get().next_attempt_at == now + dt.timedelta(days=10)


def test_it_gives_up_at_once_on_a_mailbox_that_does_not_exist(alice, now, settings):
    enqueue(alice)
    settings.EMAIL_BACKEND = REFUSING
    assert mail_send_due(as_of=now).failed == 1
    assert OutboundMail.objects.get().last_error == "SMTPRecipientsRefused 550"


def test_it_retries_every_mail_when_the_server_is_unreachable(alice, now, settings):
    enqueue(alice)
    enqueue(alice)
    settings.EMAIL_BACKEND = UNREACHABLE
    assert mail_send_due(as_of=now) == SendReport(claimed=2, retrying=2)
    assert set(OutboundMail.objects.values_list("last_error", flat=True)) == {"ConnectionRefusedError"}


def test_it_cancels_the_mail_of_an_erased_subject(alice, now, mailoutbox):
    enqueue(alice)
    data_keys_destroy([alice.data_key_id])
    assert mail_send_due(as_of=now) == SendReport(claimed=1, cancelled=1)
    assert (OutboundMail.objects.get().status, mailoutbox) == (MailStatus.CANCELLED, [])


def test_it_never_retries_a_cancelled_mail(alice, now, mailoutbox):
    enqueue(alice)
    data_keys_destroy([alice.data_key_id])
    mail_send_due(as_of=now)
    assert mail_send_due(as_of=now + dt.timedelta(days=1)).claimed == 0


def test_it_sends_at_most_the_limit(alice, now, mailoutbox):
    for _ in range(3):
        enqueue(alice)
    assert (mail_send_due(limit=2, as_of=now).sent, mail_send_due(limit=2, as_of=now).sent) == (2, 1)


def test_it_leaves_a_mail_queued_for_later_alone(alice, now, mailoutbox):
    enqueue(alice, as_of=now + dt.timedelta(hours=1))
    assert (mail_send_due(as_of=now).claimed, mail_due_count(as_of=now)) == (0, 0)


def test_it_does_not_take_a_mail_another_sender_holds(alice, now):
    enqueue(alice)
    _claim_due(limit=10, moment=now)  # a sender that died mid-send
    assert mail_send_due(as_of=now + 9 * MINUTE).claimed == 0


def test_it_takes_over_the_mail_of_a_sender_that_died(alice, now, mailoutbox):
    enqueue(alice)
    _claim_due(limit=10, moment=now)  # a sender that died mid-send
    assert mail_send_due(as_of=now + 10 * MINUTE).sent == 1
    assert OutboundMail.objects.get().attempts == 2


def test_it_counts_mails_by_status(alice, now, mailoutbox):
    enqueue(alice)
    enqueue(alice, as_of=now + dt.timedelta(hours=1))
    mail_send_due(as_of=now)
    assert mail_status_counts() == {"queued": 1, "sent": 1, "failed": 0, "cancelled": 0}


def test_it_lists_a_subjects_mails_as_proof(alice, now, mailoutbox):
    enqueue(alice, reference="receipt:7")
    mail_send_due(as_of=now)
    assert [(m.kind, m.reference, m.sent_at) for m in subject_mails(subject_id=alice.pk)] == [
        ("consent_result", "receipt:7", now)
    ]
