"""The queue's filters and search as SQL conditions on Mention; the tab and sort are chosen alongside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.sql.elements import Grouping
from sqlmodel import col

from inbox.queue.cursor import QueueSort
from inbox.queue.tabs import QueueTab
from models import Mention, MentionSource
from models.cjk_search import contains_cjk_bigrams, needs_bigrams
from models.complaint import COMPLAINT_THRESHOLD
from models.mention import search_document

UNASSIGNED = "none"


@dataclass(frozen=True)
class QueueFilters:
    tab: QueueTab = QueueTab.needs_reply
    sort: QueueSort = QueueSort.newest
    network: str | None = None
    source_id: int | None = None
    sentiment: str | None = None
    complaint: bool | None = None
    question: bool | None = None  # Mention.question: the text asks something
    topic: str | None = None
    language: str | None = None
    rating: int | None = None
    assignee: str | None = None  # a user id, or UNASSIGNED
    since: date | None = None
    until: date | None = None  # inclusive
    q: str | None = None

    def url_args(self) -> dict[str, str]:
        """Everything but the tab as query-string values, so tab, sort and page links keep the filters."""
        values = {
            "network": self.network, "source": _text(self.source_id), "sentiment": self.sentiment,
            "complaint": _yes_no(self.complaint), "question": _yes_no(self.question),
            "topic": self.topic, "language": self.language, "rating": _text(self.rating),
            "assignee": self.assignee, "since": _text(self.since), "until": _text(self.until), "q": self.q,
            "sort": None if self.sort is QueueSort.newest else self.sort.value,
        }
        return {name: value for name, value in values.items() if value}

    def narrows(self) -> bool:
        return bool({name for name in self.url_args() if name != "sort"})


def filter_conditions(filters: QueueFilters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    equal = {col(Mention.network): filters.network, col(Mention.sentiment): filters.sentiment,
             col(Mention.language): filters.language, col(Mention.rating): filters.rating}
    conditions.extend(column == value for column, value in equal.items() if value is not None)
    if filters.source_id is not None:
        conditions.append(_heard_by(filters.source_id))
    if filters.complaint is not None:
        score = col(Mention.complaint)
        conditions.append(score >= COMPLAINT_THRESHOLD if filters.complaint
                          else sa.or_(score < COMPLAINT_THRESHOLD, score.is_(None)))
    if filters.question is not None:
        # "no" takes the unscored and those scored before the column existed too, as the complaint filter does.
        asks = col(Mention.question)
        conditions.append(asks.is_(True) if filters.question else asks.is_not(True))
    if filters.topic:
        # Portable across SQLite and PostgreSQL json: the stored list's text contains the quoted name.
        # The topic is validated to [a-z0-9_-], so it needs no LIKE escaping.
        conditions.append(sa.cast(col(Mention.topics), sa.Text).like(f'%"{filters.topic}"%'))
    if filters.assignee == UNASSIGNED:
        conditions.append(col(Mention.assignee_id).is_(None))
    elif filters.assignee:
        conditions.append(col(Mention.assignee_id) == int(filters.assignee))
    conditions.extend(_date_range(filters.since, filters.until))
    if filters.q:
        conditions.append(_search(filters.q))
    return conditions


def _heard_by(source_id: int) -> sa.ColumnElement[bool]:
    linked = sa.exists().where(col(MentionSource.mention_id) == col(Mention.id),
                               col(MentionSource.source_id) == source_id)
    return sa.or_(col(Mention.source_id) == source_id, linked)


def _date_range(since: date | None, until: date | None) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if since is not None:
        conditions.append(col(Mention.created_at) >= _midnight(since))
    if until is not None:
        conditions.append(col(Mention.created_at) < _midnight(until + timedelta(days=1)))
    return conditions


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _search(q: str) -> sa.ColumnElement[bool]:
    """Case-insensitive substring of text, title or author (ILIKE on PostgreSQL, served by a trigram index, or
    for a two-character CJK word by the CJK bigram index; lower() LIKE on SQLite)."""
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    contains = search_document().ilike(pattern, escape="\\")
    pairs = needs_bigrams(q)
    if not pairs:
        return contains
    return sa.and_(contains_cjk_bigrams(Grouping(search_document()), *(sa.literal(pair) for pair in pairs)), contains)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _text(value: object) -> str | None:
    return None if value is None else str(value)
