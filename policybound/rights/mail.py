"""The answer to a request, by e-mail (the request page shows the same): what was done, what was kept
and why, and how to object (시행령 41④, 42). Queued in the transaction that records the answer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policybound.mailer.models import MailKind, OutboundMail
from policybound.mailer.services import mail_enqueue
from policybound.policy.schema import Policy
from policybound.rights.access import policy_lang
from policybound.rights.dates import Dates
from policybound.rights.models import Outcome, RequestKind, RightsRequest
from policybound.subjects.models import Subject


def center_url() -> str:
    return str(settings.SITE_URL).rstrip("/") + "/privacy-center/"


def remedies(policy: Policy, lang: str) -> list[dict[str, str]]:
    return [{"name": r.name.get(lang), "url": r.url, "phone": r.phone} for r in policy.contacts.remedies]


def answer_send(
    *, request: RightsRequest, subject: Subject | None, to: str, policy: Policy, lang: str, deferral: bool = False,
    as_of: dt.datetime | None = None,
) -> OutboundMail:
    """Queue the answer (or, with ``deferral``, the notice of a deferral) to ``to``.

    ``subject`` is ``None`` when the person was just erased: the mail then has a key of its own.
    """
    lang = policy_lang(lang)
    ctx = Dates(lang)
    with translation.override(lang):
        sender = policy.controller.name.get(lang)
        kind = str(RequestKind(request.kind).label)
        if deferral:
            title = _("[%(sender)s] Your request needs more time") % {"sender": sender}
        else:
            title = _("[%(sender)s] Answer to your request") % {"sender": sender}
        body = render_to_string(
            "rights/mail/answer.txt",
            {
                "sender": sender,
                "kind": kind,
                "received": ctx.date(timezone.localdate(request.received_at)),
                "due": ctx.date(request.due),
                "deferral": deferral,
                "outcome": str(Outcome(request.outcome).label) if request.outcome else "",
                "reason": request.extension_reason if deferral else request.reason,
                "refused": request.outcome in (Outcome.REFUSED, Outcome.PARTLY) or deferral,
                "remedies": remedies(policy, lang),
                "officer_email": policy.contacts.officer.email,
                "officer_phone": policy.contacts.officer.phone,
                "center_url": center_url(),
            },
        )
    return mail_enqueue(
        subject=subject, to=to, subject_line=title, body=body, kind=MailKind.RIGHTS_ANSWER, as_of=as_of,
        reference=f"rights_request:{request.pk}",
    )
