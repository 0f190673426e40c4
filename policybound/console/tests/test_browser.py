"""The console in real Chromium: a marketing handler's first day, and the privacy officer's monthly review.

Codes come from the TOTP secret the enrolment page shows, computed as the staff member's app would.
"""

from __future__ import annotations

import base64
import datetime as dt
import zoneinfo

import pytest
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.collection.models import Engagement
from policybound.console import review, services
from policybound.console.tests.conftest import PASSWORD, submit
from policybound.lib import clock
from policybound.lib.testing import SCREENSHOTS

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"console-{name}.png"), full_page=True)


def code_from_secret(secret: str) -> str:
    compact = secret.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key):06d}"


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/console/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    page.wait_for_url("**/console/login/code/**")


@pytest.mark.browser
@pytest.mark.django_db(databases=["default", "archive"], transaction=True)
def test_a_marketing_handler_signs_in_with_totp_and_closes_a_consulting_request(
    live_server, page, transactional_db, bob, published
):
    hong = submit("consulting", n=1)
    submit("consulting", n=2)

    page.goto(live_server.url + "/console/")
    assert "/console/login/" in page.url
    shot(page, "login-ko")
    sign_in(page, live_server.url, "bob")
    secret = page.get_by_test_id("totp-secret").inner_text()
    assert page.locator("figure.enrol__qr svg").count() == 1
    shot(page, "enrol-ko")
    page.fill("#id_token", code_from_secret(secret))
    page.click(".auth-card button[type=submit]")
    page.wait_for_url("**/console/inbox/consulting/")

    row = page.locator(f"tr[data-engagement='{hong.engagement_id}']")
    assert "홍*동" in row.inner_text() and "홍길동" not in page.content()
    shot(page, "inbox-ko")

    row.get_by_role("link").first.click()
    page.wait_for_url(f"**/console/subjects/{hong.subject_id}/")
    shot(page, "subject-ko")
    page.locator(".values a.reveal-link").first.click()
    page.fill("#id_reason", "고객에게 회신 전화")
    page.click(".auth-card button[type=submit]")
    assert page.get_by_test_id("revealed-value").inner_text() == "홍길동"
    shot(page, "reveal-ko")

    page.goto(live_server.url + "/console/inbox/consulting/")
    row = page.locator(f"tr[data-engagement='{hong.engagement_id}']")
    row.locator("form[action$='/reply/'] button").click()
    page.wait_for_url("**/console/inbox/consulting/")
    row = page.locator(f"tr[data-engagement='{hong.engagement_id}']")
    row.locator("form[action$='/close/'] button").click()
    page.wait_for_url("**/console/inbox/consulting/")
    assert page.locator(f"tr[data-engagement='{hong.engagement_id}']").count() == 0
    shot(page, "inbox-after-close-ko")

    engagement = Engagement.objects.get(pk=hong.engagement_id)
    assert (engagement.status, engagement.end_event) == ("ended", "closed") and engagement.deadline is not None
    assert AuditEvent.objects.filter(action="login", actor_label="bob").exists()
    assert AuditEvent.objects.filter(action="reveal", subject_id=hong.subject_id).exists()


def _last_month_at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    month = review.previous_month()
    return dt.datetime(month.year, month.month, day, hour, minute, tzinfo=SEOUL)


@pytest.mark.browser
@pytest.mark.django_db(databases=["default", "archive"], transaction=True)
def test_the_privacy_officer_reviews_the_month_access_log(live_server, page, transactional_db, alice, bob, policy):
    for _ in range(3):
        submit("consulting")
    # Last month Bob exported the consulting list at 23:30, outside working hours.
    with clock.frozen(_last_month_at(10, 23, 30)):
        services.inbox_export(
            user=bob, actor=Actor.staff(bob, ip="10.0.0.7"), policy=policy, purpose_code="consulting", reason="월간 상담 현황 보고"
        )
    device = TOTPDevice.objects.create(user=alice, name="console", confirmed=True)

    sign_in(page, live_server.url, "alice")
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click(".auth-card button[type=submit]")
    page.wait_for_url("**/console/dashboard/")
    shot(page, "dashboard-ko")

    page.locator("nav.site-nav a[href='/console/review/']").click()
    page.wait_for_url("**/console/review/")
    download = page.locator("tr[data-download]")
    assert download.count() == 1 and "월간 상담 현황 보고" in download.inner_text()
    assert page.locator("section[aria-labelledby='offhours-title'] tbody tr").count() == 1
    shot(page, "review-ko")

    download.locator("button").click()
    page.wait_for_url("**/console/review/?month=*")
    assert "bob" in page.locator("tr[data-download]").inner_text()
    page.fill("#review-note", "다운로드 사유 확인, 야간 접근은 긴급 견적 대응으로 확인함")
    page.click("button[name=record]")
    page.wait_for_url("**/console/review/?month=*")
    assert page.get_by_test_id("review-done").count() == 1
    shot(page, "review-done-ko")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    shot(page, "review-done-en")
    with transaction.atomic():
        assert review.review_findings(month=review.previous_month()).reviews[0].reviewed_by == alice
