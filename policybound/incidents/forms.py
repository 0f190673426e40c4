"""The officer's forms for a breach and a transfer; choices come from the policy in force."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from policybound.incidents.models import BreachCause, ReportAuthority, ScopeKind
from policybound.policy.schema import Policy

LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _moment(label: Any, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=required, input_formats=LOCAL,
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


def _text(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=4000, help_text=help_text, widget=forms.Textarea(attrs={"rows": 3}))


class BreachForm(forms.Form):
    discovered_at = _moment(_("When it was found"), required=True)
    cause = forms.ChoiceField(label=_("How it happened"), choices=BreachCause.choices)
    occurred_from = _moment(_("It began (if known)"))
    occurred_until = _moment(_("It ended (if known)"))
    description = _text(_("When and how it happened"), _("Printed in each person's notice."))
    company_actions = _text(_("What the company does"), _("Containment, investigation, redress."))
    subject_actions = _text(_("What a person can do"), _("How they can limit the harm."))
    items = forms.MultipleChoiceField(label=_("Items that leaked"), widget=forms.CheckboxSelectMultiple)
    scope = forms.ChoiceField(label=_("Whose data"), choices=ScopeKind.choices, widget=forms.RadioSelect,
                              initial=ScopeKind.DATA)
    purposes = forms.MultipleChoiceField(label=_("Purposes (none: every purpose)"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    collected_from = _moment(_("Collected from"))
    collected_until = _moment(_("Collected until"))
    subjects = forms.CharField(label=_("People (their ids, one a line)"), required=False, max_length=200_000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    access_account = forms.CharField(label=_("Staff account"), required=False, max_length=150)
    access_from = _moment(_("Access from"))
    access_until = _moment(_("Access until"))

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = get_language() or "ko"
        self.fields["items"].choices = [(item.code, item.label.get(lang)) for item in policy.items]  # type: ignore[attr-defined]
        self.fields["purposes"].choices = [(p.code, p.label.get(lang)) for p in policy.purposes]  # type: ignore[attr-defined]

    def subject_ids(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("subjects", "").splitlines() if line.strip()]


class ReportForm(forms.Form):
    authority = forms.ChoiceField(label=_("Reported to"), choices=ReportAuthority.choices)
    sent_at = _moment(_("Sent at"), required=True)
    reference = forms.CharField(label=_("Receipt number"), required=False, max_length=100)


class TransferForm(forms.Form):
    transferee_name = forms.CharField(label=_("Transferee's name"), max_length=200)
    transferee_address = forms.CharField(label=_("Transferee's address"), max_length=300)
    transferee_phone = forms.CharField(label=_("Transferee's phone"), max_length=40)
    transferee_contact = forms.CharField(label=_("Transferee's contact point"), max_length=200)
    what_moves = _text(_("What moves"), _("Printed in each person's notice."))
    purposes = forms.MultipleChoiceField(label=_("Purposes whose people move"), widget=forms.CheckboxSelectMultiple)
    transfer_date = forms.DateField(label=_("Transfer date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = get_language() or "ko"
        self.fields["purposes"].choices = [(p.code, p.label.get(lang)) for p in policy.purposes]  # type: ignore[attr-defined]
