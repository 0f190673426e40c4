"""Retention keeps every promise of the policy, whatever the policy names things.

- A withdrawal of consent destroys without delay (PIPA 37③), also for a purpose whose retention period
  is not zero: a consent withdrawn, or an end event the policy declares ``withdrawal: true``.
- A period counted from collection destroys when it ends, even while the consent stands.
- Partial destruction takes the organisation record with the company name, unless another record
  still holds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from policybound.collection.models import Engagement, EngagementStatus, Submission, SubmissionValue
from policybound.lib.testing import alice_fields
from policybound.retention.models import DestructionCategory, DestructionReason, DestructionRecord
from policybound.retention.selectors import retention_open_engagements
from policybound.subjects.models import Organization, Subject

from .conftest import DAY, T0, end, policy_text, publish, submit, sweep, withdraw

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

MINUTE = dt.timedelta(minutes=1)
YEAR = dt.timedelta(days=366)


def edited(edit: Callable[[dict[str, Any]], None], **retention: dict[str, Any]) -> str:
    """The bundled policy (with ``retention`` changes, as ``policy_text``) after ``edit(data)``."""
    data = yaml.safe_load(policy_text(**retention))
    edit(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def purpose(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in data["purposes"] if p["code"] == code)


def subject_destroyed(result: Any) -> bool:
    return Subject.objects.get(pk=result.subject_id).destroyed_at is not None


# --- withdrawal ----------------------------------------------------------------------------------


def test_an_unsubscribe_destroys_at_the_next_sweep_though_the_purpose_keeps_twelve_months(policy):
    newsletter = submit("newsletter", alice_fields())
    unsubscribed_at = T0 + 30 * DAY
    end(newsletter.engagement_id, at=unsubscribed_at, event="unsubscribed")
    swept = sweep(unsubscribed_at + MINUTE)
    assert swept.destroyed_subjects == 1 and subject_destroyed(newsletter)
    entry = DestructionRecord.objects.get(category="subject")
    assert (entry.purpose, entry.reason) == ("newsletter", DestructionReason.WITHDRAWAL)


def test_a_consent_withdrawn_destroys_a_twelve_month_purpose_at_once(policy):
    consulting = submit("consulting", alice_fields())
    withdrawn_at = T0 + 5 * DAY
    withdraw(consulting.subject_id, "consulting", at=withdrawn_at)
    engagement = Engagement.objects.get(pk=consulting.engagement_id)
    assert (engagement.deadline, engagement.ended_by_withdrawal) == (withdrawn_at, True)
    assert sweep(withdrawn_at + MINUTE).destroyed_subjects == 1 and subject_destroyed(consulting)
    assert DestructionRecord.objects.get(category="subject").reason == DestructionReason.WITHDRAWAL


def test_an_end_that_is_no_withdrawal_keeps_the_published_period(policy):
    consulting = submit("consulting", alice_fields())
    end(consulting.engagement_id, at=T0 + DAY)
    assert sweep(T0 + 2 * DAY).destroyed_subjects == 0
    assert Engagement.objects.get(pk=consulting.engagement_id).ended_by_withdrawal is False


def test_the_policy_names_its_withdrawal_events_as_it_likes(db):
    def rename(data: dict[str, Any]) -> None:
        ends = purpose(data, "newsletter")["end_events"]
        ends[0]["code"] = "opted_out"
        data["document"]["articles"] = [
            {**a, "blocks": [b for b in a["blocks"] if "unsubscribed" not in str(b.get("text", ""))]}
            for a in data["document"]["articles"]
        ]

    publish(edited(rename))
    newsletter = submit("newsletter", alice_fields())
    end(newsletter.engagement_id, at=T0 + DAY, event="opted_out")
    assert sweep(T0 + DAY + MINUTE).destroyed_subjects == 1


def test_an_event_not_declared_a_withdrawal_is_none_whatever_its_name(db):
    def undeclare(data: dict[str, Any]) -> None:
        purpose(data, "newsletter")["end_events"][0]["withdrawal"] = False
        purpose(data, "newsletter")["retention"]["max_lifetime"] = "P3Y"  # no longer only the person's act

    publish(edited(undeclare))
    newsletter = submit("newsletter", alice_fields())
    end(newsletter.engagement_id, at=T0 + DAY, event="unsubscribed")
    assert sweep(T0 + 2 * DAY).destroyed_subjects == 0


# --- a period counted from collection ------------------------------------------------------------


@pytest.fixture
def provision_like(db):
    """Marketing kept 6 months from collection; the report's own retention one day after delivery."""
    return publish(policy_text(report_download={"period": "P1D"}, marketing={"counted_from": "collection", "period": "P6M"}))


def test_a_period_counted_from_collection_destroys_while_the_consent_stands(provision_like):
    report = submit("report_download", alice_fields(), {"report_download": True, "marketing": True})
    end(report.engagement_id, at=T0 + DAY)
    assert sweep(T0 + 3 * DAY).destroyed_items == 0  # the marketing consent keeps the report's items
    marketing = Engagement.objects.get(subject_id=report.subject_id, purpose="marketing")
    deadline = marketing.deadline
    assert deadline == dt.datetime(2025, 9, 3, 10, 0, tzinfo=dt.UTC)
    assert sweep(deadline - MINUTE).destroyed_subjects == 0
    swept = sweep(deadline + MINUTE)
    assert (swept.ended_by_period, swept.destroyed_subjects) == (1, 1) and subject_destroyed(report)
    marketing.refresh_from_db()
    assert (marketing.status, marketing.end_event, marketing.ended_at) == (EngagementStatus.ENDED, "period_ended", deadline)


def test_the_dry_run_counts_the_period_end_as_the_sweep_does(provision_like):
    report = submit("report_download", alice_fields(), {"report_download": True, "marketing": True})
    end(report.engagement_id, at=T0 + DAY)
    at = dt.datetime(2025, 9, 4, tzinfo=dt.UTC)
    dry = sweep(at, dry_run=True)
    assert (dry.ended_by_period, dry.destroyed_subjects) == (1, 1) and not subject_destroyed(report)
    real = sweep(at)
    assert (real.ended_by_period, real.destroyed_subjects) == (1, 1)


def test_retention_open_lists_an_engagement_counted_from_collection(provision_like):
    submit("report_download", alice_fields(), {"report_download": True, "marketing": True})
    rows = {row.purpose: row for row in retention_open_engagements(as_of=T0)}
    assert (rows["marketing"].count, rows["marketing"].with_deadline) == (1, 1)
    assert rows["marketing"].next_deadline == dt.datetime(2025, 9, 3, 10, 0, tzinfo=dt.UTC)
    assert (rows["report_download"].with_deadline, rows["report_download"].next_deadline) == (0, None)


# --- organisations go with the company name ------------------------------------------------------


def test_partial_destruction_takes_the_organisation_of_the_destroyed_company_name(policy):
    consulting = submit("consulting", alice_fields(company="(주)에이비씨테스트"))
    end(consulting.engagement_id, at=T0 + DAY)
    newsletter = submit("newsletter", alice_fields(company="(주)다른회사테스트"), at=T0 + 2 * DAY)
    assert Organization.objects.count() == 2
    at = T0 + DAY + YEAR
    assert sweep(at, dry_run=True).organizations_destroyed == 1
    swept = sweep(at)
    assert (swept.partially_destroyed_subjects, swept.organizations_destroyed) == (1, 1)
    kept = Submission.objects.get(pk=newsletter.submission_id).organization_id
    assert list(Organization.objects.values_list("id", flat=True)) == [kept]
    assert Submission.objects.get(pk=consulting.submission_id).organization_id is None
    assert DestructionRecord.objects.filter(category=DestructionCategory.ORGANIZATION, items=1).exists()


def test_an_organisation_another_live_record_holds_is_kept(policy):
    consulting = submit("consulting", alice_fields())
    end(consulting.engagement_id, at=T0 + DAY)
    submit("newsletter", alice_fields(), at=T0 + 2 * DAY)  # the same company
    at = T0 + DAY + YEAR
    assert sweep(at, dry_run=True).organizations_destroyed == 0
    swept = sweep(at)
    assert (swept.partially_destroyed_subjects, swept.organizations_destroyed) == (1, 0)
    assert Organization.objects.count() == 1
    assert not SubmissionValue.objects.filter(submission_id=consulting.submission_id).exists()


# --- double opt-in is the policy's ---------------------------------------------------------------


@pytest.mark.parametrize(("code", "double_opt_in", "status"), [
    ("report_download", True, EngagementStatus.PENDING),
    ("newsletter", False, EngagementStatus.ACTIVE),
])
def test_double_opt_in_is_a_property_of_the_purpose(db, code, double_opt_in, status):
    def opt(data: dict[str, Any]) -> None:
        purpose(data, code)["double_opt_in"] = double_opt_in

    publish(edited(opt))
    result = submit(code, alice_fields())
    assert Engagement.objects.get(pk=result.engagement_id).status == status
