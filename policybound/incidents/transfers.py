"""Writes for a business transfer (영업양도·합병, PIPA 27, 시행령 29).

The officer records the transferee and what moves (:func:`transfer_record`), which computes the
people concerned (everyone with live data of the purposes that move). Before the transfer date every
person is mailed (:func:`transfer_notify`) with how to refuse and what refusing means, and a signed
link of their own; whoever has no address is covered by a homepage posting for
``POLICYBOUND_TRANSFER_POSTING_DAYS`` (30) days, as is anyone whose mail bounces
(:func:`transfer_post`). A refusal (:func:`transfer_refuse`) counts until the day before the
transfer date, and the refused are left out of what moves (:func:`transfer_manifest`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policybound.audit.actors import Actor
from policybound.audit.services import AuditEntry, audit_record, audit_record_many
from policybound.collection.selectors import subject_email_open
from policybound.incidents import notices, scope
from policybound.incidents.errors import IncidentRefused, refuse
from policybound.incidents.models import HomepagePosting, Transfer, TransferSubject
from policybound.incidents.tokens import refusal_token_make, refusal_token_read
from policybound.lib import clock
from policybound.mailer.models import MailKind
from policybound.mailer.services import mail_enqueue
from policybound.policy.schema import Policy

LIMITS = {"transferee_name": 200, "transferee_address": 300, "transferee_phone": 40, "transferee_contact": 200}


@transaction.atomic
def transfer_record(
    *,
    policy: Policy,
    transferee_name: str,
    transferee_address: str,
    transferee_phone: str,
    transferee_contact: str,
    what_moves: str,
    purposes: Sequence[str],
    transfer_date: dt.date,
    actor: Actor,
    as_of: dt.datetime | None = None,
) -> Transfer:
    """Record a transfer and the people it moves. :class:`IncidentRefused` names each bad field."""
    moment = as_of or clock.now()
    fields = {
        "transferee_name": transferee_name, "transferee_address": transferee_address,
        "transferee_phone": transferee_phone, "transferee_contact": transferee_contact, "what_moves": what_moves,
    }
    errors: dict[str, list[str]] = {}
    for field, value in fields.items():
        if not value.strip():
            errors.setdefault(field, []).append(_("This field is required: the notice must say it."))
        elif len(value.strip()) > LIMITS.get(field, 4000):
            errors.setdefault(field, []).append(_("At most %(n)s characters.") % {"n": LIMITS.get(field, 4000)})
    known = {purpose.code for purpose in policy.purposes}
    if not purposes:
        errors.setdefault("purposes", []).append(_("Choose at least one purpose whose people move."))
    for code in purposes:
        if code not in known:
            errors.setdefault("purposes", []).append(_("The policy lists no purpose %(code)s.") % {"code": code})
    if transfer_date <= timezone.localdate(moment):
        errors.setdefault("transfer_date", []).append(_("The notice must go out before the transfer: choose a later date."))
    if errors:
        raise IncidentRefused(errors)
    transfer = Transfer.objects.create(
        **{field: value.strip() for field, value in fields.items()}, purposes=list(dict.fromkeys(purposes)),
        transfer_date=transfer_date, recorded_by=actor.label, recorded_at=moment,
    )
    reached = scope.subjects_in_purposes(purposes=transfer.purposes)
    TransferSubject.objects.bulk_create(
        [TransferSubject(transfer=transfer, subject_id=r.subject_id, language=r.language) for r in reached],
        batch_size=1000,
    )
    audit_record(actor=actor, action="enter", target=f"transfer:{transfer.pk}", as_of=moment,
                 detail={"affected": len(reached), "purposes": transfer.purposes})
    return transfer


def refusal_url(transfer: Transfer, row: TransferSubject) -> str:
    token = refusal_token_make(transfer_id=transfer.pk, subject_id=row.subject_id)
    return notices.absolute(reverse("incidents:transfer_refuse", args=[token]))


def _locked(transfer_id: int) -> Transfer:
    try:
        return Transfer.objects.select_for_update().get(pk=transfer_id)
    except Transfer.DoesNotExist:
        raise refuse("transfer", _("There is no such transfer.")) from None


def _post(policy: Policy, transfer: Transfer, *, actor: Actor, moment: dt.datetime) -> HomepagePosting:
    texts = {lang: notices.transfer_notice(policy, transfer, lang=lang, refuse_url=None) for lang in ("ko", "en")}
    return HomepagePosting.objects.create(
        transfer=transfer, title_ko=texts["ko"][0], title_en=texts["en"][0], body_ko=texts["ko"][1],
        body_en=texts["en"][1], starts_at=moment,
        ends_at=moment + dt.timedelta(days=settings.POLICYBOUND_TRANSFER_POSTING_DAYS), posted_by=actor.label,
    )


@transaction.atomic
def transfer_notify(*, transfer_id: int, policy: Policy, actor: Actor, as_of: dt.datetime | None = None) -> Transfer:
    """Mail everyone concerned with their refusal link; post the notice if anyone has no address."""
    moment = as_of or clock.now()
    transfer = _locked(transfer_id)
    if transfer.notified_at is not None:
        raise refuse("transfer", _("The notices of this transfer were already sent."))
    if transfer.transfer_date <= timezone.localdate(moment):
        raise refuse("transfer", _("The transfer date has come: the notice had to go out before it."))
    rows = list(transfer.affected.select_related("subject__data_key"))
    entries, unreachable = [], 0
    for row in rows:
        address = subject_email_open(subject=row.subject)
        row.reachable = address is not None
        if address is None:
            unreachable += 1
            continue
        title, body = notices.transfer_notice(policy, transfer, lang=row.language, refuse_url=refusal_url(transfer, row))
        row.mail = mail_enqueue(subject=row.subject, to=address, subject_line=title, body=body,
                                kind=MailKind.TRANSFER_NOTICE, reference=f"transfer:{transfer.pk}", as_of=moment)
        entries.append(AuditEntry(subject_id=row.subject_id, target=f"transfer:{transfer.pk}:notice"))
    TransferSubject.objects.bulk_update(rows, ["reachable", "mail"], batch_size=1000)
    transfer.notified_at = moment
    transfer.save(update_fields=["notified_at"])
    if unreachable:
        _post(policy, transfer, actor=actor, moment=moment)
    if entries:
        audit_record_many(actor=actor, action="view", entries=entries, as_of=moment)
    audit_record(actor=actor, action="change", target=f"transfer:{transfer.pk}", as_of=moment,
                 detail={"notified": len(entries), "unreachable": unreachable})
    return transfer


@transaction.atomic
def transfer_post(*, transfer_id: int, policy: Policy, actor: Actor, as_of: dt.datetime | None = None) -> HomepagePosting:
    """Post the notice for people whose mail bounced (idempotent)."""
    moment = as_of or clock.now()
    transfer = _locked(transfer_id)
    existing = HomepagePosting.objects.filter(transfer=transfer).first()
    if existing is not None:
        return existing
    if transfer.notified_at is None:
        raise refuse("transfer", _("Send the notices first."))
    posting = _post(policy, transfer, actor=actor, moment=moment)
    audit_record(actor=actor, action="change", target=f"transfer:{transfer.pk}", as_of=moment, detail={"posted": True})
    return posting


@dataclass(frozen=True)
class Refusal:
    transfer: Transfer
    refused_at: dt.datetime
    already: bool


@transaction.atomic
def transfer_refuse(*, token: str, actor: Actor, as_of: dt.datetime | None = None) -> Refusal:
    """The person's refusal through their link: honoured until the day before the transfer date."""
    moment = as_of or clock.now()
    read = refusal_token_read(token)
    if read is None:
        raise refuse("token", _("This link is not valid."))
    transfer_id, subject_id = read
    row = (TransferSubject.objects.select_for_update().select_related("transfer")
           .filter(transfer_id=transfer_id, subject_id=subject_id).first())
    if row is None:
        raise refuse("token", _("This link is not valid."))
    if row.refused_at is not None:
        return Refusal(transfer=row.transfer, refused_at=row.refused_at, already=True)
    if timezone.localdate(moment) >= row.transfer.transfer_date:
        raise refuse("token", _("The transfer has taken place; please contact the privacy officer."))
    row.refused_at = moment
    row.save(update_fields=["refused_at"])
    audit_record(actor=actor, action="restrict", subject_id=subject_id, target=f"transfer:{transfer_id}", as_of=moment)
    return Refusal(transfer=row.transfer, refused_at=moment, already=False)


@dataclass(frozen=True)
class ManifestRow:
    subject_id: str
    moves: bool
    refused_at: dt.datetime | None
    reachable: bool | None


def transfer_manifest(transfer: Transfer) -> list[ManifestRow]:
    """Who moves and who stays: the refused are marked and do not move."""
    return [
        ManifestRow(subject_id=str(row.subject_id), moves=row.refused_at is None, refused_at=row.refused_at,
                    reachable=row.reachable)
        for row in transfer.affected.order_by("subject_id")
    ]
