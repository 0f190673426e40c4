"""The whole journey in real Chromium: verify by mail, see, correct the phone, withdraw marketing, delete.

Korean at 1280 px, English at 360 px; screenshots land in ``var/screenshots/rights-*.png``.
"""

from __future__ import annotations

import re

import pytest

from policybound.audit.actors import Actor
from policybound.collection.models import Submission
from policybound.collection.selectors import consent_in_force, submission_values_open
from policybound.collection.services import submission_record
from policybound.lib.testing import BUNDLED_POLICY, SCREENSHOTS, alice_fields, policy_publish_file
from policybound.mailer.services import mail_send_due
from policybound.retention.services import legal_hold_place
from policybound.subjects.models import Subject

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])


@pytest.fixture
def alice():
    policy_publish_file(BUNDLED_POLICY)
    return submission_record(
        purpose="consulting", fields=alice_fields(), consents={"consulting": True, "marketing": True}, source="web",
        actor=Actor.public(ip="203.0.113.5"),
    )


def code_from(mailoutbox) -> str:
    mail_send_due(limit=10)
    found = re.search(r"^\s+(\d{6})\s*$", mailoutbox[-1].body, re.M)
    assert found is not None
    return found.group(1)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"rights-{name}.png"), full_page=True)


def verify(page, live_server, mailoutbox, *, email: str, send: str, go: str, tag: str) -> None:
    page.goto(live_server.url + "/privacy-center/")
    shot(page, f"center-{tag}")
    page.locator("#id_email").fill(email)
    page.get_by_role("button", name=send).click()
    shot(page, f"code-{tag}")
    page.locator("#id_code").fill(code_from(mailoutbox))
    page.get_by_role("button", name=go).click()


@pytest.mark.browser
def test_the_whole_journey_in_korean_at_1280(live_server, page, alice, mailoutbox):
    legal_hold_place(subject_id=alice.subject_id, rule="national_tax_books", items=["name"], reason="2025 감사",
                     actor=Actor.system("test"))
    verify(page, live_server, mailoutbox, email="alice@example.com", send="코드 보내기", go="다음", tag="ko-1280")
    assert page.get_by_role("heading", level=1).inner_text() == "내 개인정보"
    assert page.get_by_text("김앨리스").count() >= 1
    shot(page, "mine-ko-1280")

    page.get_by_role("link", name="내용 정정").first.click()
    page.locator("#id_item").select_option("phone")
    page.locator("#id_value").fill("010-2999-1001")
    page.get_by_role("button", name="정정", exact=True).click()
    shot(page, "corrected-ko-1280")
    values = submission_values_open(submission=Submission.objects.get(pk=alice.submission_id))
    assert values["phone"] == "+821029991001"

    page.get_by_role("link", name="내 정보로 돌아가기").click()
    page.locator("input[name=purposes][value=marketing]").check()
    page.get_by_role("button", name="선택한 동의 철회").click()
    assert not consent_in_force(subject_id=alice.subject_id, purpose="marketing")
    page.get_by_role("link", name="내 정보로 돌아가기").click()

    page.get_by_role("link", name="내 정보 삭제").click()
    shot(page, "delete-ko-1280")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="내 정보 삭제").click()
    assert "국세기본법" in page.locator(".rights-answer").inner_text()
    shot(page, "deleted-ko-1280")
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is not None


@pytest.mark.browser
def test_the_pages_in_english_at_360(live_server, page, alice, mailoutbox):
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server.url + "/privacy-center/")
    page.get_by_role("button", name="English").click()
    verify(page, live_server, mailoutbox, email="alice@example.com", send="Send me a code", go="Continue",
           tag="en-360")
    assert page.get_by_role("heading", level=1).inner_text() == "Your data"
    shot(page, "mine-en-360")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide at 360px"


@pytest.mark.browser
def test_the_staff_queue_shows_deadlines(live_server, page, alice, settings):
    from policybound.console import accounts
    from policybound.console.tests.conftest import signed_in
    from policybound.policy.selectors import policy_in_force
    from policybound.rights.services import rights_request_open_for_address

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    policy = policy_in_force()
    assert policy is not None
    officer = accounts.staff_create(username="olivia", role="privacy_officer", password="correct horse battery 7",
                                    policy=policy, actor=Actor.system("cli:test"))
    rights_request_open_for_address(email="alice@example.com", kind="deletion", channel="phone",
                                    identity_note="등록된 번호로 회신 전화", policy=policy, actor=Actor.system("test"),
                                    lang="ko")
    session = signed_in(officer).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(live_server.url + "/console/rights/")
    assert page.get_by_role("heading", level=1).inner_text() == "정보주체의 요구"
    shot(page, "console-queue-ko-1280")
    page.get_by_role("link", name="삭제").first.click()
    shot(page, "console-detail-ko-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    shot(page, "console-detail-ko-360")
