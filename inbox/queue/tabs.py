"""The queue's tabs: each mention is in exactly one, by its status and the replies in progress on it."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import col

from models import Mention, MentionStatus, Reply, ReplyStatus
from models.mention import CLOSED_STATUSES, is_open, sql_constant
from models.reply_states import ON_ITS_WAY


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

# What the bulk bar offers on each tab: only what can succeed there. A reply on its way (approved, ready to
# paste) locks its mention against ignoring, and only drafts awaiting approval can be approved.
BULK_ACTIONS: dict[QueueTab, tuple[str, ...]] = {
    QueueTab.needs_reply: ("assign", "ignore"),
    QueueTab.awaiting: ("assign", "ignore", "approve"),
    QueueTab.approved: ("assign",),
    QueueTab.manual: ("assign",),
    QueueTab.posted: (),
    QueueTab.ignored: (),
    QueueTab.no_reply: ("assign", "ignore"),
}

# A reply in progress takes an open mention out of its status tab; the first rung it has decides the tab.
REPLY_LADDER = (
    (QueueTab.manual, (ReplyStatus.manual.value,)),
    (QueueTab.approved, ON_ITS_WAY),
    (QueueTab.awaiting, (ReplyStatus.draft.value,)),
)
IN_PROGRESS = tuple(status for _tab, statuses in REPLY_LADDER for status in statuses)
STATUS_TABS = {
    QueueTab.posted: MentionStatus.replied,
    QueueTab.ignored: MentionStatus.ignored,
    QueueTab.needs_reply: MentionStatus.needs_reply,
    QueueTab.no_reply: MentionStatus.no_reply,
}


def has_reply_in(*statuses: str) -> sa.ColumnElement[bool]:
    return sa.exists().where(col(Reply.mention_id) == col(Mention.id),
                             col(Reply.status).in_([sql_constant(status) for status in statuses]))


def tab_condition(tab: QueueTab) -> sa.ColumnElement[bool]:
    """The mentions in `tab`, as a plain conjunction that one index can serve in sort order.

    Precedence: ignored and replied mentions are in their own tabs whatever their replies; an open mention
    with a reply in progress is in the tab of the first ladder rung it has; otherwise its status decides.
    """
    status = col(Mention.status)
    mention_status = STATUS_TABS.get(tab)
    if mention_status is not None:
        condition = status == sql_constant(mention_status.value)
        return condition if mention_status.value in CLOSED_STATUSES else sa.and_(condition, ~has_reply_in(*IN_PROGRESS))
    rungs = [statuses for _tab, statuses in REPLY_LADDER]
    rung = [ladder_tab for ladder_tab, _statuses in REPLY_LADDER].index(tab)
    higher = [status for statuses in rungs[:rung] for status in statuses]
    conditions = [is_open(), has_reply_in(*rungs[rung])]
    return sa.and_(*conditions, ~has_reply_in(*higher)) if higher else sa.and_(*conditions)


# Approved replies post within minutes and pasted ones are confirmed soon after, so these tabs hold few mentions.
# Walking the open mentions in sort order and probing each for such a reply (the plan the database picks, as it
# assumes the replies are spread evenly over time) reads hundreds of thousands of rows when they are not; starting
# from the replies and sorting the few mentions they name does not depend on where they fall.
FEW_REPLY_TABS = {QueueTab.manual, QueueTab.approved}


def reply_driven(tab: QueueTab) -> tuple[sa.Subquery, sa.ColumnElement[bool]] | None:
    """For a tab of few mentions, what to join its queries to: the distinct mentions with a reply on its rung."""
    if tab not in FEW_REPLY_TABS:
        return None
    statuses = dict(REPLY_LADDER)[tab]
    replies = (sa.select(col(Reply.mention_id)).where(col(Reply.status).in_([sql_constant(s) for s in statuses]))
               .distinct().subquery("few_replies"))
    return replies, replies.c.mention_id == col(Mention.id)
