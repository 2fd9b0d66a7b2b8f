"""OAuth tokens a poster renews by itself (X rotates its refresh token on every renewal), one row per provider.

The tokens are stored sealed with a key derived from SECRET_KEY, so a database dump or backup alone does not
let anyone post as the brand.
"""

from __future__ import annotations

import base64
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column, utcnow

SEAL_INFO = b"earful oauth_token v1"


class OAuthToken(SQLModel, table=True):
    __tablename__ = "oauth_token"

    provider: str = Field(primary_key=True, max_length=32)
    access_token: str = Field(default="", max_length=4000)  # sealed; "" until the first renewal
    refresh_token: str = Field(max_length=4000)  # sealed
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    # SHA-256 digests of every configured refresh token this row was seeded from: only a new one replaces the
    # chain, so a worker still running with an old setting cannot put a dead token back.
    seeds: list[str] = Field(default_factory=list, sa_column=json_column(nullable=False))
    version: int = Field(default=0)  # +1 on every change: the claims are conditional on it
    renewing_until: datetime | None = Field(default=None, sa_column=utc_column())  # a worker's renewal lease
    error: str | None = Field(default=None, max_length=1000)  # why the platform refused; set = poster disabled
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Sealer:
    """Symmetric authenticated encryption (Fernet) under a key derived from the app's secret."""

    def __init__(self, secret: str) -> None:
        if not secret.strip():
            raise ValueError("SECRET_KEY is not set: stored OAuth tokens are sealed with it")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=SEAL_INFO).derive(secret.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode("ascii") if value else ""

    def unseal(self, value: str) -> str:
        """The plain token; ValueError when it was sealed under another SECRET_KEY or altered."""
        if not value:
            return ""
        try:
            return self._fernet.decrypt(value.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as error:
            raise ValueError("a stored token cannot be unsealed with this SECRET_KEY") from error

