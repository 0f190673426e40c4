"""Fixtures shared by every app's tests: fresh vault keys, the published policy, and a real Chromium.

Helpers shared by several apps' tests (publishing a policy text, racing threads) are in
:mod:`policybound.lib.testing`.

Browser tests drive Debian's Chromium (``/usr/bin/chromium``) through Playwright for Python; no browser
is ever downloaded. Where Chromium is missing they are skipped, and the run says so plainly at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from policybound.lib.testing import (
    BUNDLED_POLICY,
    EXAMPLE_POLICIES,
    NOW,
    SCREENSHOTS,
    policy_publish_file,
    vault_keys_fresh,
)

CHROMIUM = os.environ.get("POLICYBOUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_browser_tests = {"ran": 0, "skipped": 0}


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not chromium_available():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls happen in
    # another thread, so Django's async-safety check does not apply to what the tests do here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context and page; on failure a screenshot lands in var/screenshots/."""
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, "rep_" + report.when, report)
    if item.get_closest_marker("browser") is not None and report.when == "call":
        _browser_tests["ran"] += 1
    if item.get_closest_marker("browser") is not None and report.when == "setup" and report.skipped:
        _browser_tests["skipped"] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _browser_tests["skipped"]:
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED: {_browser_tests['skipped']} browser test(s) did not run because "
            f"{CHROMIUM} was not found. Install it with: apt-get install chromium fonts-noto-cjk",
            yellow=True,
            bold=True,
        )
    elif _browser_tests["ran"]:
        terminalreporter.write_line(f"Browser tests: {_browser_tests['ran']} ran in {CHROMIUM}.")


@pytest.fixture(autouse=True)
def vault_keys(settings: Any) -> Any:
    """Every test under its own fresh vault keys, so nothing depends on key files left in the data dir."""
    return vault_keys_fresh(settings)


@pytest.fixture(autouse=True)
def notice_cache_fresh() -> Iterator[None]:
    """No notice row cached by an earlier test (whose database rows are gone) survives into this one."""
    from policybound.collection.receipts import notice_cache_clear

    notice_cache_clear()
    yield
    notice_cache_clear()


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    """The clock (``policybound.lib.clock``) frozen at ``NOW``, Monday 2025-03-03 10:00 UTC, for the test."""
    from policybound.lib import clock

    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def published_policy(db: None) -> Any:
    """The bundled policy (``policies/kt-enterprise.yaml``) published, in force since 2022-01-19.

    Returns the :class:`~policybound.policy.models.PolicyVersion`; ``.policy`` is the parsed policy.
    """
    return policy_publish_file(BUNDLED_POLICY)


@pytest.fixture
def example_policy(db: None) -> Any:
    """The fictional example company's policy (``policies/examples/``) published under its own dates."""
    return policy_publish_file(EXAMPLE_POLICIES[0])
