from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from teams import accounts


class SignInForm(AuthenticationForm):
    """Django's sign-in form, checked through the service that records every attempt (R5)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = accounts.sign_in(request=self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CommitmentForm(forms.Form):
    accept = forms.BooleanField(required=True)


class PresentationForm(forms.Form):
    """How a member is presented in one of their teams (``teams.services.present_myself``)."""

    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    title = forms.CharField(
        label=_("Your title, as persons and colleagues read it"),
        required=False,
        max_length=80,
        help_text=_(
            "For example “intervenante”, “travailleur pair”, or your job title. Empty: your profession."
        ),
    )
    peer_role_shown = forms.BooleanField(label=_("Say that I am a peer worker"), required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]  # type: ignore[attr-defined]
