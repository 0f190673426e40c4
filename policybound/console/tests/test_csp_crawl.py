"""Every page carries the strict Content-Security-Policy and no inline code it would refuse.

Two crawls follow the links pages show, as a visitor and as the privacy officer past the second
factor: the public pages, the forms, the policy's versions, the console's inbox, subject pages,
dashboard and review, and the API's docs. Each answer must carry the header (``lib.testing.csp_problems``)
and each HTML page must hold no inline script, style or handler (``lib.testing.inline_code_found``).
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from policybound.lib.testing import csp_problems, inline_code_found

from .conftest import signed_in, submit

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

HREF = re.compile(r'href="([^"#]+)')
SKIPPED = ("/static/", "/i18n/", "/console/logout")
MAX_PAGES = 120


def crawl(client: Client, starts: list[str]) -> dict[str, Any]:
    """GET every same-site page reachable from ``starts`` (at most MAX_PAGES, one per path whatever its
    query string, so the review's month links do not crowd the rest out); path → response."""
    seen: dict[str, Any] = {}
    queue = deque(starts)
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.split("?")[0] in {seen_path.split("?")[0] for seen_path in seen}:
            continue
        response = client.get(path)
        seen[path] = response
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            target = urljoin(path, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIPPED):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def assert_strict(pages: dict[str, Any]) -> None:
    problems = {}
    for path, response in pages.items():
        found = csp_problems(response.get("Content-Security-Policy"))
        if "text/html" in response.get("Content-Type", ""):
            found += inline_code_found(response.content.decode())
        if found:
            problems[path] = found
    assert problems == {}


def test_every_public_page_carries_the_strict_policy(published):
    submit("consulting", n=1)
    pages = crawl(Client(), ["/", "/privacy/", "/privacy/versions/", "/api/v1/docs", "/console/login/", "/nowhere/"])
    assert {"/", "/privacy/", "/privacy/versions/", "/api/v1/docs", "/console/login/"} <= set(pages)
    assert any(path.startswith("/forms/") for path in pages) and any(path.startswith("/privacy/versions/") for path in pages)
    assert pages["/nowhere/"].status_code == 404
    assert_strict(pages)


def test_every_console_page_carries_the_strict_policy(alice, hong):
    submit("newsletter", n=2)
    pages = crawl(signed_in(alice), ["/console/", "/console/dashboard/", "/console/review/"])
    visited = set(pages)
    assert f"/console/subjects/{hong.subject_id}/" in visited
    assert any(path.startswith("/console/inbox/") for path in visited)
    assert len(pages) >= 8
    assert_strict(pages)


def test_the_api_and_static_files_carry_it_too(published):
    client = Client()
    for path in ("/api/v1/policy", "/api/v1/openapi.json", "/api/v1/health"):
        assert csp_problems(client.get(path).get("Content-Security-Policy")) == [], path


def test_a_refused_csrf_token_gets_a_page_without_inline_style(published):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/forms/consulting/", {"name": "x"})
    assert response.status_code == 403
    assert inline_code_found(response.content.decode()) == []
    assert csp_problems(response.get("Content-Security-Policy")) == []
