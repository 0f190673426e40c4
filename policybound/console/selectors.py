"""Reads for the staff console: accounts and the permission-change log.

The working screens' reads (inbox, a subject's page) are in :mod:`policybound.console.screens`, the
dashboard's in :mod:`policybound.console.dashboard`, the access-log review's in
:mod:`policybound.console.review`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from policybound.console.models import PermissionChange


@dataclass(frozen=True)
class StaffAccount:
    username: str
    email: str
    role: str
    is_active: bool
    has_totp: bool
    last_login: dt.datetime | None


def staff_accounts() -> list[StaffAccount]:
    """Every account with its role(s) and whether a second factor is enrolled, by username."""
    devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    users = (
        get_user_model()
        .objects.annotate(has_totp=Exists(devices))
        .prefetch_related("groups")
        .order_by("username")
    )
    return [
        StaffAccount(
            username=user.get_username(),
            email=getattr(user, "email", ""),
            role=",".join(sorted(group.name for group in user.groups.all())),
            is_active=user.is_active,
            has_totp=bool(user.has_totp),
            last_login=user.last_login,
        )
        for user in users
    ]


def permission_changes(*, username: str | None = None) -> QuerySet[PermissionChange]:
    """The permission-change log, newest first; for one account when ``username`` is given."""
    rows = PermissionChange.objects.all()
    if username is not None:
        rows = rows.filter(account_username=username)
    return rows.order_by("-at", "-id")


def permission_changes_expired(*, as_of: dt.datetime) -> QuerySet[PermissionChange]:
    """Rows older than ``POLICYBOUND_PERMISSION_LOG_RETENTION_DAYS`` (at least three years)."""
    keep = dt.timedelta(days=settings.POLICYBOUND_PERMISSION_LOG_RETENTION_DAYS)
    return PermissionChange.objects.filter(at__lt=as_of - keep)
