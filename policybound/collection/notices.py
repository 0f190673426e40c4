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

from policybound.policy.periods import DURATION_PATTERN
from policybound.policy.schema import Policy, Purpose, Text, ThirdParty


def retention_text(purpose: Purpose, *, lang: str, durations: str = DURATION_PATTERN) -> str:
    """How long the purpose's records are kept, in ``lang``: its own description, else its period and
    what it counts from (the consent notice's wording; a form's done page says the same). The period
    is written as the policy's document writes durations (``durations``, ``document.durations``)."""
    retention = purpose.retention
    if retention.description is not None:
        return retention.description.get(lang)
    with translation.override(lang):
        period = retention.period.label(lang, pattern=durations)
        if retention.counted_from == "collection":
            return _("%(period)s from collection") % {"period": period}
        events = ", ".join(event.label.get(lang) for event in purpose.end_events)
        return _("%(period)s after the service ends (%(events)s)") % {"period": period, "events": events}


def refusal_text(effect: Text | None, *, required: bool, lang: str) -> str:
    """What refusing a consent costs, in ``lang``: the policy's own words, else the default for a
    required or an optional consent (for a purpose and for a third-party provision alike)."""
    if effect is not None:
        return effect.get(lang)
    with translation.override(lang):
        if required:
            return _("Without this consent we cannot handle your request.")
        return _("Refusing costs you nothing: the service is the same without it.")


def consent_kind(*, required: bool, lang: str) -> str:
    """The notice's opening tag: "required" or "optional" (필수, 선택)."""
    with translation.override(lang):
        return pgettext("consent", "required") if required else pgettext("consent", "optional")


def consent_notice(policy: Policy, purpose_code: str, *, lang: str = "ko") -> str:
    """The plain-text notice for the consent to ``purpose_code``, in ``lang`` (``ko`` or ``en``)."""
    purpose = policy.purpose(purpose_code)
    with translation.override(lang):
        kind = consent_kind(required=purpose.required, lang=lang)
        items = ", ".join(policy.item(code).label.get(lang) for code in purpose.items)
        if purpose.optional_items:
            optional = ", ".join(policy.item(code).label.get(lang) for code in purpose.optional_items)
            items = _("%(items)s (optional: %(optional)s)") % {"items": items, "optional": optional}
        lines = [
            _("[%(kind)s] Consent to the collection and use of personal information: %(purpose)s")
            % {"kind": kind, "purpose": purpose.label.get(lang)},
            _("- Purpose: %(description)s") % {"description": purpose.description.get(lang)},
            _("- Items: %(items)s") % {"items": items},
            _("- Retention: %(retention)s") % {"retention": retention_text(purpose, lang=lang, durations=policy.document.durations.get(lang))},
            _("- You have the right to refuse. %(effect)s")
            % {"effect": refusal_text(purpose.refusal_effect, required=purpose.required, lang=lang)},
        ]
    return "\n".join(lines)


# A provision to a third party that an optional purpose allows (``third_parties[].consent_purpose``)
# is told with that consent (PIPA 17②: recipient, purpose, items, retention, the right to refuse and
# its cost), so its notice follows the purpose's own in the same box. Forms, the API and imports all
# store this whole text on the receipt.


def _third_party_notice(policy: Policy, provision: ThirdParty, *, required: bool, lang: str) -> str:
    with translation.override(lang):
        kind = consent_kind(required=required, lang=lang)
        recipient = provision.recipient.get(lang)
        items = ", ".join(policy.item(code).label.get(lang) for code in provision.items)
        effect = refusal_text(provision.refusal_effect, required=required, lang=lang)
        lines = [
            _("[%(kind)s] Consent to the provision of personal information to a third party: %(recipient)s")
            % {"kind": kind, "recipient": recipient},
            _("- Recipient: %(recipient)s") % {"recipient": recipient},
            _("- Recipient's purpose: %(purpose)s") % {"purpose": provision.purpose.get(lang)},
            _("- Items provided: %(items)s") % {"items": items},
            _("- Recipient's retention: %(retention)s") % {"retention": provision.retention.get(lang)},
            _("- You have the right to refuse. %(effect)s") % {"effect": effect},
        ]
    return "\n".join(lines)


def provisions_allowed_by(policy: Policy, purpose_code: str) -> list[ThirdParty]:
    """The third-party provisions that the consent to ``purpose_code`` allows."""
    return [provision for provision in policy.third_parties if provision.consent_purpose == purpose_code]


def consent_box_notice(policy: Policy, purpose_code: str, *, lang: str) -> str:
    """The full notice of one consent box: the purpose's notice, then each provision it allows."""
    required = policy.purpose(purpose_code).required
    parts = [consent_notice(policy, purpose_code, lang=lang)]
    parts += [
        _third_party_notice(policy, provision, required=required, lang=lang)
        for provision in provisions_allowed_by(policy, purpose_code)
    ]
    return "\n\n".join(parts)
