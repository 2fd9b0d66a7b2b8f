"""Asking the optional model to rewrite a draft for its mention. The result is still a draft: the person who
asked becomes its last editor (the four-eyes rule applies to generated words too) and an approver must
approve it before anything is posted."""

from __future__ import annotations

import httpx
from sqlmodel import Session

from models import Mention, Reply, ReplyStatus, User, record_event
from responder.drafting.llm import OUTCOME_PREFIXES, Generated, LlmConfig, generate
from responder.drafting.rules import MAX_REASON
from responder.replies.service import ReplyStateError, StaleReplyError, edit_draft


def assist_draft(session: Session, reply: Reply, mention: Mention, *, config: LlmConfig, client: httpx.Client,
                 user: User, expected_version: int, brand: str) -> Generated:
    """Replace the draft with the model's rewrite, or keep it and say why not (in the reason line too)."""
    if reply.status != ReplyStatus.draft.value:
        raise ReplyStateError(f"reply {reply.id} is {reply.status}; only a draft can be rewritten")
    if reply.version != expected_version:
        raise StaleReplyError(reply, expected_version)
    generated = generate(client, config, mention, reply.text, brand=brand)
    if generated.used_model and generated.text != reply.text:
        edit_draft(session, reply, generated.text, user=user, expected_version=expected_version)
    reply.draft_reason = _with_outcome(reply.draft_reason, generated.reason)
    record_event(session, "reply.assisted", actor=user, mention_id=reply.mention_id, reply_id=reply.id,
                 model=config.model, used_model=generated.used_model, reason=generated.reason)
    return generated


def _with_outcome(reason: str | None, outcome: str) -> str:
    """The reason line keeps only the latest model outcome, however often someone asked."""
    kept = [part for part in (reason or "").split(" · ") if part and not part.startswith(OUTCOME_PREFIXES)]
    return " · ".join([*kept, outcome])[:MAX_REASON]
