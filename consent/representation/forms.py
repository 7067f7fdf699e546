"""The forms a worker fills in to name, or end, someone who acts for a person."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _


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
