"""Racing senders on PostgreSQL: any number of workers, and each mail goes out once.

The mail server was down when the mails were queued (each waits for its retry); then several workers
wake at the same moment. SQLite serializes writers with IMMEDIATE transactions, so these run on
PostgreSQL only, where ``FOR UPDATE SKIP LOCKED`` and the claim's UPDATE do the work.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail as django_mail
from django.db import connection

from policybound.lib.testing import run_together
from policybound.mailer.models import MailStatus, OutboundMail
from policybound.mailer.services import _send_after_commit, mail_send_due
from policybound.mailer.tests.conftest import FAILING, enqueue

SENDERS = 4
MAILS = 30


@pytest.fixture
def waiting(transactional_db, alice, now, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent senders are PostgreSQL's; SQLite serializes them with IMMEDIATE transactions")
    settings.EMAIL_BACKEND = FAILING
    for number in range(MAILS):
        enqueue(alice, to=f"alice+{number}@example.com")  # committed; its attempt after commit fails
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return now + dt.timedelta(minutes=1)


def race(moment, *, limit, jobs=None):
    return run_together(jobs or [lambda: mail_send_due(limit=limit, as_of=moment)] * SENDERS)


def test_it_sends_each_mail_once_when_senders_race(waiting, mailoutbox):
    reports, errors = race(waiting, limit=MAILS)
    assert errors == []
    recipients = [message.to[0] for message in django_mail.outbox]
    assert (len(recipients), len(set(recipients)), sum(r.sent for r in reports)) == (MAILS, MAILS, MAILS)


def test_it_shares_the_work_between_racing_senders(waiting, mailoutbox):
    reports, errors = race(waiting, limit=MAILS // SENDERS + 1)
    assert errors == []
    assert sum(r.claimed for r in reports) == MAILS
    assert OutboundMail.objects.exclude(status=MailStatus.SENT).count() == 0


def test_it_sends_once_when_the_attempt_after_commit_races_the_senders(waiting, mailoutbox):
    first = OutboundMail.objects.order_by("created_at", "id")[0]
    OutboundMail.objects.exclude(pk=first.pk).delete()
    OutboundMail.objects.update(attempts=0, next_attempt_at=waiting)  # committed, its hook not yet run
    after_commit = [lambda: _send_after_commit(first.pk, waiting)] * 2
    senders = [lambda: mail_send_due(as_of=waiting)] * 2
    _reports, errors = race(waiting, limit=1, jobs=after_commit + senders)
    assert (errors, len(django_mail.outbox)) == ([], 1)
