"""System checks: the outbox must stop retrying inside the law's window, not after it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

LEGAL_DAYS = 14  # 정보통신망법 시행령 62의2: the marketing-consent result within 14 days


@register()
def check_give_up_days(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    days = int(settings.POLICYBOUND_MAIL_GIVE_UP_DAYS)
    if days < LEGAL_DAYS:
        return []
    return [
        Warning(
            f"POLICYBOUND_MAIL_GIVE_UP_DAYS is {days}: a mail that keeps failing is reported only after "
            f"the {LEGAL_DAYS} days the law allows for the marketing-consent result.",
            hint="Keep it below 14 (default 10) so staff learn of a failed notice while they can still send it.",
            id="mailer.W001",
        )
    ]
