"""Earful's tables. Importing this package registers every table on SQLModel.metadata."""

from models import alert_delivery as _alert_delivery  # noqa: F401  (alert channels and the delivery outbox)
from models import alert_rule as _alert_rule  # noqa: F401  (alert rules, detector state, alerts)
from models import alert_series as _alert_series  # noqa: F401  (alert series buckets, kept incrementally)
from models import drafting_aids as _drafting_aids  # noqa: F401  (FAQ answers and the declared incident)
from models import oauth_token as _oauth_token  # noqa: F401  (the posters' renewed OAuth tokens)
from models import report_digest as _report_digest  # noqa: F401  (scheduled report emails, their deliveries)
from models import report_first_response as _report_first_response  # noqa: F401  (first posted reply per mention)
from models import report_mention_hour as _report_mention_hour  # noqa: F401  (mention counts per hour)
from models import saved_view as _saved_view  # noqa: F401  (a person's saved queue views)
from models import thread_lookup as _thread_lookup  # noqa: F401  (declares the thread lookup index)
from models.audit import AuditEvent, record_event
from models.correction import Correction
from models.lint_rule import LintRule
from models.mention import Mention, MentionSource, MentionStatus
from models.mention_embedding import MentionEmbedding
from models.reply import Reply, SavedReply
from models.reply_states import ReplyStatus
from models.source import Source
from models.topic import Topic
from models.user import ROLE_RANK, ApiToken, Role, User

__all__ = [
    "ROLE_RANK",
    "ApiToken",
    "AuditEvent",
    "Correction",
    "LintRule",
    "Mention",
    "MentionEmbedding",
    "MentionSource",
    "MentionStatus",
    "Reply",
    "ReplyStatus",
    "Role",
    "SavedReply",
    "Source",
    "Topic",
    "User",
    "record_event",
]
