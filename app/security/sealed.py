"""Columns whose content is sealed (AES-256-GCM) with a key that is not in the database.

Mail in the outbox carries link tokens (the track link, the contractor's link, the
reply address aanvragen+<token>@…) until it is sent, and a failed mail until it
is retried. Stored in clear, a copy of the database (or anyone who can read the
table) could open those pages. Sealed, the database alone opens nothing.

The key is DATA_ENCRYPTION_KEY from the environment (any long random string), or
else derived from SECRET_KEY, which is kept outside the database already
(instance/secret_key): web server and mail worker share it. Rotating it makes
sealed rows unreadable: send or drop pending mail first (docs/operations.md).

Values written before sealing existed (no prefix) are read as they are.
"""
import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.types import TypeDecorator

PREFIX = "sealed:1:"
PREFIX_BYTES = PREFIX.encode()
UNREADABLE = "[sealed with another key: unreadable]"
_NONCE = 12


class UnreadableSeal(ValueError):
    """Sealed with another key (DATA_ENCRYPTION_KEY or SECRET_KEY was changed)."""


def _key():
    secret = current_app.config.get("DATA_ENCRYPTION_KEY") or current_app.config["SECRET_KEY"]
    # A key for this one purpose, so the cookie-signing key is never used to encrypt.
    return hmac.new(str(secret).encode(), b"backoffice: data at rest v1", hashlib.sha256).digest()


def seal_bytes(data):
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(_key()).encrypt(nonce, bytes(data), None)


def open_bytes(blob):
    try:
        return AESGCM(_key()).decrypt(blob[:_NONCE], blob[_NONCE:], None)
    except (InvalidTag, ValueError) as exc:
        raise UnreadableSeal() from exc


def is_sealed(value):
    if isinstance(value, str):
        return value.startswith(PREFIX)
    return isinstance(value, (bytes, bytearray)) and bytes(value).startswith(PREFIX_BYTES)


class SealedText(TypeDecorator):
    """Text stored as "sealed:1:<base64>"; reads back as the text (or UNREADABLE)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        blob = seal_bytes(str(value).encode("utf-8"))
        return PREFIX + base64.urlsafe_b64encode(blob).decode("ascii")

    def process_result_value(self, value, dialect):
        if value is None or not is_sealed(value):
            return value
        try:
            blob = base64.urlsafe_b64decode(value[len(PREFIX):])
            return open_bytes(blob).decode("utf-8")
        except (UnreadableSeal, ValueError):
            return UNREADABLE


class SealedString(SealedText):
    """The same for a length-limited column: n characters take 4/3 × (n + 28) + 9 sealed
    (an address of 150 characters fits in 255)."""

    impl = String
    cache_ok = True


class SealedBinary(TypeDecorator):
    """Bytes stored as b"sealed:1:" + nonce + ciphertext."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return PREFIX_BYTES + seal_bytes(value)

    def process_result_value(self, value, dialect):
        if value is None or not is_sealed(value):
            return value
        try:
            return open_bytes(bytes(value)[len(PREFIX_BYTES):])
        except UnreadableSeal:
            return UNREADABLE.encode()
