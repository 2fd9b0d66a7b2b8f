from collections.abc import Callable
from datetime import datetime, timezone

from sqlmodel import Session

from models import Mention, Reply
from reports.kpis import SentimentCount, response_rate, sentiment_by_network

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
    db_session.add(Reply(mention_id=answered.id, text="thanks", status="posted"))
    db_session.flush()
    assert response_rate(db_session, since=SINCE, until=UNTIL) == 0.5
