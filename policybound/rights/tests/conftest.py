"""Fixtures for the privacy center's tests: the bundled policy, Alice (consulting + marketing), a client.

Time is frozen at ``T0`` (``lib.testing.NOW``) unless a test moves it. Alice's values are obviously
fake and never printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from policybound.audit.actors import Actor
from policybound.collection.services import SubmissionResult, submission_record
from policybound.lib import clock
from policybound.lib.testing import BUNDLED_POLICY, NOW, alice_fields, bob_fields, policy_publish_file
from policybound.mailer.models import MailKind, OutboundMail
from policybound.mailer.services import mail_send_due

T0 = NOW
VISITOR = Actor.public(ip="203.0.113.10")
STAFF = Actor(kind="staff", ident="7", label="carol", ip="198.51.100.7")
ALICE = "alice@example.com"


@pytest.fixture
def frozen() -> Iterator[None]:
    with clock.frozen(T0):
        yield


@pytest.fixture
def policy(db: None, frozen: None) -> Any:
    return policy_publish_file(BUNDLED_POLICY)


def submit(fields: dict[str, object], consents: dict[str, bool] | None = None, purpose: str = "consulting") -> SubmissionResult:
    return submission_record(
        purpose=purpose, fields=fields, consents=consents or {purpose: True, "marketing": True}, source="web",
        actor=VISITOR, ip="203.0.113.10", user_agent="rights-test",
    )


@pytest.fixture
def alice(policy: Any) -> SubmissionResult:
    return submit(alice_fields())


@pytest.fixture
def bob(policy: Any) -> SubmissionResult:
    return submit(bob_fields(), {"consulting": True})


def code_mails() -> list[OutboundMail]:
    return list(OutboundMail.objects.filter(kind=MailKind.RIGHTS_CODE))


def sent_code(mailoutbox: list[Any]) -> str:
    """Send what the outbox holds and read the code from the last code mail."""
    mail_send_due(limit=100)
    for message in reversed(mailoutbox):
        found = re.search(r"^\s+(\d{6})\s*$", message.body, re.M)
        if found:
            return found.group(1)
    raise AssertionError("no code mail was sent")


def sign_in(client: Any, mailoutbox: list[Any], email: str = ALICE) -> None:
    """The whole verification through the pages: address, mailed code, session cookie."""
    response = client.post("/privacy-center/", {"email": email})
    assert response.status_code == 302, response.content[:500]
    code = sent_code(mailoutbox)
    response = client.post("/privacy-center/code/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/privacy-center/mine/"
