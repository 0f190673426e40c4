"""What the working screens show: the inbox of a purpose and a subject's page, masked.

These reads open sealed values (through the vault) only to mask them at once; the plaintext never
leaves this module except through :func:`value_open`, which the reveal and export services call
after recording why. Every function takes the account, so that what a handler sees is cut to the
purposes and items of its role (:mod:`policybound.console.access`) here, not in a template.

Each list runs a fixed number of queries however long it is: engagements with their subject, data
key and submission in one query; values, reply notes and active legal holds prefetched.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from policybound.collection.models import (
    ConsentReceipt,
    Engagement,
    EngagementStatus,
    Submission,
    SubmissionValue,
    value_context,
)
from policybound.console.access import (
    engagement_live,
    items_in_scope,
    items_of_purposes,
    may_work_subject,
    purposes_in_scope,
    subject_live_purposes,
)
from policybound.console.masking import mask
from policybound.console.models import ReplyNote
from policybound.lib import clock
from policybound.policy.periods import Period
from policybound.policy.schema import Item, LegalRetentionRule, Policy, Purpose
from policybound.retention.models import LegalHold
from policybound.retention.selectors import legal_holds_for_subject
from policybound.subjects.models import Subject
from policybound.vault.services import unseal

PAGE_SIZE = 50
COUNT_CAP = 10_000  # the inbox counts open engagements up to here, then says "10,000+"
LIVE = (EngagementStatus.PENDING, EngagementStatus.ACTIVE)


def value_open(submission: Submission, value: SubmissionValue) -> str:
    """The plaintext of one submitted value; callers record the access first."""
    return unseal(submission.subject.data_key, bytes(value.sealed), context=value_context(submission.pk, value.item))


@dataclass(frozen=True)
class ShownValue:
    """One value as a screen shows it: masked, with what is needed to ask for the full value."""

    item: Item
    masked: str
    submission_id: int


def _shown(submission: Submission | None, items: list[Item]) -> list[ShownValue]:
    if submission is None:
        return []
    by_code = {value.item: value for value in submission.values.all()}
    shown = []
    for item in items:
        value = by_code.get(item.code)
        if value is not None:
            masked = mask(item.kind, value_open(submission, value))
            shown.append(ShownValue(item=item, masked=masked, submission_id=submission.pk))
    return shown


def _values_prefetch(items: Iterable[Item], prefix: str = "") -> Prefetch[Any]:
    codes = [item.code for item in items]
    return Prefetch(prefix + "values", queryset=SubmissionValue.objects.filter(item__in=codes).order_by("item"))


def _purpose_items(purpose: Purpose, visible: list[Item]) -> list[Item]:
    codes = set(purpose.items) | set(purpose.optional_items)
    return [item for item in visible if item.code in codes]


def open_until(engagement: Engagement, purpose: Purpose | None) -> dt.datetime | None:
    """When an open engagement ends on its own: its start plus the purpose's maximum lifetime."""
    if purpose is None or purpose.retention.max_lifetime is None:
        return None
    return purpose.retention.max_lifetime.after(engagement.started_at)


@dataclass(frozen=True)
class InboxRow:
    engagement: Engagement
    values: list[ShownValue]
    replied_at: dt.datetime | None
    ends_by_itself: dt.datetime | None
    retention: Period | None = None
    held: bool = False


@dataclass(frozen=True)
class InboxPage:
    """One page of an inbox, with what the pager needs.

    ``count`` stops at :data:`COUNT_CAP`: counting every open engagement of a purpose at a million
    subjects would read them all, so past the cap the screen says "10,000+" (``count_capped``) and
    ``num_pages`` is ``None``. Whether there is a next page is known from one row more than a page.
    """

    number: int
    object_list: list[Engagement]
    count: int
    count_capped: bool
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        return None if self.count_capped else max(1, -(-self.count // PAGE_SIZE))


@dataclass(frozen=True)
class Inbox:
    purpose: Purpose
    items: list[Item]
    page: InboxPage
    rows: list[InboxRow]


def inbox_count(purpose_code: str) -> tuple[int, bool]:
    """Open engagements of the purpose, counted up to :data:`COUNT_CAP` (and whether it stopped there).

    ``SELECT count(*) FROM (... LIMIT cap + 1)`` through ``engagement_open``: it reads at most
    ``cap + 1`` index entries however many subjects there are.
    """
    counted = _live(purpose_code).order_by()[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), counted > COUNT_CAP


def inbox_queryset(purpose_code: str) -> QuerySet[Engagement]:
    """The live engagements of a purpose, newest first: the partial index
    ``engagement_open (purpose, started_at, id) WHERE ended_at IS NULL`` read backwards, so a page
    costs its own rows and no engagement is sorted. (A live engagement never has ``ended_at``; the
    ``IS NULL`` term, free of parameters, is what lets SQLite match the partial index.)"""
    return _live(purpose_code).order_by("-started_at", "-id")


def _live(purpose_code: str) -> QuerySet[Engagement]:
    return Engagement.objects.filter(purpose=purpose_code, ended_at__isnull=True, status__in=LIVE)


def _page_number(page_number: int | str) -> int:
    try:
        return max(1, int(page_number))
    except (TypeError, ValueError):
        return 1


def inbox_page(*, user: Any, policy: Policy, purpose_code: str, page_number: int | str = 1) -> Inbox:
    """The open engagements of one purpose, newest first, a page at a time, values masked.

    A page past the end shows the last one. The caller checks
    :func:`~policybound.console.access.may_work_purpose` first.
    """
    purpose = policy.purpose(purpose_code)
    items = _purpose_items(purpose, items_in_scope(user, policy))
    engagements = (
        inbox_queryset(purpose.code)
        .select_related("subject__data_key", "submission__subject__data_key")
        .prefetch_related(
            _values_prefetch(items, prefix="submission__"),
            Prefetch("reply_notes", queryset=ReplyNote.objects.order_by("-noted_at")),
            Prefetch("subject__legal_holds", queryset=LegalHold.objects.filter(released_at__isnull=True)),
        )
    )
    count, capped = inbox_count(purpose.code)
    number = _page_number(page_number)
    found = list(engagements[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    if not found and number > 1:  # past the end: the last page (counted in full only on this odd path)
        total = count if not capped else inbox_queryset(purpose.code).count()
        number = max(1, -(-total // PAGE_SIZE))
        found = list(engagements[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    page = InboxPage(
        number=number, object_list=found[:PAGE_SIZE], count=count, count_capped=capped, has_next=len(found) > PAGE_SIZE
    )
    rows = []
    for engagement in page.object_list:
        notes = list(engagement.reply_notes.all())
        rows.append(
            InboxRow(
                engagement=engagement,
                values=_shown(engagement.submission, items),
                replied_at=notes[0].noted_at if notes else None,
                ends_by_itself=open_until(engagement, purpose),
                retention=purpose.retention.period,
                held=bool(engagement.subject.legal_holds.all()),
            )
        )
    return Inbox(purpose=purpose, items=items, page=page, rows=rows)


def export_rows(*, user: Any, policy: Policy, purpose_code: str) -> tuple[list[Item], list[Engagement]]:
    """Every open engagement of the purpose with the visible items' values prefetched, for CSV."""
    purpose = policy.purpose(purpose_code)
    items = _purpose_items(purpose, items_in_scope(user, policy))
    engagements = list(
        inbox_queryset(purpose.code)
        .select_related("subject__data_key", "submission__subject__data_key")
        .prefetch_related(_values_prefetch(items, prefix="submission__"))
    )
    return items, engagements


@dataclass(frozen=True)
class SubmissionShown:
    submission: Submission
    values: list[ShownValue]


@dataclass(frozen=True)
class SubjectPage:
    subject: Subject
    engagements: list[InboxRow]
    submissions: list[SubmissionShown]
    receipts: list[ConsentReceipt]
    items_shown: list[str]
    destruction: dt.datetime | None
    destruction_open: bool
    holds: list[LegalHold] = field(default_factory=list)
    rules: list[LegalRetentionRule] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return any(hold.active for hold in self.holds)


def subject_visible(*, user: Any, policy: Policy, subject_id: uuid.UUID, as_of: dt.datetime | None = None) -> bool:
    """Whether ``user`` may open the subject's page (:func:`~policybound.console.access.may_work_subject`)."""
    return may_work_subject(user, policy, subject_id, as_of=as_of)


def subject_page(
    *, user: Any, policy: Policy, subject_id: uuid.UUID, as_of: dt.datetime | None = None
) -> SubjectPage | None:
    """A subject's engagements, submissions (masked), consent receipts and destruction date.

    Engagements and receipts (no values) are cut to the role's purposes; submissions and their values
    to those a live engagement of a purpose the role works still uses, each with the items of those
    purposes only. ``None`` when the subject does not exist.
    """
    moment = as_of or clock.now()
    subject = Subject.objects.select_related("data_key").filter(pk=subject_id).first()
    if subject is None:
        return None
    scope = purposes_in_scope(user, policy)
    live = subject_live_purposes(user, policy, subject_id, as_of=moment)
    visible = items_of_purposes(policy, set(live))
    purposes = {purpose.code: purpose for purpose in policy.purposes}
    engagements = list(
        Engagement.objects.filter(subject=subject, purpose__in=scope)
        .prefetch_related(Prefetch("reply_notes", queryset=ReplyNote.objects.order_by("-noted_at")))
        .order_by("-started_at", "-id")
    )
    submissions = list(
        Submission.objects.filter(subject=subject)
        .filter(engagement_live(moment, prefix="engagements__"), engagements__purpose__in=live)
        .distinct()
        .select_related("subject__data_key")
        .prefetch_related(
            _values_prefetch(visible),
            Prefetch(
                "engagements",
                queryset=Engagement.objects.filter(engagement_live(moment), purpose__in=live),
                to_attr="live_engagements",
            ),
        )
        .order_by("-created_at", "-id")
    )
    receipts = list(
        ConsentReceipt.objects.filter(subject=subject, purpose__in=scope)
        .select_related("notice")
        .order_by("-recorded_at", "-id")
    )
    rows = []
    for engagement in engagements:
        notes = list(engagement.reply_notes.all())
        purpose = purposes.get(engagement.purpose)
        rows.append(
            InboxRow(
                engagement=engagement,
                values=[],
                replied_at=notes[0].noted_at if notes else None,
                ends_by_itself=open_until(engagement, purpose) if engagement.status in LIVE else None,
                retention=purpose.retention.period if purpose is not None else None,
            )
        )
    shown = [
        SubmissionShown(
            submission=s,
            values=_shown(s, items_of_purposes(policy, {e.purpose for e in getattr(s, "live_engagements", [])})),
        )
        for s in submissions
    ]
    codes = sorted({value.item.code for entry in shown for value in entry.values})
    # The subject is destroyed when every engagement, in the account's scope or not, has passed its
    # deadline; legal holds (the retention app) may keep items longer, in the archive.
    every = Engagement.objects.filter(subject=subject).aggregate(
        open=Count("id", filter=Q(status__in=LIVE)), last=Max("deadline")
    )
    open_engagements = bool(every["open"])
    return SubjectPage(
        subject=subject,
        engagements=rows,
        submissions=shown,
        receipts=receipts,
        items_shown=codes,
        destruction=None if open_engagements else every["last"],
        destruction_open=open_engagements,
        holds=list(legal_holds_for_subject(subject_id=subject.pk)),
        rules=list(policy.legal_retention),
        items=visible,
    )

