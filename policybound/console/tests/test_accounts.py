from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.test import RequestFactory

from policybound.audit.models import AuditEvent
from policybound.console import accounts
from policybound.console.models import PermissionChange
from policybound.console.selectors import permission_changes, permission_changes_expired
from policybound.console.tests.conftest import OPERATOR, PASSWORD

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def test_it_puts_a_new_account_in_its_role_group(bob):
    assert list(bob.groups.values_list("name", flat=True)) == ["marketing"]


def test_it_refuses_a_role_the_policy_does_not_name(policy):
    with pytest.raises(accounts.StaffError, match="no role 'janitor'"):
        accounts.staff_create(username="dave", role="janitor", password=PASSWORD, policy=policy, actor=OPERATOR)


def test_it_refuses_a_weak_password(policy):
    with pytest.raises(accounts.StaffError):
        accounts.staff_create(username="dave", role="marketing", password="1234", policy=policy, actor=OPERATOR)


def test_it_refuses_a_second_account_for_the_same_username(bob, policy):
    with pytest.raises(accounts.StaffError, match="already exists"):
        accounts.staff_create(username="bob", role="marketing", password=PASSWORD, policy=policy, actor=OPERATOR)


def test_it_records_who_granted_whom_which_role(bob):
    change = permission_changes(username="bob").get()
    assert (change.action, change.role, change.changed_by_label) == ("grant", "marketing", "cli:test")


def test_it_audits_the_grant(bob):
    assert AuditEvent.objects.filter(action="grant", target=f"user:{bob.pk}").exists()


def test_it_scopes_a_marketing_handler_to_its_purposes(bob):
    assert bob.has_perm("console.purpose_consulting")
    assert not bob.has_perm("console.purpose_newsletter")
    assert not bob.has_perm("console.view_registers")


def test_it_gives_the_privacy_officer_every_purpose_and_the_registers(alice):
    assert alice.has_perms(["console.work_all_purposes", "console.view_registers", "console.review_access_log"])


def test_it_records_a_role_change_with_the_previous_role(bob, policy):
    accounts.staff_role_set(username="bob", role="newsletter_desk", policy=policy, actor=OPERATOR)
    change = permission_changes(username="bob").latest("at", "id")
    assert (change.action, change.role, change.previous_role) == ("change", "newsletter_desk", "marketing")


def test_it_leaves_no_role_behind_on_a_change(bob, policy):
    accounts.staff_role_set(username="bob", role="newsletter_desk", policy=policy, actor=OPERATOR)
    assert list(bob.groups.values_list("name", flat=True)) == ["newsletter_desk"]


def test_it_records_the_revocation_when_an_account_is_disabled(bob):
    accounts.staff_disable(username="bob", actor=OPERATOR)
    change = permission_changes(username="bob").latest("at", "id")
    assert (change.action, change.role) == ("revoke", "marketing")


def test_a_disabled_account_cannot_sign_in(bob):
    accounts.staff_disable(username="bob", actor=OPERATOR)
    request = RequestFactory().post("/console/login/")
    assert authenticate(request, username="bob", password=PASSWORD) is None


def test_a_disabled_account_keeps_no_group(bob):
    accounts.staff_disable(username="bob", actor=OPERATOR)
    assert not bob.groups.exists()


def test_it_records_a_narrow_grant_of_one_permission(charlie):
    accounts.staff_permission_grant(username="charlie", permission="console.use_console", actor=OPERATOR)
    change = permission_changes(username="charlie").get()
    assert (change.action, change.permission) == ("grant", "console.use_console")


def test_it_refuses_to_revoke_a_permission_never_granted(charlie):
    with pytest.raises(accounts.StaffError, match="no direct grant"):
        accounts.staff_permission_revoke(username="charlie", permission="console.use_console", actor=OPERATOR)


def test_it_refuses_an_unknown_permission(charlie):
    with pytest.raises(accounts.StaffError, match="no permission"):
        accounts.staff_permission_grant(username="charlie", permission="console.fly", actor=OPERATOR)


def test_it_records_a_permission_a_changed_policy_takes_from_a_role(bob, policy):
    narrower = policy.model_copy(
        update={"roles": [r if r.code != "marketing" else r.model_copy(update={"purposes": ["consulting"]}) for r in policy.roles]}
    )
    accounts.roles_sync(policy=narrower, actor=OPERATOR)
    change = PermissionChange.objects.filter(role="marketing", account=None, action="revoke").get()
    assert change.permission == "console.purpose_inquiry"


def test_it_takes_every_console_permission_from_a_group_the_policy_dropped(bob, policy):
    without = policy.model_copy(update={"roles": [r for r in policy.roles if r.code != "marketing"]})
    accounts.roles_sync(policy=without, actor=OPERATOR)
    assert not Group.objects.get(name="marketing").permissions.exists()


def test_it_keeps_permission_changes_for_three_years(bob):
    """The default keeps a row 1,095 days (안전성 확보조치 기준: 3 years), counted from the change itself."""
    granted_at = PermissionChange.objects.get(account_username="bob").at
    assert not permission_changes_expired(as_of=granted_at + dt.timedelta(days=1094)).exists()
    assert permission_changes_expired(as_of=granted_at + dt.timedelta(days=1096)).exists()


def test_it_hashes_staff_passwords_with_argon2(policy):
    user = accounts.staff_create(username="dave", role="marketing", password=PASSWORD, policy=policy, actor=OPERATOR)
    assert user.password.startswith("argon2")
