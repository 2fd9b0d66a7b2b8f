"""Earful's tables. Importing this package registers every table on SQLModel.metadata."""

from models.audit import AuditEvent, record_event
from models.mention import Mention, MentionSource, MentionStatus
from models.reply import OPEN_REPLY_STATUSES, Reply, ReplyStatus, SavedReply
from models.source import Source
from models.user import ROLE_RANK, ApiToken, Role, User

__all__ = [
    "OPEN_REPLY_STATUSES",
    "ROLE_RANK",
    "ApiToken",
    "AuditEvent",
    "Mention",
    "MentionSource",
    "MentionStatus",
    "Reply",
    "ReplyStatus",
    "Role",
    "SavedReply",
    "Source",
    "User",
    "record_event",
]
