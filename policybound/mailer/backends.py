"""The default mail backend for embedded mode: Django's console backend, minus the addresses.

``make run`` prints mails to the server's output so that an operator can follow a confirmation link
without a mail server. The output is a log, and personal data never goes into logs, so recipients
are masked (``h***@example.com``) before the message is written. Production sets
``POLICYBOUND_EMAIL_BACKEND`` to the SMTP backend.
"""

from __future__ import annotations

import copy

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.core.mail.message import EmailMessage

from policybound.console.masking import mask_email


class ConsoleBackend(DjangoConsoleBackend):
    def write_message(self, message: EmailMessage) -> None:
        masked = copy.copy(message)
        masked.to = [mask_email(address) for address in message.to]
        masked.cc = [mask_email(address) for address in message.cc]
        masked.bcc = []
        masked.reply_to = [mask_email(address) for address in message.reply_to]
        super().write_message(masked)
