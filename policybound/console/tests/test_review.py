from __future__ import annotations

import datetime as dt
import io
import uuid
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.audit.services import AuditEntry, audit_record_many
from policybound.console import review
from policybound.console.checks import review_settings_check
from policybound.console.models import AccessReview
from policybound.lib import clock

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOVEMBER = dt.date(2026, 11, 1)
TUESDAY_10 = dt.datetime(2026, 11, 10, 10, 0, tzinfo=SEOUL)
TUESDAY_23 = dt.datetime(2026, 11, 10, 23, 30, tzinfo=SEOUL)
SATURDAY_10 = dt.datetime(2026, 11, 14, 10, 0, tzinfo=SEOUL)


def act(
    user, action: str, *, at: dt.datetime, subjects: int = 1, detail: dict[str, str] | None = None
) -> None:
    with clock.frozen(at), transaction.atomic():
        audit_record_many(
            actor=Actor.staff(user, ip="10.0.0.5"),
            action=action,
            entries=[
                AuditEntry(subject_id=uuid.uuid4(), target="engagement:1", detail=detail)
                for _ in range(subjects)
            ],
        )


def download(user, *, at: dt.datetime = TUESDAY_10, export: str = "abc123", subjects: int = 2) -> None:
    act(
        user,
        "download",
        at=at,
        subjects=subjects,
        detail={"export": export, "reason": "월간 보고", "purpose": "consulting"},
    )


def test_it_lists_a_download_whose_reason_nobody_confirmed(bob):
    download(bob)
    [found] = review.review_findings(month=NOVEMBER).unconfirmed_downloads
    assert (found.key, found.account, found.subjects, found.reason) == (
        "export:abc123",
        "bob",
        2,
        "월간 보고",
    )


def test_it_stops_listing_a_download_once_its_reason_is_confirmed(alice, bob):
    download(bob)
    review.download_confirm(key="export:abc123", reviewer=alice, actor=Actor.staff(alice))
    assert review.review_findings(month=NOVEMBER).unconfirmed_downloads == []


def test_it_leaves_other_months_out(bob):
    download(bob, at=dt.datetime(2026, 12, 1, 0, 30, tzinfo=SEOUL))
    assert review.review_findings(month=NOVEMBER).downloads == []


def test_it_flags_an_account_that_viewed_more_subjects_than_the_threshold(bob, settings):
    settings.POLICYBOUND_REVIEW_MAX_VIEWS_PER_DAY = 2
    act(bob, "view", at=TUESDAY_10, subjects=3)
    [volume] = review.review_findings(month=NOVEMBER).volumes
    assert (volume.account, volume.day, volume.views, volume.exceeded) == (
        "bob",
        TUESDAY_10.date(),
        3,
        ("views",),
    )


def test_it_does_not_flag_a_volume_at_the_threshold(bob, settings):
    settings.POLICYBOUND_REVIEW_MAX_VIEWS_PER_DAY = 3
    act(bob, "view", at=TUESDAY_10, subjects=3)
    assert review.review_findings(month=NOVEMBER).volumes == []


def test_it_flags_access_late_in_the_evening(bob):
    act(bob, "view", at=TUESDAY_23)
    [late] = review.review_findings(month=NOVEMBER).off_hours
    assert (late.account, late.day, late.events) == ("bob", TUESDAY_23.date(), 1)


def test_it_flags_access_on_a_weekend(bob):
    act(bob, "reveal", at=SATURDAY_10)
    assert [o.day for o in review.review_findings(month=NOVEMBER).off_hours] == [SATURDAY_10.date()]


def test_it_does_not_flag_access_in_working_hours(bob):
    act(bob, "view", at=TUESDAY_10)
    assert review.review_findings(month=NOVEMBER).off_hours == []


def test_it_reads_working_hours_from_settings(bob, settings):
    settings.POLICYBOUND_REVIEW_WORKING_HOURS = "07:00-09:00"
    act(bob, "view", at=TUESDAY_10)
    assert len(review.review_findings(month=NOVEMBER).off_hours) == 1


def test_it_names_a_bad_working_hours_setting(settings):
    settings.POLICYBOUND_REVIEW_WORKING_HOURS = "nine to five"
    with pytest.raises(review.ReviewSettingInvalid, match="WORKING_HOURS"):
        review.working_time()


def test_it_records_who_reviewed_the_month(alice):
    with clock.frozen(dt.datetime(2026, 12, 2, 9, 0, tzinfo=SEOUL)):
        done = review.access_review_record(
            month=NOVEMBER, reviewer=alice, actor=Actor.staff(alice), note="이상 없음"
        )
    assert (done.month, done.reviewed_by, done.findings["chain_ok"]) == (NOVEMBER, alice, True)


def test_it_records_the_checkpoint_it_verified(alice):
    from policybound.audit.models import AuditCheckpoint

    review.access_review_record(month=NOVEMBER, reviewer=alice, actor=Actor.staff(alice))
    checkpoint = AuditCheckpoint.objects.order_by("-id").first()
    done = review.access_review_record(month=NOVEMBER, reviewer=alice, actor=Actor.staff(alice))
    newest = AuditCheckpoint.objects.order_by("-id").first()
    assert checkpoint is not None and newest is not None and newest.pk != checkpoint.pk
    assert (done.findings["chain_checkpoint"], done.findings["chain_checkpoint_root"]) == (
        newest.pk,
        newest.root,
    )


def test_it_audits_the_review(alice):
    review.access_review_record(month=NOVEMBER, reviewer=alice, actor=Actor.staff(alice))
    assert AuditEvent.objects.filter(
        target="access_log:2026-11", actor_label="alice", action="review"
    ).exists()


def run_review(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "review", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_the_command_prints_the_findings_of_a_month(bob):
    download(bob)
    status, output = run_review("--month", "2026-11")
    assert status == 3 and "NOT CONFIRMED" in output and "export:abc123" in output


def test_the_command_records_the_review_by_a_named_account(alice):
    status, output = run_review("--month", "2026-11", "--done-by", "alice", "--note", "이상 없음")
    assert status == 0 and "reviewed by alice" in output
    assert AccessReview.objects.get(month=NOVEMBER).note == "이상 없음"


def test_the_command_confirms_a_download_reason(alice, bob):
    download(bob)
    status, _output = run_review("--month", "2026-11", "--done-by", "alice", "--confirm", "export:abc123")
    assert status == 0


def test_the_command_refuses_a_reviewer_without_the_permission(bob):
    with pytest.raises(CommandError, match="may not review"):
        run_review("--month", "2026-11", "--done-by", "bob")


def test_the_command_refuses_a_malformed_month(alice):
    with pytest.raises(CommandError, match="not a month"):
        run_review("--month", "November")


def test_the_review_page_shows_the_month(alice, bob, as_staff):
    download(bob)
    response = as_staff(alice).get("/console/review/?month=2026-11")
    assert response.context["findings"].unconfirmed_downloads[0].key == "export:abc123"


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1999-12"])
def test_the_review_page_names_the_rule_for_a_month_it_cannot_review(alice, as_staff, month):
    response = as_staff(alice).get(f"/console/review/?month={month}")
    assert response.status_code == 200
    assert "2000-01" in response.content.decode() and "9998-12" in response.content.decode()
    assert response.context["month"] == review.previous_month()


def test_the_command_refuses_a_month_outside_the_reviewable_range(alice):
    with pytest.raises(CommandError, match="outside"):
        run_review("--month", "9999-12")


def test_the_review_page_confirms_a_reason(alice, bob, as_staff):
    download(bob)
    as_staff(alice).post("/console/review/", {"month": "2026-11", "confirm": "export:abc123"})
    assert review.review_findings(month=NOVEMBER).unconfirmed_downloads == []


def test_the_review_page_records_the_review(alice, as_staff):
    as_staff(alice).post("/console/review/", {"month": "2026-11", "record": "1", "note": "확인함"})
    assert AccessReview.objects.get(month=NOVEMBER).reviewed_by == alice


def test_a_marketing_handler_cannot_review(bob, as_staff):
    assert as_staff(bob).get("/console/review/").status_code == 403


def test_a_bad_working_days_setting_stops_start_up(settings):
    settings.POLICYBOUND_REVIEW_WORKING_DAYS = "weekdays"
    assert [m.id for m in review_settings_check()] == ["policybound.console.E001"]


def test_the_review_page_runs_the_same_number_of_queries_for_one_download_or_twenty(alice, bob, as_staff):
    client = as_staff(alice)
    download(bob, export="e0")
    client.get("/console/review/?month=2026-11")
    with CaptureQueriesContext(connection) as one:
        client.get("/console/review/?month=2026-11")
    for n in range(1, 20):
        download(bob, export=f"e{n}", at=TUESDAY_23)
    with CaptureQueriesContext(connection) as twenty:
        client.get("/console/review/?month=2026-11")
    assert len(twenty) == len(one)
