"""What the mention page shows: the mention, its current reply with its length and lint, and its audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from inbox.lint import MastodonCount, ReplyLength, mastodon_count, reply_length
from inbox.queue.presence import VIEW_ACTION
from models import AuditEvent, Mention, Reply, User
from models.mention import MentionVersion
from responder.lint.rules import load_rules
from responder.replies.approvals import ApprovalProgress, approval_progress
from responder.replies.service import open_reply

MAX_AUDIT_EVENTS = 500


@dataclass(frozen=True)
class Conflict:
    """A save or approve that lost a race: the stored text and what this user submitted, side by side."""

    stored_text: str
    submitted_text: str


@dataclass(frozen=True)
class MentionDetail:
    mention: Mention
    reply: Reply | None  # the open (or posted) reply; None when the last one was rejected or failed
    last_closed: Reply | None
    events: list[AuditEvent]
    assignee: User | None = None
    length: ReplyLength | None = None
    approvals: ApprovalProgress | None = None  # of the open reply
    first_approver: User | None = None
    versions: tuple[MentionVersion, ...] = ()  # what an edited review said before, newest first
    edited_after_reply: bool = False  # edited after it was answered, and not answered since
    mastodon_count: MastodonCount | None = None  # what the live counter adds to the typed text on Mastodon


def mention_detail(session: Session, mention: Mention) -> MentionDetail:
    reply = open_reply(session, mention)
    last_closed = None if reply is not None else latest_reply(session, mention)
    assignee = session.get(User, mention.assignee_id) if mention.assignee_id else None
    length = reply_length(reply.text, mention.network, author=mention.author, title=mention.title,
                          rules=load_rules(session)) if reply else None
    approvals = approval_progress(session, reply) if reply else None
    first = session.get(User, approvals.first_approver_id) if approvals and approvals.first_approver_id else None
    return MentionDetail(mention, reply, last_closed, audit_trail(session, mention), assignee, length, approvals,
                         first, earlier_versions(session, mention), unanswered_edit(mention, reply),
                         mastodon_count(mention.network, mention.author, mention.title))


def earlier_versions(session: Session, mention: Mention) -> tuple[MentionVersion, ...]:
    statement = (select(MentionVersion).where(MentionVersion.mention_id == mention.id)
                 .order_by(col(MentionVersion.number).desc()))
    return tuple(session.exec(statement).all())


def unanswered_edit(mention: Mention, reply: Reply | None) -> bool:
    """The review changed after it was answered, and no reply has gone out since (the queue card says the same)."""
    edited = mention.edited_after_reply_at
    return edited is not None and not (reply is not None and reply.posted_at is not None and reply.posted_at >= edited)


def latest_reply(session: Session, mention: Mention) -> Reply | None:
    statement = select(Reply).where(Reply.mention_id == mention.id).order_by(col(Reply.id).desc())
    return session.exec(statement).first()


def audit_trail(session: Session, mention: Mention, limit: int = MAX_AUDIT_EVENTS) -> list[AuditEvent]:
    # Views are presence pings, not changes; they would drown the history.
    statement = (select(AuditEvent).where(AuditEvent.mention_id == mention.id, AuditEvent.action != VIEW_ACTION)
                 .order_by(col(AuditEvent.at), col(AuditEvent.id)).limit(limit))
    return list(session.exec(statement).all())
