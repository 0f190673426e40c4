"""The officer's incident screens in real Chromium, saved to var/screenshots/ to be looked at."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from policybound.console.tests.test_browser import shot, sign_in
from policybound.incidents.tests.conftest import people
from policybound.lib import clock

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


@pytest.mark.browser
@pytest.mark.django_db(databases=["default", "archive"], transaction=True)
def test_the_officer_records_and_notifies_a_breach_and_a_transfer(
    live_server, page, transactional_db, alice, version
):
    people(version, 3, at=clock.now() - dt.timedelta(days=3))
    people(version, 1, at=clock.now() - dt.timedelta(days=3), email=False, start=3)
    device = TOTPDevice.objects.create(user=alice, name="console", confirmed=True)
    sign_in(page, live_server.url, "alice")
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click(".auth-card button[type=submit]")
    page.wait_for_url("**/console/dashboard/")

    page.goto(live_server.url + "/console/incidents/breaches/new/")
    found = (clock.now() - dt.timedelta(hours=5)).astimezone(SEOUL)
    page.fill("#id_discovered_at", f"{found:%Y-%m-%dT%H:%M}")
    page.select_option("#id_cause", "attack")
    page.fill("#id_description", "웹 서버의 취약점을 통해 상담 신청 정보가 외부로 유출되었습니다.")
    page.fill("#id_company_actions", "취약점을 막고 접근 기록을 조사하고 있습니다.")
    page.fill("#id_subject_actions", "의심스러운 전화와 메일에 주의해 주십시오.")
    page.check("input[name=items][value=name]")
    page.check("input[name=items][value=phone]")
    shot(page, "breach-new-ko")
    page.click("button:has-text('유출 사고 기록')")
    page.wait_for_url(re.compile(r"/breaches/\d+/$"))
    assert "외부로부터의 불법적인 접근" in page.content()
    shot(page, "breach-ko")
    page.click("button:has-text('통지 발송')")
    page.wait_for_url(re.compile(r"/breaches/\d+/$"))
    assert page.locator("table.data--numbers").count() == 1
    shot(page, "breach-notified-ko")

    page.goto(live_server.url + "/console/incidents/transfers/new/")
    page.fill("#id_transferee_name", "주식회사 인수")
    page.fill("#id_transferee_address", "서울특별시 중구 세종대로 1")
    page.fill("#id_transferee_phone", "02-000-0000")
    page.fill("#id_transferee_contact", "개인정보팀 privacy@transferee.example")
    page.fill("#id_what_moves", "상담 신청 고객의 이름, 연락처, 이메일")
    page.check("input[name=purposes][value=consulting]")
    page.fill("#id_transfer_date", f"{(clock.now() + dt.timedelta(days=40)).astimezone(SEOUL):%Y-%m-%d}")
    page.click("button:has-text('영업양도 기록')")
    page.wait_for_url(re.compile(r"/transfers/\d+/$"))
    page.click("button:has-text('통지 발송')")
    page.wait_for_url(re.compile(r"/transfers/\d+/$"))
    shot(page, "transfer-ko")

    page.goto(live_server.url + "/console/incidents/")
    shot(page, "incidents-ko")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.reload()
    assert "Breaches and transfers" in page.content()
    shot(page, "incidents-en")
    page.goto(live_server.url + "/")
    assert page.locator(".home-notice").count() == 2
    shot(page, "home-postings-en")
