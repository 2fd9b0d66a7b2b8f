"""Escalations (an author going to 消費生活センター, 한국소비자원, a lawyer, the card issuer or the press) are never
answered from a saved reply: drafting leaves the reply for a person to write and hands the mention to a lead.

The lead is an active approver (an admin when there is none) with the fewest open mentions assigned, the one
with the lowest id among equals; a mention already assigned to an approver stays with them. ESCALATION_LEAD_EMAIL,
when it names an active approver or admin, overrides both: every escalation goes to that person. The hand-over is
audited as "mention.escalated" with the phrases that triggered it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from models import Mention, Role, User, record_event
from models.mention import is_open
from settings import get_settings


def choose_lead(session: Session) -> User | None:
    for role in (Role.approver, Role.admin):
        load = (select(func.count()).select_from(Mention)
                .where(col(Mention.assignee_id) == col(User.id), is_open()).scalar_subquery())
        statement = (select(User).where(col(User.active), col(User.role) == role.value)
                     .order_by(load, col(User.id)).limit(1))
        lead = session.exec(statement).first()
        if lead is not None:
            return lead
    return None


def configured_lead(session: Session, email: str | None = None) -> User | None:
    """The ESCALATION_LEAD_EMAIL user, when set and an active approver or admin (else the usual rule applies)."""
    wanted = (get_settings().escalation_lead_email if email is None else email).strip().lower()
    if not wanted:
        return None
    user = session.exec(select(User).where(func.lower(col(User.email)) == wanted)).first()
    return user if user is not None and user.active and user.has_role(Role.approver) else None


def route_to_lead(session: Session, mention: Mention, cues: Sequence[str], *,
                  lead_email: str | None = None) -> User | None:
    """Assign the escalated mention to a lead (unless an approver already has it) and record why."""
    current = session.get(User, mention.assignee_id) if mention.assignee_id else None
    lead = configured_lead(session, lead_email)
    if lead is None and current is not None and current.active and current.has_role(Role.approver):
        lead = current
    lead = lead or choose_lead(session)
    if lead is not None:
        mention.assignee_id = lead.id
    record_event(session, "mention.escalated", mention_id=mention.id, assignee=lead.email if lead else None,
                 cues=list(cues)[:10], note="escalation phrases: drafted by a person, not from a saved reply")
    return lead


def lead_load(session: Session, user: User) -> int:
    statement = select(func.count()).select_from(Mention).where(col(Mention.assignee_id) == user.id, is_open())
    return int(session.exec(statement).one())

