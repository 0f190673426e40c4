from __future__ import annotations

import io

from django.core.mail import EmailMessage

from policybound.mailer.backends import ConsoleBackend


def test_it_prints_the_mail_without_the_recipients_address():
    out = io.StringIO()
    message = EmailMessage("확인", "링크: https://example.test/confirm/abc/", "privacy@example.test", ["alice.kim@hanbit.example"])
    ConsoleBackend(stream=out).send_messages([message])
    printed = out.getvalue()
    assert "alice.kim@hanbit.example" not in printed
    assert "a***@hanbit.example" in printed
    assert "https://example.test/confirm/abc/" in printed


def test_it_leaves_the_message_it_was_given_unchanged():
    message = EmailMessage("s", "b", "privacy@example.test", ["bob@example.test"])
    ConsoleBackend(stream=io.StringIO()).send_messages([message])
    assert message.to == ["bob@example.test"]
