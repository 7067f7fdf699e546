from typing import cast

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from records.models import ADDRESS_MAX_CHARS, PHONE_PATTERN
from records.validators import validate_birth_date
from teams.models import Category
from web.presence import confirmed_form_field, presence_form_field


class PersonForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team that follows the person"), coerce=int)
    display_name = forms.CharField(
        label=_("Name used"), max_length=150, help_text=_("How the person wishes to be called.")
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_birth_date],
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
    # No max_length: the browser would cut a pasted text without a word. The limit is checked in
    # clean_body and shown as a counter, so an over-long text comes back whole with its error.
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 6}))
    confirm_unshared = forms.BooleanField(
        required=False, label=_("I understand: save it anyway, visible by me alone for now.")
    )

    def __init__(self, *args, teams=(), categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [(t.pk, t.name) for t in teams]
        cast(forms.ChoiceField, self.fields["category"]).choices = (
            categories  # (code, label) pairs the page has already read
            if categories is not None
            else [(c.code, c.label) for c in Category.objects.order_by("id")]
        )
        limit = settings.RELAIS_NOTE_MAX_CHARS
        self.fields["body"].help_text = _("At most %(max)s characters.") % {"max": number_format(limit)}
        self.fields["body"].widget.attrs.update({"data-max-chars": limit, "data-counter": "note-counter"})

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        limit = settings.RELAIS_NOTE_MAX_CHARS
        if len(body) > limit:
            raise forms.ValidationError(
                _("%(count)s characters: at most %(max)s. Shorten the note, or split it into two.")
                % {"count": number_format(len(body)), "max": number_format(limit)}
            )
        return body


class FollowUpForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team that starts following"), coerce=int)
    presence = presence_form_field()
    confirmed = confirmed_form_field()

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [(t.pk, t.name) for t in teams]


class AskTeamForm(forms.Form):
    """The person asks a team to follow them: the teams grouped by the organisation behind each."""

    team = forms.TypedChoiceField(label=_("The team"), coerce=int)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for team in teams:
            groups.setdefault(team.organisation.name, []).append((team.pk, team.name))
        cast(forms.ChoiceField, self.fields["team"]).choices = list(groups.items())


class NoteCorrectionForm(forms.Form):
    body = forms.CharField(label=_("Corrected note"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.RELAIS_NOTE_MAX_CHARS
        self.fields["body"].help_text = _("At most %(max)s characters.") % {"max": number_format(limit)}
        self.fields["body"].widget.attrs.update({"data-max-chars": limit, "data-counter": "note-counter"})

    clean_body = NoteForm.clean_body


class ContactForm(forms.Form):
    phone = PersonForm.base_fields["phone"]
    email = PersonForm.base_fields["email"]
    address = PersonForm.base_fields["address"]
