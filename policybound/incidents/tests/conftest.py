"""People for the incidents tests, made in bulk straight into the tables the scope reads.

Going through ``submission_record`` for 1,200 people would take the test minutes; these rows are the
same shape (a subject with its data key, a consulting submission, its values sealed under the key).
Addresses are obviously fake (``person<n>@example.com``) and never printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from policybound.audit.actors import Actor
from policybound.collection.models import Channel, Source, Submission, SubmissionValue, value_context
from policybound.console.tests.conftest import alice, bob, fast_passwords, make_staff  # noqa: F401  (shared staff)
from policybound.policy.models import PolicyVersion
from policybound.subjects.models import Subject
from policybound.vault.services import data_key_create, seal

OFFICER = Actor.system("cli:officer")


def people(version: PolicyVersion, count: int, *, purpose: str = "consulting", email: bool = True,
           at: dt.datetime, start: int = 0) -> list[Subject]:
    """``count`` people who sent ``purpose`` at ``at``: name and phone, and an e-mail if ``email``."""
    subjects = []
    for n in range(start, start + count):
        subject = Subject.objects.create(data_key=data_key_create(), created_at=at)
        submission = Submission.objects.create(
            subject=subject, purpose=purpose, source=Source.WEB, channel=Channel.WEB, policy_version=version,
            language="ko", created_at=at,
        )
        values = {"name": f"김테스트{n}", "phone": f"+8210{n:08d}"}
        if email:
            values["email"] = f"person{n}@example.com"
        SubmissionValue.objects.bulk_create(
            SubmissionValue(submission=submission, item=item,
                            sealed=seal(subject.data_key, text, context=value_context(submission.pk, item)))
            for item, text in values.items()
        )
        subjects.append(subject)
    return subjects


@pytest.fixture(autouse=True)
def korean() -> Iterator[None]:
    """Services answer in the active language; these tests read Korean whatever ran before them."""
    with translation.override("ko"):
        yield


@pytest.fixture
def version(published_policy: PolicyVersion) -> PolicyVersion:
    return published_policy


@pytest.fixture
def policy(version: PolicyVersion) -> Any:
    return version.policy
