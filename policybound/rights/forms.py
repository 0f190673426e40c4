"""The privacy center's forms: each error names its field and rule, in the visitor's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from policybound.rights.verification import CODE_DIGITS


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254,
        help_text=_("The address you gave us, for example in a form on this site."),
        error_messages={"required": _("Enter the e-mail address you gave us."),
                        "invalid": _("Enter an e-mail address such as name@example.com.")},
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"), regex=rf"^\s*\d{{{CODE_DIGITS}}}\s*$", max_length=20,
        error_messages={"required": _("Enter the code from the mail."),
                        "invalid": _("The code is six digits.")},
    )


class WithdrawForm(forms.Form):
    purposes = forms.MultipleChoiceField(
        label=_("Consents to withdraw"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one consent to withdraw."),
                        "invalid_choice": _("Choose among the consents shown.")},
    )

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["purposes"].choices = choices  # type: ignore[attr-defined]


class SuspendForm(forms.Form):
    what = forms.CharField(
        label=_("What should we stop, and why?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tell us which processing to stop.")},
    )


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the deletion.")},
    )


class CorrectForm(forms.Form):
    item = forms.ChoiceField(
        label=_("Item to correct"),
        error_messages={"required": _("Choose the item to correct."),
                        "invalid_choice": _("Choose among the items shown.")},
    )
    value = forms.CharField(
        label=_("Correct value"), max_length=10_000, strip=False,
        error_messages={"required": _("Enter the correct value.")},
    )

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["item"].choices = choices  # type: ignore[attr-defined]
