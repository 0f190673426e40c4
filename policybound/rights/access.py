"""What the privacy center shows a person about themselves (PIPA 35, 시행령 41①), read from the data.

Everything held, in the visitor's language and in the policy's words: each submission's purpose,
where it came from and when, every item with its value (the person sees their own values unmasked),
until when it is kept (a date as the policy writes dates, ``2026. 3. 3.``, or the published period
while the service runs); each consent event with the exact notice text shown; who can see which items
(processors and their sub-processors for the purposes the person is in, third parties a consent in
force allows, overseas transfers); and items under a legal hold with the law. Codes never reach the
page: :class:`SubjectData` carries labels; the JSON export carries codes beside them for machines.

The reader unseals values only for the person (or the staff member handling their request); callers
record the access (:func:`policybound.rights.services.access_request_fulfil` writes the audit row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policybound.collection.models import (
    ConsentReceipt,
    Engagement,
    EngagementStatus,
    ReceiptEvent,
    Source,
    Submission,
)
from policybound.collection.notices import retention_text
from policybound.collection.selectors import consent_in_force, submission_values_open
from policybound.policy.periods import Period
from policybound.policy.render_text import Lang
from policybound.policy.schema import Item, ItemKind, Policy, Purpose
from policybound.retention.models import LegalHold
from policybound.rights.dates import Dates
from policybound.subjects.models import Subject


def policy_lang(lang: str) -> Lang:
    """``en`` or ``ko``, the two languages a policy text has."""
    return "en" if lang.startswith("en") else "ko"


@dataclass(frozen=True)
class ShownValue:
    code: str
    label: str
    value: str  # the person's own value, for their eyes only (never logged)


@dataclass(frozen=True)
class ShownSubmission:
    id: int
    purpose: str
    purpose_label: str
    collected_at: dt.datetime
    collected_on: str
    source: str
    source_detail: str
    values: list[ShownValue]
    status: str
    kept_until: str  # words: "until 2026. 3. 3." or the published period while the service runs
    kept_until_date: dt.date | None


@dataclass(frozen=True)
class ShownConsent:
    purpose: str
    purpose_label: str
    required: bool
    event: str
    event_label: str
    recorded_at: dt.datetime
    recorded_on: str
    notice: str


@dataclass(frozen=True)
class ShownRecipient:
    kind: str  # processor | sub_processor | third_party | transfer
    kind_label: str
    name: str
    task: str
    items: list[str]
    country: str = ""


@dataclass(frozen=True)
class ShownHold:
    law: str
    records: str
    items: list[str]
    period: str


@dataclass(frozen=True)
class Withdrawable:
    purpose: str
    label: str
    required: bool
    effect: str


@dataclass
class SubjectData:
    submissions: list[ShownSubmission] = field(default_factory=list)
    consents: list[ShownConsent] = field(default_factory=list)
    recipients: list[ShownRecipient] = field(default_factory=list)
    holds: list[ShownHold] = field(default_factory=list)
    withdrawable: list[Withdrawable] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.submissions


def _purpose(policy: Policy, code: str) -> Purpose | None:
    return next((p for p in policy.purposes if p.code == code), None)


def _item(policy: Policy, code: str) -> Item | None:
    return next((i for i in policy.items if i.code == code), None)


def _display(item: Item | None, value: str, lang: str) -> str:
    if item is None:
        return value
    if item.kind is ItemKind.CHOICES:
        labels = {c.code: c.label.get(lang) for c in item.choices}
        return ", ".join(labels.get(code, code) for code in value.split(",") if code)
    if item.kind is ItemKind.PHONE:
        try:
            number = phonenumbers.parse(value, settings.POLICYBOUND_PHONE_REGION)
        except phonenumbers.NumberParseException:
            return value
        region = phonenumbers.region_code_for_number(number)
        style = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if region == settings.POLICYBOUND_PHONE_REGION
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(number, style)
    return value


def _kept(policy: Policy, purpose: Purpose | None, engagement: Engagement | None, lang: str) -> tuple[str, dt.date | None]:
    ctx = Dates(policy_lang(lang))
    if engagement is not None and engagement.deadline is not None:
        day = timezone.localdate(engagement.deadline)
        return _("until %(date)s") % {"date": ctx.date(day)}, day
    if purpose is None:
        return "", None
    return retention_text(purpose, lang=lang), None


def _submissions(subject: Subject, policy: Policy, lang: str) -> list[ShownSubmission]:
    ctx = Dates(policy_lang(lang))
    engagements: dict[tuple[int | None, str], Engagement] = {}
    for row in Engagement.objects.filter(subject=subject).order_by("started_at", "id"):
        engagements[(row.submission_id, row.purpose)] = row
    shown = []
    for submission in (
        Submission.objects.filter(subject=subject).select_related("subject__data_key", "policy_version").order_by("created_at", "id")
    ):
        own = submission.policy_version.policy
        purpose = _purpose(policy, submission.purpose) or _purpose(own, submission.purpose)
        values = submission_values_open(submission=submission)
        order = [i.code for i in policy.items]
        rows = []
        for code, value in sorted(values.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)):
            item = _item(policy, code) or _item(own, code)
            rows.append(ShownValue(code, item.label.get(lang) if item else code, _display(item, value, lang)))
        engagement = engagements.get((submission.pk, submission.purpose))
        kept, kept_date = _kept(policy, purpose, engagement, lang)
        status = ""
        if engagement is not None:
            status = str(EngagementStatus(engagement.status).label)
        shown.append(
            ShownSubmission(
                id=submission.pk,
                purpose=submission.purpose,
                purpose_label=purpose.label.get(lang) if purpose else submission.purpose,
                collected_at=submission.created_at,
                collected_on=ctx.date(timezone.localdate(submission.created_at)),
                source=submission.source,
                source_detail=submission.source_detail,
                values=rows,
                status=status,
                kept_until=kept,
                kept_until_date=kept_date,
            )
        )
    return shown


def _consents(subject: Subject, policy: Policy, lang: str) -> list[ShownConsent]:
    ctx = Dates(policy_lang(lang))
    shown = []
    for receipt in ConsentReceipt.objects.filter(subject=subject).select_related("notice").order_by("recorded_at", "id"):
        purpose = _purpose(policy, receipt.purpose) or _purpose(receipt.policy_version.policy, receipt.purpose)
        shown.append(
            ShownConsent(
                purpose=receipt.purpose,
                purpose_label=purpose.label.get(lang) if purpose else receipt.purpose,
                required=receipt.required,
                event=receipt.event,
                event_label=str(ReceiptEvent(receipt.event).label),
                recorded_at=receipt.recorded_at,
                recorded_on=ctx.date(timezone.localdate(receipt.recorded_at)),
                notice=receipt.notice.text if receipt.notice else "",
            )
        )
    return shown


def _labels(policy: Policy, codes: list[str], held: set[str], lang: str) -> list[str]:
    return [item.label.get(lang) for item in policy.items if item.code in codes and item.code in held]


def _recipients(policy: Policy, purposes: set[str], held: set[str], consented: set[str], lang: str) -> list[ShownRecipient]:
    shown = []
    for processor in policy.processors:
        if processor.purposes and not purposes & set(processor.purposes):
            continue
        items = _labels(policy, processor.items, held, lang)
        if not items:
            continue
        shown.append(ShownRecipient("processor", _("processor"),
                                    processor.name.get(lang), processor.tasks.get(lang).replace("{{ items }}", ", ".join(items)), items))
        for sub in processor.sub_processors:
            sub_items = _labels(policy, sub.items, held, lang)
            if sub_items:
                shown.append(ShownRecipient("sub_processor", _("sub-processor"), sub.name.get(lang),
                                            sub.tasks.get(lang).replace("{{ items }}", ", ".join(sub_items)), sub_items))
    for party in policy.third_parties:
        if party.consent_purpose is not None and party.consent_purpose not in consented:
            continue
        items = _labels(policy, party.items, held, lang)
        if items:
            shown.append(ShownRecipient("third_party", _("third party"),
                                        party.recipient.get(lang), party.purpose.get(lang), items))
    shown_processors = {p.code for p in policy.processors if any(r.name == p.name.get(lang) for r in shown)}
    for transfer in policy.transfers:
        if transfer.processor is not None and transfer.processor not in shown_processors:
            continue
        items = _labels(policy, transfer.items, held, lang)
        if items:
            shown.append(ShownRecipient("transfer", _("overseas transfer"), transfer.recipient.get(lang),
                                        transfer.purpose.get(lang) if transfer.purpose else "", items,
                                        transfer.country.get(lang) if transfer.country else ""))
    return shown


def holds_read(*, subject: Subject, policy: Policy, lang: str) -> list[ShownHold]:
    """The person's items under an active legal hold: the law, what it keeps, for how long."""
    shown = []
    for hold in LegalHold.objects.filter(subject=subject, released_at__isnull=True).order_by("placed_at", "id"):
        rule = next((r for r in policy.legal_retention if r.code == hold.rule), None)
        items = [i.label.get(lang) for i in policy.items if i.code in (hold.items or [])] or [_("every item")]
        shown.append(
            ShownHold(
                law=rule.law.get(lang) if rule else hold.law,
                records=rule.records.get(lang) if rule else "",
                items=items,
                period=Period.parse(hold.period).label(lang),
            )
        )
    return shown


def _withdrawable(subject: Subject, policy: Policy, purposes: set[str], lang: str) -> list[Withdrawable]:
    shown = []
    for purpose in policy.purposes:
        if purpose.code not in purposes or not consent_in_force(subject_id=subject.pk, purpose=purpose.code):
            continue
        if purpose.required:
            effect = _("Withdrawing ends this service; its records are then destroyed.")
        else:
            effect = _("Withdrawing costs you nothing else.")
        shown.append(Withdrawable(purpose.code, purpose.label.get(lang), purpose.required,
                                  purpose.refusal_effect.get(lang) if purpose.refusal_effect else effect))
    return shown


def subject_data_read(*, subject: Subject, policy: Policy, lang: str) -> SubjectData:
    """Everything held about ``subject``, in ``lang`` (``ko``/``en``). Unseals values: record the access."""
    with translation.override(lang):
        submissions = _submissions(subject, policy, lang)
        consents = _consents(subject, policy, lang)
        purposes = {s.purpose for s in submissions} | {
            e.purpose for e in Engagement.objects.filter(subject=subject)
        }
        held = {v.code for s in submissions for v in s.values}
        consented = {c.purpose for c in consents if consent_in_force(subject_id=subject.pk, purpose=c.purpose)}
        return SubjectData(
            submissions=submissions,
            consents=consents,
            recipients=_recipients(policy, purposes, held, consented, lang),
            holds=holds_read(subject=subject, policy=policy, lang=lang),
            withdrawable=_withdrawable(subject, policy, purposes, lang),
        )


def source_label(code: str) -> str:
    return str(Source(code).label) if code in Source.values else code
