"""The shared fixtures other apps build on: the bundled policy and the example company, published."""

from __future__ import annotations

import datetime as dt

from policybound.policy.models import PolicyVersion
from policybound.policy.selectors import policy_version_in_force


def test_published_policy_is_the_bundled_policy_in_force_since_2022_01_19(published_policy: PolicyVersion) -> None:
    assert (published_policy.announced, published_policy.effective) == (dt.date(2022, 1, 19), dt.date(2022, 1, 19))
    assert policy_version_in_force(as_of=dt.date(2022, 1, 19)) == published_policy
    assert published_policy.policy.form_purposes()


def test_example_policy_is_another_company(example_policy: PolicyVersion) -> None:
    assert policy_version_in_force(as_of=example_policy.effective) == example_policy
    assert example_policy.policy.form_purposes()


def test_both_fixtures_can_be_published_together(published_policy: PolicyVersion, example_policy: PolicyVersion) -> None:
    assert published_policy.sha256 != example_policy.sha256
    assert PolicyVersion.objects.count() == 2
