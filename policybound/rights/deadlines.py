"""The law's clock: an answer within ``rights.deadline_days`` (10) days of receipt (시행령 41④, 42).

Days are calendar days counted from the day after receipt (민법 157: the first day is not counted), in
the company's time zone, so a request received on 3 March at 23:59 is due on 13 March. A deferral
(연기) states its reason within the same deadline and may move the answer by at most as many days
again; nothing here lets a request be answered later than that without the register showing it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from policybound.policy.schema import Policy


def due_on(received_at: dt.datetime, *, policy: Policy) -> dt.date:
    return timezone.localdate(received_at) + dt.timedelta(days=policy.rights.deadline_days)


def extension_limit(due: dt.date, *, policy: Policy) -> dt.date:
    """The latest day an extension may move the answer to."""
    return due + dt.timedelta(days=policy.rights.deadline_days)


def days_left(due: dt.date, *, today: dt.date) -> int:
    """Days until ``due`` (0 on the day, negative once overdue)."""
    return (due - today).days
