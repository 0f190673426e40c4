"""The console under the strict Content-Security-Policy in real Chromium: sign-in, the enrolment page with
its inline SVG QR code, the inbox, a subject page and a reveal, with no refusal reported.

The public pages and the API docs are in ``site/tests/test_csp_browser.py``, whose watcher this reuses.
"""

from __future__ import annotations

from typing import Any

import pytest

from policybound.console.tests.conftest import submit
from policybound.console.tests.test_browser import code_from_secret, sign_in
from policybound.site.tests.test_csp_browser import violations, watched  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases=["default", "archive"], transaction=True)]


def test_the_console_works_under_the_policy_with_nothing_refused(
    live_server: Any, watched: Any, transactional_db: Any, bob: Any, published: Any  # noqa: F811
) -> None:
    page, refusals = watched
    hong = submit("consulting", n=1)
    seen: dict[str, list[str]] = {}

    sign_in(page, live_server.url, "bob")
    assert page.locator("figure.enrol__qr svg").count() == 1
    seen["enrolment"] = violations(page)
    page.fill("#id_token", code_from_secret(page.get_by_test_id("totp-secret").inner_text()))
    page.click(".auth-card button[type=submit]")
    page.wait_for_url("**/console/inbox/consulting/")
    seen["inbox"] = violations(page)

    page.goto(f"{live_server.url}/console/subjects/{hong.subject_id}/")
    seen["subject"] = violations(page)
    page.locator(".values a.reveal-link").first.click()
    page.fill("#id_reason", "고객에게 회신 전화")
    page.click(".auth-card button[type=submit]")
    page.get_by_test_id("revealed-value").wait_for()
    seen["reveal"] = violations(page)

    assert {name: found for name, found in seen.items() if found} == {}
    assert refusals == []
