"""``staff_view``: the single gate in front of every console page.

A request reaches a console view only when the account is signed in (else: the sign-in page), has
passed the second factor in this session (else: the code page; ``django_otp``'s ``otp_required``),
and holds ``console.use_console`` plus every permission the view names (else: a 403 page). Pages
are never cached, since they show personal data or a TOTP secret.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django_otp.decorators import otp_required

from policybound.console.roles import USE_CONSOLE, perm

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "console/forbidden.html", status=403)


def staff_view(*codenames: str) -> Callable[[View], View]:
    """Require sign-in, a verified second factor, ``use_console`` and the named console permissions."""
    required = [perm(USE_CONSOLE), *(perm(codename) for codename in codenames)]

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perms(required):
                return forbidden(request)
            return view(request, *args, **kwargs)

        gated = otp_required(checked, login_url=reverse_lazy("console:otp"))
        gated = login_required(gated, login_url=reverse_lazy("console:login"))
        return cast(View, never_cache(gated))

    return decorator
