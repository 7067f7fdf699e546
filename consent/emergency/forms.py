"""The forms of an emergency access: a member breaks the glass; an auditor reviews it."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _


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
    """An emergency access, as a member asks for it (``consent.emergency``). The teams and kinds shown
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
