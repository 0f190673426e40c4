from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.policy.loader import PolicyInvalid
from policybound.policy.models import PolicyVersion, PolicyVersionImmutable, text_sha256
from policybound.policy.services import policy_publish, policy_publish_bundled_if_none
from policybound.policy.tests.factory import dated_yaml, policy_yaml

pytestmark = pytest.mark.django_db

ALICE = Actor.system("alice-release-job")
MARCH_1, MARCH_8 = dt.date(2024, 3, 1), dt.date(2024, 3, 8)


def publish(text: str | None = None, announced: dt.date = MARCH_1, effective: dt.date = MARCH_8) -> PolicyVersion:
    return policy_publish(text=text or policy_yaml(), announced=announced, effective=effective, actor=ALICE)


def test_it_publishes_a_valid_policy_with_its_dates() -> None:
    text = policy_yaml()
    version = publish(text)
    assert (version.sha256, version.announced, version.effective) == (text_sha256(text), MARCH_1, MARCH_8)
    assert version.text == text
    assert version.title == "한빛랩스 개인정보처리방침"
    assert version.published_by == "system:alice-release-job"


def test_it_records_the_publication_in_the_audit_log() -> None:
    version = publish()
    event = AuditEvent.objects.get(action="publish")
    assert event.target == f"policy_version:{version.pk}"
    assert event.detail["sha256"] == version.sha256
    assert event.actor_label == "alice-release-job"


def test_it_refuses_a_policy_with_errors_and_stores_nothing() -> None:
    broken = policy_yaml(lambda d: d["purposes"][0]["items"].append("fax"))
    with pytest.raises(PolicyInvalid) as raised:
        publish(broken)
    assert "'fax', which is not declared" in raised.value.problems[0].message
    assert not PolicyVersion.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_dates_other_than_those_the_text_states() -> None:
    with pytest.raises(PolicyInvalid) as raised:
        publish(effective=dt.date(2024, 4, 1))
    assert "the file says effective: 2024-03-08" in raised.value.problems[0].message
    assert not PolicyVersion.objects.exists()


def test_it_publishes_the_same_text_only_once() -> None:
    first = publish()
    second = publish()
    assert second.pk == first.pk
    assert PolicyVersion.objects.count() == 1
    assert AuditEvent.objects.filter(action="publish").count() == 1


def test_it_publishes_the_bundled_policy_when_nothing_is_published(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(dated_yaml(dt.date(2023, 5, 1), dt.date(2023, 5, 10)), encoding="utf-8")
    version = policy_publish_bundled_if_none(path=path)
    assert version is not None
    assert (version.announced, version.effective) == (dt.date(2023, 5, 1), dt.date(2023, 5, 10))
    assert version.published_by == "system:bundled-policy"


def test_it_leaves_the_bundled_policy_alone_once_a_version_exists(tmp_path: Path) -> None:
    publish()
    path = tmp_path / "policy.yaml"
    path.write_text(dated_yaml(dt.date(2023, 5, 1), dt.date(2023, 5, 10)), encoding="utf-8")
    assert policy_publish_bundled_if_none(path=path) is None
    assert PolicyVersion.objects.count() == 1


def test_it_never_changes_a_published_version() -> None:
    version = publish()
    version.title = "Bob's edit"
    with pytest.raises(PolicyVersionImmutable):
        version.save()


def test_it_never_deletes_a_published_version() -> None:
    version = publish()
    with pytest.raises(PolicyVersionImmutable):
        version.delete()
    assert PolicyVersion.objects.filter(pk=version.pk).exists()


def test_it_refuses_bulk_changes_and_deletions() -> None:
    publish()
    with pytest.raises(PolicyVersionImmutable):
        PolicyVersion.objects.update(title="Bob's edit")
    with pytest.raises(PolicyVersionImmutable):
        PolicyVersion.objects.all().delete()
    assert PolicyVersion.objects.get().title == "한빛랩스 개인정보처리방침"


def test_it_parses_a_version_once() -> None:
    version = publish()
    again = PolicyVersion.objects.get(pk=version.pk)
    assert again.policy is version.policy
    assert version.policy.purpose("demo").label.en == "Demo request"
