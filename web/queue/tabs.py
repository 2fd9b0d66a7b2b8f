"""The queue's tabs: each mention is in exactly one, decided by one SQL CASE shared by lists and counts."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import col

from models import Mention, MentionStatus, Reply, ReplyStatus


class QueueTab(StrEnum):
    needs_reply = "needs_reply"
    awaiting = "awaiting"
    approved = "approved"
    manual = "manual"
    posted = "posted"
    ignored = "ignored"
    no_reply = "no_reply"


TAB_LABELS = {
    QueueTab.needs_reply: "Needs reply",
    QueueTab.awaiting: "Awaiting approval",
    QueueTab.approved: "Approved",
    QueueTab.manual: "Ready to paste",
    QueueTab.posted: "Posted",
    QueueTab.ignored: "Ignored",
    QueueTab.no_reply: "No reply needed",
}

IN_FLIGHT = (ReplyStatus.approved.value, ReplyStatus.posting.value, ReplyStatus.unknown.value)


def has_reply_in(*statuses: str) -> sa.ColumnElement[bool]:
    return sa.exists().where(col(Reply.mention_id) == col(Mention.id), col(Reply.status).in_(statuses))


def stage() -> sa.ColumnElement[str]:
    """The tab a mention belongs to; the order of the branches is the precedence between them."""
    status = col(Mention.status)
    return sa.case(
        (status == MentionStatus.ignored.value, QueueTab.ignored.value),
        (status == MentionStatus.replied.value, QueueTab.posted.value),
        (has_reply_in(ReplyStatus.manual.value), QueueTab.manual.value),
        (has_reply_in(*IN_FLIGHT), QueueTab.approved.value),
        (has_reply_in(ReplyStatus.draft.value), QueueTab.awaiting.value),
        (status == MentionStatus.needs_reply.value, QueueTab.needs_reply.value),
        (status == MentionStatus.no_reply.value, QueueTab.no_reply.value),
        else_="new",
    )


def tab_condition(tab: QueueTab) -> sa.ColumnElement[bool]:
    # The cheap indexed pre-filter narrows the rows before the CASE decides precedence.
    return sa.and_(_prefilter(tab), stage() == tab.value)


def _prefilter(tab: QueueTab) -> sa.ColumnElement[bool]:
    if tab is QueueTab.awaiting:
        return has_reply_in(ReplyStatus.draft.value)
    if tab is QueueTab.approved:
        return has_reply_in(*IN_FLIGHT)
    if tab is QueueTab.manual:
        return has_reply_in(ReplyStatus.manual.value)
    mention_status = {
        QueueTab.needs_reply: MentionStatus.needs_reply,
        QueueTab.posted: MentionStatus.replied,
        QueueTab.ignored: MentionStatus.ignored,
        QueueTab.no_reply: MentionStatus.no_reply,
    }[tab]
    return col(Mention.status) == mention_status.value
