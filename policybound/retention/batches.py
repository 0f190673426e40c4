"""One batch of due subjects, in one transaction: claim, load, plan, archive, destroy, register.

Cost: a batch of up to ``batch_size`` subjects takes a fixed number of set-based queries (about
twenty), whatever the batch size; nothing in the loop queries per subject. Candidates come from the
partial index ``engagement_due`` (deadline, id WHERE not yet processed), so a sweep reads what is due
and nothing else.

Concurrency: the subjects are locked ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (a second worker passes
over them instead of waiting) and claimed by an update that only one run can win (``destroyed_at``
still empty and no claim taken since this run started). Everything is then re-read inside the
transaction, so a subject processed by another worker a moment ago plans to nothing. On SQLite the
IMMEDIATE transaction makes the batch exclusive.

Crash safety: held items are copied to the archive database and that copy is committed before the
live rows are deleted; the deletion, the crypto-erase, the register entries and the audit rows commit
together. Killed anywhere, the live database is as before the batch or as after it; a copy already in
the archive is found by its unique key on the re-run and not duplicated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from policybound.archive.models import ArchivedRecord
from policybound.archive.services import archived_records_store
from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import AuditEntry, audit_record_many
from policybound.collection.models import (
    ConsentReceipt,
    Engagement,
    Submission,
    SubmissionValue,
    value_context,
)
from policybound.lib import clock
from policybound.lib.keyset import RowAfter
from policybound.policy.periods import Period
from policybound.retention.models import (
    DestructionCategory,
    DestructionMethod,
    DestructionReason,
    DestructionRecord,
    LegalHold,
)
from policybound.retention.planning import (
    ArchiveCopy,
    EngagementRow,
    HoldRow,
    PolicyBook,
    ReceiptRow,
    SubjectPlan,
    ValueRow,
    destroys_whole,
    plan_subject,
)
from policybound.retention.results import SweepResult
from policybound.subjects.models import Organization, Subject, SubjectIndex
from policybound.vault.models import DataKey
from policybound.vault.services import archive_data_key_create, archive_seal, data_keys_destroy, unseal

ENGAGEMENT_FIELDS = (
    "id", "subject_id", "purpose", "submission_id", "policy_version_id", "started_at", "ended_at", "end_event",
    "deadline", "retention_done_at", "ended_by_withdrawal",
)


class BatchConflict(Exception):
    """Another worker processed part of this batch after it was claimed; the batch is rolled back."""


@dataclass
class SweepContext:
    """What every batch of one sweep shares."""

    as_of: dt.datetime
    dry_run: bool
    actor: Actor
    approved_by: str
    worker: str
    claim_floor: dt.datetime
    book: PolicyBook
    result: SweepResult
    overrides: dict[int, EngagementRow] = field(default_factory=dict)
    seen: set[uuid.UUID] = field(default_factory=set)
    org_submissions_gone: dict[uuid.UUID, set[int]] = field(default_factory=dict)
    orgs_counted: set[uuid.UUID] = field(default_factory=set)


def due_queryset(*, as_of: dt.datetime, after: tuple[dt.datetime, int] | None) -> QuerySet[Engagement]:
    """Due engagements after ``after`` in ``(deadline, id)`` order, read through ``engagement_due``.

    The keyset is one row comparison (:class:`~policybound.lib.keyset.RowAfter`), so the index scan
    starts at the last row of the previous batch: a batch costs its own rows, whatever came before.
    """
    queryset = Engagement.objects.filter(retention_done_at__isnull=True, deadline__isnull=False, deadline__lte=as_of)
    if after is not None:
        queryset = queryset.filter(RowAfter(("deadline", "id"), after))
    return queryset.order_by("deadline", "id")


def due_candidates(
    *, as_of: dt.datetime, after: tuple[dt.datetime, int] | None, limit: int
) -> list[tuple[dt.datetime, int, uuid.UUID]]:
    """The next due engagements (deadline, id, subject) in deadline order, from the partial index."""
    rows = due_queryset(as_of=as_of, after=after).values_list("deadline", "id", "subject_id")[:limit]
    return [(deadline, pk, subject) for deadline, pk, subject in rows if deadline is not None]


# --- claiming ----------------------------------------------------------------------------------


def _lock_and_claim(ctx: SweepContext, subject_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Lock and claim the subjects no other run holds; returns subject id → data key id.

    The claim is an UPDATE whose condition (not destroyed, not claimed since this run started) only
    one run can satisfy; under the row locks it must change every row it selected, else another run
    got there and the batch is rolled back.
    """
    queryset = Subject.objects.filter(id__in=subject_ids, destroyed_at__isnull=True)
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    rows = list(queryset.values_list("id", "data_key_id", "retention_claimed_at"))
    claimable = {
        subject: key for subject, key, claimed in rows if claimed is None or claimed < ctx.claim_floor
    }
    if not claimable:
        return {}
    won = (
        Subject.objects.filter(id__in=list(claimable), destroyed_at__isnull=True)
        .filter(Q(retention_claimed_at__isnull=True) | Q(retention_claimed_at__lt=ctx.claim_floor))
        .update(retention_claimed_by=ctx.worker, retention_claimed_at=timezone.now())
    )
    if won != len(claimable):
        raise BatchConflict(f"{len(claimable) - won} subject(s) of this batch were claimed by another sweep")
    return claimable


# --- loading -----------------------------------------------------------------------------------


@dataclass
class BatchRows:
    engagements: defaultdict[uuid.UUID, list[EngagementRow]] = field(default_factory=lambda: defaultdict(list))
    receipts: defaultdict[uuid.UUID, list[ReceiptRow]] = field(default_factory=lambda: defaultdict(list))
    values: dict[uuid.UUID, list[ValueRow]] = field(default_factory=dict)
    holds: defaultdict[uuid.UUID, list[HoldRow]] = field(default_factory=lambda: defaultdict(list))
    organizations: defaultdict[uuid.UUID, set[uuid.UUID]] = field(default_factory=lambda: defaultdict(set))
    # (subject, submission, organisation) of every submission of the batch linked to an organisation
    linked: list[tuple[uuid.UUID, int, uuid.UUID]] = field(default_factory=list)


def _load(ctx: SweepContext, subject_ids: Sequence[uuid.UUID]) -> BatchRows:
    """The batch's rows in a few set-based queries. Values are read one by one only where a plan needs
    them (a subject that lives on, or a held one); a subject destroyed whole loses all of them anyway.
    """
    rows = BatchRows()
    for values in Engagement.objects.filter(subject_id__in=subject_ids).values_list(*ENGAGEMENT_FIELDS):
        engagement = EngagementRow(*values)
        engagement = ctx.overrides.get(engagement.id, engagement)
        rows.engagements[engagement.subject_id].append(engagement)
    receipt_fields = ("id", "subject_id", "purpose", "event", "recorded_at", "submission_id", "policy_version_id")
    for pk, subject, purpose, event, recorded_at, submission, version in ConsentReceipt.objects.filter(
        subject_id__in=subject_ids
    ).values_list(*receipt_fields):
        rows.receipts[subject].append(ReceiptRow(pk, purpose, event, recorded_at, submission, version))
    for hold in LegalHold.objects.filter(subject_id__in=subject_ids, released_at__isnull=True).order_by("id"):
        rows.holds[hold.subject_id].append(
            HoldRow(hold.pk, hold.rule, hold.law, Period.parse(hold.period), tuple(hold.items or ()))
        )
    detailed = [
        subject
        for subject in subject_ids
        if rows.holds[subject] or not destroys_whole(rows.engagements[subject], rows.receipts[subject], ctx.as_of)
    ]
    rows.values = {subject: [] for subject in detailed}
    if detailed:
        for pk, submission, item, subject in SubmissionValue.objects.filter(
            submission__subject_id__in=detailed
        ).values_list("id", "submission_id", "item", "submission__subject_id"):
            rows.values[subject].append(ValueRow(pk, submission, item))
    for subject, submission, organization in Submission.objects.filter(
        subject_id__in=subject_ids, organization_id__isnull=False
    ).values_list("subject_id", "id", "organization_id"):
        if organization is not None:
            rows.organizations[subject].add(organization)
            rows.linked.append((subject, submission, organization))
    return rows


def _organization_links_going(ctx: SweepContext, plans: Sequence[SubjectPlan], rows: BatchRows) -> dict[int, uuid.UUID]:
    """Submissions of subjects that live on whose organisation value (a company name) is destroyed.

    The organisation record carries that value too, so the submission lets go of it; the record is
    then destroyed unless another submission still holds it (:func:`_destroy_orphan_organizations`).
    """
    codes = ctx.book.organization_items()
    destroyed = {
        value.submission_id
        for plan in plans
        if not plan.destroy_subject
        for value, _ in plan.values
        if value.item in codes
    }
    return {submission: org for _, submission, org in rows.linked if submission in destroyed}


def _plans(ctx: SweepContext, subject_ids: Iterable[uuid.UUID], rows: BatchRows) -> list[SubjectPlan]:
    plans = []
    for subject_id in subject_ids:
        plan = plan_subject(
            subject_id=subject_id,
            engagements=rows.engagements[subject_id],
            receipts=rows.receipts[subject_id],
            values=rows.values.get(subject_id),
            holds=rows.holds[subject_id],
            book=ctx.book,
            as_of=ctx.as_of,
        )
        if plan is not None:
            plans.append(plan)
    return plans


Group = tuple[str, str]  # (purpose, reason) of a subject destroyed whole


def _whole_groups(plans: Sequence[SubjectPlan]) -> dict[Group, list[uuid.UUID]]:
    groups: dict[Group, list[uuid.UUID]] = defaultdict(list)
    for plan in plans:
        if plan.destroy_subject:
            groups[(plan.attribution.purpose, plan.attribution.reason.value)].append(plan.subject_id)
    return groups


# --- the batch ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOutcome:
    plans: list[SubjectPlan]
    whole_items: dict[Group, int] = field(default_factory=dict)
    organizations: int = 0
    register_entries: int = 0


def subject_batch_plan(ctx: SweepContext, subject_ids: Sequence[uuid.UUID]) -> BatchOutcome:
    """Dry run: what the batch would do, read without locks; nothing is written. Counts it at once."""
    fresh = [s for s in dict.fromkeys(subject_ids) if s not in ctx.seen]
    ctx.seen.update(fresh)
    live = list(Subject.objects.filter(id__in=fresh, destroyed_at__isnull=True).values_list("id", flat=True))
    rows = _load(ctx, live)
    plans = _plans(ctx, live, rows)
    items = {
        group: SubmissionValue.objects.filter(submission__subject_id__in=members).count()
        for group, members in _whole_groups(plans).items()
    }
    outcome = BatchOutcome(plans, items)
    _tally(ctx, outcome)
    _tally_organizations_dry(ctx, plans, rows)
    return outcome


def subject_batch_run(ctx: SweepContext, subject_ids: Sequence[uuid.UUID]) -> BatchOutcome:
    """Destroy and archive what is due of these subjects; call inside ``transaction.atomic()``.

    The caller counts the outcome (:func:`batch_tally`) only once the transaction has committed.
    """
    claimed = _lock_and_claim(ctx, list(dict.fromkeys(subject_ids)))
    if not claimed:
        return BatchOutcome([])
    rows = _load(ctx, list(claimed))
    plans = _plans(ctx, claimed, rows)
    if not plans:
        return BatchOutcome([])
    batch = uuid.uuid4().hex
    now = clock.now()
    _archive(plans, claimed, now)
    partial = [plan for plan in plans if not plan.destroy_subject]
    _destroy_values(partial)
    unlinked = _organization_links_going(ctx, partial, rows)
    if unlinked:
        Submission.objects.filter(id__in=list(unlinked)).update(organization=None)
    _mark_done(partial, now)
    whole_items, organizations = _destroy_subjects(plans, claimed, rows, now)
    organizations += _destroy_orphan_organizations(set(unlinked.values()) - set(organizations))
    outcome = BatchOutcome(plans, whole_items, len(organizations))
    entries = _register(ctx, batch, outcome, now)
    DestructionRecord.objects.bulk_create(entries)
    _audit(ctx, batch, plans, organizations, now)
    return dataclasses.replace(outcome, register_entries=len(entries))


def batch_tally(ctx: SweepContext, outcome: BatchOutcome) -> None:
    _tally(ctx, outcome)
    ctx.result.organizations_destroyed += outcome.organizations
    ctx.result.register_entries += outcome.register_entries
    ctx.result.batches += int(bool(outcome.plans))


def _archive(plans: Sequence[SubjectPlan], claimed: dict[uuid.UUID, uuid.UUID], now: dt.datetime) -> None:
    """Copy held values to the archive database and commit there, before anything live is deleted."""
    copies = [(plan.subject_id, copy) for plan in plans for copy in plan.archive]
    if not copies:
        return
    sealed = dict(SubmissionValue.objects.filter(id__in={c.value.id for _, c in copies}).values_list("id", "sealed"))
    keys = {key.pk: key for key in DataKey.objects.filter(id__in={claimed[s] for s, _ in copies})}
    records = []
    for subject_id, copy in copies:
        key = keys[claimed[subject_id]]
        plain = unseal(key, bytes(sealed[copy.value.id]), context=value_context(copy.value.submission_id, copy.value.item))
        records.append(_archived_record(subject_id, copy, plain, now))
    archived_records_store(records=records)


def _archived_record(subject_id: uuid.UUID, copy: ArchiveCopy, plain: str, now: dt.datetime) -> ArchivedRecord:
    wrapped = archive_data_key_create()
    return ArchivedRecord(
        key=copy.key,
        hold_id=copy.hold.id,
        rule=copy.hold.rule,
        law=copy.hold.law,
        subject_id=subject_id,
        purpose=copy.attribution.purpose,
        item=copy.value.item,
        sealed=archive_seal(plain, context=f"archive:{copy.key}", wrapped_key=wrapped),
        wrapped_key=wrapped,
        origin_ended_at=copy.attribution.ended_at,
        archived_at=now,
        expires_at=copy.expires_at,
        law_expires_at=copy.expires_at,
    )


def _destroy_values(partial: Sequence[SubjectPlan]) -> None:
    ids = [value.id for plan in partial for value, _ in plan.values]
    if ids:
        SubmissionValue.objects.filter(id__in=ids).delete()


def _mark_done(partial: Sequence[SubjectPlan], now: dt.datetime) -> None:
    """The engagement-level claim: only one sweep can turn these from not processed to processed."""
    ids = [pk for plan in partial for pk in plan.done_engagement_ids]
    if not ids:
        return
    updated = Engagement.objects.filter(id__in=ids, retention_done_at__isnull=True).update(retention_done_at=now)
    if updated != len(ids):
        raise BatchConflict(f"{len(ids) - updated} engagement(s) of this batch were processed by another sweep")


def _destroy_subjects(
    plans: Sequence[SubjectPlan], claimed: dict[uuid.UUID, uuid.UUID], rows: BatchRows, now: dt.datetime
) -> tuple[dict[Group, int], list[uuid.UUID]]:
    """Crypto-erase and delete whole subjects; the tombstone keeps the pseudonymous id.

    Returns the values deleted per (purpose, reason) and the organisations destroyed with them.
    """
    groups = _whole_groups(plans)
    full = [subject for members in groups.values() for subject in members]
    if not full:
        return {}, []
    # Receipts stay (append-only, pseudonymous): only their link to the deleted submission and the
    # web consent's sealed IP and user agent go. The model's manager refuses updates by design.
    ConsentReceipt._base_manager.filter(subject_id__in=full).update(submission=None, ip_sealed=None, user_agent="")
    Engagement.objects.filter(subject_id__in=full).update(
        submission=None, retention_done_at=Coalesce(F("retention_done_at"), Value(now, output_field=DateTimeField()))
    )
    items = {
        group: SubmissionValue.objects.filter(submission__subject_id__in=members).delete()[0]
        for group, members in groups.items()
    }
    # Nothing points at these submissions any more (values deleted, receipts and engagements unlinked
    # above), so they go in one DELETE instead of Django's collector loading every row first.
    submissions = Submission.objects.filter(subject_id__in=full)
    submissions._raw_delete(submissions.db)
    SubjectIndex.objects.filter(subject_id__in=full).delete()
    data_keys_destroy([claimed[subject] for subject in full])
    Subject.objects.filter(id__in=full).update(destroyed_at=now)
    candidates = {org for subject in full for org in rows.organizations.get(subject, ())}
    return items, _destroy_orphan_organizations(candidates)


def _destroy_orphan_organizations(candidates: set[uuid.UUID]) -> list[uuid.UUID]:
    """Organisations no submission points at any more are destroyed too (they are personal data)."""
    if not candidates:
        return []
    referenced = Submission.objects.filter(organization_id=OuterRef("pk"))
    queryset = Organization.objects.filter(id__in=candidates).filter(~Exists(referenced))
    if connection.features.has_select_for_update:
        queryset = queryset.select_for_update()
    orphans = list(queryset.values_list("id", "data_key_id"))
    if not orphans:
        return []
    key_ids = [key for _, key in orphans]
    Organization.objects.filter(id__in=[org for org, _ in orphans]).delete()
    data_keys_destroy(key_ids)
    DataKey.objects.filter(id__in=key_ids).delete()
    return [org for org, _ in orphans]


# --- register, audit, counts -------------------------------------------------------------------


def _register(ctx: SweepContext, batch: str, outcome: BatchOutcome, now: dt.datetime) -> list[DestructionRecord]:
    """One register entry per category, purpose and reason of this batch."""
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    partial_subjects: dict[tuple[str, str, str], set[uuid.UUID]] = defaultdict(set)
    for plan in outcome.plans:
        archived = plan.archived_value_ids
        if plan.destroy_subject:
            counts = groups[(DestructionCategory.SUBJECT.value, plan.attribution.purpose, plan.attribution.reason.value)]
            counts[0] += 1
            counts[2] += len(archived)
            continue
        for value, attribution in plan.values:
            key = (DestructionCategory.ITEMS.value, attribution.purpose, attribution.reason.value)
            partial_subjects[key].add(plan.subject_id)
            groups[key][1] += 1
            groups[key][2] += int(value.id in archived)
    for (purpose, reason), items in outcome.whole_items.items():
        groups[(DestructionCategory.SUBJECT.value, purpose, reason)][1] = items
    for key, subjects in partial_subjects.items():
        groups[key][0] = len(subjects)
    if outcome.organizations:
        groups[(DestructionCategory.ORGANIZATION.value, "", DestructionReason.ORPHANED.value)] = [0, outcome.organizations, 0]
    return [
        DestructionRecord(
            key=f"{batch}:{category}:{purpose}:{reason}",
            batch=batch,
            category=category,
            purpose=purpose,
            reason=reason,
            description=_describe(category, purpose),
            subjects=subjects,
            items=items,
            archived=archived,
            method=DestructionMethod.CRYPTO_ERASE_DELETE,
            destroyed_at=now,
            approved_by=ctx.approved_by,
            recorded_by=ctx.approved_by,
            recorded_at=now,
        )
        for (category, purpose, reason), (subjects, items, archived) in sorted(groups.items())
    ]


def _describe(category: str, purpose: str) -> str:
    if category == DestructionCategory.SUBJECT:
        return f"{purpose}: data key crypto-erased; values, submissions and blind indexes deleted"
    if category == DestructionCategory.ITEMS:
        return f"{purpose}: values no live purpose needs deleted"
    return "organisation name crypto-erased and deleted"


def _audit_entry(batch: str, plan: SubjectPlan) -> AuditEntry:
    detail: dict[str, object] = {
        "batch": batch,
        "purpose": plan.attribution.purpose,
        "reason": plan.attribution.reason.value,
        "archived": len(plan.archived_value_ids),
    }
    if plan.destroy_subject:
        return AuditEntry(subject_id=plan.subject_id, target="subject", detail=detail)
    detail["items"] = sorted({value.item for value, _ in plan.values})
    detail["values"] = len(plan.values)
    engagements = ",".join(map(str, plan.done_engagement_ids))[:180]
    return AuditEntry(subject_id=plan.subject_id, target=f"engagements:{engagements}", detail=detail)


def _audit(
    ctx: SweepContext, batch: str, plans: Sequence[SubjectPlan], organizations: Sequence[uuid.UUID], now: dt.datetime
) -> None:
    destroyed = [_audit_entry(batch, plan) for plan in plans]
    destroyed += [AuditEntry(target=f"organization:{org}", detail={"batch": batch}) for org in organizations]
    audit_record_many(actor=ctx.actor, action=AuditAction.DESTROY, entries=destroyed, as_of=now)
    archived = [
        AuditEntry(
            subject_id=plan.subject_id,
            target="archive",
            detail={
                "batch": batch,
                "rules": sorted({copy.hold.rule for copy in plan.archive}),
                "items": sorted({copy.value.item for copy in plan.archive}),
            },
        )
        for plan in plans
        if plan.archive
    ]
    if archived:
        audit_record_many(actor=ctx.actor, action=AuditAction.ARCHIVE, entries=archived, as_of=now)


def _tally(ctx: SweepContext, outcome: BatchOutcome) -> None:
    result = ctx.result
    for plan in outcome.plans:
        archived = plan.archived_value_ids
        if plan.destroy_subject:
            result.destroyed_subjects += 1
            result.by_purpose[plan.attribution.purpose][plan.attribution.reason.value].add(
                subjects=1, archived=len(archived)
            )
        elif plan.values:
            result.partially_destroyed_subjects += 1
            result.destroyed_items += len(plan.values)
            seen: set[tuple[str, str]] = set()
            for value, attribution in plan.values:
                group = (attribution.purpose, attribution.reason.value)
                result.by_purpose[group[0]][group[1]].add(
                    subjects=int(group not in seen), items=1, archived=int(value.id in archived)
                )
                seen.add(group)
        if plan.archive:
            result.archived_subjects += 1
            result.archived_items += len(plan.archive)
            for copy in plan.archive:
                result.by_rule[copy.hold.rule]["archived"].add(items=1)
    for (purpose, reason), items in outcome.whole_items.items():
        result.destroyed_items += items
        result.by_purpose[purpose][reason].add(items=items)


def _tally_organizations_dry(ctx: SweepContext, plans: Sequence[SubjectPlan], rows: BatchRows) -> None:
    """Dry run: organisations whose every submission this run would destroy or unlink from them."""
    destroyed = {plan.subject_id for plan in plans if plan.destroy_subject}
    going = {submission for subject, submission, _ in rows.linked if subject in destroyed}
    going |= set(_organization_links_going(ctx, plans, rows))
    candidates = {org for _, submission, org in rows.linked if submission in going}
    if not candidates:
        return
    owners: dict[uuid.UUID, set[int]] = defaultdict(set)
    for org, submission in Submission.objects.filter(organization_id__in=candidates).values_list(
        "organization_id", "id"
    ):
        if org is not None:
            owners[org].add(submission)
    for org in candidates:
        ctx.org_submissions_gone.setdefault(org, set()).update(going & owners[org])
        if org not in ctx.orgs_counted and owners[org] <= ctx.org_submissions_gone[org]:
            ctx.orgs_counted.add(org)
            ctx.result.organizations_destroyed += 1
