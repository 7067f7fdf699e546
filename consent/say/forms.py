"""The forms of the person's say: whom to keep out of the record, and whom to hide a note from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from web.presence import confirmed_form_field, presence_form_field

EVERY_OTHER_TEAM = ""  # the hiding's choice that names no team: every team but the author's


def _presence() -> forms.ChoiceField:
    return presence_form_field(help_text=_("Only the person decides this: they are asked, here and now."))


def _confirmed() -> forms.BooleanField:
    return confirmed_form_field(label=_("I confirm: the person (or their representative) asks for it."))


class KeepOutForm(forms.Form):
    """Whom to keep out: one member of a following team. The service checks the member: the choices
    only show whom the person may name. Through a worker, who is present and the confirmation (the
    person's own space asks neither)."""

    member = forms.IntegerField(
        label=_("Who must not read the record"), min_value=1, max_value=2**63 - 1, widget=forms.RadioSelect
    )
    presence = _presence()
    confirmed = _confirmed()

    def __init__(self, *args: Any, members: Sequence[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.offer(members)

    def offer(self, members: Sequence[tuple[int, str]]) -> KeepOutForm:
        cast(forms.RadioSelect, self.fields["member"].widget).choices = members
        return self


class LetBackForm(forms.Form):
    """Through a worker: who is present, and the confirmation that the person lets the member back."""

    presence = _presence()
    confirmed = _confirmed()


class HideForm(forms.Form):
    """Whom to hide a note from: every team but its author's (the first choice, empty), or one team.
    The service checks the team: the choices only show what the person may pick."""

    team = forms.IntegerField(
        label=_("Hide it from"), required=False, min_value=1, max_value=2**63 - 1, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, teams: Sequence[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.offer(teams)
        self.fields["team"].initial = EVERY_OTHER_TEAM

    def offer(self, teams: Sequence[tuple[int, str]]) -> HideForm:
        """Show these teams as choices (a form sent back with its error is shown with them too)."""
        choices = [(EVERY_OTHER_TEAM, _("every team, except the team that wrote it")), *teams]
        cast(forms.RadioSelect, self.fields["team"].widget).choices = choices
        return self
