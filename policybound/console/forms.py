"""The console's forms: sign-in, the second factor, and the reason asked before a reveal or export."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from policybound.console.reasons import REASON_MAX, REASON_MIN, reason_normalize


class LoginForm(AuthenticationForm):
    """Django's sign-in form; it hands ``request`` to ``authenticate`` as django-axes requires."""

    error_messages = {
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("This account is disabled."),
    }


class TokenForm(forms.Form):
    """A six-digit code from the staff member's authenticator app."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the digits shown in your authenticator app."))
        return str(token)


class ReasonForm(forms.Form):
    """Why a staff member needs a full value or an export; it goes into the access log."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("Recorded in the access log and checked in the monthly review."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "minlength": REASON_MIN}),
    )

    def clean_reason(self) -> str:
        try:
            return reason_normalize(self.cleaned_data["reason"])
        except ValueError:
            raise forms.ValidationError(
                _("Give a reason of at least %(min)d characters (spaces in a row count once).") % {"min": REASON_MIN},
                code="min_length",
            ) from None
