"""Earful's tables. Importing this package registers every table on SQLModel.metadata."""

from models.audit import AuditEvent, record_event
from models.mention import Mention, MentionStatus
from models.reply import OPEN_REPLY_STATUSES, Reply, ReplyStatus, SavedReply
from models.source import Source
from models.user import ROLE_RANK, Role, User

__all__ = [
    "OPEN_REPLY_STATUSES",
    "ROLE_RANK",
    "AuditEvent",
    "Mention",
    "MentionStatus",
    "Reply",
    "ReplyStatus",
    "Role",
    "SavedReply",
    "Source",
    "User",
    "record_event",
]
