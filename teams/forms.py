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


class FactorForm(forms.Form):
    """The second step of a sign-in: a TOTP code or a recovery code (a passkey answers in ``credential``)."""

    code = forms.CharField(
        label=_("Code from your application, or a recovery code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )
    credential = forms.CharField(required=False, max_length=20000, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean() or {}
        if not data.get("code") and not data.get("credential"):
            raise forms.ValidationError(_("Type the code, or use your passkey."))
        return data


class EnrolForm(forms.Form):
    """A new second factor: the first code of a TOTP application, or a passkey made by the browser."""

    code = forms.CharField(
        label=_("The 6-digit code your application shows"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    name = forms.CharField(label=_("Name of this passkey"), max_length=80, required=False)
    credential = forms.CharField(required=False, max_length=20000, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean() or {}
        if not data.get("code") and not data.get("credential"):
            raise forms.ValidationError(_("Type the code your application shows, or add a passkey."))
        return data


class AccountCodeForm(forms.Form):
    """Opening one's staff account with a setup or recovery code, and choosing its password."""

    username = forms.CharField(label=_("Username"), max_length=150)
    code = forms.CharField(label=_("The code you received"), max_length=40)
    otp = forms.CharField(
        label=_("Your second factor: the code of your application, or a recovery code"),
        help_text=_("Asked when you lost your password only: the code you received is not enough alone."),
        max_length=20,
        required=False,
    )
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput, max_length=128)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput, max_length=128)

    def clean(self):
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class RecoveryForm(forms.Form):
    """What the holder of an account lost: the administration's start of a recovery."""

    lost = forms.ChoiceField(
        label=_("What was lost"),
        widget=forms.RadioSelect,
        choices=[
            ("password", _("The password (the second factor is kept)")),
            ("factor", _("The second factor (the password is kept)")),
            ("both", _("Both, or the account has no second factor")),
        ],
    )
