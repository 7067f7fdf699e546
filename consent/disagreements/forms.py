"""The forms of a disagreement: the person says why; an auditor answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DisagreementAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer, which the person will read"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisagreeForm(forms.Form):
    """ "I do not agree": with one journal line (``event``) or one emergency access (``emergency``)."""

    event = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    emergency = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    statement = forms.CharField(
        label=_("Why do you disagree?"),
        help_text=_("In your words. An auditor reads it and answers you here."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
