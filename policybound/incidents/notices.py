"""The words of the notices: a person's breach notice, the report to the PIPC/KISA, the transfer notice.

Each is rendered in the person's language from the incident, the policy in force (item labels, the
company, the privacy officer and the desk for requests, the remedies) and, for a transfer, the
person's own refusal link. The homepage posting uses the same text without anything personal.
What the law asks each to say: 시행령 40① (breach notice: items, when and how, what the person can
do, what the company does and redress, whom to contact), 시행령 40④ and 39 (the report: the same
plus how many people), PIPA 27① with 시행령 29 (transfer: the fact, the transferee's name, address,
phone and contact, how to refuse).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from policybound.incidents.models import Breach, Transfer
from policybound.policy.schema import Policy


def absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def moment_text(at: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")


def item_labels(policy: Policy, codes: Iterable[str], *, lang: str) -> str:
    """The items' labels in ``lang`` (a code the policy no longer lists is shown as it is)."""
    known = {item.code: item.label.get(lang) for item in policy.items}
    return ", ".join(known.get(code, code) for code in codes)


def _occurred(breach: Breach) -> str:
    if breach.occurred_from and breach.occurred_until:
        return _("from %(start)s to %(end)s") % {
            "start": moment_text(breach.occurred_from),
            "end": moment_text(breach.occurred_until),
        }
    if breach.occurred_from:
        return _("from %(start)s") % {"start": moment_text(breach.occurred_from)}
    return ""


def _contacts(policy: Policy, lang: str) -> dict[str, object]:
    officer = policy.contacts.officer
    desk = policy.contacts.access_requests
    return {
        "sender": policy.controller.name.get(lang),
        "officer": f"{officer.name.get(lang)} ({officer.department.get(lang)})",
        "officer_phone": officer.phone,
        "officer_email": officer.email,
        "desk": desk.name.get(lang),
        "desk_phone": desk.phone,
        "desk_email": desk.email,
        "remedies": [f"{remedy.name.get(lang)}: {remedy.url}, {remedy.phone}" for remedy in policy.contacts.remedies],
        "privacy_url": absolute(reverse("site:privacy")),
    }


def breach_notice(policy: Policy, breach: Breach, *, items: Iterable[str], lang: str) -> tuple[str, str]:
    """(subject line, body) of the notice to a person whose ``items`` leaked."""
    with translation.override(lang):
        context = _contacts(policy, lang)
        context.update(
            items=item_labels(policy, items, lang=lang),
            occurred=_occurred(breach),
            discovered=moment_text(breach.discovered_at),
            description=breach.description,
            subject_actions=breach.subject_actions,
            company_actions=breach.company_actions,
        )
        title = _("[%(sender)s] Notice of a personal information leak") % {"sender": context["sender"]}
        return title, render_to_string("incidents/mail/breach_notice.txt", context)




def report_reason_labels(breach: Breach) -> list[str]:
    """Why the report to the PIPC/KISA is due, in the active language."""
    labels = {
        "threshold": _("%(count)s people or more are affected") % {"count": settings.POLICYBOUND_BREACH_REPORT_THRESHOLD},
        "sensitive": _("sensitive information or unique identifiers leaked"),
        "attack": _("it was caused by an outside attack"),
    }
    return [labels[reason] for reason in breach.report_reasons if reason in labels]


def breach_report(policy: Policy, breach: Breach, *, lang: str = "ko") -> str:
    """The draft of the report to the PIPC or KISA (시행령 40④): the notice's points plus the count."""
    with translation.override(lang):
        context = _contacts(policy, lang)
        lines = [
            _("Report of a personal information leak (Personal Information Protection Act, Article 34(3))"),
            "",
            _("Controller: %(name)s") % {"name": context["sender"]},
            _("Why the report is due: %(reasons)s") % {"reasons": "; ".join(report_reason_labels(breach)) or "-"},
            _("People affected: %(count)s (of whom %(unreachable)s cannot be reached by mail)")
            % {"count": breach.affected_count, "unreachable": breach.unreachable_count},
            _("Items leaked: %(items)s") % {"items": item_labels(policy, breach.items, lang=lang)},
            _("Cause: %(cause)s") % {"cause": breach.get_cause_display()},
            _("When it happened: %(when)s") % {"when": _occurred(breach) or "-"},
            _("Found on: %(when)s") % {"when": moment_text(breach.discovered_at)},
            _("How it happened: %(text)s") % {"text": breach.description},
            _("What we are doing: %(text)s") % {"text": breach.company_actions},
            _("What people can do: %(text)s") % {"text": breach.subject_actions},
            _("Contact: %(officer)s, %(phone)s, %(email)s")
            % {"officer": context["officer"], "phone": context["officer_phone"], "email": context["officer_email"]},
        ]
        return "\n".join(lines) + "\n"


def transfer_notice(policy: Policy, transfer: Transfer, *, lang: str, refuse_url: str | None) -> tuple[str, str]:
    """(subject line, body) of the advance notice of a transfer; ``refuse_url`` is the person's own link."""
    with translation.override(lang):
        context = _contacts(policy, lang)
        context.update(
            date=formats.date_format(transfer.transfer_date, "DATE_FORMAT"),
            what_moves=transfer.what_moves,
            name=transfer.transferee_name,
            address=transfer.transferee_address,
            phone=transfer.transferee_phone,
            contact=transfer.transferee_contact,
            refuse_url=refuse_url,
        )
        title = _("[%(sender)s] Your personal information moves to %(name)s") % {
            "sender": context["sender"],
            "name": transfer.transferee_name,
        }
        return title, render_to_string("incidents/mail/transfer_notice.txt", context)
