"""How many approvals a reply needs: one, or two from different people when a source that heard the mention
requires a second approval. The setting lives on the Source; the first approval on the Reply."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import Mention, MentionSource, Reply, ReplyStatus, Source, User, record_event


@dataclass(frozen=True)
class ApprovalProgress:
    required: int  # 1 or 2
    given: int  # approvals the current text has
    first_approver_id: int | None

    @property
    def label(self) -> str:
        return f"{self.given} of {self.required} approvals"

    @property
    def awaiting_second(self) -> bool:
        return self.required == 2 and self.given == 1


def requires_second_approval(session: Session, mention_id: int) -> bool:
    """True when any source that heard the mention (its first source or one linked later) requires it:
    the stricter setting wins, so adding a source can never loosen the review a mention gets."""
    primary = select(Mention.source_id).where(Mention.id == mention_id).scalar_subquery()
    heard_by = select(MentionSource.source_id).where(MentionSource.mention_id == mention_id)
    statement = select(Source.id).where(col(Source.require_second_approval),
                                        sa.or_(col(Source.id) == primary, col(Source.id).in_(heard_by)))
    return session.exec(statement.limit(1)).first() is not None


def approval_progress(session: Session, reply: Reply) -> ApprovalProgress:
    required = 2 if requires_second_approval(session, reply.mention_id) else 1
    if reply.approved_by_id is not None and reply.status != ReplyStatus.draft.value:
        return ApprovalProgress(required, required, reply.first_approved_by_id)
    given = 1 if required == 2 and reply.first_approved_by_id is not None else 0
    return ApprovalProgress(required, given, reply.first_approved_by_id)


def set_second_approval(session: Session, source: Source, required: bool, *, actor: User) -> bool:
    """Returns whether anything changed. Replies already approved once keep that approval either way."""
    if source.require_second_approval == required:
        return False
    source.require_second_approval = required
    session.add(source)
    record_event(session, "source.second_approval_required" if required else "source.second_approval_dropped",
                 actor=actor, source_id=source.id, name=source.name)
    session.flush()
    return True
