"""Queueing: the mail exists iff the caller's transaction commits, and nothing of it is readable."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from policybound.mailer.models import MailStatus, OutboundMail
from policybound.mailer.tests.conftest import ALICE, BODY, TITLE, enqueue
from policybound.vault.errors import KeyDestroyed
from policybound.vault.services import data_keys_destroy

NEEDLES = [ALICE, "alice.outbox", "outbox-body-marker-5521", "outbox-title-marker-7730", "unsubscribe", "Alice"]


class Boom(Exception):
    pass


def test_it_queues_a_mail_due_at_once(alice, now):
    mail = enqueue(alice)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.next_attempt_at, mail.created_at) == (MailStatus.QUEUED, 0, now, now)


def test_it_leaves_no_mail_when_the_transaction_rolls_back(alice):
    with pytest.raises(Boom), transaction.atomic():
        enqueue(alice)
        raise Boom
    assert OutboundMail.objects.count() == 0


def test_it_keeps_the_mail_when_the_transaction_commits(alice):
    with transaction.atomic():
        enqueue(alice)
    assert OutboundMail.objects.count() == 1


def test_it_stores_no_plaintext_in_the_row(alice):
    enqueue(alice)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {OutboundMail._meta.db_table}")
        (row,) = cursor.fetchall()
    stored = b"|".join(bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode() for value in row)
    assert [needle for needle in NEEDLES if needle.encode() in stored] == []


def test_it_seals_under_the_subjects_data_key(alice):
    mail = enqueue(alice)
    assert (mail.data_key_id, mail.owns_key) == (alice.data_key_id, False)


def test_it_binds_each_sealed_field_to_its_mail(alice):
    from policybound.mailer.delivery import mail_open

    first, second = enqueue(alice), enqueue(alice, body="another body")
    first.body_sealed = second.body_sealed
    with pytest.raises(Exception, match="mail:"):
        mail_open(first)


def test_it_opens_what_it_sealed(alice):
    from policybound.mailer.delivery import mail_open

    letter = mail_open(OutboundMail.objects.select_related("data_key").get(pk=enqueue(alice).pk))
    assert (letter.to, letter.subject_line, letter.body) == (ALICE, TITLE, BODY)


def test_it_gives_a_mail_about_nobody_its_own_key(db, now):
    mail = enqueue(None)
    assert mail.owns_key and mail.data_key_id is not None and mail.subject_id is None


def test_it_refuses_an_unknown_kind(alice):
    with pytest.raises(ValueError, match="kind"):
        enqueue(alice, kind="birthday_greeting")


def test_it_refuses_a_mail_without_recipient(alice):
    with pytest.raises(ValueError, match="recipient"):
        enqueue(alice, to=" ")


def test_it_refuses_to_queue_for_an_erased_subject(alice):
    data_keys_destroy([alice.data_key_id])
    alice.data_key.refresh_from_db()
    with pytest.raises(KeyDestroyed):
        enqueue(alice)
