from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ActivateForm(forms.Form):
    code = forms.CharField(label=_("Your code"), max_length=40, help_text=_("The code your worker gave you."))
    username = forms.RegexField(
        label=_("Choose a username"),
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        help_text=_("Letters and digits, without spaces."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _")},
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters."),
    )
    password_again = forms.CharField(
        label=_("Type the password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are different."))
        return data


class ShareForm(forms.Form):
    team = forms.IntegerField()
    category = forms.SlugField(max_length=40)
    share = forms.TypedChoiceField(choices=[("yes", "yes"), ("no", "no")], coerce=lambda v: v == "yes")
    # The information text the page showed the person: recorded with the consent (issue 24).
    information = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
