"""Kept for the migrations that name ``records.fields.EncryptedTextField``; the field is ``core.fields``."""

from core.fields import EncryptedTextField

__all__ = ["EncryptedTextField"]
