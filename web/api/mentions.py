"""Read-only mention endpoints: the queue as pages, and one mention with its reply and audit trail."""

from __future__ import annotations

from sqlmodel import Session

from inbox.queue.detail import mention_detail
from inbox.queue.filters import QueueFilters
from inbox.queue.queries import queue_page
from models import Mention
from web.api.cursors import decode_cursor, encode_cursor
from web.api.errors import ApiError
from web.api.routing import operation
from web.api.schemas import (
    AuditEventOut,
    MentionDetailOut,
    MentionListItem,
    MentionOut,
    MentionPage,
    MentionQuery,
    ReplyOut,
)
from web.db import db_session


@operation("GET", "/mentions", summary="List mentions in one queue tab, newest first", tag="mentions",
           response=MentionPage, query=MentionQuery)
def list_mentions(*, query: MentionQuery) -> MentionPage:
    asks = None if query.question is None else query.question == "yes"
    filters = QueueFilters(tab=query.status, sort=query.sort, network=query.network, sentiment=query.sentiment,
                           language=query.language, question=asks)
    page = queue_page(db_session(), filters, after=decode_cursor(query.cursor, query.sort), limit=query.limit)
    items = [MentionListItem.model_validate({**MentionOut.model_validate(row.mention).model_dump(),
                                             "reply_status": row.reply_status}) for row in page.rows]
    next_cursor = encode_cursor(page.next_cursor) if page.next_cursor else None
    return MentionPage(items=items, next_cursor=next_cursor)


@operation("GET", "/mentions/{mention_id}", summary="One mention with its reply and audit trail",
           tag="mentions", response=MentionDetailOut)
def get_mention(mention_id: int) -> MentionDetailOut:
    session = db_session()
    detail = mention_detail(session, find_mention(session, mention_id))
    reply = detail.reply or detail.last_closed
    return MentionDetailOut(mention=MentionOut.model_validate(detail.mention),
                            reply=ReplyOut.model_validate(reply) if reply else None,
                            audit=[AuditEventOut.model_validate(event) for event in detail.events])


def find_mention(session: Session, mention_id: int) -> Mention:
    mention = session.get(Mention, mention_id)
    if mention is None:
        raise ApiError(404, "not_found", "No such mention.")
    return mention
