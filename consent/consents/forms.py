from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from consent.models import LegalBasis, Method
from web.presence import confirmed_form_field, presence_form_field


def _label(text) -> str:
    """How the form names a text: its title, version and reading level."""
    label = _("%(title)s (version %(version)s)") % {"title": text.title, "version": text.version}
    return f"{label}, {_('easy to read')}" if text.easy_read else label


class ConsentForm(forms.Form):
    """What the person agreed to, as a worker records it with them."""

    team = forms.TypedChoiceField(label=_("Team the person agrees to share with"), coerce=int)
    categories = forms.MultipleChoiceField(
        label=_("What the person agrees to share"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick nothing to record that the person refuses to share anything."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        initial=_("Continuity of the support"),
        help_text=_("Why the team needs it, in the words used with the person."),
    )
    method = forms.ChoiceField(
        label=_("How the person said it"),
        choices=[(Method.ORAL, Method.ORAL.label), (Method.WRITTEN, Method.WRITTEN.label)],
        widget=forms.RadioSelect,
    )
    valid_until = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if the person set no end date."),
    )
    confirm_refusal = forms.BooleanField(
        label=_("Yes: the person refuses to share anything with this team."),
        required=False,
    )
    information = forms.TypedChoiceField(
        label=_("Information given to the person"),
        coerce=int,
        help_text=_("The text the person read or was read before choosing; they can read it again later."),
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis of the processing"),
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
        help_text=_("Care and medico-social teams: Public Health Code. Social action: Social Action Code."),
    )
    presence = presence_form_field()
    confirmed = confirmed_form_field()
    # The running consent this form was filled from: if it ends meanwhile, nothing is recorded.
    replaces = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    evidence = forms.FileField(
        label=_("Signed form (scan or photo)"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most %(size)s MB. Kept encrypted.")
        % {"size": settings.RELAIS_EVIDENCE_MAX_BYTES // (1024 * 1024)},
    )

    def __init__(self, *args, teams=(), categories=(), texts=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["information"]).choices = [(t.pk, _label(t)) for t in texts]
        cast(forms.ChoiceField, self.fields["team"]).choices = [(t.pk, t.name) for t in teams]
        cast(forms.ChoiceField, self.fields["categories"]).choices = [(c.code, c.label) for c in categories]
        self.descriptions = {c.code: c.description for c in categories}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("categories") and data.get("confirm_refusal"):
            self.add_error(
                "confirm_refusal",
                _(
                    "The form says both that the person refuses to share anything and that they agree to "
                    "share what is ticked. Untick the categories, or the refusal."
                ),
            )
        elif "categories" in data and not data["categories"] and not data.get("confirm_refusal"):
            self.add_error(
                "categories",
                _(
                    "Nothing is ticked: that records a refusal to share anything. Tick what the person "
                    "agrees to share, or confirm the refusal below."
                ),
            )
        return data


class WithdrawForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How the person said it"),
        choices=[(Method.ORAL, Method.ORAL.label), (Method.WRITTEN, Method.WRITTEN.label)],
        widget=forms.RadioSelect,
    )
    evidence = forms.FileField(
        label=_("Signed withdrawal (scan or photo)"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most %(size)s MB. Kept encrypted.")
        % {"size": settings.RELAIS_EVIDENCE_MAX_BYTES // (1024 * 1024)},
    )
