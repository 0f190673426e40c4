"""The staff side's forms: opening a request received off-line, deferring it, answering it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from policybound.rights.models import Outcome, RequestChannel, RequestKind

OFFLINE = [(c.value, c.label) for c in RequestChannel if c not in (RequestChannel.ONLINE, RequestChannel.API)]


class OpenForm(forms.Form):
    email = forms.EmailField(label=_("The person's e-mail address on file"), max_length=254)
    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices)
    channel = forms.ChoiceField(label=_("How it was received"), choices=OFFLINE)
    identity_note = forms.CharField(
        label=_("How identity was checked"), max_length=300,
        help_text=_("For a proxy: which power of attorney and identity documents were seen (never a copy or a number)."),
    )
    request_text = forms.CharField(label=_("What the person asks"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(forms.Form):
    until = forms.DateField(label=_("New answer date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason told to the person"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reason = forms.CharField(
        label=_("Reasons (needed for a refusal or a partial answer)"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
