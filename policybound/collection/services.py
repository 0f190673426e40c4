"""Writes of the collection app: the one door personal data comes in by, and what ends its use.

- :func:`submission_record`: forms, the API and imports all call it. It checks the submission against
  the policy version in force (:mod:`~policybound.collection.validation`), then, in one transaction:
  finds or creates the subject by blind index, seals every value under the subject's data key, appends
  a consent receipt per consent asked, starts the purpose's engagement (and one for each optional
  purpose consented to, such as marketing), records the audit rows and queues the marketing-decision
  and newsletter-confirmation mails (:mod:`policybound.mailer`, sent after commit). A refused
  submission stores nothing.
- :func:`engagement_end`: a policy end event (a request answered, a report delivered …) ends an
  engagement; its ``deadline`` becomes the end plus the purpose's retention period.
- :func:`consent_withdraw`: a new ``withdrawn`` receipt, and the purpose's engagements end at once.
- :func:`subscription_confirm` / :func:`subscription_end`: the signed mail links of a double opt-in
  purpose (confirm the sign-up, unsubscribe).

A withdrawal of consent sets the deadline to the moment of withdrawal (PIPA 37③ since 2023: destroy
without delay): a call of :func:`consent_withdraw`, or an end event the policy declares
``withdrawal: true``. Every other end event uses the policy's retention period, as published. The
code knows no event by its name: which events are withdrawals is the policy's to say.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import AuditEntry, audit_record, audit_record_many
from policybound.collection.mail import (
    confirm_url,
    marketing_decision_send,
    newsletter_confirm_send,
    unsubscribe_url,
)
from policybound.collection.models import (
    Channel,
    ConsentReceipt,
    Engagement,
    EngagementStatus,
    ReceiptEvent,
    Source,
    Submission,
    SubmissionValue,
    value_context,
)
from policybound.collection.notices import consent_box_notice
from policybound.collection.receipts import notice_text_store, receipt_append, receipt_build
from policybound.collection.selectors import subject_email_open
from policybound.collection.validation import (
    ALL,
    CleanSubmission,
    SubmissionRejected,
    language,
    offered_purposes,
    submission_validate,
)
from policybound.lib import clock
from policybound.policy.models import PolicyVersion
from policybound.policy.schema import Purpose
from policybound.policy.selectors import policy_version_in_force
from policybound.subjects.models import Subject
from policybound.subjects.services import organization_find_or_create, subject_find_or_create
from policybound.vault.services import blind_index, seal

__all__ = [
    "ConsentNotGiven",
    "EngagementEnded",
    "EngagementRejected",
    "IdempotencyConflict",
    "SubmissionRejected",
    "SubmissionResult",
    "consent_withdraw",
    "engagement_end",
    "needs_confirmation",
    "submission_record",
    "subscription_confirm",
    "subscription_end",
]

# The end event recorded for a withdrawal when the purpose declares no withdrawal event of its own:
# the receipt's word for it, which is the system's vocabulary, not a policy's.
WITHDRAWAL_FALLBACK_EVENT = ReceiptEvent.WITHDRAWN.value
NOTICE_MAX = 20_000
SOURCE_DETAIL_MAX = 200
LIVE = (EngagementStatus.PENDING, EngagementStatus.ACTIVE)


@dataclass(frozen=True)
class SubmissionResult:
    """What a stored submission produced; ``replayed`` when an idempotent retry returned it again."""

    submission_id: int
    subject_id: uuid.UUID
    purpose: str
    items: list[str]
    engagement_id: int
    engagement_ids: list[int]
    receipt_ids: list[int]
    policy_sha256: str
    replayed: bool = False


class IdempotencyConflict(Exception):
    """The idempotency key was already used for a different request."""


class EngagementRejected(Exception):
    """An engagement cannot change as asked (an unknown end event); ``errors`` as in SubmissionRejected."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("engagement change rejected: " + ", ".join(sorted(errors)))


class EngagementEnded(Exception):
    """The engagement has ended already; an end is recorded once."""


class ConsentNotGiven(Exception):
    """There is no consent in force to withdraw for this subject and purpose."""


def needs_confirmation(purpose: Purpose) -> bool:
    """Whether a sign-up is confirmed by e-mail before use (double opt-in): the purpose's ``double_opt_in``."""
    return purpose.double_opt_in


def withdrawal_event(purpose: Purpose) -> str:
    """The end event a withdrawal of ``purpose``'s consent records: its first declared withdrawal event."""
    declared = purpose.withdrawal_events()
    return declared[0].code if declared else WITHDRAWAL_FALLBACK_EVENT


def _active_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:10]


# --- submission_record -------------------------------------------------------------------------


def _request_digest(**parts: object) -> str:
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return blind_index("idempotent-request", canonical)


def _result(submission: Submission, *, replayed: bool) -> SubmissionResult:
    engagements = list(submission.engagements.order_by("id"))
    primary = next(e for e in engagements if e.purpose == submission.purpose)
    return SubmissionResult(
        submission_id=submission.pk,
        subject_id=submission.subject_id,
        purpose=submission.purpose,
        items=sorted(submission.values.values_list("item", flat=True)),
        engagement_id=primary.pk,
        engagement_ids=[e.pk for e in engagements],
        receipt_ids=list(submission.receipts.order_by("id").values_list("id", flat=True)),
        policy_sha256=submission.policy_version.sha256,
        replayed=replayed,
    )


def _replay(key: str, digest: str) -> SubmissionResult | None:
    submission = Submission.objects.filter(idempotency_key=key).select_related("policy_version").first()
    if submission is None:
        return None
    if submission.request_digest != digest:
        raise IdempotencyConflict("this idempotency key was used for a different request")
    return _result(submission, replayed=True)


def _validate(
    version: PolicyVersion,
    *,
    purpose: str,
    fields: Mapping[str, object],
    consents: Mapping[str, object],
    source: str,
    source_detail: str,
    channel: str,
    notice_texts: Mapping[str, str],
) -> CleanSubmission:
    errors: dict[str, list[str]] = {}
    if source not in Source.values:
        errors["source"] = [_("Unknown source; use one of: %(sources)s.") % {"sources": ", ".join(Source.values)}]
    if len(source_detail) > SOURCE_DETAIL_MAX:
        errors["source_detail"] = [_("At most %(limit)d characters.") % {"limit": SOURCE_DETAIL_MAX}]
    if any(len(text) > NOTICE_MAX for text in notice_texts.values()):
        errors["notice_texts"] = [_("A notice text may be at most %(limit)d characters.") % {"limit": NOTICE_MAX}]
    try:
        clean = submission_validate(
            version.policy, purpose=purpose, fields=fields, consents=consents, channel=channel
        )
    except SubmissionRejected as rejected:
        raise SubmissionRejected({**rejected.errors, **errors}) from None
    if errors:
        raise SubmissionRejected(errors)
    return clean


def _engagement_start(
    *, subject: Subject, submission: Submission, purpose: Purpose, version: PolicyVersion, moment: dt.datetime
) -> Engagement:
    counted_from_collection = purpose.retention.counted_from == "collection"
    return Engagement(
        subject=subject,
        submission=submission,
        purpose=purpose.code,
        status=EngagementStatus.PENDING if needs_confirmation(purpose) else EngagementStatus.ACTIVE,
        policy_version=version,
        started_at=moment,
        deadline=purpose.retention.period.after(moment) if counted_from_collection else None,
    )


@dataclass
class _Stored:
    submission: Submission
    receipts: list[ConsentReceipt]
    started: list[Engagement]
    by_purpose: dict[str, Engagement]


def _store_receipts(
    *,
    clean: CleanSubmission,
    subject: Subject,
    submission: Submission,
    version: PolicyVersion,
    notice_texts: Mapping[str, str],
    ip: str | None,
    user_agent: str,
    moment: dt.datetime,
) -> list[ConsentReceipt]:
    receipts = []
    lang = language()
    for offered in offered_purposes(version.policy, clean.purpose):
        if offered.code not in clean.consents:
            continue  # an optional consent this channel did not ask
        text = notice_texts.get(offered.code) or consent_box_notice(version.policy, offered.code, lang=lang)
        receipts.append(
            receipt_build(
                subject=subject,
                submission=submission,
                purpose=offered.code,
                required=offered.required,
                event=ReceiptEvent.GIVEN if clean.consents[offered.code] else ReceiptEvent.REFUSED,
                version=version,
                notice=notice_text_store(text=text, as_of=moment),
                channel=submission.channel,
                language=submission.language,
                ip=ip,
                user_agent=user_agent,
                as_of=moment,
            )
        )
    return ConsentReceipt.objects.bulk_create(receipts)  # one INSERT for all of them


def _store_engagements(
    *,
    clean: CleanSubmission,
    subject: Subject,
    submission: Submission,
    version: PolicyVersion,
    moment: dt.datetime,
    new_subject: bool,
) -> tuple[list[Engagement], dict[str, Engagement]]:
    """Start the main engagement and one per optional purpose consented to and not already live.

    A subject created by this submission has no live engagement, so nothing is looked up; all new
    engagements are written in one INSERT.
    """
    main = _engagement_start(subject=subject, submission=submission, purpose=clean.purpose, version=version, moment=moment)
    started, by_purpose = [main], {main.purpose: main}
    optional = [
        offered
        for offered in offered_purposes(version.policy, clean.purpose)
        if offered.code != clean.purpose.code and clean.consents.get(offered.code)
    ]
    live: dict[str, Engagement] = {}
    if optional and not new_subject:
        for engagement in Engagement.objects.filter(
            subject=subject, purpose__in=[offered.code for offered in optional], status__in=LIVE
        ).order_by("pk"):
            live.setdefault(engagement.purpose, engagement)
    for offered in optional:
        found = live.get(offered.code)
        if found is None:
            found = _engagement_start(
                subject=subject, submission=submission, purpose=offered, version=version, moment=moment
            )
            started.append(found)
        by_purpose[offered.code] = found
    Engagement.objects.bulk_create(started)
    return started, by_purpose


def entered_by(actor: Actor) -> str:
    """How a submission remembers who entered it: ``token:<id>``, ``staff:<id>``, ``public:`` (no names)."""
    return f"{actor.kind}:{actor.ident}"[:80]


def _store(
    *,
    clean: CleanSubmission,
    version: PolicyVersion,
    source: str,
    source_detail: str,
    channel: str,
    notice_texts: Mapping[str, str],
    ip: str | None,
    user_agent: str,
    actor: Actor,
    moment: dt.datetime,
    idempotency_key: str | None,
    digest: str,
) -> _Stored:
    subject, created = subject_find_or_create(emails=clean.emails, phones=clean.phones, actor=actor, as_of=moment)
    organization = (
        organization_find_or_create(name=clean.organization, actor=actor, as_of=moment) if clean.organization else None
    )
    submission = Submission.objects.create(
        subject=subject,
        purpose=clean.purpose.code,
        source=source,
        source_detail=source_detail,
        channel=channel,
        policy_version=version,
        organization=organization,
        language=_active_language(),
        created_at=moment,
        idempotency_key=idempotency_key,
        request_digest=digest,
        entered_by=entered_by(actor),
    )
    SubmissionValue.objects.bulk_create(
        SubmissionValue(
            submission=submission,
            item=code,
            sealed=seal(subject.data_key, value, context=value_context(submission.pk, code)),
        )
        for code, value in clean.values.items()
    )
    receipts = _store_receipts(
        clean=clean, subject=subject, submission=submission, version=version,
        notice_texts=notice_texts, ip=ip, user_agent=user_agent, moment=moment,
    )
    started, by_purpose = _store_engagements(
        clean=clean, subject=subject, submission=submission, version=version, moment=moment, new_subject=created
    )
    target = f"submission:{submission.pk}"
    entries = [
        AuditEntry(
            subject_id=subject.pk,
            target=target,
            detail={"purpose": clean.purpose.code, "items": sorted(clean.values), "source": source, "channel": channel},
        )
    ]
    if receipts:
        entries.append(
            AuditEntry(
                subject_id=subject.pk,
                target=target,
                detail={"consents": {r.purpose: r.event for r in receipts}},
                action=AuditAction.CONSENT,
            )
        )
    audit_record_many(actor=actor, action=AuditAction.ENTER, entries=entries, as_of=moment)  # one batch
    return _Stored(submission=submission, receipts=receipts, started=started, by_purpose=by_purpose)


def _mails_queue(*, clean: CleanSubmission, version: PolicyVersion, stored: _Stored, moment: dt.datetime) -> None:
    """Queue the mails in this transaction (:mod:`policybound.mailer`): they exist iff it commits."""
    if not clean.emails:
        return
    to, policy, lang, subject = clean.emails[0], version.policy, language(), stored.submission.subject
    receipts = {receipt.purpose: receipt for receipt in stored.receipts}
    for code, given in clean.consents.items():
        if policy.purpose(code).marketing:
            withdraw = unsubscribe_url(stored.by_purpose[code]) if given else None
            event = ReceiptEvent.GIVEN if given else ReceiptEvent.REFUSED
            receipt = receipts.get(code)
            marketing_decision_send(
                subject=subject, to=to, policy=policy, purpose=code, event=event, at=moment, lang=lang,
                withdraw_url=withdraw, reference=f"receipt:{receipt.pk}" if receipt else "",
            )
    for engagement in stored.started:
        if engagement.status == EngagementStatus.PENDING:
            newsletter_confirm_send(
                subject=subject, to=to, policy=policy, purpose=engagement.purpose,
                confirm=confirm_url(engagement), unsubscribe=unsubscribe_url(engagement), lang=lang,
                reference=f"engagement:{engagement.pk}", as_of=moment,
            )


def submission_record(
    *,
    purpose: str,
    fields: Mapping[str, object],
    consents: Mapping[str, object],
    source: str,
    actor: Actor,
    channel: str = Channel.WEB,
    notice_texts: Mapping[str, str] | None = None,
    ip: str | None = None,
    user_agent: str = "",
    as_of: dt.datetime | None = None,
    idempotency_key: str | None = None,
    source_detail: str = "",
) -> SubmissionResult:
    """Check a submission against the policy in force and store it; see the module docstring.

    ``fields`` maps item codes to what was typed (a list of codes for choices); ``consents`` maps
    purpose codes to yes/no; ``notice_texts`` the exact notice shown per purpose (default: the
    policy's :func:`~policybound.collection.notices.consent_box_notice` in the active language). Raises
    :class:`SubmissionRejected` (nothing stored) or :class:`IdempotencyConflict`. With an
    ``idempotency_key`` (the caller scopes it, e.g. per API token), a retry of the same request returns
    the first result with ``replayed=True`` and stores nothing new.
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    moment = as_of or clock.now()
    notices = dict(notice_texts or {})
    digest = ""
    if idempotency_key is not None:
        digest = _request_digest(
            purpose=purpose, fields=dict(fields), consents=dict(consents), source=source, source_detail=source_detail
        )
        replay = _replay(idempotency_key, digest)
        if replay is not None:
            return replay
    version = policy_version_in_force(as_of=moment)
    if version is None:
        raise SubmissionRejected({ALL: [_("No privacy policy is in force yet, so nothing can be collected.")]})
    clean = _validate(
        version, purpose=purpose, fields=fields, consents=consents, source=source,
        source_detail=source_detail, channel=channel, notice_texts=notices,
    )
    try:
        with transaction.atomic():
            stored = _store(
                clean=clean, version=version, source=source, source_detail=source_detail, channel=channel,
                notice_texts=notices, ip=ip, user_agent=user_agent, actor=actor, moment=moment,
                idempotency_key=idempotency_key, digest=digest,
            )
            _mails_queue(clean=clean, version=version, stored=stored, moment=moment)
    except IntegrityError:
        replay = _replay(idempotency_key, digest) if idempotency_key is not None else None
        if replay is None:
            raise
        return replay  # a concurrent retry with the same key stored it first
    main = stored.by_purpose[clean.purpose.code]
    return SubmissionResult(
        submission_id=stored.submission.pk,
        subject_id=stored.submission.subject_id,
        purpose=clean.purpose.code,
        items=sorted(clean.values),
        engagement_id=main.pk,
        engagement_ids=[e.pk for e in stored.started],
        receipt_ids=[r.pk for r in stored.receipts],
        policy_sha256=version.sha256,
    )


# --- ending engagements and withdrawing consent ------------------------------------------------


def _purpose_lookup(code: str, *versions: PolicyVersion | None) -> tuple[PolicyVersion, Purpose] | None:
    """The purpose ``code`` in the first of ``versions`` that still describes it."""
    for candidate in versions:
        if candidate is None:
            continue
        found = next((p for p in candidate.policy.purposes if p.code == code), None)
        if found is not None:
            return candidate, found
    return None


def _purpose_of(engagement: Engagement, version: PolicyVersion | None) -> tuple[PolicyVersion, Purpose]:
    """The engagement's purpose in ``version``, or in its own start version if the purpose is gone."""
    found = _purpose_lookup(engagement.purpose, version, engagement.policy_version)
    if found is None:
        raise EngagementRejected({ALL: [_("The privacy policy no longer describes this purpose.")]})
    return found


def _end(
    engagement: Engagement,
    *,
    event: str,
    version: PolicyVersion,
    purpose: Purpose,
    moment: dt.datetime,
    withdrawal: bool = False,
) -> None:
    """End ``engagement`` now; ``withdrawal`` (or an event the policy declares one) destroys at once."""
    declared = purpose.end_event(event)
    withdrawal = withdrawal or (declared is not None and declared.withdrawal)
    if purpose.retention.counted_from == "collection":
        deadline = engagement.deadline or purpose.retention.period.after(engagement.started_at)
    else:
        deadline = purpose.retention.period.after(moment)
    if withdrawal:
        deadline = min(deadline, moment)  # PIPA 37③: destroy without delay once consent is withdrawn
    engagement.status = EngagementStatus.ENDED
    engagement.ended_at = moment
    engagement.end_event = event
    engagement.end_policy_version = version
    engagement.deadline = deadline
    engagement.ended_by_withdrawal = withdrawal
    engagement.save(
        update_fields=["status", "ended_at", "end_event", "end_policy_version", "deadline", "ended_by_withdrawal"]
    )


def engagement_end(
    *,
    engagement_id: int,
    event: str | None,
    actor: Actor,
    as_of: dt.datetime | None = None,
    withdrawal: bool = False,
) -> Engagement:
    """End an engagement with one of its purpose's end events (default: the first one).

    An event the policy declares ``withdrawal: true``, or ``withdrawal=True`` (the person ended it, as
    with an unsubscribe link; the event then defaults to the purpose's withdrawal event), sets the
    deadline to now (PIPA 37③). Raises ``Engagement.DoesNotExist``, :class:`EngagementEnded` or :class:`EngagementRejected`.
    """
    moment = as_of or clock.now()
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement_id)
        if engagement.status == EngagementStatus.ENDED:
            raise EngagementEnded(f"engagement {engagement_id} ended already")
        version, purpose = _purpose_of(engagement, policy_version_in_force(as_of=moment))
        codes = [end.code for end in purpose.end_events]
        if withdrawal:
            codes.append(withdrawal_event(purpose))
        if event is None and not codes:
            raise EngagementRejected({"event": [_("This purpose has no end event; name one.")]})
        chosen = (codes[-1] if withdrawal else codes[0]) if event is None else event
        if chosen not in codes:
            raise EngagementRejected(
                {"event": [_("Unknown end event; this purpose ends with: %(events)s.") % {"events": ", ".join(codes)}]}
            )
        _end(engagement, event=chosen, version=version, purpose=purpose, moment=moment, withdrawal=withdrawal)
        audit_record(
            actor=actor,
            action=AuditAction.END,
            subject_id=engagement.subject_id,
            target=f"engagement:{engagement.pk}",
            detail={"purpose": engagement.purpose, "event": chosen},
            as_of=moment,
        )
    return engagement


def consent_withdraw(
    *,
    subject_id: uuid.UUID | str,
    purpose: str,
    actor: Actor,
    channel: str,
    as_of: dt.datetime | None = None,
    event: str | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> ConsentReceipt:
    """Withdraw the subject's consent to ``purpose``: a new receipt, and its engagements end at once.

    ``event`` names the end event recorded on the engagements (default: the purpose's first
    ``withdrawal: true`` event, else ``withdrawn``); whichever it is, the deadline is now (PIPA 37③).
    A marketing withdrawal is confirmed by a mail queued in the same transaction. Raises
    ``Subject.DoesNotExist`` or :class:`ConsentNotGiven`.
    """
    moment = as_of or clock.now()
    with transaction.atomic():
        subject = Subject.objects.select_related("data_key").get(pk=subject_id)
        latest = (
            ConsentReceipt.objects.filter(subject=subject, purpose=purpose)
            .exclude(event=ReceiptEvent.CONFIRMED)
            .order_by("-recorded_at", "-id")
            .first()
        )
        if latest is None or latest.event != ReceiptEvent.GIVEN:
            raise ConsentNotGiven(f"no consent to {purpose} is in force")
        version = policy_version_in_force(as_of=moment) or latest.policy_version
        receipt = receipt_append(
            subject=subject, purpose=purpose, required=latest.required, event=ReceiptEvent.WITHDRAWN,
            version=version, channel=channel, language=_active_language(), ip=ip, user_agent=user_agent,
            as_of=moment,
        )
        ended = []
        for engagement in Engagement.objects.select_for_update().filter(subject=subject, purpose=purpose, status__in=LIVE):
            end_version, end_purpose = _purpose_of(engagement, version)
            _end(
                engagement, event=event or withdrawal_event(end_purpose), version=end_version, purpose=end_purpose,
                moment=moment, withdrawal=True,
            )
            ended.append(engagement.pk)
        audit_record(
            actor=actor,
            action=AuditAction.WITHDRAW,
            subject_id=subject.pk,
            target=f"receipt:{receipt.pk}",
            detail={"purpose": purpose, "ended": ended, "channel": channel},
            as_of=moment,
        )
        described = _purpose_lookup(purpose, version, latest.policy_version)
        email = subject_email_open(subject=subject) if described and described[1].marketing else None
        if described is not None and email is not None:
            marketing_decision_send(
                subject=subject, to=email, policy=described[0].policy, purpose=purpose,
                event=ReceiptEvent.WITHDRAWN, at=moment, lang=language(), reference=f"receipt:{receipt.pk}",
            )
    return receipt


def subscription_confirm(
    *, engagement_id: int, actor: Actor, ip: str | None = None, user_agent: str = "", as_of: dt.datetime | None = None
) -> ConsentReceipt:
    """Record the double opt-in: a ``confirmed`` receipt beside the consent, and the engagement starts."""
    moment = as_of or clock.now()
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().select_related("subject__data_key").get(pk=engagement_id)
        if engagement.status != EngagementStatus.PENDING:
            raise EngagementRejected({ALL: [_("This sign-up is not waiting for a confirmation.")]})
        given = (
            ConsentReceipt.objects.filter(subject=engagement.subject, purpose=engagement.purpose, event=ReceiptEvent.GIVEN)
            .order_by("-recorded_at", "-id")
            .first()
        )
        receipt = receipt_append(
            subject=engagement.subject,
            submission=engagement.submission,
            purpose=engagement.purpose,
            required=given.required if given else True,
            event=ReceiptEvent.CONFIRMED,
            version=given.policy_version if given else engagement.policy_version,
            notice=given.notice if given else None,
            channel=Channel.MAIL_LINK,
            language=_active_language(),
            ip=ip,
            user_agent=user_agent,
            as_of=moment,
        )
        engagement.status = EngagementStatus.ACTIVE
        engagement.confirmed_at = moment
        engagement.save(update_fields=["status", "confirmed_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CONSENT,
            subject_id=engagement.subject_id,
            target=f"receipt:{receipt.pk}",
            detail={"purpose": engagement.purpose, "event": ReceiptEvent.CONFIRMED.value},
            as_of=moment,
        )
    return receipt


def subscription_end(
    *, engagement_id: int, actor: Actor, ip: str | None = None, user_agent: str = "", as_of: dt.datetime | None = None
) -> Engagement:
    """The unsubscribe link: withdraw the consent and end the engagement with a withdrawal event.

    The event recorded is the purpose's first ``withdrawal: true`` end event (``withdrawn`` if it
    declares none); either way its data is destroyed without delay (PIPA 37③). A purpose not resting
    on a consent in force is simply ended, with that event too.
    """
    engagement = Engagement.objects.get(pk=engagement_id)
    if engagement.status == EngagementStatus.ENDED:
        raise EngagementEnded(f"engagement {engagement_id} ended already")
    _version, purpose = _purpose_of(engagement, policy_version_in_force(as_of=as_of or clock.now()))
    declared = purpose.withdrawal_events()
    event = declared[0].code if declared else None
    try:
        consent_withdraw(
            subject_id=engagement.subject_id, purpose=engagement.purpose, actor=actor, channel=Channel.MAIL_LINK,
            as_of=as_of, event=event, ip=ip, user_agent=user_agent,
        )
    except ConsentNotGiven:
        engagement_end(engagement_id=engagement.pk, event=event, actor=actor, as_of=as_of, withdrawal=True)
    engagement.refresh_from_db()
    return engagement
