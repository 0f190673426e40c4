"""Helpers the apps' tests share; the running application never imports this module.

- Publishing: tests publish policies the way production does, through
  :func:`policybound.policy.services.policy_publish` (lint and all), under the dates the text states.
  A test that needs an unpublishable policy creates its ``PolicyVersion`` itself and says why.
- Keys: every test runs under fresh vault keys (the root ``conftest.py`` applies
  :func:`vault_keys_fresh` to each test), so nothing depends on key files left in the data directory.
- Races: :func:`run_together` starts jobs on threads at the same instant, the way concurrency tests on
  PostgreSQL need them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from policybound.policy.models import PolicyVersion

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
BUNDLED_POLICY = REPO / "policies" / "kt-enterprise.yaml"  # the file ``settings.POLICYBOUND_BUNDLED_POLICY`` names
EXAMPLE_POLICIES = sorted((REPO / "policies" / "examples").glob("*.yaml"))
SCREENSHOTS = REPO / "var" / "screenshots"  # browser tests save what they show here
TEST_PUBLISHER = "test-fixture"
NOW = dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC)  # a Monday, 19:00 in Seoul: the root ``now`` fixture


def key_new() -> str:
    """A random 32-byte key, base64url, as ``policybound keys generate`` prints it."""
    from policybound.vault.keys import encode_key

    return encode_key(os.urandom(32))


def vault_keys_fresh(settings: Any) -> Any:
    """Give ``settings`` (pytest-django's fixture) new master, archive and index keys and no old ones."""
    settings.POLICYBOUND_MASTER_KEY = key_new()
    settings.POLICYBOUND_MASTER_KEY_OLD = None
    settings.POLICYBOUND_ARCHIVE_MASTER_KEY = key_new()
    settings.POLICYBOUND_ARCHIVE_MASTER_KEY_OLD = None
    settings.POLICYBOUND_INDEX_KEY = key_new()
    return settings


def policy_redated(text: str, *, effective: dt.date) -> str:
    """``text`` announced and in force from ``effective``: its top-level date lines rewritten."""
    for key in ("announced", "effective"):
        text, found = re.subn(rf"^{key}:.*$", f"{key}: {effective.isoformat()}", text, count=1, flags=re.M)
        if not found:
            raise ValueError(f"the policy text has no top-level {key}: line")
    return text


def policy_publish_text(text: str, *, effective: dt.date | None = None) -> PolicyVersion:
    """Publish ``text`` through ``policy_publish`` under the dates it states.

    With ``effective`` the text is first re-dated (:func:`policy_redated`): a revision announced the
    day it takes effect. Raises ``PolicyInvalid`` like the service when the lint finds an error.
    """
    from policybound.audit.actors import Actor
    from policybound.policy.loader import policy_parse
    from policybound.policy.services import policy_publish

    if effective is not None:
        text = policy_redated(text, effective=effective)
    policy = policy_parse(text).policy
    return policy_publish(
        text=text, announced=policy.announced, effective=policy.effective, actor=Actor.system(TEST_PUBLISHER)
    )


def policy_publish_file(path: Path | str, *, effective: dt.date | None = None) -> PolicyVersion:
    """Publish a policy file (see :func:`policy_publish_text`)."""
    return policy_publish_text(Path(path).read_text(encoding="utf-8"), effective=effective)


def run_together(jobs: Sequence[Callable[[], T]], *, timeout: float = 120) -> tuple[list[T], list[BaseException]]:
    """Run each job on its own thread, all released at once; their results and errors, in finishing order.

    Each thread closes its database connections when done (Django opens one per thread). A job that is
    still running after ``timeout`` seconds is left behind and shows up as a missing result.
    """
    from django.db import connections

    results: list[T] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except BaseException as error:  # reported to the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors

# --- the people of the tests ---------------------------------------------------------------------
# Alice and Bob, as a consulting form would send them (obviously fake values). ``None`` drops a field.


def alice_fields(**changes: object) -> dict[str, object]:
    """Alice's consulting-form fields, with ``changes`` applied."""
    fields: dict[str, object] = {
        "name": "김앨리스",
        "phone": "010-2000-1001",
        "email": "alice@example.com",
        "company": "(주)에이비씨테스트",
        "message": "클라우드 전환 상담을 원합니다.",
    }
    fields.update(changes)
    return {code: value for code, value in fields.items() if value is not None}


def bob_fields(**changes: object) -> dict[str, object]:
    """Bob: another person (another e-mail and phone) at Alice's company."""
    return alice_fields(name="박밥", phone="010-3000-2002", email="bob@example.org", **changes)


# The strict Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) as tests check it, and the inline
# code it would refuse: an inline <script> (a JSON data block excepted), <style>, a style attribute, an
# on*= handler, a javascript: URL.
INLINE_CODE = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)


def inline_code_found(html: str) -> list[str]:
    """The pieces of ``html`` a strict CSP refuses (empty when it has none)."""
    return [match.group(0).strip() for match in INLINE_CODE.finditer(html)]


def csp_problems(header: str | None) -> list[str]:
    """What keeps ``header`` from being the strict policy: a missing directive, an inline or eval
    allowance, any origin other than this one."""
    if not header:
        return ["no Content-Security-Policy header"]
    directives = {
        parts[0]: parts[1:] for parts in (chunk.split() for chunk in header.split(";")) if parts
    }
    expected = {"default-src": ["'self'"], "frame-ancestors": ["'none'"], "form-action": ["'self'"]}
    problems = [f"{name} is {directives.get(name)}" for name, value in expected.items() if directives.get(name) != value]
    for name, sources in directives.items():
        for source in sources:
            if source not in ("'self'", "'none'", "data:") or (source == "data:" and name != "img-src"):
                problems.append(f"{name} allows {source}")
    return problems
