"""Staff accounts, their roles, API tokens and login sessions; the counters that throttle logins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.base import utc_column, utcnow


class Role(StrEnum):
    viewer = "viewer"
    agent = "agent"
    approver = "approver"
    admin = "admin"


ROLE_RANK = {Role.viewer: 0, Role.agent: 1, Role.approver: 2, Role.admin: 3}


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.agent.value, max_length=16)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    # An IANA zone the pages show times in; None: the workspace's (Settings.workspace_timezone).
    time_zone: str | None = Field(default=None, max_length=64)

    def has_role(self, needed: Role) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[needed]


class ApiToken(SQLModel, table=True):
    """A per-user token for /api/v1. Only its SHA-256 is stored; the token is shown once at creation."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=120)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=utc_column())
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column())


class UserSession(SQLModel, table=True):
    """One login. The browser's session cookie holds a random token; only its SHA-256 is stored, and a session
    whose row is revoked (logout, password change, deactivation, an admin's sign-out) no longer opens a page."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column())


class RateLimitCounter(SQLModel, table=True):
    """A fixed-window counter for login throttling when no Redis is configured (inbox.auth.counters).

    Times are epoch seconds, as the limits library that the Redis store comes from reports them.
    """

    __tablename__ = "rate_limit_counter"

    key: str = Field(max_length=255, primary_key=True)
    count: int
    expires_at: float = Field(index=True)
