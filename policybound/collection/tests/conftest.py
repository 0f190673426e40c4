"""Fixtures for the collection tests: the bundled policy published, a frozen clock, people.

Alice and Bob are fictional; their values are obviously fake (example.com, 010-0000-xxxx style numbers
that are nevertheless valid Korean mobile numbers) and never printed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction

from policybound.audit.actors import Actor
from policybound.collection.models import ConsentReceipt, Engagement, NoticeText, Submission, SubmissionValue
from policybound.lib import clock
from policybound.policy.models import PolicyVersion, text_sha256
from policybound.subjects.models import Organization, Subject, SubjectIndex
from policybound.vault.keys import encode_key
from policybound.vault.models import DataKey

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
POLICY_PATH = os.path.join(REPO, "policies", "kt-enterprise.yaml")
SCREENSHOTS = Path(REPO) / "var" / "screenshots"
NOW = dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def vault_keys(settings):
    """Each test under its own fresh keys, so nothing depends on keys left in the data directory."""
    settings.POLICYBOUND_MASTER_KEY = encode_key(os.urandom(32))
    settings.POLICYBOUND_MASTER_KEY_OLD = None
    settings.POLICYBOUND_INDEX_KEY = encode_key(os.urandom(32))
    return settings


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def policy_version(db, now) -> PolicyVersion:
    with open(POLICY_PATH, encoding="utf-8") as handle:
        text = handle.read()
    return publish(text)


def publish(text: str, *, effective: dt.date = dt.date(2022, 1, 19)) -> PolicyVersion:
    """A published version of ``text``, stored directly: these tests are about collection, not about
    publishing (whose checks ``policy.services.policy_publish`` owns and tests)."""
    return PolicyVersion.objects.create(
        text=text,
        sha256=text_sha256(text),
        title="test policy",
        announced=effective,
        effective=effective,
        published_at=clock.now(),
        published_by="test",
    )


@pytest.fixture
def visitor() -> Actor:
    return Actor.public(ip="203.0.113.10")


def alice_fields(**changes: object) -> dict[str, object]:
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
    return alice_fields(name="박밥", phone="010-3000-2002", email="bob@example.org", **changes)


STORED_MODELS = (
    Subject, SubjectIndex, Organization, DataKey, Submission, SubmissionValue, ConsentReceipt, Engagement, NoticeText,
)


def row_counts() -> dict[str, int]:
    from policybound.audit.models import AuditEvent

    counts = {model.__name__: model.objects.count() for model in STORED_MODELS}
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


def atomic_block():
    return transaction.atomic()
