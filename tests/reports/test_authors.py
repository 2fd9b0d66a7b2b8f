"""An author's earlier mentions, and the repeat-complainer rule: at least 2 complaints in 30 days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session

from models import Mention
from models.base import utcnow
from reports.authors import author_history, repeat_complainers


def test_earlier_mentions_newest_first_same_network_and_author(db_session: Session,
                                                               make_mention: Callable[..., Mention]) -> None:
    now = utcnow()
    older = make_mention(author_id="u1", created_at=now - timedelta(days=3))
    old = make_mention(author_id="u1", created_at=now - timedelta(days=2))
    mention = make_mention(author_id="u1", created_at=now - timedelta(days=1))
    make_mention(author_id="u1", created_at=now)  # later: not "earlier"
    make_mention(author_id="u1", network="reddit", created_at=now - timedelta(days=2))  # another network
    make_mention(author_id="u2", created_at=now - timedelta(days=2))
    history = author_history(db_session, mention)
    assert history is not None and history.earlier == [old, older]
    assert author_history(db_session, mention, limit=1).earlier == [old]  # type: ignore[union-attr]
    assert author_history(db_session, make_mention(author_id=None)) is None


def test_two_complaints_in_thirty_days_make_a_repeat_complainer(db_session: Session,
                                                                make_mention: Callable[..., Mention]) -> None:
    now = utcnow()
    first = make_mention(author_id="c1", complaint=0.9, created_at=now - timedelta(days=20))
    second = make_mention(author_id="c1", complaint=0.6, created_at=now - timedelta(days=1))
    make_mention(author_id="c2", complaint=0.9, created_at=now - timedelta(days=40))  # too long ago
    make_mention(author_id="c2", complaint=0.9, created_at=now - timedelta(days=2))
    make_mention(author_id="c3", complaint=0.2, created_at=now - timedelta(days=2))  # not a complaint
    make_mention(author_id="c3", complaint=0.9, created_at=now - timedelta(days=2))
    make_mention(author_id="c4", complaint=0.9, created_at=now - timedelta(days=2))
    make_mention(author_id="c4", complaint=0.9, created_at=now - timedelta(days=2), network="reddit")
    authors = [("x", "c1"), ("x", "c2"), ("x", "c3"), ("x", "c4"), ("x", None)]
    assert repeat_complainers(db_session, authors, now=now) == {("x", "c1")}
    history = author_history(db_session, second, now=now)
    assert history is not None and history.repeat_complainer and history.complaints_in_window == 2
    assert history.earlier == [first]
    assert repeat_complainers(db_session, [("x", "c1")], now=now + timedelta(days=11)) == set()
    assert repeat_complainers(db_session, []) == set()


def test_a_grouped_duplicate_is_not_a_second_complaint(db_session: Session,
                                                       make_mention: Callable[..., Mention]) -> None:
    now = utcnow()
    original = make_mention(author_id="d1", complaint=0.9, created_at=now - timedelta(days=1))
    make_mention(author_id="d1", complaint=0.9, created_at=now, duplicate_of_id=original.id)
    assert repeat_complainers(db_session, [("x", "d1")], now=now) == set()
