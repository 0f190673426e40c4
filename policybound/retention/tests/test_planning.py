"""The pure planning rules, row by row, without a database."""

from __future__ import annotations

import datetime as dt
import uuid

from policybound.lib.testing import BUNDLED_POLICY
from policybound.policy.loader import policy_parse
from policybound.policy.periods import Period
from policybound.retention.planning import (
    EngagementRow,
    HoldRow,
    PolicyBook,
    ReceiptRow,
    ValueRow,
    consents_in_force,
    plan_subject,
)

ALICE = uuid.UUID(int=1)
T0 = dt.datetime(2025, 3, 3, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(days=400)
BOOK = PolicyBook({1: policy_parse(BUNDLED_POLICY.read_text(encoding="utf-8")).policy}, None)


def engagement(pk, purpose, *, submission=1, deadline=None, ended=None, event="closed", done=None):
    return EngagementRow(pk, ALICE, purpose, submission, 1, T0, ended, event if ended else "", deadline, done)


def receipt(pk, purpose, event, at=T0, submission=1):
    return ReceiptRow(pk, purpose, event, at, submission, 1)


def values(submission=1, items=("name", "phone", "email", "company", "message")):
    return [ValueRow(submission * 10 + n, submission, item) for n, item in enumerate(items)]


def plan(engagements, receipts=(), holds=(), vals=None, book=BOOK):
    return plan_subject(
        subject_id=ALICE, engagements=engagements, receipts=list(receipts), values=vals if vals is not None else values(),
        holds=list(holds), book=book, as_of=LATER,
    )


def test_nothing_is_planned_while_no_engagement_is_due():
    assert plan([engagement(1, "consulting")]) is None


def test_a_consent_given_and_not_spent_is_in_force():
    standing = consents_in_force([receipt(1, "marketing", "given")], [])
    assert [r.purpose for r in standing] == ["marketing"]


def test_a_withdrawn_consent_is_not_in_force():
    receipts = [receipt(1, "marketing", "given"), receipt(2, "marketing", "withdrawn", at=T0 + dt.timedelta(days=1))]
    assert consents_in_force(receipts, []) == []


def test_a_consent_is_spent_once_its_purposes_engagement_ended():
    ended = engagement(1, "consulting", deadline=LATER, ended=T0 + dt.timedelta(days=9))
    assert consents_in_force([receipt(1, "consulting", "given")], [ended]) == []


def test_a_consent_in_force_without_an_engagement_keeps_its_items_and_the_subject():
    due = engagement(1, "consulting", deadline=LATER - dt.timedelta(days=1), ended=T0)
    result = plan([due], receipts=[receipt(1, "marketing", "given")])
    assert result is not None and not result.destroy_subject
    assert [value.item for value, _ in result.values] == ["message"]


def test_a_purpose_the_policy_no_longer_describes_keeps_everything():
    due = engagement(1, "consulting", deadline=LATER - dt.timedelta(days=1), ended=T0)
    live = engagement(2, "retired_purpose", submission=1)
    result = plan([due, live])
    assert result is not None and result.values == []


def test_a_hold_covers_only_its_items_and_counts_from_the_services_end():
    due = engagement(1, "consulting", deadline=LATER - dt.timedelta(days=1), ended=T0)
    held = HoldRow(7, "national_tax_books", "국세기본법", Period(years=5), ("email",))
    result = plan([due], holds=[held])
    assert result is not None and result.destroy_subject
    assert [(c.value.item, c.expires_at) for c in result.archive] == [("email", dt.datetime(2030, 3, 3, tzinfo=dt.UTC))]
