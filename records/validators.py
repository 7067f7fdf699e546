"""Checks on what a worker types about a person, shared by the forms, the API and the services, so
that a page, a call and a command refuse the same things with the same words."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

OLDEST_BIRTH = date(1900, 1, 1)
BIRTH_DATE_MESSAGE = _("A birth date between 1900 and today.")


def validate_birth_date(value: date | None) -> None:
    if value is not None and not OLDEST_BIRTH <= value <= timezone.localdate():
        raise ValidationError(BIRTH_DATE_MESSAGE, code="birth_date")
