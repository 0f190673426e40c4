"""Staff accounts and their roles: the writes behind ``policybound user ...`` (no self-sign-up).

Every grant, change and revocation of a role or a permission writes a :class:`PermissionChange` row
and an audit row (``grant`` / ``revoke``) in the same transaction, so the 안전성 확보조치 기준's
record of who gave whom which access, and when, cannot miss a change. Roles are the policy's: a
role's permissions are re-derived from the policy in force whenever an account is given one
(:func:`roles_sync`), and a change of what a role grants is recorded against the role.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import audit_record
from policybound.console.models import Console, PermissionChange
from policybound.console.roles import APP_LABEL, purpose_codename, role_codenames, role_find
from policybound.lib import clock
from policybound.policy.schema import Policy


class StaffError(Exception):
    """A staff-account operation that cannot be done, with a message for the operator."""


def _console_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Console, for_concrete_model=False)


def _user_by_name(username: str) -> AbstractUser:
    user_model = get_user_model()
    try:
        user: AbstractUser = user_model.objects.get(username=username)
    except user_model.DoesNotExist:
        raise StaffError(f"there is no account {username!r}") from None
    return user


def _changer_id(actor: Actor) -> int | None:
    """The staff account behind ``actor``, or ``None`` for the CLI and other non-staff actors."""
    if actor.kind != "staff" or not actor.ident.isdigit():
        return None
    return int(actor.ident)


def _record(
    *,
    actor: Actor,
    action: str,
    account: AbstractUser | None = None,
    role: str = "",
    previous_role: str = "",
    permission: str = "",
    note: str = "",
) -> PermissionChange:
    change = PermissionChange.objects.create(
        at=clock.now(),
        changed_by_id=_changer_id(actor),
        changed_by_label=actor.label[:150],
        account_id=account.pk if account is not None else None,
        account_username=account.get_username() if account is not None else "",
        action=action,
        role=role,
        previous_role=previous_role,
        permission=permission,
        note=note[:300],
    )
    audit_action = AuditAction.REVOKE if action == PermissionChange.Action.REVOKE else AuditAction.GRANT
    detail: dict[str, Any] = {"change": action}
    for key, value in (("role", role), ("previous_role", previous_role), ("permission", permission)):
        if value:
            detail[key] = value
    target = f"user:{account.pk}" if account is not None else f"role:{role}"
    audit_record(actor=actor, action=audit_action, target=target, detail=detail)
    return change


def _role_of(user: AbstractUser) -> str:
    names = sorted(group.name for group in user.groups.all())
    return ",".join(names)


def roles_sync(*, policy: Policy, actor: Actor) -> dict[str, Group]:
    """Make one group per role of ``policy`` hold exactly the permissions the role grants.

    Idempotent. Purpose permissions are created for every purpose of the policy. A group whose role
    the policy no longer names keeps no console permission. Each permission added to or removed from
    a group is recorded against the role.
    """
    content_type = _console_content_type()
    with transaction.atomic():
        for purpose in policy.purposes:
            Permission.objects.get_or_create(
                content_type=content_type,
                codename=purpose_codename(purpose.code),
                defaults={"name": f"Can work the engagements of purpose {purpose.code}"[:255]},
            )
        wanted_by_role = {role.code: role_codenames(role) for role in policy.roles}
        permissions = {
            p.codename: p for p in Permission.objects.filter(content_type__app_label=APP_LABEL)
        }
        groups: dict[str, Group] = {}
        for code, wanted in wanted_by_role.items():
            group, _created = Group.objects.get_or_create(name=code)
            groups[code] = group
            _group_permissions_set(group=group, wanted=wanted, permissions=permissions, actor=actor)
        for group in Group.objects.exclude(name__in=list(wanted_by_role)):
            _group_permissions_set(group=group, wanted=set(), permissions=permissions, actor=actor)
    return groups


def _group_permissions_set(
    *, group: Group, wanted: set[str], permissions: dict[str, Permission], actor: Actor
) -> None:
    current = set(group.permissions.filter(content_type__app_label=APP_LABEL).values_list("codename", flat=True))
    for codename in sorted(wanted - current):
        group.permissions.add(permissions[codename])
        _record(actor=actor, action=PermissionChange.Action.GRANT, role=group.name, permission=f"{APP_LABEL}.{codename}")
    for codename in sorted(current - wanted):
        group.permissions.remove(permissions[codename])
        _record(
            actor=actor, action=PermissionChange.Action.REVOKE, role=group.name, permission=f"{APP_LABEL}.{codename}"
        )


def _require_role(policy: Policy, role: str) -> None:
    if role_find(policy, role) is None:
        known = ", ".join(r.code for r in policy.roles)
        raise StaffError(f"the policy in force has no role {role!r} (its roles: {known})")


def staff_create(
    *, username: str, role: str, password: str, email: str = "", policy: Policy, actor: Actor
) -> AbstractUser:
    """Create a staff account with one role of ``policy``; the password must pass the validators."""
    _require_role(policy, role)
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise StaffError(f"the account {username!r} already exists; one account per person")
    candidate = user_model(username=username, email=email)
    try:
        user_model._meta.get_field("username").run_validators(username)
        validate_password(password, candidate)
    except ValidationError as error:
        raise StaffError(" ".join(error.messages)) from None
    with transaction.atomic():
        groups = roles_sync(policy=policy, actor=actor)
        user: AbstractUser = user_model.objects.create_user(username=username, email=email, password=password)
        user.groups.add(groups[role])
        _record(actor=actor, action=PermissionChange.Action.GRANT, account=user, role=role, note="account created")
    return user


def staff_role_set(*, username: str, role: str, policy: Policy, actor: Actor) -> AbstractUser:
    """Give the account ``role`` in place of its current one (re-enabling a disabled account)."""
    _require_role(policy, role)
    user = _user_by_name(username)
    with transaction.atomic():
        groups = roles_sync(policy=policy, actor=actor)
        previous = _role_of(user)
        if previous == role and user.is_active:
            return user
        user.groups.set([groups[role]])
        note = ""
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            note = "account enabled"
        action = PermissionChange.Action.CHANGE if previous else PermissionChange.Action.GRANT
        _record(actor=actor, action=action, account=user, role=role, previous_role=previous, note=note)
    return user


def staff_disable(*, username: str, actor: Actor) -> AbstractUser:
    """Revoke every access of the account: no role, no direct permission, no sign-in.

    The account is kept (its rows in the logs point at it); its open sessions stop working at
    once, because an inactive user is never authenticated again.
    """
    user = _user_by_name(username)
    with transaction.atomic():
        previous = _role_of(user)
        direct = sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
        )
        user.groups.clear()
        user.user_permissions.clear()
        user.is_active = False
        user.save(update_fields=["is_active"])
        _record(
            actor=actor,
            action=PermissionChange.Action.REVOKE,
            account=user,
            role=previous,
            note=("account disabled; direct permissions revoked: " + ", ".join(direct)) if direct else "account disabled",
        )
    return user


def _permission(dotted: str) -> Permission:
    app_label, _dot, codename = dotted.partition(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if permission is None or not codename:
        raise StaffError(f"there is no permission {dotted!r} (write it as app_label.codename)")
    return permission


def staff_permission_grant(*, username: str, permission: str, actor: Actor, note: str = "") -> AbstractUser:
    """An explicit, narrow grant of one permission to one account, beside its role."""
    user = _user_by_name(username)
    granted = _permission(permission)
    with transaction.atomic():
        user.user_permissions.add(granted)
        _record(actor=actor, action=PermissionChange.Action.GRANT, account=user, permission=permission, note=note)
    return user


def staff_permission_revoke(*, username: str, permission: str, actor: Actor, note: str = "") -> AbstractUser:
    """Withdraw a permission granted with :func:`staff_permission_grant`."""
    user = _user_by_name(username)
    revoked = _permission(permission)
    if not user.user_permissions.filter(pk=revoked.pk).exists():
        raise StaffError(f"{username!r} holds no direct grant of {permission!r}")
    with transaction.atomic():
        user.user_permissions.remove(revoked)
        _record(actor=actor, action=PermissionChange.Action.REVOKE, account=user, permission=permission, note=note)
    return user


def staff_second_factor_reset(*, username: str, actor: Actor) -> AbstractUser:
    """Forget the account's TOTP devices (a lost phone): it enrols a new one at its next sign-in.

    Recorded like a revocation, since until then the password alone reaches the enrolment page.
    """
    user = _user_by_name(username)
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user_id=user.pk).delete()
        _record(
            actor=actor,
            action=PermissionChange.Action.REVOKE,
            account=user,
            note=f"second factor reset ({removed} device(s) removed); a new one is enrolled at the next sign-in",
        )
    return user
