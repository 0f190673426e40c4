"""Mails about consent, sent after the transaction commits (``transaction.on_commit``).

- The result of a marketing consent decision (given, refused, withdrawn), with the sender, the date,
  the decision and how to change it: 정보통신망법 시행령 62의2 asks for it within 14 days; we send it
  at once.
- The newsletter's double opt-in: a signed confirmation link before anything else is sent.

Both go out in the language the visitor used. A failing mail server never undoes a stored consent:
the failure is logged (never the address) and the submission stands.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from policybound.collection.models import Engagement, ReceiptEvent
from policybound.collection.tokens import confirm_token_make, unsubscribe_token_make
from policybound.policy.schema import Policy

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def unsubscribe_url(engagement: Engagement) -> str:
    """The signed link that ends ``engagement`` (newsletter unsubscribe, marketing withdrawal)."""
    return absolute(reverse("collection:newsletter_unsubscribe", args=[unsubscribe_token_make(engagement)]))


def confirm_url(engagement: Engagement) -> str:
    return absolute(reverse("collection:newsletter_confirm", args=[confirm_token_make(engagement)]))


def _context(policy: Policy, lang: str) -> dict[str, object]:
    officer = policy.contacts.officer
    return {
        "sender": policy.controller.name.get(lang),
        "service": policy.controller.service_name.get(lang),
        "officer_email": officer.email,
        "officer_phone": officer.phone,
        "privacy_url": absolute("/privacy/"),
    }


def _send(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, object],
    lang: str,
    what: str,
    unsubscribe: str | None = None,
) -> None:
    with translation.override(lang):
        body = render_to_string(template, context)
    headers = {}
    if unsubscribe:  # RFC 2369 / RFC 8058: the mail client's own unsubscribe button
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
    try:
        message.send()
    except Exception as error:  # the consent is stored; a mail failure must not undo or hide it
        logger.error("could not send the %s mail: %s", what, type(error).__name__)


def marketing_decision_send(
    *,
    to: str,
    policy: Policy,
    purpose: str,
    event: ReceiptEvent,
    at: dt.datetime,
    lang: str,
    withdraw_url: str | None = None,
) -> None:
    """Tell the subject what was recorded about their marketing consent (시행령 62의2)."""
    with translation.override(lang):
        context = _context(policy, lang)
        subject = _("[%(sender)s] Your decision on advertising messages was recorded") % {"sender": context["sender"]}
        context.update(
            purpose=policy.purpose(purpose).label.get(lang),
            event=str(event),
            date=formats.date_format(timezone.localtime(at), "DATETIME_FORMAT"),
            withdraw_url=withdraw_url,
        )
    _send(to=to, subject=subject, template="collection/mail/marketing_decision.txt", context=context,
          lang=lang, what="marketing decision", unsubscribe=withdraw_url)


def newsletter_confirm_send(
    *, to: str, policy: Policy, purpose: str, confirm: str, unsubscribe: str, lang: str
) -> None:
    """Ask the subject to confirm their sign-up (double opt-in) before the first issue."""
    with translation.override(lang):
        context = _context(policy, lang)
        label = policy.purpose(purpose).label.get(lang)
        subject = _("[%(sender)s] Please confirm: %(purpose)s") % {"sender": context["sender"], "purpose": label}
        context.update(
            purpose=label,
            confirm_url=confirm,
            unsubscribe_url=unsubscribe,
            days=settings.POLICYBOUND_CONFIRM_LINK_DAYS,
        )
    _send(to=to, subject=subject, template="collection/mail/newsletter_confirm.txt", context=context,
          lang=lang, what="newsletter confirmation", unsubscribe=unsubscribe)
