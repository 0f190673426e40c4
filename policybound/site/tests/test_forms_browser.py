"""The public forms in real Chromium, filled in as a visitor would: by label, in Korean and in English.

Alice Kim (all values made up) sends each of the bundled policy's four forms; she mistypes her phone
number and corrects it in place; she sends one form with the keyboard alone. Screenshots of every
form, its error state and its confirmation page land in var/screenshots/ (forms-*.png).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from policybound.collection.models import ConsentReceipt, Submission
from policybound.lib.testing import SCREENSHOTS, policy_publish_file
from policybound.policy.models import PolicyVersion
from policybound.site.tests.test_forms import ALICE, BUNDLED, BUNDLED_FORMS, EXAMPLES

pytestmark = pytest.mark.browser


@pytest.fixture
def bundled(transactional_db: Any, settings: Any) -> PolicyVersion:
    # Every browser test posts from 127.0.0.1; the rate limit has its own tests.
    settings.POLICYBOUND_FORM_RATE_LIMIT = 1000
    cache.clear()
    return policy_publish_file(BUNDLED)


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"forms-{name}.png"), full_page=True)


def by_label(page: Page, label: str) -> Any:
    """The control whose label starts with ``label`` (labels carry a required mark after the text)."""
    return page.get_by_label(re.compile("^" + re.escape(label)))


def fill_form(page: Page, version: PolicyVersion, purpose: str, lang: str) -> None:
    policy = version.policy
    for code in policy.purpose(purpose).items:
        item = policy.item(code)
        if item.choices:
            for choice in item.choices[1:3]:
                page.get_by_label(choice.label.get(lang), exact=True).check()
        else:
            by_label(page, item.label.get(lang)).fill(ALICE[code])
    page.locator(f"#consent-{purpose}").check()


def switch_to_english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("purpose", BUNDLED_FORMS)
def test_it_sends_each_form_in_korean(page: Page, live_server: Any, bundled: PolicyVersion, purpose: str) -> None:
    page.goto(f"{live_server.url}/forms/{purpose}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(bundled.policy.purpose(purpose).label.ko)
    expect(page.locator("#consent-marketing")).not_to_be_checked()
    shoot(page, f"{purpose}-ko")
    fill_form(page, bundled, purpose, "ko")
    page.get_by_role("button", name="제출하기").click()
    expect(page).to_have_url(re.compile(rf"/forms/{purpose}/done/\?r="))
    expect(page.get_by_role("heading", level=1)).to_have_text("감사합니다. 정상적으로 접수되었습니다.")
    shoot(page, f"{purpose}-done-ko")
    assert Submission.objects.filter(purpose=purpose).count() == 1
    assert ConsentReceipt.objects.get(purpose="marketing").event == "refused"


@pytest.mark.parametrize("purpose", BUNDLED_FORMS)
def test_it_sends_each_form_in_english(page: Page, live_server: Any, bundled: PolicyVersion, purpose: str) -> None:
    page.goto(f"{live_server.url}/forms/{purpose}/")
    switch_to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(bundled.policy.purpose(purpose).label.en)
    shoot(page, f"{purpose}-en")
    fill_form(page, bundled, purpose, "en")
    page.locator("#consent-marketing").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have received your form.")
    shoot(page, f"{purpose}-done-en")
    assert Submission.objects.get().language == "en"
    assert ConsentReceipt.objects.get(purpose="marketing").event == "given"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_it_corrects_a_wrong_phone_number_in_place(page: Page, live_server: Any, bundled: PolicyVersion, lang: str) -> None:
    page.goto(f"{live_server.url}/forms/consulting/")
    if lang == "en":
        switch_to_english(page)
    fill_form(page, bundled, "consulting", lang)
    phone_label = bundled.policy.item("phone").label.get(lang)
    by_label(page, phone_label).fill("010-12")
    page.locator(".pb-form button[type=submit]").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    phone = by_label(page, phone_label)
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_value("010-12")
    expect(by_label(page, bundled.policy.item("company").label.get(lang))).to_have_value(ALICE["company"])
    expect(page.locator("#consent-consulting")).to_be_checked()
    expect(page.locator("#error-phone")).to_contain_text("010-1234-5678")
    shoot(page, f"consulting-error-{lang}")
    assert not Submission.objects.exists()

    summary.get_by_role("link").first.click()
    expect(phone).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("+82 10-2000-3000")
    page.locator(".pb-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/forms/consulting/done/"))
    assert Submission.objects.count() == 1


def test_it_refuses_a_resident_number_without_echoing_it(page: Page, live_server: Any, bundled: PolicyVersion) -> None:
    page.goto(f"{live_server.url}/forms/inquiry/")
    fill_form(page, bundled, "inquiry", "ko")
    by_label(page, "문의 내용").fill("제 주민등록번호는 900101-1234568 입니다.")
    page.locator(".pb-form button[type=submit]").click()
    expect(page.locator("#error-message")).to_contain_text("주민등록번호")
    expect(by_label(page, "문의 내용")).to_have_value("")
    assert "900101" not in page.content()
    shoot(page, "inquiry-resident-number-ko")
    assert not Submission.objects.exists()


def test_it_can_be_sent_with_the_keyboard_alone(page: Page, live_server: Any, bundled: PolicyVersion) -> None:
    page.goto(f"{live_server.url}/forms/report_download/")
    wanted = ["field-name", "field-phone", "field-email", "field-company", "consent-report_download", "consent-marketing"]
    typed = {"field-name": ALICE["name"], "field-phone": ALICE["phone"], "field-email": ALICE["email"],
             "field-company": ALICE["company"]}
    visited: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.tagName")
        assert focused != "hp-company-website"
        visited.append(focused)
        if focused in typed:
            page.keyboard.type(typed[focused])
        elif focused == "consent-report_download":
            page.keyboard.press("Space")
        elif page.evaluate("document.activeElement.matches('.pb-form button[type=submit]')"):
            page.keyboard.press("Enter")
            break
    assert [v for v in visited if v in wanted] == wanted
    expect(page).to_have_url(re.compile(r"/forms/report_download/done/"))
    assert Submission.objects.count() == 1
    assert ConsentReceipt.objects.get(purpose="marketing").event == "refused"


def test_it_shows_the_rate_limit_page(page: Page, live_server: Any, bundled: PolicyVersion, settings: Any) -> None:
    settings.POLICYBOUND_FORM_RATE_LIMIT = 1
    page.goto(f"{live_server.url}/forms/consulting/")
    page.locator(".pb-form button[type=submit]").click()
    page.locator(".pb-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("같은 네트워크에서 보낸 요청이 너무 많습니다")
    shoot(page, "rate-limited-ko")


BY_KIND = {
    "name": ALICE["name"],
    "email": ALICE["email"],
    "phone": ALICE["phone"],
    "organization": ALICE["company"],
    "short_text": "Head of HR",
    "free_text": ALICE["message"],
    "address": "1 Example-ro, Jung-gu, Seoul",
}


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_it_sends_the_forms_of_an_example_policy(page: Page, live_server: Any, transactional_db: Any, settings: Any, path: Any) -> None:
    settings.POLICYBOUND_FORM_RATE_LIMIT = 1000
    cache.clear()
    policy = policy_publish_file(path).policy
    for purpose in policy.form_purposes():
        page.goto(f"{live_server.url}/forms/{purpose.code}/")
        for code in [*purpose.items, *purpose.optional_items]:
            item = policy.item(code)
            if item.choices:
                page.get_by_label(item.choices[0].label.ko, exact=True).check()
            else:
                by_label(page, item.label.ko).fill(BY_KIND[item.kind.value])
        page.locator(f"#consent-{purpose.code}").check()
        for offered in policy.optional_purposes_offered_with(purpose.code):
            page.locator(f"#consent-{offered.code}").check()
        shoot(page, f"example-{path.stem}-{purpose.code}-ko")
        page.locator(".pb-form button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/forms/{purpose.code}/done/"))
        shoot(page, f"example-{path.stem}-{purpose.code}-done-ko")
        assert Submission.objects.filter(purpose=purpose.code).count() == 1
