"""The inbox's forms: a notice to mark as read, and the choice of an e-mail."""

from django import forms
from django.utils.translation import gettext_lazy as _


class NoticeEmailForm(forms.Form):
    email = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        required=False,
        help_text=_("Only for these messages. The teams do not see it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    enabled = forms.BooleanField(label=_("Send me a short e-mail when something new happens"), required=False)


class NoticeReadForm(forms.Form):
    """One notice to mark as read, or every one (no ``notice``)."""

    notice = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
