"""Writes of the privacy center: every request goes into the register and is answered from here.

Pages, the console and the API call these; each takes ``actor=`` and writes its audit row in the
same transaction (``request`` for the register, ``view``/``download`` for an access, and the
collection and retention services' own rows for what they change).

- :func:`rights_request_open` puts a request into the register (online: verified by a mailed code;
  staff: received in person, by phone or by letter, with how identity was checked); it is due
  ``rights.deadline_days`` after receipt (:mod:`policybound.rights.deadlines`).
- :func:`rights_request_extend` defers the answer with a reason, mailed to the person within the
  deadline; :func:`rights_request_answer` answers (done, in part, refused, with reasons), mailed too.
- Online requests a machine can fulfil are fulfilled at once and answered in the same transaction:
  :func:`access_request_fulfil` (열람), :func:`withdrawal_request_fulfil` (동의 철회, through
  ``collection.services.consent_withdraw``), :func:`deletion_request_fulfil` (삭제, through
  ``retention.erasure.subject_erase``: what a law keeps goes to the archive and the answer names the
  law and the day it goes). A suspension (처리정지) waits for staff, who may refuse only on the
  grounds of PIPA 37②.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import audit_record
from policybound.collection.corrections import submission_value_correct
from policybound.collection.models import Channel, Submission
from policybound.collection.selectors import consent_in_force, subject_email_open
from policybound.collection.services import ConsentNotGiven, consent_withdraw
from policybound.lib import clock
from policybound.policy.schema import Policy
from policybound.retention.erasure import Erasure, subject_due_destroy, subject_erase
from policybound.rights.access import SubjectData, policy_lang, subject_data_read
from policybound.rights.dates import Dates
from policybound.rights.deadlines import due_on, extension_limit
from policybound.rights.mail import answer_send
from policybound.rights.models import (
    IdentityMethod,
    Outcome,
    RequestChannel,
    RequestKind,
    RequestStatus,
    RightsRequest,
)
from policybound.subjects.models import IndexKind, Subject, SubjectIndex
from policybound.vault.services import seal, unseal

REASON_MAX = 500
NOTE_MAX = 300
TEXT_MAX = 2000


class RequestRefused(Exception):
    """A request or an answer cannot be recorded as asked; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _label(actor: Actor) -> str:
    return f"{actor.kind}:{actor.label}"[:200]


_lang = policy_lang


def rights_request_open(
    *,
    subject: Subject,
    kind: str,
    channel: str,
    identity_method: str,
    policy: Policy,
    actor: Actor,
    lang: str,
    identity_note: str = "",
    request_text: str = "",
    detail: dict[str, object] | None = None,
    as_of: dt.datetime | None = None,
) -> RightsRequest:
    """Put a request into the register, due ``rights.deadline_days`` after now. Raises :class:`RequestRefused`."""
    if kind not in RequestKind.values:
        raise RequestRefused("kind", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(RequestKind.values)})
    if channel not in RequestChannel.values:
        raise RequestRefused("channel", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(RequestChannel.values)})
    if identity_method not in IdentityMethod.values:
        raise RequestRefused(
            "identity_method", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(IdentityMethod.values)}
        )
    if identity_method == IdentityMethod.STAFF_CHECKED and not identity_note.strip():
        raise RequestRefused("identity_note", _("Say how the person's identity was checked."))
    if len(identity_note) > NOTE_MAX:
        raise RequestRefused("identity_note", _("At most %(limit)d characters.") % {"limit": NOTE_MAX})
    if len(request_text) > TEXT_MAX:
        raise RequestRefused("request_text", _("At most %(limit)d characters.") % {"limit": TEXT_MAX})
    if subject.destroyed_at is not None:
        raise RequestRefused("subject", _("This person's records were destroyed already."))
    moment = as_of or clock.now()
    with transaction.atomic():
        request = RightsRequest(
            id=uuid.uuid4(),
            subject=subject,
            kind=kind,
            channel=channel,
            identity_method=identity_method,
            identity_note=identity_note.strip(),
            language=_lang(lang),
            received_at=moment,
            due_on=due_on(moment, policy=policy),
            detail=detail or {},
            created_by=_label(actor),
        )
        if request_text.strip():
            request.request_sealed = seal(subject.data_key, request_text.strip(), context=request.context())
        request.save(force_insert=True)
        audit_record(
            actor=actor, action=AuditAction.REQUEST, subject_id=subject.pk, target=f"rights_request:{request.pk}",
            detail={"kind": kind, "channel": channel, "identity": identity_method, "step": "received"}, as_of=moment,
        )
    return request


def _answer(
    request: RightsRequest, *, outcome: str, reason: str, actor: Actor, moment: dt.datetime,
    detail: dict[str, object] | None = None,
) -> None:
    request.status = RequestStatus.ANSWERED
    request.outcome = outcome
    request.reason = reason[:REASON_MAX]
    request.answered_at = moment
    request.answered_by = _label(actor)
    if detail:
        request.detail = {**request.detail, **detail}
    request.save(update_fields=["status", "outcome", "reason", "answered_at", "answered_by", "detail"])
    audit_record(
        actor=actor, action=AuditAction.REQUEST, subject_id=request.subject_id, target=f"rights_request:{request.pk}",
        detail={"kind": request.kind, "step": "answered", "outcome": outcome,
                "late": timezone.localdate(moment) > request.due},
        as_of=moment,
    )


def _open_request(request_id: uuid.UUID | str) -> RightsRequest:
    request = RightsRequest.objects.select_for_update().select_related("subject__data_key").get(pk=request_id)
    if request.status == RequestStatus.ANSWERED:
        raise RequestRefused("status", _("This request was answered already."))
    return request


def rights_request_answer(
    *, request_id: uuid.UUID | str, outcome: str, reason: str, policy: Policy, actor: Actor,
    as_of: dt.datetime | None = None,
) -> RightsRequest:
    """Staff answer a request; a refusal or a partial answer needs its reasons. The person is mailed.

    Raises ``RightsRequest.DoesNotExist`` and :class:`RequestRefused`.
    """
    reason = reason.strip()
    if outcome not in Outcome.values:
        raise RequestRefused("outcome", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Outcome.values)})
    if outcome != Outcome.DONE and not reason:
        raise RequestRefused("reason", _("A refusal or a partial answer must give its reasons (시행령 41④, 42)."))
    if len(reason) > REASON_MAX:
        raise RequestRefused("reason", _("At most %(limit)d characters.") % {"limit": REASON_MAX})
    moment = as_of or clock.now()
    with transaction.atomic():
        request = _open_request(request_id)
        _answer(request, outcome=outcome, reason=reason, actor=actor, moment=moment)
        subject = request.subject
        to = subject_email_open(subject=subject) if subject.destroyed_at is None else None
        if to:
            answer_send(request=request, subject=subject, to=to, policy=policy, lang=request.language, as_of=moment)
    return request


def rights_request_extend(
    *, request_id: uuid.UUID | str, until: dt.date, reason: str, policy: Policy, actor: Actor,
    as_of: dt.datetime | None = None,
) -> RightsRequest:
    """Defer the answer to ``until`` with ``reason``, told to the person now (within the deadline).

    Once only, before the deadline passes, by at most ``rights.deadline_days`` more days.
    """
    reason = reason.strip()
    moment = as_of or clock.now()
    today = timezone.localdate(moment)
    if not reason:
        raise RequestRefused("reason", _("A deferral must give its reason."))
    if len(reason) > REASON_MAX:
        raise RequestRefused("reason", _("At most %(limit)d characters.") % {"limit": REASON_MAX})
    with transaction.atomic():
        request = _open_request(request_id)
        if request.extended_to is not None:
            raise RequestRefused("until", _("This request was deferred once already; answer it."))
        if today > request.due_on:
            raise RequestRefused("until", _("The deadline has passed; a deferral must be told within it."))
        limit = extension_limit(request.due_on, policy=policy)
        if until <= request.due_on or until > limit:
            ctx = Dates(_lang(translation.get_language() or "ko"))
            raise RequestRefused(
                "until",
                _("Choose a day after %(due)s and no later than %(limit)s.")
                % {"due": ctx.date(request.due_on), "limit": ctx.date(limit)},
            )
        request.extended_to = until
        request.extension_reason = reason
        request.status = RequestStatus.EXTENDED
        request.save(update_fields=["extended_to", "extension_reason", "status"])
        audit_record(
            actor=actor, action=AuditAction.REQUEST, subject_id=request.subject_id,
            target=f"rights_request:{request.pk}", detail={"kind": request.kind, "step": "deferred",
                                                           "until": until.isoformat()},
            as_of=moment,
        )
        to = subject_email_open(subject=request.subject)
        if to:
            answer_send(request=request, subject=request.subject, to=to, policy=policy, lang=request.language,
                        deferral=True, as_of=moment)
    return request


# --- what the privacy center fulfils at once ----------------------------------------------------


def access_request_fulfil(
    *, subject: Subject, policy: Policy, actor: Actor, lang: str, session: str, as_of: dt.datetime | None = None
) -> tuple[RightsRequest, SubjectData]:
    """Show the person everything held about them: one answered access request per verified session
    (``session``), one ``view`` audit row per showing."""
    moment = as_of or clock.now()
    with transaction.atomic():
        request = RightsRequest.objects.filter(
            subject=subject, kind=RequestKind.ACCESS, channel=RequestChannel.ONLINE, detail__session=session
        ).first()
        if request is None:
            request = rights_request_open(
                subject=subject, kind=RequestKind.ACCESS, channel=RequestChannel.ONLINE,
                identity_method=IdentityMethod.EMAIL_CODE, policy=policy, actor=actor, lang=lang,
                detail={"session": session}, as_of=moment,
            )
            _answer(request, outcome=Outcome.DONE, reason="", actor=actor, moment=moment)
        data = subject_data_read(subject=subject, policy=policy, lang=_lang(lang))
        audit_record(
            actor=actor, action=AuditAction.VIEW, subject_id=subject.pk, target=f"rights_request:{request.pk}",
            detail={"items": sorted({v.code for s in data.submissions for v in s.values})}, as_of=moment,
        )
    return request, data


def access_export_record(
    *, subject: Subject, policy: Policy, actor: Actor, lang: str, fmt: str, as_of: dt.datetime | None = None
) -> SubjectData:
    """The data for a download (JSON or CSV, :mod:`policybound.rights.export`); a ``download`` audit row."""
    moment = as_of or clock.now()
    with transaction.atomic():
        data = subject_data_read(subject=subject, policy=policy, lang=_lang(lang))
        audit_record(
            actor=actor, action=AuditAction.DOWNLOAD, subject_id=subject.pk, target="rights:export",
            detail={"format": fmt, "items": sorted({v.code for s in data.submissions for v in s.values})},
            as_of=moment,
        )
    return data


def withdrawal_request_fulfil(
    *, subject: Subject, purposes: Iterable[str], policy: Policy, actor: Actor, lang: str,
    as_of: dt.datetime | None = None,
) -> RightsRequest:
    """Withdraw the consents to ``purposes`` now (each through ``consent_withdraw``); answered at once.

    A purpose without a consent in force is refused by name; nothing is changed then.
    """
    chosen = list(dict.fromkeys(purposes))
    known = {p.code for p in policy.purposes}
    if not chosen:
        raise RequestRefused("purposes", _("Choose at least one consent to withdraw."))
    not_in_force = [p for p in chosen if p not in known or not consent_in_force(subject_id=subject.pk, purpose=p)]
    if not_in_force:
        raise RequestRefused("purposes", _("There is no consent in force to withdraw for: %(purposes)s.") % {
            "purposes": ", ".join(policy.purpose(p).label.get(_lang(lang)) if p in known else p for p in not_in_force)
        })
    moment = as_of or clock.now()
    with transaction.atomic():
        to = subject_email_open(subject=subject)
        request = rights_request_open(
            subject=subject, kind=RequestKind.WITHDRAWAL, channel=RequestChannel.ONLINE,
            identity_method=IdentityMethod.EMAIL_CODE, policy=policy, actor=actor, lang=lang,
            detail={"purposes": chosen}, as_of=moment,
        )
        with translation.override(_lang(lang)):
            for purpose in chosen:
                try:
                    consent_withdraw(subject_id=subject.pk, purpose=purpose, actor=actor, channel=Channel.WEB,
                                     as_of=moment)
                except ConsentNotGiven:  # withdrawn meanwhile by another channel: the same outcome
                    continue
            destroyed = subject_due_destroy(subject_id=subject.pk, actor=actor, as_of=moment)
            labels = ", ".join(policy.purpose(p).label.get(_lang(lang)) for p in chosen)
            reason = _("Consent withdrawn: %(purposes)s. The records only they needed were destroyed.") % {
                "purposes": labels
            }
            kept = _kept_words(destroyed, policy, lang)
            if kept:
                reason += "\n" + kept
        _answer(request, outcome=Outcome.DONE, reason=reason, actor=actor, moment=moment,
                detail={"destroyed_whole": destroyed.destroyed})
        if to:
            answer_send(request=request, subject=None if destroyed.destroyed else subject, to=to, policy=policy,
                        lang=lang, as_of=moment)
    return request


def _kept_words(erasure: Erasure, policy: Policy, lang: str) -> str:
    ctx = Dates(_lang(lang))
    lines = []
    by_law: dict[tuple[str, dt.date], list[str]] = {}
    for kept in erasure.kept:
        rule = next((r for r in policy.legal_retention if r.code == kept.rule), None)
        law = rule.law.get(_lang(lang)) if rule else kept.law
        item = next((i for i in policy.items if i.code == kept.item), None)
        label = item.label.get(_lang(lang)) if item else kept.item
        by_law.setdefault((law, timezone.localdate(kept.until)), []).append(label)
    for (law, until), items in sorted(by_law.items()):
        lines.append(
            _("%(items)s: kept because %(law)s requires it, apart from everything else, and destroyed on %(date)s.")
            % {"items": ", ".join(dict.fromkeys(items)), "law": law, "date": ctx.date(until)}
        )
    return "\n".join(lines)


def _erase_and_answer(
    request: RightsRequest, *, subject: Subject, policy: Policy, actor: Actor, lang: str, moment: dt.datetime
) -> Erasure:
    to = subject_email_open(subject=subject)
    with translation.override(_lang(lang)):
        erasure = subject_erase(subject_id=subject.pk, actor=actor, as_of=moment)
        kept = _kept_words(erasure, policy, lang)
        if kept:
            reason = _("Everything else was destroyed.") + "\n" + kept
        else:
            reason = _("Everything we held about you was destroyed.")
    detail: dict[str, object] = {
        "withdrawn": erasure.withdrawn,
        "kept": [
            {"item": k.item, "rule": k.rule, "until": timezone.localdate(k.until).isoformat()} for k in erasure.kept
        ],
    }
    _answer(request, outcome=Outcome.PARTLY if erasure.kept else Outcome.DONE, reason=reason, actor=actor,
            moment=moment, detail=detail)
    if to:
        answer_send(request=request, subject=None, to=to, policy=policy, lang=lang, as_of=moment)
    return erasure


def deletion_request_fulfil(
    *, subject: Subject, policy: Policy, actor: Actor, lang: str, as_of: dt.datetime | None = None
) -> tuple[RightsRequest, Erasure]:
    """Delete everything held about the person now, except what a law keeps (moved to the archive).

    The answer names each law and the day its records go, and is mailed to the address on file from a
    mail with a key of its own (the person's key is crypto-erased in this very transaction).
    """
    moment = as_of or clock.now()
    with transaction.atomic():
        request = rights_request_open(
            subject=subject, kind=RequestKind.DELETION, channel=RequestChannel.ONLINE,
            identity_method=IdentityMethod.EMAIL_CODE, policy=policy, actor=actor, lang=lang, as_of=moment,
        )
        erasure = _erase_and_answer(request, subject=subject, policy=policy, actor=actor, lang=lang, moment=moment)
    return request, erasure


def deletion_request_carry_out(
    *, request_id: uuid.UUID | str, policy: Policy, actor: Actor, as_of: dt.datetime | None = None
) -> Erasure:
    """Staff carry out a deletion request received in person, by phone or letter (or through the API)."""
    moment = as_of or clock.now()
    with transaction.atomic():
        request = _open_request(request_id)
        if request.kind != RequestKind.DELETION:
            raise RequestRefused("kind", _("Only a deletion request is carried out this way."))
        subject = Subject.objects.select_related("data_key").get(pk=request.subject_id)
        if subject.destroyed_at is not None:
            raise RequestRefused("subject", _("This person's records were destroyed already."))
        return _erase_and_answer(request, subject=subject, policy=policy, actor=actor, lang=request.language,
                                 moment=moment)


def rights_request_open_for_address(
    *, email: str, kind: str, channel: str, identity_note: str, policy: Policy, actor: Actor, lang: str,
    request_text: str = "", as_of: dt.datetime | None = None,
) -> RightsRequest:
    """Staff register a request received in person, by phone or by letter, for the person known by
    ``email`` (found by blind index); identity as checked by staff, said in ``identity_note``."""
    from policybound.rights.verification import address_digest

    index = (
        SubjectIndex.objects.filter(kind=IndexKind.EMAIL, digest=address_digest(email),
                                    subject__destroyed_at__isnull=True)
        .select_related("subject__data_key").first()
    )
    if index is None:
        raise RequestRefused("email", _("No one we hold data about is known by this address."))
    return rights_request_open(
        subject=index.subject, kind=kind, channel=channel, identity_method=IdentityMethod.STAFF_CHECKED,
        identity_note=identity_note, policy=policy, actor=actor, lang=lang, request_text=request_text, as_of=as_of,
    )


def rights_request_read(*, request_id: uuid.UUID | str, actor: Actor, as_of: dt.datetime | None = None
                        ) -> tuple[RightsRequest, str]:
    """A request with the person's own words unsealed for the staff member handling it (a ``view`` row)."""
    moment = as_of or clock.now()
    with transaction.atomic():
        request = RightsRequest.objects.select_related("subject__data_key").get(pk=request_id)
        text = ""
        if request.request_sealed and request.subject.destroyed_at is None:
            text = unseal(request.subject.data_key, bytes(request.request_sealed), context=request.context())
        audit_record(actor=actor, action=AuditAction.VIEW, subject_id=request.subject_id,
                     target=f"rights_request:{request.pk}", detail={"kind": request.kind}, as_of=moment)
    return request, text


def _recipients_of(policy: Policy, purpose: str, item: str) -> list[str]:
    """Processors (and their sub-processors) and third parties that may have received ``item``."""
    owed = []
    for processor in policy.processors:
        if processor.purposes and purpose not in processor.purposes:
            continue
        if item in processor.items:
            owed.append(processor.code)
        owed += [sub.code for sub in processor.sub_processors if item in sub.items]
    owed += [party.code for party in policy.third_parties if item in party.items]
    return owed


def correction_request_fulfil(
    *, subject: Subject, submission_id: int, item: str, value: object, policy: Policy, actor: Actor, lang: str,
    as_of: dt.datetime | None = None,
) -> RightsRequest:
    """Correct one of the person's values now (정정); answered at once.

    The recipients that could have received the old value are recorded on the request as owed a
    notice of the correction (seed article 9.6; delivered by the sharing capability). Raises
    ``Submission.DoesNotExist`` (not the person's) and ``collection.corrections.CorrectionRejected``.
    """
    moment = as_of or clock.now()
    submission = Submission.objects.get(pk=submission_id, subject=subject)
    with transaction.atomic():
        request = rights_request_open(
            subject=subject, kind=RequestKind.CORRECTION, channel=RequestChannel.ONLINE,
            identity_method=IdentityMethod.EMAIL_CODE, policy=policy, actor=actor, lang=lang, as_of=moment,
            detail={"submission": submission.pk, "item": item},
        )
        with translation.override(_lang(lang)):
            corrected = submission_value_correct(
                submission_id=submission.pk, item=item, value=value, policy=policy, actor=actor, as_of=moment
            )
            label = next((i.label.get(_lang(lang)) for i in policy.items if i.code == item), item)
            if corrected.changed:
                reason = _("%(item)s was corrected.") % {"item": label}
            else:
                reason = _("%(item)s already had this value; nothing changed.") % {"item": label}
        owed = _recipients_of(policy, submission.purpose, item) if corrected.changed else []
        _answer(request, outcome=Outcome.DONE, reason=reason, actor=actor, moment=moment,
                detail={"changed": corrected.changed, "notice_owed_to": owed})
        to = subject_email_open(subject=subject)
        if to:
            answer_send(request=request, subject=subject, to=to, policy=policy, lang=lang, as_of=moment)
    return request
