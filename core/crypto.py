"""Authenticated encryption of fields at rest (R8).

A stored value reads ``v1:<key id>:<base64(nonce || ciphertext+tag)>``. The newest configured key
encrypts; the key named in the value decrypts, so no key is ever tried at random. The field's
label (``app.Model.field``) is bound as associated data, so a value moved to another column fails
to decrypt instead of being read as something else.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1"


class CryptoError(Exception):
    """Base of the errors that mean "this value cannot be read with the configured keys"."""


class UnknownKey(CryptoError):
    pass


class DecryptionFailed(CryptoError):
    pass


@lru_cache(maxsize=8)
def _ciphers(keys: tuple[tuple[str, bytes], ...]) -> dict[str, AESGCM]:
    return {key_id: AESGCM(key) for key_id, key in keys}


def _keys() -> tuple[tuple[str, bytes], ...]:
    return settings.RELAIS_FIELD_KEYS


def newest_key_id() -> str:
    return _keys()[0][0]


def encrypt(plaintext: str, label: str) -> str:
    key_id = newest_key_id()
    nonce = os.urandom(12)
    sealed = _ciphers(_keys())[key_id].encrypt(nonce, plaintext.encode(), label.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(stored: str) -> str:
    prefix, _, rest = stored.partition(":")
    key_id, sep, _ = rest.partition(":")
    if prefix != PREFIX or not sep:
        raise DecryptionFailed("The stored value is not an encrypted value of this service.")
    return key_id


def decrypt(stored: str, label: str) -> str:
    key_id = key_id_of(stored)
    cipher = _ciphers(_keys()).get(key_id)
    if cipher is None:
        raise UnknownKey(
            f"{label} was encrypted with key {key_id!r}, which RELAIS_FIELD_KEYS does not hold. "
            "Add that key (after the newest) to read it."
        )
    blob = base64.b64decode(stored.split(":", 2)[2])
    try:
        return cipher.decrypt(blob[:12], blob[12:], label.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionFailed(
            f"{label} cannot be decrypted with key {key_id!r}: the key is wrong or the value was altered."
        ) from exc
