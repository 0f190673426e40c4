"""People and policy for the console's tests.

Alice is the privacy officer, Bob a marketing handler scoped to consulting requests and inquiries,
Carol a marketing handler scoped to newsletters, Mallory (``marketing_desk``) one scoped to the
marketing consent alone, and Charlie an account with no role at all.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from policybound.audit.actors import Actor
from policybound.collection.services import submission_record
from policybound.console import accounts
from policybound.policy.models import PolicyVersion
from policybound.policy.schema import Policy, Role

PASSWORD = "correct horse battery staple 7"
OPERATOR = Actor.system("cli:test")


def scoped(policy: Policy) -> Policy:
    """The bundled policy with narrower marketing roles, so that scoping can be seen."""
    roles = [
        *(role for role in policy.roles if role.code != "marketing"),
        Role(code="marketing", label=policy.roles[0].label, purposes=["consulting", "inquiry"]),
        Role(code="newsletter_desk", label=policy.roles[0].label, purposes=["newsletter"]),
        Role(code="marketing_desk", label=policy.roles[0].label, purposes=["marketing"]),
    ]
    return policy.model_copy(update={"roles": roles})


@pytest.fixture
def fast_passwords(settings: Any) -> None:
    """Argon2 is slow on purpose; tests that only need an account use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def published(published_policy: PolicyVersion) -> PolicyVersion:
    return published_policy


@pytest.fixture
def policy(published: PolicyVersion) -> Policy:
    return scoped(published.policy)


@pytest.fixture
def make_staff(policy: Policy, fast_passwords: None) -> Callable[..., Any]:
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


VISITOR = Actor.public(ip="203.0.113.10")
_counter = itertools.count(1)


def person(n: int) -> dict[str, str]:
    """Obviously fake but realistic values for the n-th visitor."""
    return {
        "name": "홍길동" if n == 1 else f"김테스트{n}",
        "phone": f"010-2000-{n:04d}",
        "email": f"visitor{n}@example.com",
        "company": f"예시상사{n}",
    }


def submit(purpose: str = "consulting", *, n: int | None = None, marketing: bool = False, **changes: Any) -> Any:
    """A form submission for ``purpose`` by visitor ``n`` (a new one by default)."""
    number = n if n is not None else next(_counter) + 100
    fields: dict[str, Any] = person(number)
    if purpose in ("consulting", "inquiry"):
        fields["message"] = "클라우드 전환 상담을 원합니다."
    if purpose == "newsletter":
        fields["interests"] = ["cloud"]
    fields.update(changes)
    return submission_record(
        purpose=purpose, fields=fields, consents={purpose: True, "marketing": marketing}, source="web", actor=VISITOR
    )


@pytest.fixture
def hong(published: PolicyVersion) -> Any:
    """홍길동's consulting request: subject, submission and engagement ids."""
    return submit("consulting", n=1)
