"""Fixtures for the retention tests: the bundled policy published, Alice and Bob.

Fresh vault keys come from the root ``conftest.py``, as for every test. Time is passed in: data is
created under ``clock.frozen(...)`` and every sweep gets ``as_of``. Alice's and Bob's values are
obviously fake and never printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
import yaml

from policybound.audit.actors import Actor
from policybound.collection.services import (
    SubmissionResult,
    consent_withdraw,
    engagement_end,
    submission_record,
)
from policybound.lib import clock
from policybound.lib.testing import BUNDLED_POLICY, NOW, policy_publish_text
from policybound.policy.models import PolicyVersion
from policybound.retention.results import SweepResult
from policybound.retention.sweep import retention_sweep

T0 = NOW
DAY = dt.timedelta(days=1)
STAFF = Actor(kind="staff", ident="7", label="carol", ip="198.51.100.7")
VISITOR = Actor.public(ip="203.0.113.10")


def publish(text: str) -> PolicyVersion:
    """Publish ``text`` through ``policy_publish``, under the dates it states, with the clock at ``T0``.

    Its ``publish`` audit row is then as old as the tests' data, not years older: the sweep's access-log
    phase would otherwise destroy it and add a register entry the tests do not expect.
    """
    with clock.frozen(T0):
        return policy_publish_text(text)


def policy_text(**retention_changes: Mapping[str, Any]) -> str:
    """The bundled policy, with ``purpose=dict(...)`` merged into that purpose's ``retention``."""
    text = BUNDLED_POLICY.read_text(encoding="utf-8")
    if not retention_changes:
        return text
    data = yaml.safe_load(text)
    for purpose in data["purposes"]:
        purpose["retention"].update(retention_changes.get(purpose["code"], {}))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


@pytest.fixture
def policy(db) -> PolicyVersion:
    return publish(policy_text())


def submit(
    purpose: str, fields: dict[str, object], consents: dict[str, bool] | None = None, *, at: dt.datetime = T0
) -> SubmissionResult:
    if purpose in ("report_download", "newsletter"):
        fields = {k: v for k, v in fields.items() if k != "message"}
    if purpose == "newsletter":
        fields = {**fields, "interests": ["cloud"]}
    with clock.frozen(at):
        return submission_record(
            purpose=purpose, fields=fields, consents=consents or {purpose: True}, source="web", actor=VISITOR,
            ip="203.0.113.10", user_agent="retention-test",
        )


def end(engagement_id: int, *, at: dt.datetime, event: str | None = None) -> None:
    with clock.frozen(at):
        engagement_end(engagement_id=engagement_id, event=event, actor=STAFF)


def withdraw(subject_id: object, purpose: str, *, at: dt.datetime) -> None:
    with clock.frozen(at):
        consent_withdraw(subject_id=str(subject_id), purpose=purpose, actor=VISITOR, channel="web")


def sweep(as_of: dt.datetime, **options: Any) -> SweepResult:
    """A sweep running at ``as_of`` (the clock too, so its own rows carry that time)."""
    with clock.frozen(as_of):
        return retention_sweep(as_of=as_of, **options)
