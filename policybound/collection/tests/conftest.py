"""Fixtures for the collection tests: the bundled policy published at a frozen time, people.

Alice and Bob are fictional; their values are obviously fake (example.com, 010-0000-xxxx style numbers
that are nevertheless valid Korean mobile numbers) and never printed.
"""

from __future__ import annotations

import datetime as dt

import pytest

from policybound.audit.actors import Actor
from policybound.collection.models import ConsentReceipt, Engagement, NoticeText, Submission, SubmissionValue
from policybound.policy.models import PolicyVersion
from policybound.subjects.models import Organization, Subject, SubjectIndex
from policybound.vault.models import DataKey


@pytest.fixture
def policy_version(now: dt.datetime, published_policy: PolicyVersion) -> PolicyVersion:
    """The bundled policy, published (through ``policy_publish``) at the frozen ``now``."""
    return published_policy


@pytest.fixture
def visitor() -> Actor:
    return Actor.public(ip="203.0.113.10")


STORED_MODELS = (
    Subject, SubjectIndex, Organization, DataKey, Submission, SubmissionValue, ConsentReceipt, Engagement, NoticeText,
)


def row_counts() -> dict[str, int]:
    from policybound.audit.models import AuditEvent

    counts = {model.__name__: model.objects.count() for model in STORED_MODELS}
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts
