"""People and policy for the console's tests.

Alice is the privacy officer, Bob a marketing handler scoped to consulting requests and inquiries,
Carol a marketing handler scoped to newsletters, and Charlie an account with no role at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from policybound.audit.actors import Actor
from policybound.console import accounts
from policybound.lib import clock
from policybound.policy.loader import policy_load
from policybound.policy.models import PolicyVersion, text_sha256
from policybound.policy.schema import Policy, Role

PASSWORD = "correct horse battery staple 7"
OPERATOR = Actor.system("cli:test")


def scoped(policy: Policy) -> Policy:
    """The bundled policy with narrower marketing roles, so that scoping can be seen."""
    roles = [
        *(role for role in policy.roles if role.code != "marketing"),
        Role(code="marketing", label=policy.roles[0].label, purposes=["consulting", "inquiry"]),
        Role(code="newsletter_desk", label=policy.roles[0].label, purposes=["newsletter"]),
    ]
    return policy.model_copy(update={"roles": roles})


@pytest.fixture
def published(db: Any) -> PolicyVersion:
    # Stored directly rather than through policy_publish: the console's tests need the bundled
    # policy's roles and purposes, not its lint verdict.
    loaded = policy_load(settings.POLICYBOUND_BUNDLED_POLICY)
    return PolicyVersion.objects.create(
        text=loaded.text,
        sha256=text_sha256(loaded.text),
        title="test",
        announced=loaded.policy.announced,
        effective=loaded.policy.effective,
        published_at=clock.now(),
        published_by="test",
    )


@pytest.fixture
def policy(published: PolicyVersion) -> Policy:
    return scoped(published.policy)


@pytest.fixture
def make_staff(policy: Policy) -> Callable[..., Any]:
    def make(username: str, role: str | None) -> Any:
        if role is None:
            from django.contrib.auth import get_user_model

            return get_user_model().objects.create_user(username=username, password=PASSWORD)
        return accounts.staff_create(username=username, role=role, password=PASSWORD, policy=policy, actor=OPERATOR)

    return make


@pytest.fixture
def alice(make_staff: Callable[..., Any]) -> Any:
    return make_staff("alice", "privacy_officer")


@pytest.fixture
def bob(make_staff: Callable[..., Any]) -> Any:
    return make_staff("bob", "marketing")


@pytest.fixture
def carol(make_staff: Callable[..., Any]) -> Any:
    return make_staff("carol", "newsletter_desk")


@pytest.fixture
def charlie(make_staff: Callable[..., Any]) -> Any:
    return make_staff("charlie", None)


def signed_in(user: Any) -> Client:
    """A client signed in as ``user`` with a confirmed TOTP device, past the second factor."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_staff() -> Callable[[Any], Client]:
    return signed_in
