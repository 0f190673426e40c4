"""The strict Content-Security-Policy in real Chromium: pages work under it and nothing is refused.

Chromium reports every refused script, style, image, frame or form target as a console error and a
``securitypolicyviolation`` event; both are collected while the policy page, a public form (sent too,
so ``form-action`` is exercised), the console's sign-in page and the API docs (swagger-ui from our own
static files) load. Screenshots of the form and the docs land in var/screenshots/ (csp-*.png).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from policybound.lib.testing import SCREENSHOTS, policy_publish_file
from policybound.policy.models import PolicyVersion
from policybound.site.tests.test_forms import ALICE, BUNDLED

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def bundled(transactional_db: Any, settings: Any) -> PolicyVersion:
    settings.POLICYBOUND_FORM_RATE_LIMIT = 1000
    cache.clear()
    return policy_publish_file(BUNDLED)


@pytest.fixture
def watched(page: Page) -> tuple[Page, list[str]]:
    """The page, and the CSP refusals Chromium reported on it (console errors and violation events)."""
    refusals: list[str] = []
    page.on("console", lambda message: refusals.append(message.text) if "Content Security Policy" in message.text else None)
    page.add_init_script(RECORD_VIOLATIONS)
    return page, refusals


def violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations || []"))


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"csp-{name}.png"), full_page=True)


def test_the_pages_work_under_the_policy_with_nothing_refused(live_server: Any, watched: Any, bundled: PolicyVersion) -> None:
    page, refusals = watched
    seen: dict[str, list[str]] = {}

    response = page.goto(live_server.url + "/privacy/")
    assert response is not None and "default-src 'self'" in (response.headers.get("content-security-policy") or "")
    expect(page.locator("h1").first).to_be_visible()
    seen["privacy"] = violations(page)

    page.goto(live_server.url + "/forms/consulting/")
    expect(page.locator("form.purpose-form, main form").first).to_be_visible()
    shoot(page, "form")
    for code in ("name", "phone", "email", "company", "message"):
        page.locator(f"[name='{code}']").fill(ALICE[code])
    page.locator("#consent-consulting").check()
    seen["form"] = violations(page)
    page.locator("main button[type=submit]").last.click()
    page.wait_for_url("**/forms/consulting/done/**")
    seen["form sent"] = violations(page)

    page.goto(live_server.url + "/console/login/")
    expect(page.locator("input[name=username]")).to_be_visible()
    seen["console login"] = violations(page)

    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/v1/health").first).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/health").first.click()  # expanded: its icons, "Try it out"
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".responses-wrapper .live-responses-table").first).to_be_visible()
    shoot(page, "api-docs")
    seen["api docs"] = violations(page)

    assert {name: found for name, found in seen.items() if found} == {}
    assert refusals == []
