"""No template holds code the strict Content-Security-Policy refuses: scripts and styles live in static files.

An inline ``<script>`` or ``<style>``, a ``style="..."`` attribute, an ``on...=`` handler or a
``javascript:`` URL would be blocked in the browser (and reported as a violation), so none may be
written: this scans every template the apps ship. The pages they render are checked too
(``console/tests/test_csp_crawl.py``), and in Chromium (``site/tests/test_csp_browser.py``).
"""

from __future__ import annotations

from pathlib import Path

from policybound.lib.testing import inline_code_found

PACKAGE = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(path for path in PACKAGE.glob("*/templates/**/*") if path.suffix in (".html", ".svg"))


def test_the_scan_sees_the_templates():
    assert len(TEMPLATES) >= 30
    assert PACKAGE / "site" / "templates" / "site" / "base.html" in TEMPLATES


def test_no_template_holds_inline_script_style_or_handlers():
    found = {str(path.relative_to(PACKAGE)): inline_code_found(path.read_text()) for path in TEMPLATES}
    assert {name: pieces for name, pieces in found.items() if pieces} == {}


def test_the_scan_catches_each_kind_of_inline_code():
    for html in (
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        "<style>p{}</style>",
        '<p style="color:red">',
        '<a href="#" onclick="x()">',
        '<img src=x onerror="x()">',
        '<a href="javascript:x()">',
    ):
        assert inline_code_found(html), html
    for html in ('<script src="/static/x.js"></script>', '<script type="application/json" id="s">{}</script>', "<p>style</p>"):
        assert inline_code_found(html) == [], html
