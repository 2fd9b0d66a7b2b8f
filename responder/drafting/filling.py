"""Filling in a draft's prompted fields ({?order number}) and its {agent} signature before approval.

This is data entry the saved reply asked for, not authorship: it does not make the approver the draft's
last editor, so the four-eyes rule still lets them approve. That is why a value is held to one short line
without braces (responder.drafting.variables.clean_prompt_value): it cannot carry new sentences or placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from models import Reply, ReplyStatus, User, record_event
from responder.drafting.variables import TemplateInvalid, fill_agent, fill_prompts, unfilled_prompts
from responder.replies.service import ReplyStateError, StaleReplyError
from responder.replies.states import bump


def fill_in(session: Session, reply: Reply, values: Mapping[str, str], *, user: User,
            expected_version: int) -> list[str]:
    """Fill the given prompted fields (label -> value) and sign {agent} as `user`. Returns the labels that
    are still unfilled. Raises ReplyStateError (TemplateInvalid for a bad value) and StaleReplyError."""
    if reply.status != ReplyStatus.draft.value:
        raise ReplyStateError(f"reply {reply.id} is {reply.status}; only a draft can be filled in")
    if reply.version != expected_version:
        raise StaleReplyError(reply, expected_version)
    try:
        text = fill_agent(fill_prompts(reply.text, values), user)
    except TemplateInvalid as error:
        raise ReplyStateError(str(error)) from None
    if text == reply.text:
        return unfilled_prompts(text)
    filled = [label for label in unfilled_prompts(reply.text) if label not in unfilled_prompts(text)]
    # A first approval (two-approval sources) was given to other words: like an edit, filling in clears it.
    cleared = reply.first_approved_by_id is not None
    reply.first_approved_by_id = None
    reply.first_approved_at = None
    reply.text = text
    bump(reply)
    record_event(session, "reply.filled_in", actor=user, mention_id=reply.mention_id, reply_id=reply.id,
                 text=text, fields=filled, version=reply.version,
                 **({"first_approval_cleared": True} if cleared else {}))
    return unfilled_prompts(text)
