"""Mails about consent, queued in the transaction that records the consent (:mod:`policybound.mailer`).

- The result of a marketing consent decision (given, refused, withdrawn), with the sender, the date,
  the decision and how to change it: 정보통신망법 시행령 62의2 asks for it within 14 days; we send it
  at once.
- A double opt-in purpose's sign-up: a signed confirmation link before anything else is sent.

Both go out in the language the visitor used. Call the ``*_send`` functions inside the transaction
that stores the decision: they render the mail and put it in the outbox, so the mail exists if and
only if the consent was committed. It is sent right after commit; a failing mail server never undoes
a stored consent, and the outbox retries the mail (``policybound mail send``) until it is sent or
given up (logged, never the address).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from policybound.collection.models import Engagement, ReceiptEvent
from policybound.collection.tokens import confirm_token_make, unsubscribe_token_make
from policybound.mailer.models import MailKind, OutboundMail
from policybound.mailer.services import mail_enqueue
from policybound.policy.schema import Policy
from policybound.subjects.models import Subject


def absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def unsubscribe_url(engagement: Engagement) -> str:
    """The signed link that ends ``engagement`` (unsubscribe, marketing withdrawal)."""
    return absolute(reverse("collection:mail_unsubscribe", args=[unsubscribe_token_make(engagement)]))


def confirm_url(engagement: Engagement) -> str:
    return absolute(reverse("collection:mail_confirm", args=[confirm_token_make(engagement)]))


def _context(policy: Policy, lang: str) -> dict[str, object]:
    officer = policy.contacts.officer
    return {
        "sender": policy.controller.name.get(lang),
        "service": policy.controller.service_name.get(lang),
        "officer_email": officer.email,
        "officer_phone": officer.phone,
        "privacy_url": absolute("/privacy/"),
    }


def _queue(
    *,
    subject: Subject,
    to: str,
    title: str,
    template: str,
    context: dict[str, object],
    lang: str,
    kind: MailKind,
    reference: str,
    as_of: dt.datetime | None,
    unsubscribe: str | None = None,
) -> OutboundMail:
    with translation.override(lang):
        body = render_to_string(template, context)
    headers = {}
    if unsubscribe:  # RFC 2369 / RFC 8058: the mail client's own unsubscribe button
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return mail_enqueue(
        subject=subject, to=to, subject_line=title, body=body, kind=kind, headers=headers, reference=reference,
        as_of=as_of,
    )


def marketing_decision_send(
    *,
    subject: Subject,
    to: str,
    policy: Policy,
    purpose: str,
    event: ReceiptEvent,
    at: dt.datetime,
    lang: str,
    withdraw_url: str | None = None,
    reference: str = "",
) -> OutboundMail:
    """Queue the mail telling the subject what was recorded about their marketing consent (시행령 62의2).

    ``reference`` names the receipt it confirms (``receipt:<id>``), kept as proof once it is sent.
    """
    with translation.override(lang):
        context = _context(policy, lang)
        title = _("[%(sender)s] Your decision on advertising messages was recorded") % {"sender": context["sender"]}
        context.update(
            purpose=policy.purpose(purpose).label.get(lang),
            event=str(event),
            date=formats.date_format(timezone.localtime(at), "DATETIME_FORMAT"),
            withdraw_url=withdraw_url,
        )
    return _queue(subject=subject, to=to, title=title, template="collection/mail/marketing_decision.txt",
                  context=context, lang=lang, kind=MailKind.CONSENT_RESULT, reference=reference, as_of=at,
                  unsubscribe=withdraw_url)


def newsletter_confirm_send(
    *,
    subject: Subject,
    to: str,
    policy: Policy,
    purpose: str,
    confirm: str,
    unsubscribe: str,
    lang: str,
    reference: str = "",
    as_of: dt.datetime | None = None,
) -> OutboundMail:
    """Queue the mail asking the subject to confirm their sign-up (double opt-in) before the first issue.

    ``reference`` names the pending engagement (``engagement:<id>``).
    """
    with translation.override(lang):
        context = _context(policy, lang)
        label = policy.purpose(purpose).label.get(lang)
        title = _("[%(sender)s] Please confirm: %(purpose)s") % {"sender": context["sender"], "purpose": label}
        context.update(
            purpose=label,
            confirm_url=confirm,
            unsubscribe_url=unsubscribe,
            days=settings.POLICYBOUND_CONFIRM_LINK_DAYS,
        )
    return _queue(subject=subject, to=to, title=title, template="collection/mail/newsletter_confirm.txt",
                  context=context, lang=lang, kind=MailKind.NEWSLETTER_CONFIRM, reference=reference,
                  as_of=as_of, unsubscribe=unsubscribe)
