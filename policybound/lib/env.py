"""Typed readers for ``POLICYBOUND_*`` environment variables.

A bad value stops start-up with :class:`ImproperlyConfigured` naming the variable, instead of a stack
trace at the first request (the healthchecks habit).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PREFIX = "POLICYBOUND_"


def _raw(name: str) -> str | None:
    value = os.environ.get(PREFIX + name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def envstr(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def envoptional(name: str) -> str | None:
    return _raw(name)


def envbool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{PREFIX}{name} must be true or false, not {value!r}")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be at least {minimum}, not {number}")
    return number


def envlist(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def envsecret(name: str) -> str | None:
    """Read ``NAME`` or, for container secrets, the file named by ``NAME_FILE``."""
    value = _raw(name)
    if value is not None:
        return value
    path = _raw(name + "_FILE")
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ImproperlyConfigured(f"{PREFIX}{name}_FILE={path!r} cannot be read: {error}") from None


def envpath(name: str, default: Path) -> Path:
    value = _raw(name)
    return (Path(value) if value is not None else default).resolve()
