"""The second factor every staff sign-in needs (TOTP, django-otp), and the sign-in audit rows.

An account without a confirmed TOTP device enrols on its first sign-in: the console shows a QR code
(inline SVG, nothing fetched from elsewhere) and the base32 secret, and the device counts only once
a code from it has been entered. django-otp throttles wrong codes per device and refuses a code
used before (``last_t``), so a seen code cannot be replayed.
"""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import audit_record

DEVICE_NAME = "console"


def totp_confirmed_device(*, user: Any) -> TOTPDevice | None:
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device


def totp_enrollment_device(*, user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled (created with a fresh secret the first time)."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user_id=user.pk, name=DEVICE_NAME, confirmed=False)
    return device


def totp_enrollment_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm ``device`` when ``token`` is a current code from it; returns whether it was."""
    with transaction.atomic():
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return True


def totp_verify(*, user: Any, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts ``token`` (throttled, no replays), or ``None``."""
    device: TOTPDevice | None = match_token(user, token)
    return device if device is not None and device.confirmed else None


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL of ``device`` as an inline SVG QR code."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


def staff_login_record(*, user: Any, ip: str | None, enrolled: bool = False) -> None:
    """A completed sign-in (password and second factor) in the access log."""
    with transaction.atomic():
        audit_record(
            actor=Actor.staff(user, ip=ip),
            action=AuditAction.LOGIN,
            target=f"user:{user.pk}",
            detail={"second_factor": "totp", "enrolled": enrolled},
        )


def staff_login_failed_record(*, user_id: int | None, ip: str | None, step: str) -> None:
    """A failed password or code; the typed username is not logged (it may be a misplaced password)."""
    with transaction.atomic():
        audit_record(
            actor=Actor.public(ip=ip),
            action=AuditAction.LOGIN_FAILED,
            target=f"user:{user_id}" if user_id is not None else "console:login",
            detail={"step": step},
        )


def staff_logout_record(*, user: Any, ip: str | None) -> None:
    with transaction.atomic():
        audit_record(actor=Actor.staff(user, ip=ip), action=AuditAction.LOGOUT, target=f"user:{user.pk}")
