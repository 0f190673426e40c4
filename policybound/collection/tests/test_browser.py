"""The newsletter's mail links in real Chromium: confirm, unsubscribe, and a used link, ko and en."""

from __future__ import annotations

import re

import pytest

from policybound.audit.actors import Actor
from policybound.collection.models import Engagement, EngagementStatus
from policybound.collection.services import submission_record
from policybound.lib.testing import BUNDLED_POLICY, SCREENSHOTS, alice_fields, policy_publish_file


def mail_path(body: str, kind: str) -> str:
    found = re.search(rf"/mail/{kind}/\S+/", body)
    assert found is not None
    return found.group(0)


@pytest.fixture
def signed_up(transactional_db, mailoutbox):
    policy_publish_file(BUNDLED_POLICY)
    submission_record(
        purpose="newsletter", fields=alice_fields(message=None, interests=["cloud", "ai"]),
        consents={"newsletter": True}, source="web", actor=Actor.public(ip="203.0.113.5"),
    )
    return mailoutbox[0].body


@pytest.mark.browser
def test_it_confirms_and_unsubscribes_from_the_mail_links(live_server, page, signed_up):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    confirm = live_server.url + mail_path(signed_up, "confirm")
    page.goto(confirm)
    page.screenshot(path=str(SCREENSHOTS / "newsletter-confirm-ko.png"), full_page=True)
    page.get_by_role("button", name="확인").click()
    page.get_by_role("status").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "newsletter-confirmed-ko.png"), full_page=True)
    assert Engagement.objects.get().status == EngagementStatus.ACTIVE

    page.goto(confirm)
    assert page.get_by_role("heading", level=1).inner_text() == "더 이상 유효하지 않은 링크입니다"
    page.screenshot(path=str(SCREENSHOTS / "newsletter-link-invalid-ko.png"), full_page=True)

    page.goto(live_server.url + mail_path(signed_up, "unsubscribe"))
    page.get_by_role("button", name="English").click()
    page.screenshot(path=str(SCREENSHOTS / "newsletter-unsubscribe-en.png"), full_page=True)
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("status").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "newsletter-unsubscribed-en.png"), full_page=True)
    assert Engagement.objects.get().end_event == "unsubscribed"
