"""Signed links in mails: a sign-up confirmation (double opt-in) and unsubscribe, with no table.

The idea of Django's ``PasswordResetTokenGenerator``: the token is an HMAC (keyed by ``SECRET_KEY``)
over the engagement's id and the state the link changes. Once used, the state has changed, so the same
link no longer verifies: a confirmation link dies when the engagement is confirmed, an unsubscribe link
when the engagement has ended. Confirmation links also expire after
``POLICYBOUND_CONFIRM_LINK_DAYS`` (default 7); unsubscribe links never do, since every mail carries one.
Time is read from :func:`policybound.lib.clock.now`, so tests move the clock instead of waiting.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from policybound.collection.models import Engagement, EngagementStatus
from policybound.lib import clock

_EPOCH = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
_CONFIRM = "policybound.collection.tokens.confirm"
_UNSUBSCRIBE = "policybound.collection.tokens.unsubscribe"


def _seconds(moment: dt.datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


def _state(engagement: Engagement, salt: str) -> str:
    """What the link changes: a confirmation the status, an unsubscribe the end."""
    if salt == _CONFIRM:
        return f"{engagement.pk}:{engagement.status}"
    ended = "" if engagement.ended_at is None else engagement.ended_at.isoformat()
    return f"{engagement.pk}:{ended}"


def _make(engagement: Engagement, salt: str, stamp: int) -> str:
    mac = salted_hmac(salt, f"{_state(engagement, salt)}:{stamp}", algorithm="sha256").hexdigest()[::2]
    return f"{int_to_base36(engagement.pk)}-{int_to_base36(stamp)}-{mac}"


def _check(token: str, salt: str) -> tuple[Engagement, int] | None:
    try:
        pk_text, stamp_text, _mac = token.split("-")
        pk, stamp = base36_to_int(pk_text), base36_to_int(stamp_text)
    except ValueError:
        return None
    engagement = Engagement.objects.filter(pk=pk).select_related("subject").first()
    if engagement is None or not constant_time_compare(_make(engagement, salt, stamp), token):
        return None
    return engagement, stamp


def confirm_token_make(engagement: Engagement) -> str:
    return _make(engagement, _CONFIRM, _seconds(clock.now()))


def confirm_token_check(token: str) -> Engagement | None:
    """The pending engagement this confirmation link is for, or ``None`` (forged, used or expired)."""
    checked = _check(token, _CONFIRM)
    if checked is None:
        return None
    engagement, stamp = checked
    days: int = settings.POLICYBOUND_CONFIRM_LINK_DAYS
    if _seconds(clock.now()) - stamp > days * 86400 or engagement.status != EngagementStatus.PENDING:
        return None
    return engagement


def unsubscribe_token_make(engagement: Engagement) -> str:
    return _make(engagement, _UNSUBSCRIBE, 0)


def unsubscribe_token_check(token: str) -> Engagement | None:
    """The engagement this unsubscribe link ends, or ``None`` (forged, or the engagement has ended)."""
    checked = _check(token, _UNSUBSCRIBE)
    if checked is None or checked[1] != 0 or checked[0].status == EngagementStatus.ENDED:
        return None
    return checked[0]
