"""Who is present when a worker acts for another team than their own (issue 21, item 14).

Recording a consent for another team, or starting another team's follow-up (an addiction centre's,
say), speaks for the person towards people the worker does not work with. It must not take one
click without the person: the worker says who is present and confirms, and what they said is on
the record (the receipt, the event). For one of the worker's own teams nothing more is asked.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.domain_errors import Invalid


class Presence(models.TextChoices):
    IN_PERSON = "in_person", gettext_lazy("The person, in person")
    BY_PHONE = "by_phone", gettext_lazy("The person, by phone")
    REPRESENTATIVE = "representative", gettext_lazy("Their representative")


def presence_for(*, own_team: bool, presence: str | None, confirmed: bool) -> str:
    """The presence to record (a ``Presence`` value, or "" for one of the worker's own teams), or
    a 400 that names each missing field: who is present, and the confirmation."""
    if own_team:
        return ""
    errors: dict[str, list[str]] = {}
    if presence not in Presence.values:
        errors["presence"] = [_("Say who is present: this team is not yours, so the person must be asked.")]
    if not confirmed:
        errors["confirmed"] = [
            _("Confirm that the person (or their representative) asks for it, for a team not yours.")
        ]
    if errors:
        field, messages = next(iter(errors.items()))
        exc = Invalid(field, messages[0])
        exc.detail = errors
        raise exc
    return str(presence)


def asked_by_the_person(*, presence: str | None, confirmed: bool) -> str:
    """What the person says of their own record through a worker (whom they keep out, whom they let
    back): the worker says who is present and confirms that the person asks it; the ``Presence``
    value to record, or a 400 that names each missing field."""
    errors: dict[str, list[str]] = {}
    if presence not in Presence.values:
        errors["presence"] = [_("Say who is present: only the person decides this.")]
    if not confirmed:
        errors["confirmed"] = [_("Confirm that the person (or their representative) asks for it.")]
    if errors:
        field, messages = next(iter(errors.items()))
        exc = Invalid(field, messages[0])
        exc.detail = errors
        raise exc
    return str(presence)


# The two questions, asked alike by the consent's and the follow-up's forms and API (one wording).


ANOTHER_TEAMS_HELP = gettext_lazy("Asked for a team that is not yours: the person must be asked.")
ANOTHER_TEAMS_CONFIRMATION = gettext_lazy(
    "I confirm: the person (or their representative) asks for it, for this team."
)


def presence_form_field(help_text: Any = ANOTHER_TEAMS_HELP) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=gettext_lazy("Who is present?"),
        choices=Presence.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def confirmed_form_field(label: Any = ANOTHER_TEAMS_CONFIRMATION) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False)


def presence_input_field(
    help_text: str = "Who is present. Required, with `confirmed`, for a team that is not one of yours.",
) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Presence.choices, required=False, allow_null=True, default=None, help_text=help_text
    )


def confirmed_input_field(
    help_text: str = "The person (or their representative) asks for it: required for a team not yours.",
) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, default=False, help_text=help_text)
