from django.db import models

from relais import crypto


class EncryptedTextField(models.TextField):
    """Text stored as AES-256-GCM ciphertext; the rest of the code sees only plaintext.

    Empty values stay empty so that an absent phone number costs nothing and says nothing more than
    the field's absence.
    """

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        self.label = f"{cls._meta.label}.{name}"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return crypto.decrypt(value, self.label)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value, self.label)

    def get_lookup(self, lookup_name):
        # Ciphertext is randomised: only emptiness can be queried.
        if lookup_name not in ("exact", "isnull"):
            return None
        return super().get_lookup(lookup_name)
