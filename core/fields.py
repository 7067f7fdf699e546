"""A model field kept encrypted at rest (R8), for any app's models."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup
from django.db.models.expressions import Expression

from core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as AES-256-GCM ciphertext; the rest of the code sees only plaintext.

    Empty values stay empty so that an absent phone number costs nothing and says nothing more than
    the field's absence.
    """

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        self.label = f"{cls._meta.label}.{name}"

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if not value:
            return value
        return crypto.decrypt(value, self.label)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value, self.label)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        # Ciphertext is randomised: only emptiness can be queried.
        if lookup_name not in ("exact", "isnull"):
            return None
        return super().get_lookup(lookup_name)
