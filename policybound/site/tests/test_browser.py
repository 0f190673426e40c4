"""The privacy policy page in a real Chromium: Korean by default, English through the switch.

Screenshots land in ``var/screenshots/`` (privacy-ko.png, privacy-en.png, privacy-mobile-ko.png) for a
person to look at; the assertions check what a reader relies on.
"""

from __future__ import annotations

from typing import Any

import pytest

from policybound.lib.testing import SCREENSHOTS
from policybound.policy.models import PolicyVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_policy_page_reads_in_korean_then_in_english(
    page: Any, live_server: Any, published_policy: PolicyVersion
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/privacy/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").inner_text() == published_policy.policy.document.title.ko
    page.screenshot(path=str(SCREENSHOTS / "privacy-ko.png"), full_page=False)

    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/privacy/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == published_policy.policy.document.title.en
    page.screenshot(path=str(SCREENSHOTS / "privacy-en.png"), full_page=False)


def test_the_table_of_contents_leads_to_each_article(
    page: Any, live_server: Any, published_policy: PolicyVersion
) -> None:
    page.goto(f"{live_server.url}/privacy/")
    links = page.locator(".policy-toc a")
    assert links.count() == len(published_policy.policy.document.articles)
    last = links.nth(links.count() - 1)
    target = last.get_attribute("href")
    last.click()
    assert page.url.endswith(target)
    assert page.locator(target).is_visible()


def test_tables_scroll_inside_the_page_on_a_phone(page: Any, live_server: Any, published_policy: PolicyVersion) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/privacy/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page itself must not scroll sideways; only tables may"
    page.locator("#article-transfers").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "privacy-mobile-ko.png"), full_page=False)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_tables_and_the_summary_stay_readable_at_360_px(
    page: Any, live_server: Any, published_policy: PolicyVersion, lang: str
) -> None:
    """At the narrowest common phone width the page never scrolls sideways, every table cell keeps room
    for a few words (a wide table scrolls inside its own frame instead) and no text shrinks below 12 px."""
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/privacy/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page itself must not scroll sideways at 360 px"
    narrowest = page.evaluate(
        "Math.min(...Array.from(document.querySelectorAll('.pb-table th, .pb-table td'))"
        ".map(cell => cell.getBoundingClientRect().width))"
    )
    assert narrowest >= 64, f"a table cell is {narrowest:.0f} px wide at 360 px: too narrow to read"
    frames = page.evaluate(
        "Array.from(document.querySelectorAll('.pb-table-wrap')).map(w => w.getBoundingClientRect().right)"
    )
    assert max(frames) <= 360, "every table frame fits the screen; a wider table scrolls inside it"
    smallest = page.evaluate(
        "Math.min(...Array.from(document.querySelectorAll('.pb-table td, .policy-summary dd'))"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
    )
    assert smallest >= 12
    assert page.locator(".policy-summary dt").count() == 9
    page.screenshot(path=str(SCREENSHOTS / f"privacy-360-{lang}.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / f"privacy-summary-{lang}.png"), full_page=False)
