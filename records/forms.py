from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from records.models import ADDRESS_MAX_CHARS, PHONE_PATTERN
from teams.models import Category


class PersonForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team that follows the person"), coerce=int)
    display_name = forms.CharField(
        label=_("Name used"), max_length=150, help_text=_("How the person wishes to be called.")
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.RegexField(
        PHONE_PATTERN,
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        error_messages={"invalid": _("Write a phone number with digits, for example 06 12 34 56 78.")},
    )
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=ADDRESS_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    confirm_new = forms.BooleanField(
        required=False, label=_("It is someone else: create this person anyway.")
    )

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [(t.pk, t.name) for t in teams]


class NoteForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Written for the team"), coerce=int)
    category = forms.ChoiceField(label=_("Kind of information"))
    body = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 6}), max_length=settings.RELAIS_NOTE_MAX_CHARS
    )
    confirm_unshared = forms.BooleanField(
        required=False, label=_("I understand: save it anyway, visible by me alone for now.")
    )

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [(t.pk, t.name) for t in teams]
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            (c.code, c.label) for c in Category.objects.order_by("id")
        ]


class FollowUpForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team that starts following"), coerce=int)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [(t.pk, t.name) for t in teams]
