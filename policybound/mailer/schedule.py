"""When a mail that could not be sent is tried again, and when we stop trying.

Retries back off (1 min, 5 min, 30 min, 2 h, then every 12 h) so a mail server that is down for a
minute costs a minute, and one that is down for a day is not hammered. A mail is given up (``failed``)
after ``POLICYBOUND_MAIL_MAX_ATTEMPTS`` attempts or ``POLICYBOUND_MAIL_GIVE_UP_DAYS`` days after it was
queued (default 10: under the 14 days 정보통신망법 시행령 62의2 allows for the marketing-consent result,
leaving staff time to reach the person another way). The last retry is moved to the give-up moment
rather than past it, so every mail gets its chance inside the window.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
# How long a sender holds a claimed mail before another sender may take it: far longer than one SMTP
# exchange (EMAIL_TIMEOUT), so a mail is sent twice only if its sender died in the middle of sending.
CLAIM_LEASE = dt.timedelta(minutes=10)


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt (1-based)."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def max_attempts() -> int:
    return int(settings.POLICYBOUND_MAIL_MAX_ATTEMPTS)


def give_up_at(created_at: dt.datetime) -> dt.datetime:
    """The moment after which a mail queued at ``created_at`` is no longer retried."""
    return created_at + dt.timedelta(days=int(settings.POLICYBOUND_MAIL_GIVE_UP_DAYS))


def next_attempt(*, attempts: int, created_at: dt.datetime, moment: dt.datetime) -> dt.datetime | None:
    """When to try again after the ``attempts``-th attempt failed at ``moment``; ``None``: give up."""
    last = give_up_at(created_at)
    if attempts >= max_attempts() or moment >= last:
        return None
    return min(moment + retry_delay(attempts), last)
