"""What is due for one subject, decided without touching the database (pure functions).

The sweep loads the rows of a batch of subjects with a handful of set-based queries, hands them to
:func:`plan_subject` one subject at a time, and executes the plans with a handful more. Keeping the
decision here, apart from the I/O, is what lets the dry run and the real sweep agree exactly, and lets
the rules be read in one place:

1. An engagement is *due* once its ``deadline`` (its end plus the purpose's retention period, or the
   moment of a withdrawal) has passed and the sweep has not yet processed it; it is *live* while it has
   no deadline or its deadline lies ahead.
2. A consent still in force (the latest given/withdrawn/refused receipt of a purpose is ``given``, and
   no engagement of that purpose ended since) needs the items of its purpose, like a live engagement.
3. A subject with no live engagement and no consent in force is destroyed whole. Otherwise only the
   values of the due engagements' submissions that nothing live needs are destroyed, and the subject
   lives on.
4. A value covered by an active legal hold is first copied to the archive, unless the law's period
   (counted from the end of the service the value belonged to) is already over.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from policybound.policy.periods import Period
from policybound.policy.schema import ItemKind, Policy
from policybound.retention.models import DestructionReason

# End events the sweep itself records (system vocabulary, never a policy's): a purpose's maximum
# lifetime reached, and a period counted from collection run out while the engagement was open.
MAX_LIFETIME_EVENT = "max_lifetime"
PERIOD_END_EVENT = "period_ended"
ERASURE_EVENT = "erasure_request"  # the person asked for deletion (retention.erasure)
IN_FORCE = "given"
DECISIONS = ("given", "refused", "withdrawn")  # "confirmed" only confirms a given consent


@dataclass(frozen=True)
class EngagementRow:
    id: int
    subject_id: uuid.UUID
    purpose: str
    submission_id: int | None
    policy_version_id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    end_event: str
    deadline: dt.datetime | None
    retention_done_at: dt.datetime | None
    ended_by_withdrawal: bool = False

    def is_due(self, as_of: dt.datetime) -> bool:
        return self.retention_done_at is None and self.deadline is not None and self.deadline <= as_of

    def is_live(self, as_of: dt.datetime) -> bool:
        return self.deadline is None or self.deadline > as_of

    @property
    def reason(self) -> DestructionReason:
        if self.ended_by_withdrawal:
            return DestructionReason.WITHDRAWAL
        if self.end_event == MAX_LIFETIME_EVENT:
            return DestructionReason.MAX_LIFETIME
        if self.end_event == ERASURE_EVENT:
            return DestructionReason.ERASURE_REQUEST
        return DestructionReason.PURPOSE_RETENTION


@dataclass(frozen=True)
class ReceiptRow:
    id: int
    purpose: str
    event: str
    recorded_at: dt.datetime
    submission_id: int | None
    policy_version_id: int


@dataclass(frozen=True)
class ValueRow:
    id: int
    submission_id: int
    item: str


@dataclass(frozen=True)
class HoldRow:
    id: int
    rule: str
    law: str
    period: Period
    items: tuple[str, ...]

    def covers(self, item: str) -> bool:
        return not self.items or item in self.items


@dataclass(frozen=True)
class Attribution:
    """Why a value is due: the purpose of the engagement whose deadline made it due, and the rule."""

    purpose: str
    reason: DestructionReason
    ended_at: dt.datetime


@dataclass(frozen=True)
class ArchiveCopy:
    value: ValueRow
    hold: HoldRow
    attribution: Attribution
    expires_at: dt.datetime

    @property
    def key(self) -> str:
        return f"{self.hold.id}:{self.value.id}"


@dataclass
class SubjectPlan:
    subject_id: uuid.UUID
    destroy_subject: bool
    attribution: Attribution
    done_engagement_ids: list[int]
    values: list[tuple[ValueRow, Attribution]] = field(default_factory=list)
    archive: list[ArchiveCopy] = field(default_factory=list)

    @property
    def archived_value_ids(self) -> set[int]:
        return {copy.value.id for copy in self.archive}


class PolicyBook:
    """The published policies by version id, to answer "which items does this purpose use"."""

    def __init__(self, policies: Mapping[int, Policy], current: Policy | None) -> None:
        self._policies = policies
        self._current = current
        self._items: dict[tuple[int, str], frozenset[str] | None] = {}

    def organization_items(self) -> frozenset[str]:
        """The item codes of kind ``organization`` in any version: a value of one links an Organization."""
        policies = [*self._policies.values(), *([self._current] if self._current else [])]
        return frozenset(item.code for policy in policies for item in policy.items if item.kind == ItemKind.ORGANIZATION)

    def purpose_items(self, version_id: int, purpose: str) -> frozenset[str] | None:
        """The item codes ``purpose`` collects under that version; ``None`` (everything) if unknown."""
        cached = (version_id, purpose)
        if cached not in self._items:
            found = None
            for policy in (self._policies.get(version_id), self._current):
                described = next((p for p in policy.purposes if p.code == purpose), None) if policy else None
                if described is not None:
                    found = frozenset(described.items) | frozenset(described.optional_items)
                    break
            self._items[cached] = found
        return self._items[cached]


def consents_in_force(receipts: Sequence[ReceiptRow], engagements: Sequence[EngagementRow]) -> list[ReceiptRow]:
    """The subject's consents still in force: per purpose the latest decision, if ``given`` and unspent.

    A consent is spent once an engagement of its purpose ends after it was given (the purpose was
    achieved); a withdrawal or refusal after it ends it.
    """
    latest: dict[str, ReceiptRow] = {}
    for receipt in sorted(receipts, key=lambda r: (r.recorded_at, r.id)):
        if receipt.event in DECISIONS:
            latest[receipt.purpose] = receipt
    standing = []
    for purpose, receipt in latest.items():
        if receipt.event != IN_FORCE:
            continue
        spent = any(
            e.purpose == purpose and e.ended_at is not None and e.ended_at >= receipt.recorded_at for e in engagements
        )
        if not spent:
            standing.append(receipt)
    return standing


def _deciding(engagements: Iterable[EngagementRow]) -> EngagementRow | None:
    """The engagement whose deadline came last: the one that made the records due."""
    candidates = [e for e in engagements if e.deadline is not None]
    if not candidates:
        return None
    return max(candidates, key=lambda e: (e.deadline, e.id))


def _attribution(engagement: EngagementRow) -> Attribution:
    return Attribution(
        purpose=engagement.purpose,
        reason=engagement.reason,
        ended_at=engagement.ended_at or engagement.deadline or engagement.started_at,
    )


class _Needs:
    """Which (submission, item) pairs something live still needs; ``None`` as submission: any."""

    def __init__(self) -> None:
        self.pairs: set[tuple[int | None, str]] = set()
        self.everything_of: set[int | None] = set()

    def add(self, submission_id: int | None, items: frozenset[str] | None) -> None:
        if items is None:
            self.everything_of.add(submission_id)
        else:
            self.pairs.update((submission_id, item) for item in items)

    def cover(self, value: ValueRow) -> bool:
        return (
            value.submission_id in self.everything_of
            or None in self.everything_of
            or (value.submission_id, value.item) in self.pairs
            or (None, value.item) in self.pairs
        )


def destroys_whole(engagements: Sequence[EngagementRow], receipts: Sequence[ReceiptRow], as_of: dt.datetime) -> bool:
    """Whether the subject is due whole: something is due, nothing is live, no consent is in force."""
    return (
        any(e.is_due(as_of) for e in engagements)
        and not any(e.is_live(as_of) for e in engagements)
        and not consents_in_force(receipts, engagements)
    )


def plan_subject(
    *,
    subject_id: uuid.UUID,
    engagements: Sequence[EngagementRow],
    receipts: Sequence[ReceiptRow],
    values: Sequence[ValueRow] | None,
    holds: Sequence[HoldRow],
    book: PolicyBook,
    as_of: dt.datetime,
) -> SubjectPlan | None:
    """What to destroy and archive of one subject as of ``as_of``; ``None`` when nothing is due.

    ``values`` may be ``None`` only for a subject :func:`destroys_whole` and without holds: every value
    goes, none is looked at one by one, and the plan's ``values`` stays empty (the sweep deletes them by
    subject and counts them).
    """
    due = [e for e in engagements if e.is_due(as_of)]
    if not due:
        return None
    live = [e for e in engagements if e.is_live(as_of)]
    standing = consents_in_force(receipts, engagements)
    deciding = _deciding(due)
    assert deciding is not None  # every due engagement has a deadline
    destroy_subject = not live and not standing
    if values is None and not (destroy_subject and not holds):
        raise ValueError("values are needed to plan a subject that lives on or is held")

    needs = _Needs()
    for engagement in live:
        needs.add(engagement.submission_id, book.purpose_items(engagement.policy_version_id, engagement.purpose))
    for receipt in standing:
        needs.add(receipt.submission_id, book.purpose_items(receipt.policy_version_id, receipt.purpose))

    if destroy_subject:
        chosen = list(values or ())
        owners = [e for e in engagements if e.deadline is not None]
    else:
        due_submissions = {e.submission_id for e in due}
        chosen = [v for v in values or () if v.submission_id in due_submissions and not needs.cover(v)]
        owners = due

    subject_attribution = _attribution(deciding)
    plan = SubjectPlan(
        subject_id=subject_id,
        destroy_subject=destroy_subject,
        attribution=subject_attribution,
        done_engagement_ids=[e.id for e in due],
    )
    for value in chosen:
        owner = _deciding(e for e in owners if e.submission_id == value.submission_id)
        attribution = _attribution(owner) if owner is not None else subject_attribution
        plan.values.append((value, attribution))
        for hold in holds:
            if not hold.covers(value.item):
                continue
            expires_at = hold.period.after(attribution.ended_at)
            if expires_at > as_of:
                plan.archive.append(ArchiveCopy(value=value, hold=hold, attribution=attribution, expires_at=expires_at))
    return plan
