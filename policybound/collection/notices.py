"""The notice shown next to a consent box (PIPA 15②, 22; 시행령 17).

It tells the four things the law asks: the purpose, the items, how long they are kept, and the right
to refuse with what refusing costs. It is built from the policy version in force, so the notice and
the published policy cannot disagree. Forms show this text (or their own, passed to
``submission_record`` as ``notice_texts``); whichever text was shown is what the receipt keeps.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from policybound.policy.schema import Policy, Purpose


def _retention(purpose: Purpose, lang: str) -> str:
    retention = purpose.retention
    if retention.description is not None:
        return retention.description.get(lang)
    period = retention.period.label(lang)
    if retention.counted_from == "collection":
        return _("%(period)s from collection") % {"period": period}
    events = ", ".join(event.label.get(lang) for event in purpose.end_events)
    return _("%(period)s after the service ends (%(events)s)") % {"period": period, "events": events}


def _refusal(purpose: Purpose, lang: str) -> str:
    if purpose.refusal_effect is not None:
        return purpose.refusal_effect.get(lang)
    if purpose.required:
        return _("Without this consent we cannot handle your request.")
    return _("Refusing costs you nothing: the service is the same without it.")


def consent_notice(policy: Policy, purpose_code: str, *, lang: str = "ko") -> str:
    """The plain-text notice for the consent to ``purpose_code``, in ``lang`` (``ko`` or ``en``)."""
    purpose = policy.purpose(purpose_code)
    with translation.override(lang):
        kind = pgettext("consent", "required") if purpose.required else pgettext("consent", "optional")
        items = ", ".join(policy.item(code).label.get(lang) for code in purpose.items)
        if purpose.optional_items:
            optional = ", ".join(policy.item(code).label.get(lang) for code in purpose.optional_items)
            items = _("%(items)s (optional: %(optional)s)") % {"items": items, "optional": optional}
        lines = [
            _("[%(kind)s] Consent to the collection and use of personal information: %(purpose)s")
            % {"kind": kind, "purpose": purpose.label.get(lang)},
            _("- Purpose: %(description)s") % {"description": purpose.description.get(lang)},
            _("- Items: %(items)s") % {"items": items},
            _("- Retention: %(retention)s") % {"retention": _retention(purpose, lang)},
            _("- You have the right to refuse. %(effect)s") % {"effect": _refusal(purpose, lang)},
        ]
    return "\n".join(lines)
