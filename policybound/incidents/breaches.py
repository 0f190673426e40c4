"""Writes for a breach (유출등, PIPA 34): record it, notify the people, record the report, sign off.

The order the law sets: the officer records the incident (:func:`breach_record`), which computes who
is affected and whether the PIPC/KISA report is due, and starts the clock at discovery; the notices go
out (:func:`breach_notify`: a mail per reachable person through the outbox, a homepage posting for
the rest); the report is recorded as sent (:func:`breach_report_record`); and the officer signs off
(:func:`breach_sign_off`) once every mail has been sent or its person is covered by the posting.
Each write audits itself in its own transaction; mails are queued in it and sent on commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from policybound.audit.actors import Actor
from policybound.audit.services import AuditEntry, audit_record, audit_record_many
from policybound.collection.selectors import subject_email_open
from policybound.incidents import notices, scope
from policybound.incidents.errors import IncidentRefused, refuse
from policybound.incidents.models import (
    Breach,
    BreachCause,
    BreachSubject,
    HomepagePosting,
    ReportAuthority,
    ScopeKind,
)
from policybound.lib import clock
from policybound.mailer.models import MailKind, MailStatus
from policybound.mailer.services import mail_enqueue
from policybound.policy.schema import Policy, Sensitivity


def report_reasons(policy: Policy, *, items: Iterable[str], affected: int, cause: str) -> list[str]:
    """Why the PIPC/KISA must be told (시행령 40①): many people, sensitive or unique data, an attack."""
    reasons = []
    if affected >= settings.POLICYBOUND_BREACH_REPORT_THRESHOLD:
        reasons.append("threshold")
    sensitivities = {item.code: item.sensitivity for item in policy.items}
    if any(sensitivities.get(code, Sensitivity.ORDINARY) is not Sensitivity.ORDINARY for code in items):
        reasons.append("sensitive")
    if cause == BreachCause.ATTACK:
        reasons.append("attack")
    return reasons


def _check(
    policy: Policy,
    *,
    moment: dt.datetime,
    discovered_at: dt.datetime,
    cause: str,
    texts: dict[str, str],
    items: Sequence[str],
    scope_kind: str,
    purposes: Sequence[str],
    subject_ids: Sequence[str],
    access_account: str,
    ranges: dict[str, tuple[dt.datetime | None, dt.datetime | None]],
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if discovered_at > moment:
        add("discovered_at", _("The moment it was found cannot be in the future."))
    if cause not in BreachCause.values:
        add("cause", _("Choose how it happened."))
    for field, text in texts.items():
        if not text.strip():
            add(field, _("This field is required: the notice must say it."))
    known_items = {item.code for item in policy.items}
    if not items:
        add("items", _("Choose at least one item that leaked."))
    for code in items:
        if code not in known_items:
            add("items", _("The policy lists no item %(code)s.") % {"code": code})
    known_purposes = {purpose.code for purpose in policy.purposes}
    for code in purposes:
        if code not in known_purposes:
            add("purposes", _("The policy lists no purpose %(code)s.") % {"code": code})
    if scope_kind not in ScopeKind.values:
        add("scope", _("Choose whose data it is."))
    if scope_kind == ScopeKind.SUBJECTS:
        if not subject_ids:
            add("subjects", _("Name at least one person (their id)."))
        for value in subject_ids:
            try:
                uuid.UUID(value)
            except ValueError:
                add("subjects", _("%(value)s is not a person's id.") % {"value": value[:40]})
    if scope_kind == ScopeKind.ACCESS and not access_account.strip():
        add("access_account", _("Name the staff account whose access it was."))
    for field, (start, end) in ranges.items():
        if start and end and start > end:
            add(field, _("The start comes after the end."))
    return errors


@transaction.atomic
def breach_record(
    *,
    policy: Policy,
    discovered_at: dt.datetime,
    cause: str,
    description: str,
    company_actions: str,
    subject_actions: str,
    items: Sequence[str],
    scope_kind: str = ScopeKind.DATA,
    purposes: Sequence[str] = (),
    collected_from: dt.datetime | None = None,
    collected_until: dt.datetime | None = None,
    subject_ids: Sequence[str] = (),
    access_account: str = "",
    access_from: dt.datetime | None = None,
    access_until: dt.datetime | None = None,
    occurred_from: dt.datetime | None = None,
    occurred_until: dt.datetime | None = None,
    actor: Actor,
    as_of: dt.datetime | None = None,
) -> Breach:
    """Record an incident, compute who is affected and whether a report is due, and start the clock.

    Raises :class:`IncidentRefused` (nothing stored) for bad input, naming each field.
    """
    moment = as_of or clock.now()
    texts = {"description": description, "company_actions": company_actions, "subject_actions": subject_actions}
    errors = _check(
        policy, moment=moment, discovered_at=discovered_at, cause=cause, texts=texts, items=items,
        scope_kind=scope_kind, purposes=purposes, subject_ids=subject_ids, access_account=access_account,
        ranges={"collected_until": (collected_from, collected_until), "access_until": (access_from, access_until),
                "occurred_until": (occurred_from, occurred_until)},
    )
    if errors:
        raise IncidentRefused(errors)
    among: set[uuid.UUID] | None = None
    if scope_kind == ScopeKind.SUBJECTS:
        among = {uuid.UUID(value) for value in subject_ids}
    elif scope_kind == ScopeKind.ACCESS:
        among = scope.subjects_touched_by(account=access_account.strip(), since=access_from, until=access_until)
    reached = scope.subjects_reached(
        items=items, purposes=purposes, collected_from=collected_from, collected_until=collected_until, among=among
    )
    breach = Breach.objects.create(
        discovered_at=discovered_at, occurred_from=occurred_from, occurred_until=occurred_until, cause=cause,
        description=description.strip(), company_actions=company_actions.strip(),
        subject_actions=subject_actions.strip(), items=list(dict.fromkeys(items)), scope=scope_kind,
        purposes=list(purposes), collected_from=collected_from, collected_until=collected_until,
        access_account=access_account.strip(), access_from=access_from, access_until=access_until,
        affected_count=len(reached),
        report_reasons=report_reasons(policy, items=items, affected=len(reached), cause=cause),
        deadline=discovered_at + dt.timedelta(hours=settings.POLICYBOUND_BREACH_NOTICE_HOURS),
        recorded_by=actor.label, recorded_at=moment,
    )
    BreachSubject.objects.bulk_create(
        [BreachSubject(breach=breach, subject_id=r.subject_id, items=list(r.items), language=r.language)
         for r in reached],
        batch_size=1000,
    )
    audit_record(
        actor=actor, action="enter", target=f"breach:{breach.pk}", as_of=moment,
        detail={"affected": len(reached), "items": breach.items, "report": breach.report_reasons, "scope": scope_kind},
    )
    return breach


def _locked(breach_id: int) -> Breach:
    try:
        return Breach.objects.select_for_update().get(pk=breach_id)
    except Breach.DoesNotExist:
        raise refuse("breach", _("There is no such incident.")) from None


def _post(policy: Policy, breach: Breach, *, actor: Actor, moment: dt.datetime) -> HomepagePosting:
    """The homepage notice, in both languages, for ``POLICYBOUND_BREACH_POSTING_DAYS`` from now."""
    texts = {lang: notices.breach_notice(policy, breach, items=breach.items, lang=lang) for lang in ("ko", "en")}
    return HomepagePosting.objects.create(
        breach=breach, title_ko=texts["ko"][0], title_en=texts["en"][0], body_ko=texts["ko"][1],
        body_en=texts["en"][1], starts_at=moment,
        ends_at=moment + dt.timedelta(days=settings.POLICYBOUND_BREACH_POSTING_DAYS), posted_by=actor.label,
    )


@transaction.atomic
def breach_notify(*, breach_id: int, policy: Policy, actor: Actor, as_of: dt.datetime | None = None) -> Breach:
    """Queue each reachable person's notice in their language; post the notice for the rest.

    A person is reachable when they gave an e-mail address (their address is unsealed only to queue
    the mail, and each such opening is a ``view`` row of the access log). The notice is also posted
    when 1,000 people or more are affected (시행령 40③). Notifying twice is refused.
    """
    moment = as_of or clock.now()
    breach = _locked(breach_id)
    if breach.notified_at is not None:
        raise refuse("breach", _("The notices of this incident were already sent."))
    rows = list(breach.affected.select_related("subject__data_key"))
    unreachable = 0
    entries = []
    for row in rows:
        address = subject_email_open(subject=row.subject)
        row.reachable = address is not None
        if address is None:
            unreachable += 1
        else:
            title, body = notices.breach_notice(policy, breach, items=row.items, lang=row.language)
            row.mail = mail_enqueue(
                subject=row.subject, to=address, subject_line=title, body=body, kind=MailKind.BREACH_NOTICE,
                reference=f"breach:{breach.pk}", as_of=moment,
            )
            entries.append(AuditEntry(subject_id=row.subject_id, target=f"breach:{breach.pk}:notice"))
    BreachSubject.objects.bulk_update(rows, ["reachable", "mail"], batch_size=1000)
    breach.unreachable_count = unreachable
    breach.notified_at = moment
    breach.save(update_fields=["unreachable_count", "notified_at"])
    if unreachable or breach.affected_count >= settings.POLICYBOUND_BREACH_REPORT_THRESHOLD:
        _post(policy, breach, actor=actor, moment=moment)
    if entries:
        audit_record_many(actor=actor, action="view", entries=entries, as_of=moment)
    audit_record(
        actor=actor, action="change", target=f"breach:{breach.pk}", as_of=moment,
        detail={"notified": len(entries), "unreachable": unreachable},
    )
    return breach


@transaction.atomic
def breach_post(*, breach_id: int, policy: Policy, actor: Actor, as_of: dt.datetime | None = None) -> HomepagePosting:
    """Post the notice now for people whose mail bounced after it was sent (idempotent)."""
    moment = as_of or clock.now()
    breach = _locked(breach_id)
    existing = HomepagePosting.objects.filter(breach=breach).first()
    if existing is not None:
        return existing
    if breach.notified_at is None:
        raise refuse("breach", _("Send the notices first."))
    posting = _post(policy, breach, actor=actor, moment=moment)
    audit_record(actor=actor, action="change", target=f"breach:{breach.pk}", as_of=moment, detail={"posted": True})
    return posting


@transaction.atomic
def breach_report_record(
    *, breach_id: int, authority: str, sent_at: dt.datetime, reference: str, actor: Actor,
    as_of: dt.datetime | None = None,
) -> Breach:
    """Record that the report went to the PIPC or KISA, when, and the receipt number it got."""
    moment = as_of or clock.now()
    breach = _locked(breach_id)
    if authority not in ReportAuthority.values:
        raise refuse("authority", _("Choose the PIPC or KISA."))
    if sent_at > moment:
        raise refuse("sent_at", _("The report cannot be sent in the future."))
    if sent_at < breach.discovered_at:
        raise refuse("sent_at", _("The report cannot be sent before the incident was found."))
    breach.report_authority = authority
    breach.report_sent_at = sent_at
    breach.report_reference = reference.strip()[:100]
    breach.save(update_fields=["report_authority", "report_sent_at", "report_reference"])
    audit_record(
        actor=actor, action="change", target=f"breach:{breach.pk}", as_of=moment,
        detail={"report": authority, "sent_at": sent_at.isoformat()},
    )
    return breach


def sign_off_blockers(breach: Breach) -> list[str]:
    """What still stands between the incident and the officer's sign-off (empty: it may be signed)."""
    blockers = []
    if breach.notified_at is None:
        blockers.append(_("The person notices have not been sent."))
    else:
        mails = breach.affected.exclude(mail=None)
        if mails.filter(mail__status=MailStatus.QUEUED).exists():
            blockers.append(_("Some notices are still waiting in the outbox."))
        bounced = mails.filter(mail__status__in=(MailStatus.FAILED, MailStatus.CANCELLED)).exists()
        if bounced and not HomepagePosting.objects.filter(breach=breach).exists():
            blockers.append(_("Some notices bounced: post the notice on the home page."))
    if breach.report_required and breach.report_sent_at is None:
        blockers.append(_("The report to the PIPC or KISA has not been recorded."))
    return blockers


@transaction.atomic
def breach_sign_off(*, breach_id: int, actor: Actor, as_of: dt.datetime | None = None) -> Breach:
    """The officer's sign-off: the notices (and the report, if due) are out; the clock stops."""
    moment = as_of or clock.now()
    breach = _locked(breach_id)
    if breach.completed_at is not None:
        raise refuse("breach", _("This incident is already signed off."))
    blockers = sign_off_blockers(breach)
    if blockers:
        raise IncidentRefused({"breach": blockers})
    breach.completed_at = moment
    breach.completed_by = actor.label
    breach.save(update_fields=["completed_at", "completed_by"])
    audit_record(actor=actor, action="review", target=f"breach:{breach.pk}", as_of=moment,
                 detail={"late": moment > breach.deadline})
    return breach
