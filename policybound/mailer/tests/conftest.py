"""Fixtures for the outbox tests: the default retry limits, Alice, and mail servers that fail.

Fresh vault keys and the frozen clock (``now``) come from the root ``conftest.py``.

Alice is fictional; her address is an obviously fake example.com one and is never printed.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from policybound.mailer.models import MailKind, OutboundMail
from policybound.mailer.services import mail_enqueue
from policybound.subjects.models import Subject
from policybound.vault.services import data_key_create

ALICE = "alice.outbox@example.com"
BODY = "Alice, you agreed to receive advertising information. outbox-body-marker-5521"
TITLE = "[Example Co.] outbox-title-marker-7730"


@pytest.fixture(autouse=True)
def mail_limits(settings: Any) -> Any:
    """The default retry limits, whatever the environment says."""
    settings.POLICYBOUND_MAIL_MAX_ATTEMPTS = 20
    settings.POLICYBOUND_MAIL_GIVE_UP_DAYS = 10
    return settings


@pytest.fixture
def alice(db: None, now: dt.datetime) -> Subject:
    return Subject.objects.create(data_key=data_key_create(), created_at=now)


def enqueue(subject: Subject | None, **changes: Any) -> OutboundMail:
    """Queue Alice's consent-result mail (outside any transaction: the attempt after commit runs at once)."""
    arguments: dict[str, Any] = {
        "subject": subject,
        "to": ALICE,
        "subject_line": TITLE,
        "body": BODY,
        "kind": MailKind.CONSENT_RESULT,
        "headers": {"List-Unsubscribe": "<http://127.0.0.1:8000/mail/unsubscribe/x/>"},
    }
    arguments.update(changes)
    return mail_enqueue(**arguments)


class FailingBackend(BaseEmailBackend):
    """A mail server that drops the connection (a temporary failure); quotes the address as real ones do."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected(f"lost the connection while sending to {email_messages[0].to[0]}")


class RefusingBackend(BaseEmailBackend):
    """A mail server that knows no such mailbox (550: permanent)."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (550, b"5.1.1 no such user")})


class UnreachableBackend(BaseEmailBackend):
    """A mail server nobody can connect to: ``open()`` fails."""

    def open(self) -> bool:
        raise ConnectionRefusedError("connection refused")

    def send_messages(self, email_messages: Any) -> int:
        self.open()
        return 0


FAILING = "policybound.mailer.tests.conftest.FailingBackend"
REFUSING = "policybound.mailer.tests.conftest.RefusingBackend"
UNREACHABLE = "policybound.mailer.tests.conftest.UnreachableBackend"
