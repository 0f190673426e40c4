"""``POLICYBOUND_HTTPS=true``: HSTS, cookies only over TLS, plain http redirected, and ``check --deploy`` clean.

Settings are read once per process, so each case runs ``policybound`` in a subprocess on a fresh
embedded data directory (as ``tests/test_serve.py`` does).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_serve import policybound

PROBE = """
import json
from django.conf import settings
from django.test import Client
client = Client()
secure = client.get("/console/login/", secure=True)
plain = client.get("/console/login/")
health = client.get("/api/v1/health")
print(json.dumps({
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "plain": [plain.status_code, plain.headers.get("Location")],
    "health": health.status_code,
    "csp": secure.headers.get("Content-Security-Policy"),
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}))
"""


def probe(data_dir: Path, **env: str) -> dict[str, object]:
    result = policybound("shell", "-c", PROBE, data_dir=data_dir, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def ready(data_dir: Path, **env: str) -> None:
    """Migrated, and a worker that beat and swept, as a running installation is."""
    for args in (("migrate",), ("worker", "--once", "--mail-every", "0")):
        result = policybound(*args, data_dir=data_dir, env=env)
        assert result.returncode == 0, result.stderr[-2000:]


def test_https_mode_turns_on_hsts_secure_cookies_and_the_redirect(tmp_path: Path) -> None:
    ready(tmp_path, POLICYBOUND_HTTPS="true")
    seen = probe(tmp_path, POLICYBOUND_HTTPS="true")
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["plain"] == [301, "https://testserver/console/login/"]
    assert seen["health"] == 200  # a load balancer inside may ask over plain http
    assert seen["cookies"] == [True, True]
    assert "default-src 'self'" in str(seen["csp"])


def test_without_https_there_is_no_hsts_and_no_redirect(tmp_path: Path) -> None:
    ready(tmp_path)
    seen = probe(tmp_path)
    assert seen["hsts"] is None and seen["plain"][0] == 200  # type: ignore[index]
    assert seen["cookies"] == [False, False]
    assert "default-src 'self'" in str(seen["csp"])


HTTPS_SITE = {"POLICYBOUND_HTTPS": "true", "POLICYBOUND_SITE_URL": "https://privacy.example.com"}


def test_check_deploy_is_clean_in_https_mode(tmp_path: Path) -> None:
    ready(tmp_path, **HTTPS_SITE)
    result = policybound("check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path, env=HTTPS_SITE)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout


def test_check_deploy_wants_https_mail_links_in_https_mode(tmp_path: Path) -> None:
    ready(tmp_path, POLICYBOUND_HTTPS="true")
    result = policybound("check", "--deploy", data_dir=tmp_path, env={"POLICYBOUND_HTTPS": "true"})
    assert "core.W001" in result.stdout + result.stderr and "POLICYBOUND_SITE_URL" in result.stdout + result.stderr


def test_check_deploy_names_what_is_missing_without_https(tmp_path: Path) -> None:
    ready(tmp_path)
    result = policybound("check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout
