from __future__ import annotations

import datetime as dt

import pytest

from policybound.audit.actors import Actor
from policybound.lib import clock
from policybound.policy.models import PolicyVersion
from policybound.policy.selectors import (
    policy_in_force,
    policy_version_find,
    policy_version_in_force,
    policy_version_upcoming,
    policy_versions,
    policy_versions_announced,
)
from policybound.policy.services import policy_publish
from policybound.policy.tests.factory import dated_yaml

pytestmark = pytest.mark.django_db

D = dt.date


def publish(announced: dt.date, effective: dt.date, title: str | None = None) -> PolicyVersion:
    return policy_publish(
        text=dated_yaml(announced, effective, title=title),
        announced=announced,
        effective=effective,
        actor=Actor.system("test"),
    )


def test_it_has_nothing_in_force_before_anything_is_published() -> None:
    assert policy_version_in_force() is None
    assert policy_in_force() is None


def test_it_puts_the_latest_effective_version_in_force() -> None:
    publish(D(2023, 1, 1), D(2023, 1, 8))
    second = publish(D(2024, 1, 1), D(2024, 1, 8))
    assert policy_version_in_force(as_of=D(2024, 6, 1)) == second


def test_it_keeps_the_old_version_in_force_until_the_new_one_takes_effect() -> None:
    first = publish(D(2023, 1, 1), D(2023, 1, 8))
    publish(D(2024, 1, 1), D(2024, 1, 8))
    assert policy_version_in_force(as_of=D(2024, 1, 7)) == first


def test_it_reads_the_clock_when_no_date_is_given() -> None:
    publish(D(2023, 1, 1), D(2023, 1, 8))
    second = publish(D(2024, 1, 1), D(2024, 1, 8))
    with clock.frozen(dt.datetime(2024, 1, 7, 23, 59, tzinfo=dt.UTC)):  # 2024-01-08 08:59 in Seoul
        assert policy_version_in_force() == second


def test_it_prefers_the_later_publication_on_the_same_effective_date() -> None:
    with clock.frozen(dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)):
        publish(D(2024, 1, 1), D(2024, 1, 8), title="first")
    with clock.frozen(dt.datetime(2024, 1, 2, 9, tzinfo=dt.UTC)):
        later = publish(D(2024, 1, 1), D(2024, 1, 8), title="correction")
    assert policy_version_in_force(as_of=D(2024, 2, 1)) == later


def test_it_announces_an_upcoming_version() -> None:
    publish(D(2023, 1, 1), D(2023, 1, 8))
    upcoming = publish(D(2024, 1, 1), D(2024, 1, 8))
    assert policy_version_upcoming(as_of=D(2024, 1, 3)) == upcoming


def test_it_has_no_upcoming_version_once_it_is_in_force() -> None:
    publish(D(2024, 1, 1), D(2024, 1, 8))
    assert policy_version_upcoming(as_of=D(2024, 1, 8)) is None


def test_it_does_not_announce_a_version_before_its_announcement_date() -> None:
    publish(D(2024, 1, 1), D(2024, 1, 8))
    assert policy_version_upcoming(as_of=D(2023, 12, 31)) is None
    assert list(policy_versions_announced(as_of=D(2023, 12, 31))) == []


def test_it_lists_every_version_newest_first() -> None:
    old = publish(D(2023, 1, 1), D(2023, 1, 8))
    new = publish(D(2024, 1, 1), D(2024, 1, 8))
    assert list(policy_versions()) == [new, old]


def test_it_finds_a_version_by_id() -> None:
    version = publish(D(2023, 1, 1), D(2023, 1, 8))
    assert policy_version_find(ref=str(version.pk), as_of=D(2024, 1, 1)) == version


def test_it_finds_a_version_by_a_sha256_prefix() -> None:
    version = publish(D(2023, 1, 1), D(2023, 1, 8))
    assert policy_version_find(ref=version.sha256[:10].upper(), as_of=D(2024, 1, 1)) == version


def test_it_finds_nothing_for_a_too_short_or_unknown_reference() -> None:
    publish(D(2023, 1, 1), D(2023, 1, 8))
    assert policy_version_find(ref="abc", as_of=D(2024, 1, 1)) is None
    assert policy_version_find(ref="0" * 12, as_of=D(2024, 1, 1)) is None
    assert policy_version_find(ref="../etc", as_of=D(2024, 1, 1)) is None


def test_it_hides_a_version_not_yet_announced() -> None:
    version = publish(D(2024, 1, 1), D(2024, 1, 8))
    assert policy_version_find(ref=version.sha256, as_of=D(2023, 12, 1)) is None
