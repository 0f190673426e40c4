"""Opening a queued mail and handing it to Django's mail backend; describing failures safely.

Opening needs the data key the mail was sealed under: if the retention sweep destroyed it, the mail
can never be opened again (:class:`~policybound.vault.errors.KeyDestroyed`), by design.

An SMTP error's text often quotes the recipient (``SMTPRecipientsRefused`` carries the addresses),
so :func:`error_describe` keeps the error's class and SMTP code only.
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from policybound.mailer.models import OutboundMail
from policybound.vault.errors import KeyDestroyed
from policybound.vault.services import unseal

ERROR_MAX = 100


@dataclass(frozen=True)
class Letter:
    """A queued mail opened for sending; lives in memory only for the send."""

    to: str
    subject_line: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def mail_open(mail: OutboundMail) -> Letter:
    """Unseal ``mail``; raises ``KeyDestroyed`` when its key is gone (the subject was erased)."""
    key = mail.data_key
    if key is None:
        raise KeyDestroyed(f"the data key of mail {mail.pk} was deleted")
    headers_sealed = bytes(mail.headers_sealed)
    headers = json.loads(unseal(key, headers_sealed, context=mail.context("headers"))) if headers_sealed else {}
    return Letter(
        to=unseal(key, bytes(mail.recipient_sealed), context=mail.context("recipient")),
        subject_line=unseal(key, bytes(mail.subject_line_sealed), context=mail.context("subject_line")),
        body=unseal(key, bytes(mail.body_sealed), context=mail.context("body")),
        headers={str(name): str(value) for name, value in headers.items()},
    )


def letter_send(letter: Letter, *, connection: BaseEmailBackend) -> bool:
    """Send one letter over ``connection``; ``True`` when the backend accepted it. Raises on failure."""
    message = EmailMessage(
        letter.subject_line,
        letter.body,
        settings.DEFAULT_FROM_EMAIL,
        [letter.to],
        headers=letter.headers,
        connection=connection,
    )
    return message.send() > 0


def _codes(error: BaseException) -> list[int]:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return sorted({int(code) for code, _message in error.recipients.values()})
    if isinstance(error, smtplib.SMTPResponseException):
        return [int(error.smtp_code)]
    return []


def error_describe(error: BaseException) -> tuple[str, bool]:
    """``(text, permanent)``: the error's class and SMTP code(s), never its message.

    ``permanent`` when the server refused the recipient for good (5xx): the address does not exist,
    and retrying cannot help. Every other failure (connection, timeout, 4xx, a sender or
    authentication problem staff can fix) is worth retrying.
    """
    codes = _codes(error)
    text = " ".join([type(error).__name__, *(str(code) for code in codes)])[:ERROR_MAX]
    permanent = isinstance(error, smtplib.SMTPRecipientsRefused) and bool(codes) and all(
        500 <= code < 600 for code in codes
    )
    return text, permanent
