"""Template helpers for the public pages: the active language, policy texts in it, the policy in force.

The site-wide layout (``site/base.html``) names the company from the policy in force, so that a second
company needs a second policy file and no template change. The policy is looked up once per request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import get_language

from policybound.lib import clock
from policybound.policy.render import policy_title as render_policy_title
from policybound.policy.render_text import Context
from policybound.policy.schema import Policy, Text
from policybound.policy.selectors import policy_change_noticed, policy_in_force

register = template.Library()


def current_lang() -> str:
    """``"en"`` or ``"ko"``: the two languages a policy text has."""
    return "en" if (get_language() or "ko").startswith("en") else "ko"


@register.filter
def tr(text: Text | None) -> str:
    """A policy text in the active language: ``{{ purpose.label|tr }}``."""
    return "" if text is None else text.get(current_lang())


@register.filter
def policy_title(policy: Policy) -> str:
    """The policy's title in the active language, placeholders resolved: ``{{ policy|policy_title }}``."""
    return render_policy_title(policy, lang=current_lang())


@register.filter
def as_name(text: Text | None) -> str:
    """A policy text used as a name on its own (a heading, the site's brand).

    English labels are written to sit inside sentences ("the Hanbit Labs website"); standing alone
    they lose the leading article and start with a capital.
    """
    words = tr(text)
    if words[:4].lower() == "the ":
        words = words[4:]
    return words[:1].upper() + words[1:]


@register.filter
def policy_date(day: dt.date | None, policy: Policy | None = None) -> str:
    """A date as the policy's document prints it (``2022. 1. 19.``, ``January 19, 2022``)."""
    if day is None:
        return ""
    if policy is None:
        return day.isoformat()
    return Context(policy, "en" if current_lang() == "en" else "ko").date(day)


@register.simple_tag(takes_context=True)
def site_policy(context: template.Context) -> Policy | None:
    """The policy in force, fetched once per request (``{% site_policy as policy %}``)."""
    request: Any = context.get("request")
    if request is not None and hasattr(request, "_site_policy"):
        cached: Policy | None = request._site_policy
        return cached
    policy = policy_in_force()
    if request is not None:
        request._site_policy = policy
    return policy


@register.simple_tag(takes_context=True)
def site_change_notice(context: template.Context) -> dict[str, Any] | None:
    """The change notice every public page shows while a revision is announced or newly in force:
    ``{"revision", "previous", "upcoming"}`` (``{% site_change_notice as change %}``)."""
    request: Any = context.get("request")
    if request is not None and hasattr(request, "_site_change_notice"):
        cached: dict[str, Any] | None = request._site_change_notice
        return cached
    found = policy_change_noticed(days_after=settings.POLICYBOUND_CHANGE_NOTICE_DAYS)
    notice = None
    if found is not None:
        revision, previous = found
        notice = {"revision": revision, "previous": previous, "upcoming": revision.effective > clock.today()}
    if request is not None:
        request._site_change_notice = notice
    return notice
