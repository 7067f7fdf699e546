from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from consent.models import Method
from consent.presence import confirmed_form_field, presence_form_field


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

    def __init__(self, *args, teams=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
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


class _ShownChoice(forms.TypedChoiceField):
    """A choice among what the rules allow, as shown; what is posted is left to the service, which
    decides and records a refusal (a forged or stale choice is an attempt too)."""

    def valid_value(self, value: Any) -> bool:
        return True


class _ShownChoices(forms.MultipleChoiceField):
    """``_ShownChoice``, for several."""

    def valid_value(self, value: Any) -> bool:
        return True


class GlassBreakForm(forms.Form):
    """An emergency access, as a member asks for it (``consent.glass``). The teams and kinds shown
    are those the rules allow; the rules themselves are the service's, and each of their refusals is
    on the record."""

    team = _ShownChoice(label=_("For the team"), coerce=int)
    categories = _ShownChoices(
        label=_("What to open"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the emergency needs: each kind you open is told to the person."),
    )
    reason = forms.ChoiceField(label=_("Reason"), widget=forms.RadioSelect)
    statement = forms.CharField(
        label=_("Why it cannot wait, in a sentence"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    hours = forms.IntegerField(
        label=_("For how many hours"),
        min_value=1,
        max_value=24,
        initial=4,
        help_text=_("4 hours unless you need more; at most 24."),
    )

    def __init__(self, *args: Any, teams=(), categories=(), reasons=(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [(t.pk, t.name) for t in teams]
        cast(forms.ChoiceField, self.fields["categories"]).choices = [(c.code, c.label) for c in categories]
        cast(forms.ChoiceField, self.fields["reason"]).choices = list(reasons)


class GlassReviewForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("What the verdict rests on"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, verdicts=(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["verdict"]).choices = list(verdicts)


class RepresentativeForm(forms.Form):
    """Someone who will act in the portal with, or for, the person, as a worker records it."""

    name = forms.CharField(label=_("Name of the person who will act"), max_length=150)
    kind = forms.ChoiceField(label=_("Their role"), widget=forms.RadioSelect)
    scope = forms.ChoiceField(
        label=_("What they may do"),
        widget=forms.RadioSelect,
        help_text=_("They never read notes, whatever is chosen here."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What proves it: the person's written designation, the court's judgement (date, court)…"),
    )

    def __init__(
        self, *args: Any, kinds: Sequence[tuple[str, Any]], scopes: Sequence[tuple[str, Any]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes


class RepresentativeEndForm(forms.Form):
    """The end of a role, as a worker records it: what proves it ends."""

    evidence = forms.CharField(
        label=_("What proves it ends"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The judgement that lifts the measure, or the person's word (when, to whom)."),
    )


class DisagreementAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer, which the person will read"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
