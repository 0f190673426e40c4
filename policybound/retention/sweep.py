"""The retention sweep: every record dies on the day the policy says, and nothing a day early.

What the sweep never destroys: consent receipts (append-only; after destruction they keep only the
pseudonymous subject id), audit rows younger than the access-log retention, published policy versions,
and the destruction register itself. What it can never undo: a destroyed data key makes every value
sealed under it unreadable, in the database and in every backup.

One run, in order (each step in batches, one transaction each; any number of runs may overlap):

1. engagements whose purpose has a maximum lifetime and that reached it are ended (``max_lifetime``),
   and open engagements whose period counted from collection ran out are ended at their deadline
   (``period_ended``: the consent behind them keeps nothing past the period it announced);
2. subjects with a due engagement are planned (:mod:`policybound.retention.planning`) and processed
   (:mod:`policybound.retention.batches`): held items copied to the archive first, then whole subjects
   crypto-erased and deleted, or the items nothing live needs deleted;
3. legal holds released since the last run make their archive copies due; archive copies whose law's
   period ended are crypto-erased and deleted, and the archive's log is posted to the register;
4. access-log rows older than ``POLICYBOUND_ACCESS_LOG_RETENTION_DAYS`` are destroyed (the chain keeps
   an anchor, so it still verifies), and permission-change rows past their retention (the console's
   ``permission_changes_purge``), each with a register entry.

``dry_run`` reads the same rows and plans with the same functions, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from policybound.archive.models import ArchivedRecord
from policybound.archive.services import (
    archive_expire_batch,
    archive_expired,
    archive_hold_release,
    archive_log_post,
    group_expired,
)
from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.audit.services import audit_truncate_before
from policybound.collection.models import Engagement
from policybound.lib import clock
from policybound.retention.batches import (
    BatchConflict,
    SweepContext,
    batch_tally,
    due_candidates,
    subject_batch_plan,
    subject_batch_run,
)
from policybound.retention.lifetime import Versions, max_lifetime_end, period_end
from policybound.retention.models import (
    DestructionCategory,
    DestructionMethod,
    DestructionReason,
    DestructionRecord,
    LegalHold,
    SweepRun,
)
from policybound.retention.planning import MAX_LIFETIME_EVENT, PolicyBook
from policybound.retention.results import ExpiredTally, SweepResult

SWEEP_JOB = "retention sweep"
DEFAULT_BATCH_SIZE = 500
BATCH_ATTEMPTS = 5

Progress = Callable[[str, int, int], None]


def worker_name() -> str:
    """This process's name in claims: host, pid and a random suffix (unique per run)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def retention_sweep(
    *,
    as_of: dt.datetime | None = None,
    dry_run: bool = False,
    actor: Actor | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    worker: str | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Destroy and archive everything due as of ``as_of`` (default: now); see the module docstring.

    ``actor`` is who approves: the scheduled job (``Actor.system("retention sweep")``, the default) or
    a named staff member; it is written into every register entry and audit row of the run.
    """
    as_of = as_of or clock.now()
    actor = actor or Actor.system(SWEEP_JOB)
    versions = Versions.load()
    current_id = versions.in_force(as_of)
    current = versions.policies.get(current_id) if current_id is not None else None
    ctx = SweepContext(
        as_of=as_of,
        dry_run=dry_run,
        actor=actor,
        approved_by=f"{actor.kind}:{actor.label}"[:200],
        worker=(worker or worker_name())[:100],
        # Wall time, not clock.now(): a claim left by a killed run must be older than this floor even
        # when every run sees the same frozen or back-dated clock.
        claim_floor=timezone.now(),
        book=PolicyBook(versions.policies, current),
        result=SweepResult(as_of=as_of, dry_run=dry_run),
    )
    run = None if dry_run else SweepRun.objects.create(worker=ctx.worker, as_of=as_of, started_at=clock.now())
    report = progress or (lambda phase, done, total: None)
    try:
        if current is not None:
            max_lifetime_end(ctx, current=current, versions=versions, batch_size=batch_size)
        period_end(ctx, versions=versions, batch_size=batch_size)
        _subjects(ctx, batch_size, report)
        _archive(ctx, batch_size, report)
        _access_log(ctx)
        _permission_log(ctx)
    except BaseException as error:
        if run is not None:
            SweepRun.objects.filter(pk=run.pk).update(error=type(error).__name__[:500])
        raise
    if run is not None:
        SweepRun.objects.filter(pk=run.pk).update(finished_at=clock.now(), counts=ctx.result.as_dict())
    return ctx.result


# --- subjects ----------------------------------------------------------------------------------


def _due_total(ctx: SweepContext) -> int:
    queryset = Engagement.objects.filter(retention_done_at__isnull=True, deadline__isnull=False, deadline__lte=ctx.as_of)
    virtual = sum(1 for row in ctx.overrides.values() if row.is_due(ctx.as_of) and row.end_event == MAX_LIFETIME_EVENT)
    return queryset.count() + virtual


def _subjects(ctx: SweepContext, batch_size: int, report: Progress) -> None:
    total, done = _due_total(ctx), 0
    report("subjects", 0, total)
    after: tuple[dt.datetime, int] | None = None
    while True:
        rows = due_candidates(as_of=ctx.as_of, after=after, limit=batch_size)
        if not rows:
            break
        after = (rows[-1][0], rows[-1][1])
        _batch(ctx, [subject for _, _, subject in rows])
        done += len(rows)
        report("subjects", done, total)
    if ctx.dry_run:  # engagements the dry run pretended to end by their maximum lifetime
        virtual = [
            row.subject_id for row in ctx.overrides.values() if row.is_due(ctx.as_of) and row.end_event == MAX_LIFETIME_EVENT
        ]
        for start in range(0, len(virtual), batch_size):
            subject_batch_plan(ctx, virtual[start : start + batch_size])
            done = min(total, done + batch_size)
            report("subjects", done, total)


def _batch(ctx: SweepContext, subject_ids: Sequence[uuid.UUID]) -> None:
    if ctx.dry_run:
        subject_batch_plan(ctx, subject_ids)
        return
    for attempt in range(1, BATCH_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                outcome = subject_batch_run(ctx, subject_ids)
        except BatchConflict:
            continue  # another worker took part of it meanwhile: plan again from what is left
        except OperationalError as error:
            # SQLite: another process held the write lock past the timeout. Retrying is safe: the
            # batch rolled back, and its archive copies, if any, are found by key.
            if connection.vendor != "sqlite" or "locked" not in str(error) or attempt == BATCH_ATTEMPTS:
                raise
            continue
        batch_tally(ctx, outcome)
        return


# --- the archive database ----------------------------------------------------------------------


def _archive(ctx: SweepContext, batch_size: int, report: Progress) -> None:
    pending = list(
        LegalHold.objects.filter(released_at__isnull=False, archive_released_at__isnull=True).values_list(
            "id", "released_at"
        )
    )
    if not ctx.dry_run:
        for hold_id, released_at in pending:
            assert released_at is not None
            archive_hold_release(hold_id=hold_id, released_at=released_at)
            LegalHold.objects.filter(pk=hold_id).update(archive_released_at=clock.now())
    ctx.result.holds_released_to_archive += len(pending)
    if ctx.dry_run:
        _archive_dry(ctx, batch_size, {hold_id for hold_id, _ in pending})
    else:
        while groups := archive_expire_batch(as_of=ctx.as_of, batch_size=batch_size, approved_by=ctx.approved_by):
            _count_expired(ctx, [ExpiredTally(g.rule, g.subjects, g.items) for g in groups])
            report("archive", ctx.result.archive_destroyed, ctx.result.archive_destroyed)
    if not ctx.dry_run:
        ctx.result.register_entries += archive_log_post(actor=ctx.actor)


def _archive_dry(ctx: SweepContext, batch_size: int, released: set[int]) -> None:
    after: tuple[dt.datetime, int] | None = None
    while rows := archive_expired(as_of=ctx.as_of, batch_size=batch_size, after=after):
        after = (rows[-1]["expires_at"], rows[-1]["id"])
        _count_expired(ctx, [ExpiredTally(g.rule, g.subjects, g.items) for g in group_expired(rows)])
    if released:  # copies a release would make due now (counted without writing the release)
        early = ArchivedRecord.objects.filter(hold_id__in=released, expires_at__gt=ctx.as_of)
        for row in early.values("rule").annotate(items=Count("id")).order_by("rule"):
            _count_expired(ctx, [ExpiredTally(row["rule"], 0, row["items"])])


def _count_expired(ctx: SweepContext, tallies: Sequence[ExpiredTally]) -> None:
    for tally in tallies:
        ctx.result.archive_destroyed += tally.items
        ctx.result.by_rule[tally.rule]["destroyed"].add(subjects=tally.subjects, items=tally.items)


# --- the access log ----------------------------------------------------------------------------


def _access_log(ctx: SweepContext) -> None:
    days: int = settings.POLICYBOUND_ACCESS_LOG_RETENTION_DAYS
    before = ctx.as_of - dt.timedelta(days=days)
    if ctx.dry_run:
        ctx.result.access_log_destroyed += AuditEvent.objects.filter(at__lt=before).count()
        return
    ctx.result.access_log_destroyed += _log_destroy_registered(
        ctx,
        lambda: audit_truncate_before(before=before, actor=ctx.actor),
        key="access-log",
        category=DestructionCategory.ACCESS_LOG,
        reason=DestructionReason.ACCESS_LOG_RETENTION,
        description=f"access log (접속기록) rows older than {days} days; the chain keeps an anchor",
    )


def _permission_log(ctx: SweepContext) -> None:
    """The permission-change log (권한 변경 기록, kept 3+ years): the console purges it, we register it."""
    from policybound.console.selectors import permission_changes_expired
    from policybound.console.services import permission_changes_purge

    if ctx.dry_run:
        ctx.result.permission_log_destroyed += permission_changes_expired(as_of=ctx.as_of).count()
        return
    ctx.result.permission_log_destroyed += _log_destroy_registered(
        ctx,
        lambda: permission_changes_purge(actor=ctx.actor, as_of=ctx.as_of),
        key="permission-log",
        category=DestructionCategory.PERMISSION_LOG,
        reason=DestructionReason.PERMISSION_LOG_RETENTION,
        description="permission-change log rows past their retention",
    )


def _log_destroy_registered(
    ctx: SweepContext,
    destroy: Callable[[], int],
    *,
    key: str,
    category: DestructionCategory,
    reason: DestructionReason,
    description: str,
) -> int:
    """Run ``destroy`` (it deletes log rows and returns how many) and, if it deleted any, write their
    register entry in the same transaction, so rows never go without one. Returns the count."""
    with transaction.atomic():
        destroyed = destroy()
        if not destroyed:
            return 0
        now = clock.now()
        DestructionRecord.objects.create(
            key=f"{key}:{uuid.uuid4().hex}",
            batch=uuid.uuid4().hex,
            category=category,
            reason=reason,
            description=description,
            items=destroyed,
            method=DestructionMethod.DELETE,
            destroyed_at=now,
            approved_by=ctx.approved_by,
            recorded_by=ctx.approved_by,
            recorded_at=now,
        )
    ctx.result.register_entries += 1
    return destroyed
