from django import forms
from django.contrib.auth.forms import AuthenticationForm

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
