"""The form by which a person confirms the reset of their space."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmResetForm(forms.Form):
    previous_password = forms.CharField(
        label=_("The password your space had before"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Not the new one: the one you had before the worker's code."),
    )
