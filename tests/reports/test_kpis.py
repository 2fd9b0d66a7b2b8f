from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session

from models import Mention, Reply
from reports.kpis import ResponseTime, SentimentCount, response_rate, response_time, sentiment_by_network

SINCE = datetime(2026, 11, 1, tzinfo=timezone.utc)
UNTIL = datetime(2026, 12, 1, tzinfo=timezone.utc)


def test_sentiment_counts_per_network(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    make_mention(network="x", sentiment="negative")
    make_mention(network="x", sentiment="negative")
    make_mention(network="appstore", sentiment="positive")
    make_mention(network="x", sentiment=None)
    make_mention(network="x", sentiment="positive", created_at=datetime(2026, 10, 1, tzinfo=timezone.utc))
    assert sentiment_by_network(db_session, since=SINCE, until=UNTIL) == [
        SentimentCount("appstore", "positive", 1), SentimentCount("x", "negative", 2)]


def test_response_rate_counts_posted_replies(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    assert response_rate(db_session, since=SINCE, until=UNTIL) is None
    answered = make_mention(status="replied")
    make_mention(status="needs_reply")
    make_mention(status="no_reply")
    db_session.add(Reply(mention_id=answered.id, text="thanks", status="posted", posted_at=answered.created_at))
    db_session.flush()
    assert response_rate(db_session, since=SINCE, until=UNTIL) == 0.5


def _posted(db_session: Session, mention: Mention, hours: float, status: str = "posted") -> None:
    db_session.add(Reply(mention_id=mention.id, text="thanks", status=status,
                         posted_at=mention.created_at + timedelta(hours=hours)))
    db_session.flush()


def test_response_time_median_and_p90_in_hours(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    assert response_time(db_session, since=SINCE, until=UNTIL) == ResponseTime(0, None, None)
    for hours in (1, 2, 3, 4, 10):
        _posted(db_session, make_mention(status="replied"), hours)
    make_mention(status="needs_reply")  # not answered: not counted
    _posted(db_session, make_mention(), 50, status="approved")  # not posted yet
    _posted(db_session, make_mention(created_at=datetime(2026, 10, 1, tzinfo=timezone.utc)), 99)  # outside
    result = response_time(db_session, since=SINCE, until=UNTIL)
    assert result.count == 5
    assert result.median_hours == pytest.approx(3.0, abs=1e-3)
    assert result.p90_hours == pytest.approx(7.6, abs=1e-3)  # numpy.percentile([1, 2, 3, 4, 10], 90)


def test_response_time_uses_the_first_posted_reply(db_session: Session,
                                                   make_mention: Callable[..., Mention]) -> None:
    mention = make_mention(status="replied")
    _posted(db_session, mention, 0.5)
    _posted(db_session, mention, 30)
    result = response_time(db_session, since=SINCE, until=UNTIL)
    assert (result.count, result.median_hours, result.p90_hours) == (1, pytest.approx(0.5, abs=1e-3),
                                                                     pytest.approx(0.5, abs=1e-3))
