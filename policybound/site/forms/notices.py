"""The texts a public form shows beside its consent boxes.

The notice for a purpose's consent comes from :func:`policybound.collection.notices.consent_notice`, so
the form and every other channel say the same thing. A provision to a third party that an optional
purpose allows (``third_parties[].consent_purpose``) must be told with that consent (PIPA 17②: the
recipient, its purpose, the items, its retention, the right to refuse and what refusing costs), so its
notice follows the purpose's own in the same box, worded alike (``consent_kind``, ``refusal_text``).
The whole text of a box is what the visitor reads and what the consent receipt keeps, byte for byte.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from policybound.collection.notices import consent_kind, consent_notice, refusal_text
from policybound.policy.schema import Policy, ThirdParty


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
