"""Template helpers for the public pages: the active language, policy texts in it, the policy in force.

The site-wide layout (``site/base.html``) names the company from the policy in force, so that a second
company needs a second policy file and no template change. The policy is looked up once per request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import get_language

from policybound.policy.schema import Policy, Text
from policybound.policy.selectors import policy_in_force

register = template.Library()

_UNSET = object()
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def current_lang() -> str:
    """``"en"`` or ``"ko"``: the two languages a policy text has."""
    return "en" if (get_language() or "ko").startswith("en") else "ko"


@register.filter
def tr(text: Text | None) -> str:
    """A policy text in the active language: ``{{ purpose.label|tr }}``."""
    return "" if text is None else text.get(current_lang())


@register.filter
def policy_date(day: dt.date | None, policy: Policy | None = None) -> str:
    """A date as the policy's document prints it (``2022. 1. 19.``, ``January 19, 2022``)."""
    if day is None:
        return ""
    if policy is None:
        return day.isoformat()
    pattern = policy.document.date_format.get(current_lang())
    return pattern.format(year=day.year, month=day.month, day=day.day, month_name=_MONTHS[day.month - 1])


@register.simple_tag(takes_context=True)
def site_policy(context: template.Context) -> Policy | None:
    """The policy in force, fetched once per request (``{% site_policy as policy %}``)."""
    request: Any = context.get("request")
    cached = getattr(request, "_site_policy", _UNSET) if request is not None else _UNSET
    if cached is not _UNSET:
        return cached  # type: ignore[no-any-return]
    policy = policy_in_force()
    if request is not None:
        request._site_policy = policy
    return policy
