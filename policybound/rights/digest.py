"""The privacy officer's daily digest: open requests due within ``POLICYBOUND_RIGHTS_DIGEST_DAYS`` (2)
days or overdue, mailed once a local day to the officer the policy names (``contacts.officer.email``).

The worker queues it on its mail pass (:func:`officer_digest_queue` is idempotent per day: the mail's
``reference`` is ``rights_digest:<date>``); nothing is mailed on a day with nothing due. The mail holds
the requests' kinds, dates and console links, never a person's data.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policybound.lib import clock
from policybound.mailer.models import MailKind, OutboundMail
from policybound.mailer.services import mail_enqueue
from policybound.policy.selectors import policy_in_force
from policybound.rights.selectors import request_shown, requests_due_within


def officer_digest_queue(*, as_of: dt.datetime | None = None) -> OutboundMail | None:
    """Queue today's digest if anything is due and it was not queued yet today; the mail, or ``None``."""
    moment = as_of or clock.now()
    day = timezone.localdate(moment)
    reference = f"rights_digest:{day.isoformat()}"
    policy = policy_in_force(as_of=moment)
    if policy is None or OutboundMail.objects.filter(reference=reference).exists():
        return None
    rows = requests_due_within(days=settings.POLICYBOUND_RIGHTS_DIGEST_DAYS, as_of=moment)
    if not rows:
        return None
    base = str(settings.SITE_URL).rstrip("/")
    with translation.override("ko"):
        shown = [
            {"r": request_shown(row, policy=policy, lang="ko", today=day),
             "url": base + reverse("rights_console:detail", args=[row.pk])}
            for row in rows
        ]
        title = _("[privacy center] %(count)d request(s) due within %(days)d days") % {
            "count": len(rows), "days": settings.POLICYBOUND_RIGHTS_DIGEST_DAYS}
        body = render_to_string("rights/mail/digest.txt", {"rows": shown, "queue": base + reverse("rights_console:queue")})
    with transaction.atomic():
        return mail_enqueue(subject=None, to=policy.contacts.officer.email, subject_line=title, body=body,
                            kind=MailKind.RIGHTS_DIGEST, as_of=moment, reference=reference)
