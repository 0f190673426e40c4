"""Template helpers of the console."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import get_language

from policybound.policy.periods import Period
from policybound.site.templatetags.site_tags import site_policy, tr

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ purposes|get_item:code }}``: a value of a dict by a variable key (``None`` if absent)."""
    return mapping.get(key)


@register.filter
def period_label(period: Period | None) -> str:
    """A retention period in the active language (``12 개월``, ``12 months``)."""
    if period is None:
        return ""
    return period.label("en" if (get_language() or "ko").startswith("en") else "ko")


@register.simple_tag(takes_context=True)
def purpose_label(context: template.Context, code: str) -> str:
    """``{% purpose_label code %}``: a purpose's label in the policy in force, else its code (an old one)."""
    if not code:
        return ""
    policy = site_policy(context)
    purpose = next((p for p in policy.purposes if p.code == code), None) if policy is not None else None
    return code if purpose is None else tr(purpose.label)
