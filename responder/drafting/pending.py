"""Drafting for scored mentions: the step after scoring, run by the `earful.draft_pending` task on the `post` queue.

Scoring leaves a mention `new` with its scores (models.mention.awaiting_draft); drafting decides needs_reply (with a
draft) or no_reply. Each mention is claimed with a conditional UPDATE before it is drafted, so a second delivery of
the task, or two drafting runs at once, never draft one mention twice.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from models import Mention, MentionStatus
from models.db import session_scope
from models.mention import awaiting_draft
from responder.drafting.variables import Workspace
from responder.replies.service import draft_reply

log = logging.getLogger(__name__)

ROUND_SIZE = 200
MAX_ROUNDS = 200


def awaiting_ids(session: Session, limit: int) -> list[int]:
    statement = select(Mention.id).where(awaiting_draft()).order_by(col(Mention.id)).limit(limit)
    return [mention_id for mention_id in session.exec(statement) if mention_id is not None]


def claim(session: Session, mention_id: int) -> bool:
    """Take the mention out of awaiting_draft; False when another run took it (or it was edited) meanwhile."""
    statement = (sa.update(Mention).where(col(Mention.id) == mention_id, awaiting_draft())
                 .values(status=MentionStatus.needs_reply.value))
    return session.exec(statement.execution_options(synchronize_session=False)).rowcount == 1


def draft_round(factory: sessionmaker[Session], *, limit: int, brand: str | Workspace) -> tuple[int, int]:
    """One unit of work: up to `limit` scored mentions decided; returns (mentions decided, drafts written)."""
    with session_scope(factory) as session:
        claimed = [mention_id for mention_id in awaiting_ids(session, limit) if claim(session, mention_id)]
        drafts = [draft_reply(session, session.get_one(Mention, mention_id), brand=brand) for mention_id in claimed]
    return len(claimed), sum(draft is not None for draft in drafts)


def draft_pending(factory: sessionmaker[Session], *, brand: str | Workspace, limit: int = ROUND_SIZE) -> int:
    """Every scored mention still waiting for drafting, a round at a time; returns how many were decided."""
    decided = drafted = 0
    for _ in range(MAX_ROUNDS):
        mentions, replies = draft_round(factory, limit=limit, brand=brand)
        decided, drafted = decided + mentions, drafted + replies
        if mentions < limit:
            break
    log.info("drafting done mentions=%d drafts=%d no_draft=%d", decided, drafted, decided - drafted)
    return decided
