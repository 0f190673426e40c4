"""Sign-in (password, then the TOTP code or first-time enrolment) and sign-out.

Password failures are counted by django-axes, which locks the username after
``POLICYBOUND_LOGIN_FAILURE_LIMIT`` failures; wrong codes are throttled by django-otp. Only a
sign-in that passed both steps counts, and is written to the access log.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from policybound.audit.actors import client_ip
from policybound.console import twofactor
from policybound.console.forms import LoginForm, TokenForm


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("console:home")


def _with_next(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(url_name) + "?" + urlencode({"next": next_url}))


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return _with_next("console:otp", next_url)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            auth_login(request, form.get_user())
            return _with_next("console:otp", next_url)
        username = request.POST.get("username", "")
        user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
        twofactor.staff_login_failed_record(user_id=user_id, ip=client_ip(request), step="password")
    return render(request, "console/login.html", {"form": form, "next": next_url})


@never_cache
@login_required(login_url="console:login")
def otp_view(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the enrolled device, or enrolment of the first one."""
    next_url = _next_url(request)
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    device = twofactor.totp_confirmed_device(user=user)
    enrolling = device is None
    if enrolling:
        device = twofactor.totp_enrollment_device(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if enrolling:
            accepted = device if twofactor.totp_enrollment_confirm(device=device, token=token) else None
        else:
            accepted = twofactor.totp_verify(user=user, token=token)
        if accepted is not None:
            otp_login(request, accepted)
            # A new session key for the verified session: a key seen before this step (the password
            # step's) no longer opens anything. Django's login() already rotated it at the password.
            request.session.cycle_key()
            twofactor.staff_login_record(user=user, ip=client_ip(request), enrolled=enrolling)
            return redirect(next_url)
        twofactor.staff_login_failed_record(user_id=user.pk, ip=client_ip(request), step="totp")
        form.add_error("token", _("That code is not valid. Wait for a new code and try again."))
    context = {"form": form, "next": next_url, "enrolling": enrolling}
    if enrolling:
        context["qr_svg"] = twofactor.totp_qr_svg(device)
        context["secret"] = twofactor.totp_secret(device)
    return render(request, "console/otp.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        twofactor.staff_logout_record(user=request.user, ip=client_ip(request))
    auth_logout(request)
    return redirect("console:login")
